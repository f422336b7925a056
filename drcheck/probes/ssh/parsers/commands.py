"""Backup destinations named on a command line (a cron entry, a unit's ``ExecStart=``)."""

from __future__ import annotations

import posixpath
import re
import shlex
from collections.abc import Mapping

from drcheck.probes.ssh.parsers import borg, restic
from drcheck.probes.ssh.parsers.envfile import parse_env
from drcheck.probes.ssh.parsers.targets import (
    Target,
    borg_repository,
    host_path_target,
    local_target,
    restic_repository,
)
from drcheck.probes.ssh.secrets import redact_url

_SEGMENT = re.compile(r"\s*(?:&&|\|\||;|\|)\s*")
_ARG_OPTS = frozenset({
    "-e", "--rsh", "--exclude", "--include", "-f", "--filter", "--password-file", "--log-file",
    "--exclude-from", "--include-from", "--bwlimit", "--port", "-i", "-P", "-o", "-F", "-c",
    "-l", "--config", "--files-from", "--backup-dir", "--chmod", "--link-dest",
    "--compare-dest", "--exclude-file", "--password-command", "--tag", "--host", "--limit-upload",
})
_TOOLS = ("rsync", "scp", "rclone", "restic", "borg", "borgmatic", "pgbackrest", "vzdump")


def tools_in(line: str) -> list[str]:
    """The backup tools a command line runs, in order."""
    found = []
    for words in _segments(line):
        name = _tool(words)
        if name:
            found.append(name)
    return found


def targets_in(line: str, origin: str, env: Mapping[str, str] | None = None) -> list[Target]:
    """Every backup destination a command line writes to."""
    out: list[Target] = []
    for words in _segments(line):
        local_env = dict(env or {})
        while words and "=" in words[0] and not words[0].startswith(("-", "/")):
            local_env.update(parse_env(words.pop(0)))
        found = _target(words, origin, local_env)
        if found is not None:
            out.append(found)
    return out


def _segments(line: str) -> list[list[str]]:
    out = []
    for part in _SEGMENT.split(line):
        try:
            words = shlex.split(part, comments=False)
        except ValueError:
            words = part.split()
        if words:
            out.append(words)
    return out


def _tool(words: list[str]) -> str | None:
    for word in words:
        if "=" in word and not word.startswith("/"):
            continue
        name = posixpath.basename(word)
        return name if name in _TOOLS else None
    return None


def _positional(args: list[str]) -> list[str]:
    out: list[str] = []
    skip = False
    for word in args:
        if skip:
            skip = False
        elif word.startswith("-"):
            skip = word in _ARG_OPTS
        else:
            out.append(word)
    return out


def _target(words: list[str], origin: str, env: Mapping[str, str]) -> Target | None:
    name = _tool(words)
    if name is None:
        return None
    args = words[1:]
    if name in ("rsync", "scp"):
        return _copy_target(name, _positional(args), origin)
    if name == "rclone":
        return _rclone_target(_positional(args), origin)
    if name == "restic":
        found = restic.target_from_args(args, origin) or restic.target_from_env(env, origin)
        return found.with_(sources=restic.backup_sources(args)) if found else None
    if name == "borg":
        return _borg_target(_positional(args), origin, env)
    return None


def _copy_target(tool: str, pos: list[str], origin: str) -> Target | None:
    if len(pos) < 2:
        return None
    dest, sources = pos[-1], pos[:-1]
    found = host_path_target(tool, dest, origin)
    if found is None and dest.startswith("/"):
        found = local_target(tool, dest, origin)
    if found is None:
        return None
    return found.with_(sources=tuple(s for s in sources if s.startswith("/")))


def _rclone_target(pos: list[str], origin: str) -> Target | None:
    if len(pos) < 3 or pos[0] not in ("sync", "copy", "move", "copyto", "bisync"):
        return None
    source, dest = pos[1], pos[2]
    found = restic_repository(f"rclone:{dest}", origin, tool="rclone")
    if dest.startswith("/"):
        found = local_target("rclone", dest, origin)
    if found is None:
        return None
    return found.with_(url=redact_url(dest),
                       sources=(source,) if source.startswith("/") else ())


def _borg_target(pos: list[str], origin: str, env: Mapping[str, str]) -> Target | None:
    if len(pos) < 2 or pos[0] != "create":
        return None
    repo = pos[1].split("::", 1)[0] or env.get("BORG_REPO", "")
    found = borg_repository(repo, origin) if repo else borg.target_from_env(env, origin)
    if found is None:
        return None
    sources = [p for p in pos[2:] if p.startswith("/")]
    return found.with_(sources=tuple(sources))
