"""A quick estate from an ssh_config: every concrete ``Host`` alias becomes a host to probe.

Patterns (``*``, ``?``, negations ``!``) are not hosts and are left out; ``Include`` files
are read in place (paramiko alone ignores them); each alias gets the effective settings
OpenSSH would use (``HostName``, ``User``, ``Port``, the first
``IdentityFile``, ``ProxyJump``), defaults from ``Host *`` included, as paramiko resolves them.
"""

from __future__ import annotations

import glob
import os
import re
from pathlib import Path

import paramiko

from drcheck.bounds import read_text
from drcheck.errors import ConfigError, Problem
from drcheck.estate import Estate, HostSpec
from drcheck.importers.mapping import ImportResult, apply_mapping, load_mapping

_PATTERN = re.compile(r"[*?!]")
_SAFE = re.compile(r"[^A-Za-z0-9_.:@/-]")


def _read(path: str) -> str:
    """A config file: a regular file within the input size cap (``drcheck.bounds``)."""
    return read_text(path)


Line = tuple[str, str, int]
"""One config line, the file it is in and its 1-based number."""

MAX_INCLUDE_DEPTH = 16


def _include_paths(pattern: str, including: Path) -> list[Path]:
    """Files an ``Include`` names: relative to ~/.ssh as OpenSSH does, else to the file."""
    expanded = os.path.expanduser(pattern)
    bases = [Path(expanded)] if os.path.isabs(expanded) else [
        Path.home() / ".ssh" / expanded, including.parent / expanded]
    for base in bases:
        found = sorted(Path(p) for p in glob.glob(str(base)) if Path(p).is_file())
        if found:
            return found
    return []


def read_lines(path: Path, depth: int = 0) -> list[Line]:
    """The config's lines with every ``Include`` replaced by the included files' lines."""
    out: list[Line] = []
    for number, line in enumerate(_read(str(path)).splitlines(), start=1):
        words = line.strip().replace("=", " ", 1).split()
        if not words or words[0].lower() != "include":
            out.append((line, str(path), number))
            continue
        if depth >= MAX_INCLUDE_DEPTH:
            raise ConfigError([Problem(str(path), number, None, "",
                                       "Include nested too deeply (a loop?)")])
        for pattern in words[1:]:
            for included in _include_paths(pattern, path):
                out += read_lines(included, depth + 1)
    return out


def host_lines(lines: list[Line]) -> dict[str, tuple[str, int]]:
    """Where the first ``Host`` block naming each concrete alias is (file, line)."""
    found: dict[str, tuple[str, int]] = {}
    for text, file, number in lines:
        words = text.strip().replace("=", " ", 1).split()
        if len(words) >= 2 and words[0].lower() == "host":
            for alias in words[1:]:
                if not _PATTERN.search(alias):
                    found.setdefault(alias.strip('"'), (file, number))
    return found


def _port(value: str | None, file: str, line: int) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError([Problem(file, line, None, "", f"Port {value!r} is not a port number")])
    return int(value)


def host_specs(lines: list[Line]) -> tuple[HostSpec, ...]:
    """One probed host per concrete alias of an ssh_config, in file order."""
    config = paramiko.SSHConfig.from_text("\n".join(text for text, _, _ in lines))
    hosts: list[HostSpec] = []
    for alias, (file, line) in host_lines(lines).items():
        found = config.lookup(alias)
        raw_keys: str | list[str] = found.get("identityfile") or []
        keys = [raw_keys] if isinstance(raw_keys, str) else list(raw_keys)
        name = _SAFE.sub("_", alias)
        hosts.append(HostSpec(
            name=name if name[:1].isalnum() else f"h{name}",
            origin=f"{file}:{line}",
            address=found.get("hostname") or alias,
            port=_port(found.get("port"), file, line),
            user=found.get("user"),
            key_file=os.path.expanduser(keys[0]) if keys else None,
            proxy_jump=found.get("proxyjump"),
        ))
    return tuple(hosts)


def import_ssh_config(path: str | os.PathLike[str],
                      mapping: str | os.PathLike[str] | None = None) -> ImportResult:
    """Hosts of an ssh_config as an estate (datasets only from the mapping file)."""
    file = os.fspath(path)
    hosts = host_specs(read_lines(Path(file)))
    estate = Estate(name=Path(file).stem or "ssh_config", path=file, hosts=hosts, buckets=(),
                    media=(), datasets=())
    aliases = {h.name: h.asset_id for h in hosts}
    notes = [] if hosts else [f"{file}: no concrete Host alias (only patterns)"]
    if mapping is not None:
        estate = apply_mapping(estate, load_mapping(mapping), aliases)
    return ImportResult(estate, notes, aliases)
