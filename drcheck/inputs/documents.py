"""Read YAML (or JSON) input files into plain data while remembering where every value stood.

Every error drcheck reports about an input names file, line and column; ``Document.where``
and ``Document.line_of`` give them for any JSON path. Reading is bounded: only regular files,
at most ``--max-input-mb`` (``DRCHECK_MAX_INPUT_MB``, 50 MiB by default), nesting, node count
and alias expansion capped, no tag ever constructs an object, duplicate keys are an error.
Files in the block subset inventories use are read by the fast line reader (``yamlfast``),
anything else by libyaml's event stream (``yamlevents``); both give the same data and
positions. A syntax error is told in plain words with the line and a caret at its cause.
"""

from __future__ import annotations

import hashlib
import os
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from drcheck.inputs.bounds import json_path, read_bytes
from drcheck.inputs.yamlerrors import Limits, YamlProblem, limits_from_env, with_snippet
from drcheck.inputs.yamlfast import read_fast
from drcheck.inputs.yamlinline import SHIFT, Unsupported
from drcheck.inputs.yamlsplit import read_shared
from drcheck.shared.errors import ConfigError, Problem, UsageError
from drcheck.shared.gcpause import paused_gc

__all__ = ["Document", "PathKey", "json_path", "load_file", "parse_text", "paused_gc",
           "read_input", "read_yaml", "sub_marks"]
# paused_gc: reading builds millions of containers and frees none, the worst case for the
# generational collector (it would traverse the growing heap again and again, a third of
# the reading time of a 100k-dataset estate); plain data has no cycles to collect.

PathKey = tuple[Any, ...]
_COL = (1 << SHIFT) - 1


@dataclass(frozen=True)
class Document:
    """Plain data from one file, with the 1-based line and column of each JSON path.

    ``marks`` is a position tree: ``[packed position, children]`` for a container (children a
    dict by key or a list by index), a packed ``line << 32 | column`` int for a scalar.
    """

    path: str
    data: Any
    marks: Any = None
    digest: str = ""

    @property
    def name_hint(self) -> str:
        """A name for the document when it declares none: its directory or file stem."""
        p = Path(self.path)
        return p.parent.name if p.stem in ("estate", "policy") and p.parent.name else p.stem

    def line_of(self, path: PathKey) -> tuple[int | None, int | None]:
        """The position of ``path``, or of its nearest ancestor that has one."""
        node = self.marks
        if node is None:
            return None, None
        best = node[0]
        for part in path:
            children = node[1] if isinstance(node, list) else None
            if isinstance(children, dict):
                node = children.get(part) if isinstance(part, str) else None
            elif isinstance(children, list) and isinstance(part, int) and \
                    0 <= part < len(children):
                node = children[part]
            else:
                break
            if node is None:
                break
            best = node[0] if isinstance(node, list) else node
        return int(best >> SHIFT), int(best & _COL)

    def where(self, path: PathKey) -> str:
        """``file:line`` for ``path``, used as the origin of declared facts."""
        line, _ = self.line_of(path)
        return f"{self.path}:{line}" if line else self.path

    def where_at(self, marks: Any) -> str:
        """``file:line`` of a node of the position tree reached with ``sub_marks`` (the same
        answer as ``where`` of its path, without walking from the root each time)."""
        pos = marks[0] if isinstance(marks, list) else marks
        line = pos >> SHIFT if pos else 0
        return f"{self.path}:{line}" if line else self.path

    def problem(self, path: PathKey, message: str) -> Problem:
        """A ``Problem`` pinned to ``path`` in this document."""
        line, col = self.line_of(path)
        return Problem(self.path, line, col, json_path(path), message)


def sub_marks(marks: Any, part: str | int) -> Any:
    """The position-tree node of child ``part`` of ``marks``; when the child has none, its
    parent's position (as a bare int, so nothing below it is found): the nearest ancestor,
    as ``Document.line_of`` answers."""
    if not isinstance(marks, list):
        return marks
    children = marks[1]
    node = None
    if isinstance(children, dict):
        node = children.get(part) if isinstance(part, str) else None
    elif isinstance(children, list) and isinstance(part, int) and 0 <= part < len(children):
        node = children[part]
    return marks[0] if node is None else node


def _full_read(text: str, limits: Limits) -> tuple[Any, Any]:
    """libyaml's reading of ``text``; its errors become ``YamlProblem`` in plain words."""
    import yaml

    from drcheck.inputs.yamlevents import read_events
    from drcheck.inputs.yamlwords import plain_words

    try:
        return read_events(text, limits)
    except yaml.MarkedYAMLError as exc:
        line, col, words = plain_words(exc, text)
        raise YamlProblem(line, col, words) from None
    except yaml.YAMLError as exc:
        raise YamlProblem(None, None, f"invalid YAML: {exc}") from None


def read_yaml(text: str, limits: Limits | None = None) -> tuple[Any, Any]:
    """Data and position tree of one YAML document, or ``YamlProblem``."""
    limits = limits or limits_from_env()
    if text.startswith("\ufeff"):
        text = text[1:]
    try:
        return read_shared(text, limits) or read_fast(text, limits)
    except Unsupported:
        return _full_read(text, limits)
    except YamlProblem as fast:
        if fast.message.startswith(("duplicate key", "nested deeper", "more than")) or \
                "calendar" in fast.message:
            raise
        try:
            return _full_read(text, limits)  # valid YAML the fast reader is too strict for
        except YamlProblem:
            raise fast from None  # both refuse it; the fast reader names the real cause


def parse_text(text: str, path: str, digest: str | None = None) -> Document:
    """Parse YAML text (JSON is YAML too) into a ``Document``; errors carry line and column.

    ``digest``: the SHA-256 of the text's UTF-8 bytes when the caller has them (a file's
    bytes as read), else computed here."""
    try:
        with paused_gc():
            data, marks = read_yaml(text)
    except YamlProblem as exc:
        message = with_snippet(text, exc.line, exc.column, exc.message)
        raise ConfigError([Problem(path, exc.line, exc.column, "", message)]) from None
    if digest is None:
        digest = hashlib.sha256(text.encode("utf-8")).hexdigest()
    return Document(path=path, data=data, marks=marks, digest=digest)


def read_input(path: str | os.PathLike[str]) -> str:
    """The text of an input file; a missing, special, oversized or unreadable file is a usage
    error (exit 2). FIFOs and devices are refused before anything is read from them."""
    return _decoded(read_bytes(path, _too_big), path)


def _decoded(raw: bytes, path: str | os.PathLike[str]) -> str:
    try:
        return raw.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = raw[:exc.start].count(b"\n") + 1
        raise UsageError(f"{os.fspath(path)}:{line}: cannot read: not UTF-8 text (byte "
                         f"0x{raw[exc.start]:02x} at offset {exc.start})") from None


def _too_big(name: str, size: int, cap: int) -> UsageError:
    return UsageError(
        f"{name}: {size} bytes is more than the {cap // (1024 * 1024)} MiB drcheck reads; "
        "raise the limit for a giant estate with --max-input-mb N or DRCHECK_MAX_INPUT_MB")


def load_file(path: str | os.PathLike[str]) -> Document:
    """Read and parse one input file (its digest from the bytes read: the same as the
    text's UTF-8, without encoding a giant estate again)."""
    raw = read_bytes(path, _too_big)
    digest = hashlib.sha256(raw).hexdigest()
    text = _decoded(raw, path)
    del raw  # not held while the text is parsed
    return parse_text(text, os.fspath(path), digest)
