"""Host-key verification: strict against known_hosts, trust-on-request into drcheck's own file.

``HostKeyStore.verify`` is called with the key the server presented during the handshake,
before any authentication. A key that differs from a known one raises ``HostKeyChangedError``
(a security finding: the host is not probed); a host not found raises ``UnknownHostKeyError``
unless ``trust_new`` is set, in which case the key is recorded in ``trust_file``.
"""

from __future__ import annotations

import os
import threading
from pathlib import Path

import paramiko


class HostKeyError(Exception):
    """Base of host-key refusals; ``code`` is the ProbeIssue code."""

    code = "host-key-error"
    security = False


class UnknownHostKeyError(HostKeyError):
    """The host is in no known_hosts file and trusting new keys was not asked for."""

    code = "unknown-host-key"


class HostKeyChangedError(HostKeyError):
    """The host presented a key that differs from the one on record: possible interception."""

    code = "host-key-changed"
    security = True


def known_hosts_name(hostname: str, port: int) -> str:
    """The name a known_hosts line uses: ``host`` on port 22, ``[host]:port`` otherwise."""
    return hostname if port == 22 else f"[{hostname}]:{port}"


def _load(path: str | None) -> paramiko.HostKeys:
    keys = paramiko.HostKeys()
    if path and os.path.exists(path):
        keys.load(path)
    return keys


class HostKeyStore:
    """The user's known_hosts (read-only) plus drcheck's trust file, shared by all workers."""

    def __init__(self, known_hosts: str | None, trust_file: str | None, trust_new: bool) -> None:
        """Load both files once; ``trust_new`` records unknown keys into ``trust_file``."""
        self._known = _load(_expand(known_hosts))
        self._trust_path = _expand(trust_file)
        self._trusted = _load(self._trust_path)
        self._trust_new = trust_new
        self._lock = threading.Lock()

    def known_types(self, name: str) -> list[str]:
        """Key types on record for ``name`` (to ask the server for those first)."""
        types: list[str] = []
        for keys in (self._known, self._trusted):
            found = keys.lookup(name)
            if found:
                types.extend(t for t in found if t not in types)
        return types

    def status(self, name: str, key: paramiko.PKey) -> str:
        """``known``, ``changed`` (a different key on record) or ``new`` (nothing on record)."""
        with self._lock:
            records = [k for k in (self._known.lookup(name), self._trusted.lookup(name)) if k]
        if any(r.get(key.get_name()) == key for r in records):
            return "known"
        return "changed" if records else "new"

    def record(self, name: str, key: paramiko.PKey) -> None:
        """Write a key the user has verified into the trust file."""
        if not self._trust_path:
            raise HostKeyError("no trust file to record host keys in")
        with self._lock:
            self._record(name, key)

    def verify(self, name: str, key: paramiko.PKey) -> str:
        """Accept ``key`` for ``name`` or raise; returns ``known`` or ``trusted-new``."""
        with self._lock:
            records = [k for k in (self._known.lookup(name), self._trusted.lookup(name)) if k]
            for record in records:
                stored = record.get(key.get_name())
                if stored is not None and stored == key:
                    return "known"
            if records:
                same_type = any(key.get_name() in r for r in records)
                raise HostKeyChangedError(
                    f"host key for {name} does not match the key on record "
                    f"({key.get_name()} {key.fingerprint}"
                    + ("" if same_type else "; only other key types are on record")
                    + "); possible interception, not probed"
                )
            if not self._trust_new or not self._trust_path:
                raise UnknownHostKeyError(
                    f"{name} is not in known_hosts ({key.get_name()} {key.fingerprint}); verify "
                    "the fingerprint, then add it or rerun with trust_new_host_keys"
                )
            self._record(name, key)
            return "trusted-new"

    def _record(self, name: str, key: paramiko.PKey) -> None:
        assert self._trust_path is not None
        self._trusted.add(name, key.get_name(), key)
        path = Path(self._trust_path)
        path.parent.mkdir(parents=True, exist_ok=True)
        with path.open("a", encoding="ascii") as handle:
            handle.write(f"{name} {key.get_name()} {key.get_base64()}\n")


def _expand(path: str | None) -> str | None:
    return os.path.expanduser(path) if path else None
