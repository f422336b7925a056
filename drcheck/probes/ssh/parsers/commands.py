"""Backup destinations named on a command line (a cron entry, a unit's ``ExecStart=``)."""

from __future__ import annotations

import posixpath
import re
from collections.abc import Callable, Mapping
from itertools import takewhile

from drcheck.probes.ssh.parsers import borg, restic
from drcheck.probes.ssh.parsers.envfile import parse_env
from drcheck.probes.ssh.parsers.shellwords import split_commands
from drcheck.probes.ssh.parsers.targets import (
    Target,
    borg_repository,
    host_path_target,
    local_target,
    restic_repository,
)
from drcheck.probes.ssh.secrets import redact_url, redact_value

_ARG_OPTS = frozenset({
    "-e", "--rsh", "--exclude", "--include", "-f", "--filter", "--password-file", "--log-file",
    "--exclude-from", "--include-from", "--bwlimit", "--port", "-i", "-P", "-o", "-F", "-c",
    "-l", "--config", "--files-from", "--backup-dir", "--chmod", "--link-dest",
    "--compare-dest", "--exclude-file", "--password-command", "--tag", "--host", "--limit-upload",
})
_TOOLS = ("rsync", "scp", "rclone", "restic", "borg", "borgmatic", "pgbackrest", "vzdump")


Reader = Callable[[str], "str | None"]
_MAX_SCRIPT_LINES = 400


def tools_in(line: str) -> list[str]:
    """The backup tools a command line runs, in order."""
    found = []
    for command in split_commands(line):
        name = _tool(command.words)
        if name:
            found.append(name)
    return found


def targets_in(line: str, origin: str, env: Mapping[str, str] | None = None,
               read: Reader | None = None) -> list[Target]:
    """Every backup destination a command line writes to.

    The line is split with shell rules. ``. FILE`` / ``source FILE`` adds the file's
    variables to the environment of the commands after it (``read`` fetches it over SFTP);
    a program that is an absolute path to a script is read and its lines are searched the
    same way, one level deep. Nothing is executed.
    """
    shared = dict(env or {})
    return _targets(line, origin, shared, read, depth=0)


def _targets(line: str, origin: str, shared: dict[str, str], read: Reader | None,
             depth: int) -> list[Target]:
    out: list[Target] = []
    for command in split_commands(line):
        if command.sourced:
            shared.update(_sourced(command.sourced, read, shared))
            continue
        local_env = {**shared, **{k: redact_value(k, v) for k, v in command.env.items()}}
        inner = _shell_c(command.words)
        if inner is not None and depth == 0:
            out += _targets(inner, origin, dict(local_env), read, depth=1)
            continue
        found = _target(command.words, origin, local_env, read)
        if found is not None:
            out.append(found.with_(action=_action(command.words)))
        elif read is not None and depth == 0 and _is_script(command.words):
            out += _script_targets(command.words[0], origin, dict(local_env), read)
    return out


def _sourced(path: str, read: Reader | None, env: Mapping[str, str]) -> dict[str, str]:
    path = _expand(path, env)
    if read is None or not path.startswith("/"):
        return {}
    text = read(path)
    return parse_env(text) if text else {}


def _expand(word: str, env: Mapping[str, str]) -> str:
    """``$VAR`` / ``${VAR}`` from the known environment (no other expansion)."""
    return re.sub(r"\$\{?([A-Za-z_][A-Za-z0-9_]*)\}?", lambda m: env.get(m[1], m[0]), word)


def pgbackrest_options(line: str) -> list[tuple[str | None, str | None, str | None]]:
    """(``--config``, ``--config-path``, ``--config-include-path``) of each pgbackrest run."""
    out = []
    for command in split_commands(line):
        if _tool(command.words) == "pgbackrest":
            opts = _long_options(command.words[1:])
            out.append((opts.get("config"), opts.get("config-path"),
                        opts.get("config-include-path")))
    return out


def pgbackrest_actions(line: str) -> list[str]:
    """``check`` for each ``pgbackrest verify`` and ``restore`` for each ``pgbackrest restore``."""
    out = []
    for command in split_commands(line):
        if _tool(command.words) == "pgbackrest":
            words = [w for w in command.words[1:] if not w.startswith("-")]
            if "verify" in words:
                out.append("check")
            elif "restore" in words:
                out.append("restore")
    return out


