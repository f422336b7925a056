"""A quick estate from an ssh_config: every concrete ``Host`` alias becomes a host to probe.

Patterns (``*``, ``?``, negations ``!``) are not hosts and are left out; ``Include`` files
are read in place; each alias gets the effective settings OpenSSH would use (``HostName``,
``User``, ``Port``, the first ``IdentityFile``, ``ProxyJump``), defaults from ``Host *``
included. The file is read by ``drcheck.inputs.sshconfig``, which never executes anything: a
``Match exec`` block does not match, ``LocalCommand`` and the like are ignored, and a
``ProxyCommand`` is never imported (each is a note naming file:line). A value that is not a
host name, user, port or jump list by syntax is refused with its file:line.
"""

from __future__ import annotations

import os
import re
from collections.abc import Callable
from pathlib import Path

from drcheck.importers.mapping import ImportResult, apply_mapping, load_mapping
from drcheck.inputs.estate import Estate, HostSpec
from drcheck.inputs.sshconfig import Resolved, SshConfig
from drcheck.inputs.sshsyntax import (
    host_problem,
    jump_problem,
    path_problem,
    port_problem,
    user_problem,
)
from drcheck.shared.errors import ConfigError, Problem, UsageError

_SAFE = re.compile(r"[^A-Za-z0-9_.:@/-]")


def _checked(found: Resolved, keyword: str, value: str | None, fallback: str) -> str | None:
    """``value`` if its syntax is right, else ConfigError at the line that set it."""
    if value is None:
        return None
    checks: dict[str, Callable[[str], str | None]] = {
        "hostname": host_problem, "user": user_problem, "port": port_problem,
        "proxyjump": jump_problem, "identityfile": _key_problem}
    problem = checks[keyword](value)
    if problem is None:
        return value
    file, _, line = found.origins.get(keyword, fallback).rpartition(":")
    raise ConfigError([Problem(file, int(line) if line.isdigit() else None, None, "",
                               f"{keyword}: {problem}")])


def _key_problem(value: str) -> str | None:
    return path_problem(value, allow_home=True)


def _spec(config: SshConfig, alias: str, where: str) -> HostSpec:
    found = config.lookup(alias)
    keys = found.identity_paths()
    name = _SAFE.sub("_", alias)
    port = _checked(found, "port", found.first("port"), where)
    key = _checked(found, "identityfile", keys[0], where) if keys else None
    return HostSpec(
        name=name if name[:1].isalnum() else f"h{name}",
        origin=where,
        address=_checked(found, "hostname", found.hostname, where),
        port=int(port) if port else None,
        user=_checked(found, "user", found.first("user"), where),
        key_file=key,
        proxy_jump=_checked(found, "proxyjump", found.proxy_jump, where),
    )


def host_specs(config: SshConfig) -> tuple[HostSpec, ...]:
    """One probed host per concrete alias of an ssh_config, in file order."""
    return tuple(_spec(config, alias, where) for alias, where in config.aliases())


def _notes(config: SshConfig) -> list[str]:
    notes = list(config.warnings)
    for alias, _ in config.aliases():
        found = config.lookup(alias)
        if found.proxy_command and not found.proxy_jump:
            notes.append(f"{found.origins['proxycommand']}: ProxyCommand for {alias} is not "
                         "imported (drcheck runs one only from your own ssh_config, with "
                         "--allow-proxy-command)")
    return list(dict.fromkeys(notes))


def import_ssh_config(path: str | os.PathLike[str],
                      mapping: str | os.PathLike[str] | None = None) -> ImportResult:
    """Hosts of an ssh_config as an estate (datasets only from the mapping file)."""
    file = os.fspath(path)
    if not Path(file).exists():
        raise UsageError(f"{file}: no such file")
    config = SshConfig.read(file, user_config=False)
    hosts = host_specs(config)
    estate = Estate(name=Path(file).stem or "ssh_config", path=file, hosts=hosts, buckets=(),
                    media=(), datasets=())
    aliases = {h.name: h.asset_id for h in hosts}
    notes = _notes(config)
    if not hosts:
        notes.append(f"{file}: no concrete Host alias (only patterns)")
    if mapping is not None:
        estate = apply_mapping(estate, load_mapping(mapping), aliases)
    return ImportResult(estate, notes, aliases)
