"""Read YAML (or JSON) input files into plain data while remembering where every value stood.

Every error drcheck reports about an input names file, line and column; ``Document.where``
and ``Document.line_of`` give them for any JSON path. Duplicate keys are an error, not a
silent overwrite, and parse errors become ``ConfigError`` with the position ruamel found.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass, field
from datetime import date, datetime, timezone
from pathlib import Path
from typing import Any

from ruamel.yaml import YAML
from ruamel.yaml.comments import CommentedMap, CommentedSeq
from ruamel.yaml.constructor import RoundTripConstructor
from ruamel.yaml.error import MarkedYAMLError, YAMLError

from drcheck.errors import ConfigError, Problem, UsageError

PathKey = tuple[Any, ...]


@dataclass(frozen=True)
class Document:
    """Plain data from one file, with the 1-based line and column of each JSON path."""

    path: str
    data: Any
    marks: dict[PathKey, tuple[int, int]] = field(default_factory=dict)
    digest: str = ""

    @property
    def name_hint(self) -> str:
        """A name for the document when it declares none: its directory or file stem."""
        p = Path(self.path)
        return p.parent.name if p.stem in ("estate", "policy") and p.parent.name else p.stem

    def line_of(self, path: PathKey) -> tuple[int | None, int | None]:
        """The position of ``path``, or of its nearest ancestor that has one."""
        probe = tuple(path)
        while probe:
            if probe in self.marks:
                return self.marks[probe]
            probe = probe[:-1]
        return self.marks.get((), (None, None))

    def where(self, path: PathKey) -> str:
        """``file:line`` for ``path``, used as the origin of declared facts."""
        line, _ = self.line_of(path)
        return f"{self.path}:{line}" if line else self.path

    def problem(self, path: PathKey, message: str) -> Problem:
        """A ``Problem`` pinned to ``path`` in this document."""
        line, col = self.line_of(path)
        return Problem(self.path, line, col, json_path(path), message)


def json_path(path: PathKey) -> str:
    """A JSON path such as ``$.datasets[0].copies[1].bucket``."""
    out = "$"
    for part in path:
        out += f"[{part}]" if isinstance(part, int) else f".{part}"
    return out


def _plain(node: Any, path: PathKey, marks: dict[PathKey, tuple[int, int]]) -> Any:
    if isinstance(node, CommentedMap):
        out: dict[str, Any] = {}
        for key, value in node.items():
            child = path + (str(key),)
            try:
                line, col = node.lc.key(key)
                marks[child] = (line + 1, col + 1)
            except (KeyError, TypeError):
                pass
            out[str(key)] = _plain(value, child, marks)
        return out
    if isinstance(node, CommentedSeq):
        items: list[Any] = []
        for i, value in enumerate(node):
            try:
                line, col = node.lc.item(i)
                marks[path + (i,)] = (line + 1, col + 1)
            except (KeyError, TypeError, IndexError):
                pass
            items.append(_plain(value, path + (i,), marks))
        return items
    if isinstance(node, datetime):
        stamp = node if node.tzinfo else node.replace(tzinfo=timezone.utc)
        return stamp.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    if isinstance(node, date):
        return node.isoformat()
    if isinstance(node, bool | int | float) or node is None:
        return node
    return str(node)


class _Constructor(RoundTripConstructor):
    """Keeps YAML timestamps, and integers Python will not convert (over 4,300 digits), as
    the text written: the validators then refuse them with file:line, where ruamel would
    raise a bare ValueError (``2026-02-30``, a 5,000-digit number)."""

    def int_or_text(self, node: Any) -> Any:
        """The integer, or its text when it is too long to convert."""
        try:
            return self.construct_yaml_int(node)
        except ValueError:
            return str(self.construct_scalar(node))[:80] + "…"


_Constructor.add_constructor("tag:yaml.org,2002:timestamp",
                             lambda self, node: str(self.construct_scalar(node)))
_Constructor.add_constructor("tag:yaml.org,2002:int", _Constructor.int_or_text)


def parse_text(text: str, path: str) -> Document:
    """Parse YAML text (JSON is YAML too) into a ``Document``; errors carry line and column."""
    yaml = YAML(typ="rt")
    yaml.allow_duplicate_keys = False
    yaml.Constructor = _Constructor
    try:
        node = yaml.load(text)
    except MarkedYAMLError as exc:
        mark = exc.problem_mark or exc.context_mark
        line = mark.line + 1 if mark else None
        col = mark.column + 1 if mark else None
        what = (exc.problem or exc.context or "invalid YAML").strip()
        if "duplicate key" in what or "found duplicate key" in str(exc):
            what = f"duplicate key: {what}"
        raise ConfigError([Problem(path, line, col, "", what)]) from None
    except YAMLError as exc:
        raise ConfigError([Problem(path, None, None, "", f"invalid YAML: {exc}")]) from None
    marks: dict[PathKey, tuple[int, int]] = {(): (1, 1)}
    data = _plain(node, (), marks)
    digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(path=path, data=data, marks=marks, digest=digest)


def read_input(path: str | os.PathLike[str]) -> str:
    """The text of an input file; a missing or unreadable file is a usage error (exit 2)."""
    name = os.fspath(path)
    try:
        return Path(name).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise UsageError(f"{name}: no such file") from None
    except IsADirectoryError:
        raise UsageError(f"{name}: is a directory, expected a file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise UsageError(f"{name}: cannot read: {exc}") from None


def load_file(path: str | os.PathLike[str]) -> Document:
    """Read and parse one input file."""
    return parse_text(read_input(path), os.fspath(path))