def borgmatic_configs(line: str) -> list[str]:
    """The ``-c``/``--config`` paths of each borgmatic run (files or directories)."""
    out: list[str] = []
    for command in split_commands(line):
        if _tool(command.words) != "borgmatic":
            continue
        args = command.words[1:]
        for i, word in enumerate(args):
            if word in ("-c", "--config"):  # borgmatic takes several paths after one flag
                out += takewhile(lambda a: not a.startswith("-"), args[i + 1:])
            elif word.startswith("--config="):
                out.append(word.split("=", 1)[1])
    return out


def _long_options(args: list[str]) -> dict[str, str]:
    found: dict[str, str] = {}
    for i, word in enumerate(args):
        if word.startswith("--") and "=" in word:
            key, _, value = word[2:].partition("=")
            found[key] = value
        elif word.startswith("--") and i + 1 < len(args) and not args[i + 1].startswith("-"):
            found.setdefault(word[2:], args[i + 1])
    return found


def _action(words: list[str]) -> str | None:
    """What a restic/borg run does: ``backup``, ``check`` or ``restore`` (None: other)."""
    verbs = {"backup": "backup", "create": "backup", "check": "check", "restore": "restore",
             "extract": "restore", "verify": "check"}
    for word in _positional(words[1:]):
        if word in verbs:
            return verbs[word]
    return None


def _shell_c(words: list[str]) -> str | None:
    """The script of ``sh -c 'SCRIPT'`` (systemd units often wrap jobs that way)."""
    if len(words) >= 3 and posixpath.basename(words[0]) in ("sh", "bash", "dash") \
            and words[1] == "-c":
        return words[2]
    return None


def _is_script(words: list[str]) -> bool:
    return bool(words) and words[0].startswith("/") and _tool(words) is None and \
        not words[0].startswith(("/bin/", "/usr/bin/", "/sbin/", "/usr/sbin/"))


def _script_targets(path: str, origin: str, env: dict[str, str], read: Reader) -> list[Target]:
    """Targets of a wrapper script the job runs (its lines, one level deep)."""
    text = read(path)
    if not text:
        return []
    out: list[Target] = []
    for number, line in enumerate(text.splitlines()[:_MAX_SCRIPT_LINES], start=1):
        stripped = line.strip()
        if not stripped or stripped.startswith("#"):
            continue
        if re.match(r"^(export\s+)?[A-Za-z_][A-Za-z0-9_]*=\S*$", stripped):
            env.update(parse_env(stripped))
            continue
        out += _targets(stripped, f"{path}:{number} via {origin}", env, read, depth=1)
    return out


def _tool(words: list[str]) -> str | None:
    if not words:
        return None
    name = posixpath.basename(words[0])
    return name if name in _TOOLS else None


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


def _target(words: list[str], origin: str, env: Mapping[str, str],
            read: Reader | None = None) -> Target | None:
    name = _tool(words)
    if name is None:
        return None
    args = words[1:]
    if name in ("rsync", "scp"):
        return _copy_target(name, _positional(args), origin)
    if name == "rclone":
        found = _rclone_target(_positional(args), origin)
        config = _long_options(args).get("config") or env.get("RCLONE_CONFIG")
        return found.with_(config_file=config) if found and config else found
    if name == "restic":
        config = env.get("RCLONE_CONFIG")
        found = restic.target_from_args(args, origin) or \
            restic.target_from_file(restic.repository_file_arg(args), origin, read) or \
            restic.target_from_env(env, origin) or \
            restic.target_from_file(restic.repository_file(env), origin, read)
        if found is not None and found.kind == "remote" and config:
            found = found.with_(config_file=config)
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
    if len(pos) < 2 or pos[0] not in ("create", "check", "extract"):
        return None
    repo = pos[1].split("::", 1)[0] or env.get("BORG_REPO", "")
    found = borg_repository(repo, origin) if repo else borg.target_from_env(env, origin)
    if found is None:
        return None
    sources = [p for p in pos[2:] if p.startswith("/")] if pos[0] == "create" else []
    return found.with_(sources=tuple(sources))
