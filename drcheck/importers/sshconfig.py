"""A quick estate from an ssh_config: every concrete ``Host`` alias becomes a host to probe.

Patterns (``*``, ``?``, negations ``!``) are not hosts and are left out; each alias gets the
effective settings OpenSSH would use (``HostName``, ``User``, ``Port``, the first
``IdentityFile``, ``ProxyJump``), defaults from ``Host *`` included, as paramiko resolves them.
"""

from __future__ import annotations

import os
import re
from pathlib import Path

import paramiko

from drcheck.errors import ConfigError, Problem, UsageError
from drcheck.estate import Estate, HostSpec
from drcheck.importers.mapping import apply_mapping, load_mapping
from drcheck.importers.terraform import ImportResult

_PATTERN = re.compile(r"[*?!]")
_SAFE = re.compile(r"[^A-Za-z0-9_.:@/-]")


def _read(path: str) -> str:
    try:
        return Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{path}: cannot read: {exc}") from None


def host_lines(text: str) -> dict[str, int]:
    """The line of the first ``Host`` block naming each concrete alias."""
    lines: dict[str, int] = {}
    for number, line in enumerate(text.splitlines(), start=1):
        words = line.strip().replace("=", " ", 1).split()
        if len(words) >= 2 and words[0].lower() == "host":
            for alias in words[1:]:
                if not _PATTERN.search(alias):
                    lines.setdefault(alias.strip('"'), number)
    return lines


def _port(value: str | None, file: str, line: int) -> int | None:
    if value is None:
        return None
    if not value.isdigit() or not 0 < int(value) < 65536:
        raise ConfigError([Problem(file, line, None, "", f"Port {value!r} is not a port number")])
    return int(value)


def host_specs(text: str, file: str) -> tuple[HostSpec, ...]:
    """One probed host per concrete alias of an ssh_config text, in file order."""
    config = paramiko.SSHConfig.from_text(text)
    hosts: list[HostSpec] = []
    for alias, line in host_lines(text).items():
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
    hosts = host_specs(_read(file), file)
    estate = Estate(name=Path(file).stem or "ssh_config", path=file, hosts=hosts, buckets=(),
                    media=(), datasets=())
    aliases = {h.name: h.asset_id for h in hosts}
    notes = [] if hosts else [f"{file}: no concrete Host alias (only patterns)"]
    if mapping is not None:
        estate = apply_mapping(estate, load_mapping(mapping), aliases)
    return ImportResult(estate, notes, aliases)
