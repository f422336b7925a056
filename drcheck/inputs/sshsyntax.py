"""Syntax of the values that reach the SSH layer: host names, IP literals, users, ports, paths.

Every value an estate, an importer or an ssh_config hands to the SSH probe passes one of
these checks first, so nothing a file says can smuggle a shell word, an option (``-oX``), a
space or a control character into a connection, a ProxyCommand argument or a log line.
Each check returns ``None`` when the value is fine, else a sentence of what was expected.
"""

from __future__ import annotations

import ipaddress
import re
from collections.abc import Callable
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from drcheck.inputs.documents import Document
    from drcheck.shared.errors import Problem

_LABEL = r"[A-Za-z0-9_](?:[A-Za-z0-9_-]{0,61}[A-Za-z0-9_])?"
_HOSTNAME = re.compile(rf"^(?=.{{1,253}}\.?$){_LABEL}(?:\.{_LABEL})*\.?$")
_USER = re.compile(r"^[A-Za-z0-9_][A-Za-z0-9_.@-]{0,63}$")
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")

HOST_EXPECTED = ("a host name (letters, digits, '-', '_', dots) or an IP address; no spaces, "
                 "'$', quotes or other shell characters")
USER_EXPECTED = ("a user name (letters, digits, '_', '.', '@', '-'; not starting with '-'; "
                 "at most 64 characters)")
PATH_EXPECTED = "an absolute path without NUL, newline or other control characters"
HOME_PATH_EXPECTED = ("an absolute path or one starting with ~/, without NUL, newline or other "
                      "control characters")


def host_problem(value: str) -> str | None:
    """None for a DNS host name or an IPv4/IPv6 literal, else what was expected (the name
    is tried first: it is the common case, and a refused literal costs an exception)."""
    if _HOSTNAME.match(value):
        return None
    try:
        ipaddress.ip_address(value)
        return None
    except ValueError:
        pass
    return f"{value!r} is not a host: expected {HOST_EXPECTED}"


def user_problem(value: str) -> str | None:
    """None for a plausible login name, else what was expected."""
    if _USER.match(value):
        return None
    return f"{value!r} is not a user name: expected {USER_EXPECTED}"


def port_problem(value: object) -> str | None:
    """None for an integer 1..65535 (an int or a string of digits)."""
    text = str(value)
    if isinstance(value, bool) or not text.isdigit() or not 0 < int(text) < 65536:
        return f"{value!r} is not a port: expected a whole number from 1 to 65535"
    return None


def path_problem(value: str, allow_home: bool = False) -> str | None:
    """None for an absolute path (``~/…`` too when ``allow_home``) with no control bytes."""
    absolute = value.startswith("/") or (allow_home and value.startswith("~/"))
    if absolute and not _CONTROL.search(value):
        return None
    expected = HOME_PATH_EXPECTED if allow_home else PATH_EXPECTED
    return f"{value!r} is not usable: expected {expected}"


def split_hop(hop: str) -> tuple[str | None, str, int | None]:
    """``[user@]host[:port]`` (IPv6 as ``[addr]:port``) → (user, host, port); ValueError if bad."""
    user, at, rest = hop.rpartition("@")
    if at and (problem := user_problem(user)):
        raise ValueError(problem)
    host, port = rest, None
    if rest.startswith("["):
        host, _, tail = rest[1:].partition("]")
        if tail:
            if not tail.startswith(":"):
                raise ValueError(f"{hop!r}: expected [user@]host[:port]")
            port = _hop_port(tail[1:])
    elif rest.count(":") == 1:
        host, _, number = rest.partition(":")
        port = _hop_port(number)
    if problem := host_problem(host):
        raise ValueError(problem)
    return (user or None), host, port


def _hop_port(text: str) -> int:
    if problem := port_problem(text):
        raise ValueError(problem)
    return int(text)


def jump_problem(value: str) -> str | None:
    """None for a ProxyJump list ``[user@]host[:port][,…]`` (or ``none``), else why not."""
    if value == "none":
        return None
    hops = value.split(",")
    if len(hops) > 8:
        return f"{value!r}: at most 8 jump hosts"
    try:
        for hop in hops:
            split_hop(hop.strip())
    except ValueError as exc:
        return f"ProxyJump {exc}"
    return None


def _root_problem(value: str) -> str | None:
    return path_problem(value)


def _key_problem(value: str) -> str | None:
    return path_problem(value, allow_home=True)


HOST_FIELDS: dict[str, Callable[[str], str | None]] = {
    "address": host_problem, "user": user_problem, "port": port_problem,
    "key_file": _key_problem, "root": _root_problem, "proxy_jump": jump_problem}
"""Estate host fields that reach the SSH layer, and the syntax each must have."""


def estate_problems(doc: Document) -> list[Problem]:
    """Every estate host field that reaches SSH and is not of its syntax, pinned to its key."""
    problems: list[Problem] = []
    hosts = doc.data.get("hosts") if isinstance(doc.data, dict) else None
    for i, host in enumerate(hosts if isinstance(hosts, list) else []):
        if not isinstance(host, dict):
            continue
        for key, check in HOST_FIELDS.items():
            value = host.get(key)
            if value is not None and (problem := check(value)):
                problems.append(doc.problem(("hosts", i, key), problem))
    return problems
