"""What one input file may cost: its size, its kind of file, its nesting depth, its numbers.

drcheck reads files other people wrote (facts snapshots, baselines, Terraform JSON, mapping
files, Ansible inventories, ssh_configs), often as root. Each is read through ``read_text``:
only a regular file, at most ``max_input_bytes()`` (``--max-input-mb`` or
``DRCHECK_MAX_INPUT_MB`` raise it for giant estates), so ``/dev/zero``, a FIFO or a 60 MB
blob is refused at once instead of eating the machine. ``load_json`` parses JSON with
``NaN``/``Infinity`` refused and a nesting depth cap, and ``tree_problems`` walks any parsed
document (iteratively: a deep one cannot exhaust the stack) for non-finite numbers and
excess depth. Every refusal is a ``ConfigError`` or ``UsageError`` naming the file: exit 2.
"""

from __future__ import annotations

import json
import math
import os
import stat
from collections.abc import Callable, Iterator
from typing import Any

from drcheck.shared.errors import ConfigError, Problem, UsageError

DEFAULT_MAX_INPUT_MB = 50
"""The default size cap of one input file, in MiB."""
ENV_MAX_INPUT_MB = "DRCHECK_MAX_INPUT_MB"
MAX_DEPTH = 64
"""The deepest nesting of lists and mappings any drcheck input may have."""

_override_mb: float | None = None


def set_max_input_mb(value: float | None) -> None:
    """Set the size cap for this process (the ``--max-input-mb`` option); None: default."""
    global _override_mb
    if value is not None and (not math.isfinite(value) or value <= 0):
        raise UsageError(f"--max-input-mb {value!r}: expected a positive number of MiB")
    _override_mb = value


def max_input_bytes() -> int:
    """The size cap in bytes: ``--max-input-mb``, else ``DRCHECK_MAX_INPUT_MB``, else 50 MiB."""
    value: float = DEFAULT_MAX_INPUT_MB
    if _override_mb is not None:
        value = _override_mb
    elif os.environ.get(ENV_MAX_INPUT_MB):
        raw = os.environ[ENV_MAX_INPUT_MB]
        try:
            value = float(raw)
        except ValueError:
            raise UsageError(f"{ENV_MAX_INPUT_MB}={raw!r}: expected a number of MiB") from None
        if not math.isfinite(value) or value <= 0:
            raise UsageError(f"{ENV_MAX_INPUT_MB}={raw!r}: expected a positive number of MiB")
    return int(value * 1024 * 1024)


def _too_big(name: str, size: int, limit: int) -> UsageError:
    return UsageError(f"{name}: larger than {limit / (1024 * 1024):g} MiB, the input size cap",
                      hint=f"raise it with --max-input-mb N or {ENV_MAX_INPUT_MB}=N")


TooBig = Callable[[str, int, int], UsageError]
"""The refusal of file ``name`` of ``size`` bytes (at least) over the cap ``limit``."""


