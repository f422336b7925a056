"""The facts document of a snapshot read from a file this version wrote, taken from the file.

A JSON report embeds its snapshot's facts document. Writing that document anew from the
snapshot costs about half a second per 10k datasets, and parsing the file's document again
holds every location and dataset as Python objects while the report is written. When the
snapshot was read from a version 3 file this same drcheck wrote (its digest checked, so its
content is the snapshot's), the file already holds the document in ``json_stream``'s
layout: each top-level field on a line, or a mapping's members and a list's items on a line
each. Those lines are used as they are: a list's items as views into the file's bytes, a
mapping as the compact text of its members, made member by member as it is written. Each
line is first proven to be exactly what the writer makes of the value it holds; any other
layout is written anew from the snapshot.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

import orjson

from drcheck.shared.json_stream import Encoded, Raw
from drcheck.shared.jsontext import compact
from drcheck.shared.model import Snapshot

_FIELD = re.compile(rb'  ("[a-z_]+"): ')
_PAD = b"    "
_STREAMED = frozenset({"datasets"})
"""Lists written as streams (read once, by the writer); other lists are parsed (small)."""
_NOT_OURS = object()
"""A field whose lines are not laid out as the writer lays them out."""


def keep_source(snapshot: Snapshot, raw: bytes, proven: int = 0) -> None:
    """Remember the bytes ``snapshot`` was read from (a whole facts file of this version);
    ``proven``: how many dataset lines the reader already proved to be the writer's bytes
    (``facts.lines``), so they are not parsed again here."""
    object.__setattr__(snapshot, "_source", raw)
    object.__setattr__(snapshot, "_proven", proven)


def has_source(snapshot: Snapshot) -> bool:
    """Whether ``snapshot`` keeps the bytes it was read from (``keep_source``): its facts
    document may then be taken from them (``stored_document``), which costs little."""
    return isinstance(snapshot.__dict__.get("_source"), bytes)


class _Lines:
    """The lines of a file's bytes as views, one at a time."""

    def __init__(self, raw: bytes) -> None:
        self.raw, self.view, self.at = raw, memoryview(raw), 0

    def next(self) -> memoryview | None:
        if self.at >= len(self.raw):
            return None
        end = self.raw.find(b"\n", self.at)
        end = len(self.raw) if end < 0 else end
        line, self.at = self.view[self.at:end], end + 1
        return line


def _is(view: memoryview | None, text: bytes) -> bool:
    """Whether ``view`` holds exactly ``text`` (copying only a view of ``text``'s length)."""
    return view is not None and len(view) == len(text) and view.tobytes() == text


def _comma(view: memoryview) -> memoryview:
    """``view`` without the comma that separates it from the next line's item."""
    return view[:-1] if _is(view[-1:], b",") else view


def _member(line: memoryview) -> int | None:
    """The length of the key of a mapping member's line (``"key": value``), or None unless
    the line is exactly what the writer makes of that member."""
    body = bytes(line)
    try:
        one = orjson.loads(b"{" + body + b"}")
    except orjson.JSONDecodeError:
        return None
    if not isinstance(one, dict) or len(one) != 1:
        return None
    ((key, value),) = one.items()
    name = compact(key)
    return len(name) if name + b": " + compact(value) == body else None


def _compact_members(lines: list[memoryview], cuts: list[int]) -> Iterator[bytes]:
    """A mapping's compact text, member by member, from its lines (``"key": value``) and
    each key's length: the key, a colon, the value."""
    yield b"{"
    for i, (line, cut) in enumerate(zip(lines, cuts, strict=True)):
        yield (b"," if i else b"") + line[:cut] + b":" + line[cut + 2:]
    yield b"}"


def _item(line: memoryview) -> memoryview | None:
    try:
        return line if compact(orjson.loads(line)) == line else None
    except orjson.JSONDecodeError:
        return None


def _block(lines: _Lines, close: bytes) -> list[memoryview] | None:
    """The item lines of an opened block up to its closing line, without the separating
    commas; None if a line is not indented for the block or the block never closes."""
    out: list[memoryview] = []
    while (line := lines.next()) is not None:
        if _is(line, close) or _is(line, close + b","):
            return out
        if not _is(line[:len(_PAD)], _PAD):
            return None
        out.append(_comma(line[len(_PAD):]))
    return None


def _value(name: str, rest: memoryview, lines: _Lines, proven_lines: int) -> object:
    """One top-level field's value from its first line's ``rest`` (and the block lines that
    follow); ``_NOT_OURS`` when the layout is not the writer's. ``proven_lines``: how many
    lines of a streamed list the reader proved already (see ``keep_source``)."""
    opens = _is(rest, b"{")
    if opens or _is(rest, b"["):
        items = _block(lines, b"  }" if opens else b"  ]")
        if not items:
            return _NOT_OURS
        if opens:
            cuts = [m for m in map(_member, items) if m is not None]
            return Raw(_compact_members(items, cuts)) if len(cuts) == len(items) else _NOT_OURS
        proven = name in _STREAMED and len(items) == proven_lines
        if not proven and any(_item(i) is None for i in items):
            return _NOT_OURS
        return Encoded(items) if name in _STREAMED else [orjson.loads(i) for i in items]
    body = _comma(rest)
    value = orjson.loads(body)
    return value if compact(value) == body else _NOT_OURS


def stored_document(snapshot: Snapshot) -> dict[str, Any] | None:
    """The snapshot's facts document as a JSON report embeds it, from the file it was read
    from: big mappings as their compact text (``Raw``), the datasets as a stream of views
    into the file; None when it was not read from one or the file's layout is not the
    writer's."""
    if not has_source(snapshot):
        return None
    raw: bytes = snapshot.__dict__["_source"]
    proven = snapshot.__dict__.get("_proven", 0)
    lines = _Lines(raw)
    if not _is(lines.next(), b"{"):
        return None
    doc: dict[str, Any] = {}
    streamed = 0
    try:
        while (line := lines.next()) is not None and not _is(line, b"}"):
            field = _FIELD.match(line)
            if field is None:
                return None
            name = orjson.loads(field.group(1))
            value = _value(name, line[field.end():], lines, proven)
            if value is _NOT_OURS:
                return None
            doc[name] = value
            streamed += isinstance(value, Encoded)
    except orjson.JSONDecodeError:
        return None
    return doc if streamed == 1 and isinstance(doc.get("datasets"), Encoded) else None
