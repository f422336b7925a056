"""Evidence bundles: everything an auditor files about one audit, and how to check it later.

A bundle (a ``.zip`` or a directory) holds the estate, policies, waivers and baseline as
read, the facts snapshot, every report the run wrote, ``tool.json`` (drcheck's and its
dependencies' versions) and ``command.json`` (the command line, secrets removed), plus
``manifest.json``: the sha256 and size of every member and what the run needs to be
re-evaluated (``--now``, framework, each report's format). With ``--sign`` the manifest's
SSH signature is ``manifest.json.sig``; as the manifest pins every member's digest, one
signature covers them all.

Zip bundles are deterministic (members sorted, fixed timestamps and modes) and written
atomically; the same run gives the same bytes.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import shutil
import tempfile
import zipfile
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from drcheck.report.output import atomic_write_bytes
from drcheck.shared.errors import ReportError, VerifyError

FORMAT = "drcheck/evidence"
VERSION = 1
MANIFEST = "manifest.json"
SIGNATURE = "manifest.json.sig"
ZIP_TIME = (1980, 1, 1, 0, 0, 0)
MAX_MEMBERS = 10_000
MAX_MEMBER_BYTES = 1024**3
MAX_TOTAL_BYTES = 2 * 1024**3


def sha256(data: bytes) -> str:
    """``sha256:HEX`` of ``data``."""
    return "sha256:" + hashlib.sha256(data).hexdigest()


@dataclass
class Bundle:
    """A bundle being assembled or read: member path → bytes, and the manifest's extras."""

    members: dict[str, bytes] = field(default_factory=dict)
    info: dict[str, Any] = field(default_factory=dict)

    def add(self, role: str, name: str, data: bytes, **extra: Any) -> str:
        """Add a member under ``role/`` (unique name); return its member path."""
        base = Path(name).name or role
        path = f"{role}/{base}" if role else base
        n = 2
        while path in self.members:
            path = f"{role}/{n}-{base}"
            n += 1
        self.members[path] = data
        self.info.setdefault("roles", {})[path] = {"role": role, **extra}
        return path

    def manifest(self) -> bytes:
        """The manifest's canonical JSON."""
        doc = {
            "format": FORMAT, "version": VERSION,
            "members": [{"path": p, "sha256": sha256(d), "size": len(d),
                         **self.info.get("roles", {}).get(p, {})}
                        for p, d in sorted(self.members.items())],
            **{k: v for k, v in self.info.items() if k != "roles"},
        }
        return (json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n").encode()


def _zip_bytes(files: Mapping[str, bytes]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as zf:
        for name in sorted(files):
            info = zipfile.ZipInfo(name, date_time=ZIP_TIME)
            info.compress_type = zipfile.ZIP_DEFLATED
            info.external_attr = 0o100644 << 16
            info.create_system = 3
            zf.writestr(info, files[name], compresslevel=9)
    return buf.getvalue()


def write_bundle(out: Path, bundle: Bundle, signature: str | None) -> None:
    """Write the bundle (zip when ``out`` ends in ``.zip``, else a new directory)."""
    files = dict(bundle.members)
    files[MANIFEST] = bundle.manifest()
    if signature is not None:
        files[SIGNATURE] = signature.encode()
    if out.suffix.lower() == ".zip":
        atomic_write_bytes(out, _zip_bytes(files))
        return
    _write_directory(out, files)


def _write_directory(out: Path, files: Mapping[str, bytes]) -> None:
    if out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise ReportError(f"{out}: exists and is not an empty directory; an evidence bundle "
                          "is never written over another")
    try:
        out.parent.mkdir(parents=True, exist_ok=True)
        tmp = Path(tempfile.mkdtemp(prefix=f".{out.name}.", dir=out.parent))
        try:
            for name, data in files.items():
                target = tmp / name
                target.parent.mkdir(parents=True, exist_ok=True)
                target.write_bytes(data)
            os.replace(tmp, out)
        except BaseException:
            shutil.rmtree(tmp, ignore_errors=True)
            raise
    except OSError as exc:
        raise ReportError(f"{out}: cannot write the bundle: {exc.strerror or exc}") from None


def _read_zip(path: Path) -> dict[str, bytes]:
    try:
        with zipfile.ZipFile(path) as zf:
            infos = zf.infolist()
            if len(infos) > MAX_MEMBERS:
                raise VerifyError(f"{path}: more than {MAX_MEMBERS} members")
            if sum(i.file_size for i in infos) > MAX_TOTAL_BYTES:
                raise VerifyError(f"{path}: members add up to more than {MAX_TOTAL_BYTES} "
                                  "bytes")
            files: dict[str, bytes] = {}
            for info in infos:
                if info.is_dir():
                    continue
                if info.file_size > MAX_MEMBER_BYTES:
                    raise VerifyError(f"{path}: member {info.filename} is larger than "
                                      f"{MAX_MEMBER_BYTES} bytes")
                if info.filename in files:
                    raise VerifyError(f"{path}: member {info.filename} appears twice")
                files[info.filename] = zf.read(info)
            return files
    except (zipfile.BadZipFile, OSError, EOFError) as exc:
        raise VerifyError(f"{path}: not a readable zip file ({exc})") from None


def _read_directory(path: Path) -> dict[str, bytes]:
    files: dict[str, bytes] = {}
    total = 0
    for item in sorted(path.rglob("*")):
        if item.is_symlink():
            raise VerifyError(f"{path}: member {item.relative_to(path)} is a symbolic link")
        if item.is_file():
            total += item.stat().st_size
            if (len(files) >= MAX_MEMBERS or item.stat().st_size > MAX_MEMBER_BYTES
                    or total > MAX_TOTAL_BYTES):
                raise VerifyError(f"{path}: too many or too large members")
            files[item.relative_to(path).as_posix()] = item.read_bytes()
    return files


def read_bundle(path: Path) -> tuple[dict[str, Any], dict[str, bytes], bytes, str | None]:
    """The manifest, the members, the manifest's bytes and its signature (if any).

    Every member is checked against the manifest: a changed, missing or extra member is a
    ``VerifyError`` naming it.
    """
    if not path.exists():
        raise VerifyError(f"{path}: no such bundle")
    files = _read_directory(path) if path.is_dir() else _read_zip(path)
    raw = files.pop(MANIFEST, None)
    if raw is None:
        raise VerifyError(f"{path}: no {MANIFEST}: not an evidence bundle")
    sig = files.pop(SIGNATURE, None)
    try:
        manifest = json.loads(raw)
    except ValueError as exc:
        raise VerifyError(f"{path}: {MANIFEST} is not JSON ({exc})") from None
    if not isinstance(manifest, dict) or manifest.get("format") != FORMAT:
        raise VerifyError(f"{path}: {MANIFEST} is not a {FORMAT} manifest")
    _check_members(path, manifest, files)
    return manifest, files, raw, None if sig is None else sig.decode("ascii", "replace")


def _check_members(path: Path, manifest: Mapping[str, Any], files: Mapping[str, bytes]) -> None:
    listed = {m["path"]: m for m in manifest.get("members", [])}
    for name, entry in sorted(listed.items()):
        data = files.get(name)
        if data is None:
            raise VerifyError(f"{path}: member {name} is missing")
        if sha256(data) != entry.get("sha256") or len(data) != entry.get("size"):
            raise VerifyError(f"{path}: member {name} does not match its sha256 in the "
                              "manifest: it was changed after the bundle was written")
    extra = sorted(set(files) - set(listed))
    if extra:
        raise VerifyError(f"{path}: member {extra[0]} is not in the manifest (added after "
                          "the bundle was written)")