def read_bytes(path: str | os.PathLike[str], too_big: TooBig = _too_big) -> bytes:
    """The bytes of a regular file of at most ``max_input_bytes()``; anything else exit 2.

    The file is opened without blocking (a FIFO cannot stall us) and checked on the open
    descriptor, so a device, FIFO, socket or directory is refused before a byte is read.
    ``too_big`` words the size refusal (the estate reader's names the size and the option).
    """
    name = os.fspath(path)
    limit = max_input_bytes()
    try:
        fd = os.open(name, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_CLOEXEC", 0))
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{name}: is a directory, expected a file") from None
    except OSError as exc:
        raise UsageError(f"{name}: cannot read: {exc.strerror or exc}") from None
    info = os.fstat(fd)
    if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
        os.close(fd)
        if stat.S_ISDIR(info.st_mode):
            raise UsageError(f"{name}: is a directory, expected a file")
        if not stat.S_ISREG(info.st_mode):
            raise UsageError(f"{name}: not a regular file (a device, FIFO or socket); "
                             "expected a file")
        raise too_big(name, info.st_size, limit)
    with os.fdopen(fd, "rb") as handle:
        try:
            data = handle.read(limit + 1)
        except OSError as exc:
            raise UsageError(f"{name}: cannot read: {exc.strerror or exc}") from None
    if len(data) > limit:
        raise too_big(name, len(data), limit)
    return data


def read_text(path: str | os.PathLike[str]) -> str:
    """``read_bytes`` decoded as UTF-8 (a file that is not UTF-8 is exit 2)."""
    name = os.fspath(path)
    try:
        return read_bytes(name).decode("utf-8")
    except UnicodeDecodeError as exc:
        raise UsageError(f"{name}: not UTF-8 text (byte {exc.start})") from None


def _refuse_constant(word: str) -> Any:
    raise ValueError(f"{word} is not a finite number")


def load_json(text: str, name: str, hint: str | None = None) -> Any:
    """JSON text parsed with ``NaN``/``Infinity`` refused and nesting capped at ``MAX_DEPTH``;
    a number too large for a float (``1e999``) is refused too."""
    try:
        data = json.loads(text, parse_constant=_refuse_constant)
    except json.JSONDecodeError as exc:
        raise ConfigError([Problem(name, exc.lineno, exc.colno, "", f"invalid JSON: {exc.msg}")],
                          hint=hint) from None
    except ValueError as exc:
        raise ConfigError([Problem(name, None, None, "", f"invalid JSON: {exc}")],
                          hint=hint) from None
    except RecursionError:
        raise ConfigError([Problem(name, None, None, "", f"invalid JSON: nested deeper "
                                   f"than {MAX_DEPTH} levels")], hint=hint) from None
    problems = tree_problems(data, lambda path, message: Problem(name, None, None,
                                                                 json_path(path), message))
    if problems:
        raise ConfigError(problems, hint=hint)
    return data


def read_json(path: str | os.PathLike[str], hint: str | None = None) -> Any:
    """A bounded JSON file: ``read_text`` then ``load_json``."""
    name = os.fspath(path)
    return load_json(read_text(name), name, hint)


def json_path(path: tuple[Any, ...]) -> str:
    """``$.datasets[0].copies[1]`` for a path of keys and indexes."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _walk(data: Any) -> Iterator[tuple[tuple[Any, ...], Any]]:
    """Every (path, value) of a parsed tree, depth first, without recursion."""
    stack: list[tuple[tuple[Any, ...], Any]] = [((), data)]
    while stack:
        path, value = stack.pop()
        yield path, value
        if len(path) > MAX_DEPTH:
            continue
        if isinstance(value, dict):
            stack.extend((path + (k,), v) for k, v in reversed(value.items()))
        elif isinstance(value, list):
            stack.extend((path + (i,), v) for i, v in reversed(list(enumerate(value))))


def _clean(data: Any) -> bool:
    """True when ``data`` holds no non-finite number and nests at most ``MAX_DEPTH`` deep."""
    return scan(data)[0]


def scan(data: Any, keys: frozenset[str] = frozenset()) -> tuple[bool, set[str]]:
    """One walk over a parsed document answering two questions: is it clean (no non-finite
    number, nested at most ``MAX_DEPTH`` deep), and which distinct texts stand under one of
    ``keys`` anywhere (the text itself, or the text ``value`` of a mapping: an estate's
    timestamp or a facts snapshot's evidence record)?

    The quick answer for the common (clean) document: containers are walked with their depth
    only, no path is built (``tree_problems`` builds paths only when this says "not clean").
    A mapping is looked into for ``keys`` only when it holds one (a set test in C); the texts
    found may include some inside such a record, a superset a caller re-checks by path.
    When the document is not clean, the texts are not all found.
    """
    found: set[str] = set()
    if not isinstance(data, dict | list):
        return not (isinstance(data, float) and not math.isfinite(data)), found
    level: list[Any] = [data]  # the containers at one depth: no (depth, node) pair each
    isfinite, holds_none = math.isfinite, keys.isdisjoint
    for _ in range(MAX_DEPTH):
        below: list[Any] = []
        push = below.append
        for node in level:
            if isinstance(node, dict):
                if keys and not holds_none(node):
                    _texts_under(node, keys, found)
                values: Any = node.values()
            else:
                values = node
            for value in values:
                if isinstance(value, dict | list):
                    push(value)
                elif isinstance(value, float) and not isfinite(value):
                    return False, found
        if not below:
            return True, found
        level = below
    return not any(level), found  # containers at MAX_DEPTH: their items stand deeper


def _texts_under(node: dict[str, Any], keys: frozenset[str], found: set[str]) -> None:
    """Add the texts under ``keys`` of one mapping to ``found`` (see ``scan``)."""
    for key in keys.intersection(node):
        item = node[key]
        if isinstance(item, str):
            found.add(item)
        elif isinstance(item, dict) and isinstance(item.get("value"), str):
            found.add(item["value"])


def tree_problems(data: Any, make: Callable[[tuple[Any, ...], str], Problem],
                  limit: int = 50) -> list[Problem]:
    """Non-finite numbers and nesting deeper than ``MAX_DEPTH`` in a parsed document (at most
    ``limit`` problems: a hostile file must not make a hostile report)."""
    if isinstance(data, float) and not math.isfinite(data):
        return [make((), f"{data!r} is not a finite number")]
    if not isinstance(data, dict | list) or _clean(data):
        return []
    problems: list[Problem] = []
    for path, value in _walk(data):
        if len(path) > MAX_DEPTH:
            problems.append(make(path[:MAX_DEPTH], f"nested deeper than {MAX_DEPTH} levels"))
            break
        if isinstance(value, float) and not math.isfinite(value):
            problems.append(make(path, f"{value!r} is not a finite number"))
        if len(problems) >= limit:
            break
    return problems
