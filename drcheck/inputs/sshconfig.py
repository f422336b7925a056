"""An ssh_config reader that can never execute anything.

OpenSSH (and paramiko's ``SSHConfig.lookup``) run ``Match exec`` commands through a shell
while *reading* the config; an auditor running as root over configs and estates written by
others must not. This reader follows OpenSSH's rules for what drcheck uses (``Host``
patterns with negation, ``Match host/originalhost/user/localuser/all/final``, ``Include``
with globs, first value wins, ``IdentityFile`` accumulates, ``ProxyJump`` and
``ProxyCommand`` exclusive) and, instead of running anything:

- a ``Match exec`` block is treated as not matching (like an exec that failed);
- ``LocalCommand``, ``KnownHostsCommand``, ``PKCS11Provider`` and the like are ignored;
- ``ProxyCommand`` is only recorded, with where it was written; the probe decides.

Each of those is a warning naming file:line. ``Include`` depth, file count and file size are
bounded; only regular files are read. Both ``drcheck import ssh-config`` and the SSH probe
use this reader.
"""

from __future__ import annotations

import fnmatch
import getpass
import glob
import os
import re
import shlex
import stat
from dataclasses import dataclass, field
from pathlib import Path

from drcheck.shared.errors import ConfigError, Problem

MAX_INCLUDE_DEPTH = 16
MAX_FILES = 256
MAX_FILE_BYTES = 1_048_576

_KEYWORD = re.compile(r"^\s*([A-Za-z][A-Za-z0-9]*)\s*(?:=\s*|\s+|$)(.*)$")
MULTI = frozenset({"identityfile", "certificatefile", "localforward", "remoteforward",
                   "dynamicforward", "sendenv", "setenv"})
"""Keywords whose every occurrence counts (the others: the first one obtained wins)."""
NEVER_RUN = frozenset({"localcommand", "permitlocalcommand", "knownhostscommand",
                       "pkcs11provider", "securitykeyprovider", "proxyusefdpass",
                       "remotecommand", "controlmaster", "controlpath", "controlpersist"})
"""Keywords that would run a program, load a library or share a connection: ignored."""
_MATCH_TAKES_ARG = frozenset({"host", "originalhost", "user", "localuser", "exec",
                              "localnetwork", "tagged", "command", "sessiontype", "version"})


@dataclass(frozen=True)
class Directive:
    """One ``Keyword args…`` line; ``children`` holds the lines an ``Include`` brought in."""

    keyword: str
    args: tuple[str, ...]
    file: str
    line: int
    children: tuple[Directive, ...] = ()

    @property
    def where(self) -> str:
        """``file:line``."""
        return f"{self.file}:{self.line}"


@dataclass(frozen=True)
class Resolved:
    """What ssh_config says for one host alias (values as written, tokens unexpanded)."""

    alias: str
    values: dict[str, tuple[str, ...]]
    origins: dict[str, str]

    def first(self, keyword: str) -> str | None:
        """The value of a single-valued keyword, or None."""
        found = self.values.get(keyword)
        return found[0] if found else None

    @property
    def hostname(self) -> str:
        """``HostName`` with ``%h`` and ``%%`` filled, else the alias."""
        raw = self.first("hostname")
        return _percent(raw, {"h": self.alias}) if raw else self.alias

    @property
    def identity_files(self) -> tuple[str, ...]:
        """Every ``IdentityFile``, in order, as written."""
        return self.values.get("identityfile", ())

    def identity_paths(self, user: str | None = None) -> tuple[str, ...]:
        """``IdentityFile`` paths with ``~`` and ``%d %u %h %n %r %p %%`` expanded."""
        tokens = {"d": os.path.expanduser("~"), "u": _local_user(), "h": self.hostname,
                  "n": self.alias, "r": user or self.first("user") or _local_user(),
                  "p": self.first("port") or "22"}
        return tuple(os.path.expanduser(_percent(p, tokens)) for p in self.identity_files)

    @property
    def proxy_jump(self) -> str | None:
        """``ProxyJump`` (None for absent or ``none``)."""
        value = self.first("proxyjump")
        return None if value in (None, "none") else value

    @property
    def proxy_command(self) -> str | None:
        """``ProxyCommand`` as written (None for absent or ``none``)."""
        value = self.first("proxycommand")
        return None if value in (None, "none") else value


