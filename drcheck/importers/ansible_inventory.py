"""Parse an Ansible inventory (INI or YAML) into groups, hosts and variables with origins.

Covers what static inventories use: ``[group]``, ``[group:vars]``, ``[group:children]``,
host ranges (``web[01:03]``, ``db-[a:c]``), inline ``key=value`` host variables, and the
YAML form (``all: {hosts, vars, children}``). Every variable keeps the ``file:line`` it came
from, so an imported location can say where it was declared.
"""

from __future__ import annotations

import re
import shlex
import string
from dataclasses import dataclass, field
from typing import Any

from drcheck.inputs.documents import Document, parse_text
from drcheck.shared.errors import ConfigError, Problem

Var = tuple[Any, str]
"""A variable's value and its origin (``file:line``)."""

_RANGE = re.compile(r"\[([0-9a-zA-Z]+):([0-9a-zA-Z]+)(?::(\d+))?\]")
MAX_RANGE_HOSTS = 10_000
"""The most hosts one range pattern may expand to (``web[0:99999999]`` is refused)."""
MAX_RANGES = 8
"""The most ``[a:b]`` ranges one host pattern may have."""
MAX_INVENTORY_HOSTS = 100_000
"""The most hosts one inventory may hold, however they are written."""


@dataclass
class Group:
    """An inventory group: its hosts, child groups and variables."""

    name: str
    hosts: list[str] = field(default_factory=list)
    children: list[str] = field(default_factory=list)
    vars: dict[str, Var] = field(default_factory=dict)
    members: set[str] = field(default_factory=set, repr=False)
    """``hosts`` as a set: membership tests stay O(1) in a 10,000-host group."""

    def add(self, host: str) -> None:
        """Add ``host`` once, keeping file order."""
        if host not in self.members:
            self.members.add(host)
            self.hosts.append(host)


@dataclass
class Inventory:
    """Groups and hosts of one inventory file; ``hosts`` maps name → (vars, origin)."""

    file: str
    groups: dict[str, Group] = field(default_factory=dict)
    hosts: dict[str, tuple[dict[str, Var], str]] = field(default_factory=dict)

    def group(self, name: str) -> Group:
        """The group ``name``, created empty on first use."""
        return self.groups.setdefault(name, Group(name))

    def add_host(self, group: str, name: str, host_vars: dict[str, Var], origin: str) -> None:
        """Record ``name`` in ``group`` with its inline variables (at most
        ``MAX_INVENTORY_HOSTS`` hosts in all)."""
        if name not in self.hosts and len(self.hosts) >= MAX_INVENTORY_HOSTS:
            file, _, line = origin.rpartition(":")
            raise ConfigError([Problem(file or origin, int(line) if line.isdigit() else None,
                                       None, "", f"more than {MAX_INVENTORY_HOSTS} hosts in "
                                       "the inventory; split it")])
        known, first = self.hosts.get(name, ({}, origin))
        known.update(host_vars)
        self.hosts[name] = (known, first)
        self.group(group).add(name)


def _range_items(start: str, end: str, step: int) -> range | str:
    """The values one ``[start:end:step]`` stands for (a range of numbers, or letters)."""
    if step < 1:
        raise ValueError(f"range step {step} must be at least 1")
    if start.isdigit() and end.isdigit():
        if len(start) > 18 or len(end) > 18:
            raise ValueError(f"range [{start}:{end}] has more than {MAX_RANGE_HOSTS} hosts")
        return range(int(start), int(end) + 1, step)
    letters = string.ascii_letters
    if len(start) != 1 or len(end) != 1 or start not in letters or end not in letters:
        raise ValueError(f"range [{start}:{end}]: expected two numbers or two letters")
    return letters[letters.index(start):letters.index(end) + 1:step]


def range_size(pattern: str) -> int:
    """How many names ``pattern`` expands to, without expanding it (ValueError when it is
    not a valid range or exceeds ``MAX_RANGE_HOSTS``)."""
    total = 1
    matches = list(_RANGE.finditer(pattern))
    if len(matches) > MAX_RANGES:
        raise ValueError(f"{pattern[:80]!r} has more than {MAX_RANGES} ranges")
    for match in matches:
        total *= len(_range_items(match.group(1), match.group(2), int(match.group(3) or 1)))
        if total > MAX_RANGE_HOSTS:
            raise ValueError(f"{pattern[:80]!r} expands to more than {MAX_RANGE_HOSTS} hosts, "
                             "the most one range may give")
    return total


def expand_range(pattern: str) -> list[str]:
    """``web[01:03]`` → web01, web02, web03; ``db-[a:c]`` → db-a, db-b, db-c.

    ValueError for a malformed range or one larger than ``MAX_RANGE_HOSTS``, checked
    before a single name is made.
    """
    range_size(pattern)
    return _expand(pattern)


def _expand(pattern: str) -> list[str]:
    match = _RANGE.search(pattern)
    if not match:
        return [pattern]
    start, end, step = match.group(1), match.group(2), int(match.group(3) or 1)
    head, tail = pattern[:match.start()], pattern[match.end():]
    values = _range_items(start, end, step)
    if isinstance(values, range):
        width = len(start) if start.startswith("0") else 0
        items = [str(i).zfill(width) for i in values]
    else:
        items = list(values)
    return [name for item in items for name in _expand(f"{head}{item}{tail}")]


def ini_value(text: str) -> Any:
    """An INI variable value: integers and booleans as such, quotes removed, else the text."""
    if text.isdigit():
        return int(text)
    if text.lower() in ("true", "yes"):
        return True
    if text.lower() in ("false", "no"):
        return False
    return text