@dataclass
class _State:
    alias: str
    user: str | None
    values: dict[str, tuple[str, ...]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)

    def set(self, d: Directive) -> None:
        key = d.keyword
        if key in MULTI:
            self.values[key] = self.values.get(key, ()) + d.args
            self.origins.setdefault(key, d.where)
            return
        if key in self.values or (key in ("proxyjump", "proxycommand")
                                  and ({"proxyjump", "proxycommand"} & self.values.keys())):
            return
        value = " ".join(d.args) if key == "proxycommand" else (d.args[0] if d.args else "")
        self.values[key] = (value,)
        self.origins[key] = d.where

    def current_host(self) -> str:
        raw = self.values.get("hostname")
        return _percent(raw[0], {"h": self.alias}) if raw else self.alias

    def current_user(self) -> str:
        return (self.values.get("user") or (self.user or _local_user(),))[0]


class SshConfig:
    """A parsed ssh_config tree; ``lookup`` resolves one alias without executing anything."""

    def __init__(self, directives: tuple[Directive, ...], path: str) -> None:
        """Use ``SshConfig.read``."""
        self.directives = directives
        self.path = path
        self.warnings = _warnings(directives)

    @classmethod
    def read(cls, path: str | os.PathLike[str], user_config: bool = True) -> SshConfig:
        """Parse ``path`` and everything it includes; ConfigError (file:line) if unreadable.

        Relative ``Include`` paths are under ``~/.ssh`` (as OpenSSH does for a user's
        config); for another file (``user_config=False``) the file's own folder is tried too.
        """
        reader = _Reader(user_config)
        return cls(tuple(reader.file(Path(path), 0, None)), os.fspath(path))

    @classmethod
    def from_text(cls, text: str, name: str = "<ssh_config>") -> SshConfig:
        """Parse config text (``Include`` resolved as for a user's config)."""
        return cls(tuple(_Reader(True).lines(text, Path(name), 0)), name)

    def lookup(self, alias: str, user: str | None = None) -> Resolved:
        """Settings for ``alias`` as ``ssh alias`` would see them (``user``: ``-l`` if given)."""
        state = _State(alias, user)
        _walk(self.directives, state, True)
        return Resolved(alias, dict(state.values), dict(state.origins))

    def aliases(self) -> list[tuple[str, str]]:
        """Concrete ``Host`` names (no pattern, no negation) with their file:line, in order."""
        found: dict[str, str] = {}
        for d in _flatten(self.directives):
            if d.keyword == "host":
                for name in d.args:
                    if not re.search(r"[*?!]", name):
                        found.setdefault(name, d.where)
        return list(found.items())


def _walk(directives: tuple[Directive, ...], state: _State, active: bool) -> None:
    """Apply lines in order; ``Host``/``Match`` switch ``active``, an Include keeps the
    including block's state for itself and cannot change it for the lines after it."""
    for d in directives:
        if d.keyword == "host":
            active = _host_matches(d.args, state.alias)
        elif d.keyword == "match":
            active = _match(d, state)
        elif d.keyword == "include":
            if active:
                _walk(d.children, state, True)
        elif active and d.keyword not in NEVER_RUN:
            state.set(d)


def _flatten(directives: tuple[Directive, ...]) -> list[Directive]:
    out: list[Directive] = []
    for d in directives:
        out.append(d)
        out += _flatten(d.children)
    return out


def _warnings(directives: tuple[Directive, ...]) -> list[str]:
    warned: list[str] = []
    for d in _flatten(directives):
        lowered = [a.lower().lstrip("!") for a in d.args]
        if d.keyword == "match" and ("exec" in lowered or "localnetwork" in lowered):
            warned.append(f"{d.where}: Match {'exec' if 'exec' in lowered else 'localnetwork'}"
                          " is never run; this block is treated as not matching")
        elif d.keyword in NEVER_RUN:
            warned.append(f"{d.where}: {d.keyword} is ignored (drcheck runs nothing from an "
                          "ssh_config)")
    return warned


def _pattern_list(patterns: list[str], value: str) -> bool:
    """OpenSSH ``match_pattern_list``: a negated match refuses, else any positive match."""
    matched = False
    for pattern in patterns:
        negated = pattern.startswith("!")
        if fnmatch.fnmatchcase(value.lower(), pattern.lstrip("!").lower()):
            if negated:
                return False
            matched = True
    return matched


def _host_matches(patterns: tuple[str, ...], alias: str) -> bool:
    return _pattern_list(list(patterns), alias)