def _ini_pairs(words: list[str], origin: str) -> dict[str, Var]:
    pairs: dict[str, Var] = {}
    for word in words:
        key, sep, value = word.partition("=")
        if sep:
            pairs[key] = (ini_value(value), origin)
    return pairs


def _ini_section(header: str) -> tuple[str, str]:
    name, _, kind = header.strip("[]").partition(":")
    return name.strip(), kind.strip() or "hosts"


def _ini_line(inv: Inventory, section: tuple[str, str], line: str, number: int) -> None:
    group, kind = section
    origin = f"{inv.file}:{number}"
    if kind == "vars":
        key, sep, value = line.partition("=")
        if not sep:
            raise ConfigError([Problem(inv.file, number, None, "",
                                       f"expected key=value in [{group}:vars]")])
        inv.group(group).vars[key.strip()] = (ini_value(value.strip().strip("'\"")), origin)
    elif kind == "children":
        inv.group(line.split()[0])
        if line.split()[0] not in inv.group(group).children:
            inv.group(group).children.append(line.split()[0])
    else:
        try:
            words = shlex.split(line, comments=True)
        except ValueError as exc:  # an unclosed quote
            raise ConfigError([Problem(inv.file, number, None, "", f"cannot split the host "
                                       f"line: {exc}")]) from None
        if not words:
            return
        pairs = _ini_pairs(words[1:], origin)
        host, port = _host_port(words[0])
        if port is not None:
            pairs.setdefault("ansible_port", (port, origin))
        try:
            names = expand_range(host)
        except ValueError as exc:
            raise ConfigError([Problem(inv.file, number, None, "", str(exc))]) from None
        for name in names:
            inv.add_host(group, name, pairs, origin)


def _host_port(word: str) -> tuple[str, int | None]:
    """``db1:2222`` → (``db1``, 2222); IPv6 addresses and plain names have no port."""
    head, sep, tail = word.rpartition(":")
    if sep and tail.isdigit() and ":" not in head and "]" not in tail:
        return head, int(tail)
    return word, None


def parse_ini(text: str, file: str) -> Inventory:
    """An INI inventory; hosts before any section go to ``ungrouped``."""
    inv = Inventory(file)
    section = ("ungrouped", "hosts")
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line[0] in "#;":
            continue
        if line.startswith("[") and line.endswith("]"):
            section = _ini_section(line)
            inv.group(section[0])
            continue
        _ini_line(inv, section, line, number)
    return inv


def _yaml_vars(doc: Document, raw: Any, path: tuple[Any, ...]) -> dict[str, Var]:
    if not isinstance(raw, dict):
        return {}
    return {str(k): (v, doc.where(path + (k,))) for k, v in raw.items()}


def _yaml_group(doc: Document, inv: Inventory, name: str, raw: Any,
                path: tuple[Any, ...]) -> None:
    group = inv.group(name)
    if raw is None:
        return
    if not isinstance(raw, dict):
        raise ConfigError([doc.problem(path, f"group {name!r}: expected a mapping with hosts, "
                                       "vars or children")])
    for key in ("hosts", "vars", "children"):
        if raw.get(key) is not None and not isinstance(raw[key], dict):
            raise ConfigError([doc.problem(path + (key,), f"group {name!r}: {key} must be a "
                                           "mapping (name: {...})")])
    group.vars.update(_yaml_vars(doc, raw.get("vars"), path + ("vars",)))
    for host, host_vars in (raw.get("hosts") or {}).items():
        if host_vars is not None and not isinstance(host_vars, dict):
            raise ConfigError([doc.problem(path + ("hosts", host), f"host {host!r}: expected "
                                           "a mapping of variables")])
        where = path + ("hosts", host)
        try:
            names = expand_range(str(host))
        except ValueError as exc:
            raise ConfigError([doc.problem(where, str(exc))]) from None
        for expanded in names:
            inv.add_host(name, expanded, _yaml_vars(doc, host_vars, where), doc.where(where))
    for child, child_raw in (raw.get("children") or {}).items():
        if child not in group.children:
            group.children.append(str(child))
        _yaml_group(doc, inv, str(child), child_raw, path + ("children", child))


def parse_yaml(text: str, file: str) -> Inventory:
    """A YAML inventory: top-level keys are groups (usually just ``all``)."""
    doc = parse_text(text, file)
    if not isinstance(doc.data, dict):
        raise ConfigError([doc.problem((), "expected a mapping of groups (all: {hosts: …})")])
    inv = Inventory(file)
    for name, raw in doc.data.items():
        _yaml_group(doc, inv, str(name), raw, (name,))
    return inv


def looks_like_yaml(text: str, file: str) -> bool:
    """YAML by extension, or by content when the first meaningful line is ``key:``."""
    if file.endswith((".yml", ".yaml", ".json")):
        return True
    for raw in text.splitlines():
        line = raw.strip()
        if line and not line.startswith(("#", ";")):
            return line.startswith("---") or (line.endswith(":") and not line.startswith("["))
    return False


def parse_inventory(text: str, file: str) -> Inventory:
    """Parse ``text`` as YAML or INI, whichever it is."""
    return parse_yaml(text, file) if looks_like_yaml(text, file) else parse_ini(text, file)


def merge(into: Inventory, other: Inventory) -> None:
    """Add ``other``'s groups, hosts and variables to ``into`` (later files win)."""
    for name, group in other.groups.items():
        target = into.group(name)
        target.vars.update(group.vars)
        target.children += [c for c in group.children if c not in target.children]
        for host in group.hosts:
            target.add(host)
    for host, (host_vars, origin) in other.hosts.items():
        known, first = into.hosts.get(host, ({}, origin))
        known.update(host_vars)
        into.hosts[host] = (known, first)