def _match(d: Directive, state: _State) -> bool:
    """Every criterion must hold; ``exec`` and ``localnetwork`` never do (nothing is run)."""
    args = list(d.args)
    result = True
    while args:
        word = args.pop(0)
        negate = word.startswith("!")
        kind = word.lstrip("!").lower()
        value = args.pop(0) if kind in _MATCH_TAKES_ARG and args else ""
        if kind in ("exec", "localnetwork"):
            result = False
            continue
        ok = _criterion(kind, value, state)
        result = result and (ok != negate)
    return result


def _criterion(kind: str, value: str, state: _State) -> bool:
    patterns = value.split(",")
    if kind in ("all", "final"):
        return True
    if kind == "host":
        return _pattern_list(patterns, state.current_host())
    if kind == "originalhost":
        return _pattern_list(patterns, state.alias)
    if kind == "user":
        return _pattern_list(patterns, state.current_user())
    if kind == "localuser":
        return _pattern_list(patterns, _local_user())
    return False  # canonical, tagged, command, sessiontype, version, unknown: not for us


class _Reader:
    """Reads files and their Includes with bounds on depth, count and size."""

    def __init__(self, user_config: bool) -> None:
        self.user_config = user_config
        self.count = 0

    def file(self, path: Path, depth: int, where: Directive | None) -> list[Directive]:
        self.count += 1
        if self.count > MAX_FILES:
            raise _problem(where, path, f"more than {MAX_FILES} files included")
        return self.lines(_read_text(path, where), path, depth)

    def lines(self, text: str, path: Path, depth: int) -> list[Directive]:
        out: list[Directive] = []
        for number, raw in enumerate(text.splitlines(), start=1):
            d = _directive(raw, str(path), number)
            if d is None:
                continue
            if d.keyword == "include":
                if depth >= MAX_INCLUDE_DEPTH:
                    raise ConfigError([Problem(str(path), number, None, "",
                                               f"Include nested more than {MAX_INCLUDE_DEPTH} "
                                               "deep (a loop?)")])
                children = [c for pattern in d.args
                            for inc in self._include_paths(pattern, path)
                            for c in self.file(inc, depth + 1, d)]
                d = Directive(d.keyword, d.args, d.file, d.line, tuple(children))
            out.append(d)
        return out

    def _include_paths(self, pattern: str, including: Path) -> list[Path]:
        expanded = os.path.expanduser(pattern)
        if os.path.isabs(expanded):
            bases = [Path(expanded)]
        else:
            bases = [Path.home() / ".ssh" / expanded]
            if not self.user_config:
                bases.append(including.parent / expanded)
        for base in bases:
            found = sorted(Path(p) for p in glob.glob(str(base)))
            if found:
                return found
        return []


def _directive(raw: str, file: str, number: int) -> Directive | None:
    stripped = raw.strip()
    if not stripped or stripped.startswith("#"):
        return None
    found = _KEYWORD.match(stripped)
    if not found:
        raise ConfigError([Problem(file, number, None, "", "expected 'Keyword value'")])
    try:
        args = shlex.split(found.group(2), comments=True)
    except ValueError as exc:
        raise ConfigError([Problem(file, number, None, "", f"cannot split the line: {exc}")]
                          ) from None
    return Directive(found.group(1).lower(), tuple(args), file, number)


def _read_text(path: Path, where: Directive | None) -> str:
    try:
        info = path.stat()
    except FileNotFoundError:
        raise _problem(where, path, "no such file") from None
    except OSError as exc:
        raise _problem(where, path, f"cannot read: {exc.strerror}") from None
    if not stat.S_ISREG(info.st_mode):
        raise _problem(where, path, "not a regular file")
    if info.st_size > MAX_FILE_BYTES:
        raise _problem(where, path, f"larger than {MAX_FILE_BYTES} bytes")
    try:
        with path.open("rb") as handle:
            return handle.read(MAX_FILE_BYTES + 1).decode("utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise _problem(where, path, f"cannot read: {exc}") from None


def _problem(where: Directive | None, path: Path, message: str) -> ConfigError:
    if where is None:
        return ConfigError([Problem(str(path), None, None, "", message)])
    return ConfigError([Problem(where.file, where.line, None, "", f"Include {path}: {message}")])


def _percent(text: str, tokens: dict[str, str]) -> str:
    """Fill ``%x`` tokens that are in ``tokens`` (and ``%%``); others are left as written."""
    return re.sub(r"%(.)", lambda m: "%" if m.group(1) == "%" else tokens.get(
        m.group(1), m.group(0)), text)


def _local_user() -> str:
    try:
        return getpass.getuser()
    except (KeyError, OSError):
        return "root"
