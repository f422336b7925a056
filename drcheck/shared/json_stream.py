"""Key-sorted JSON, one record per line, written to a file as it is made; lists may be streams.

The result document of 100k datasets is several hundred MB as one text; built whole (dicts,
then bytes, then text) it needed more memory than the machine has. Here a large list is an
``Encoded`` stream of records already encoded one by one, and the layout is written straight
to a binary file (mappings open while ``depth < 2``, lists while ``depth < 3``, every other
value one compact record; the tests hold a plain reference of the layout) with
memory bounded by the largest record, not the document.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from typing import Any, BinaryIO

import orjson

from drcheck.shared.jsontext import compact

_Write = Callable[[bytes], object]


Record = bytes | memoryview
"""One record's compact JSON: bytes, or a view into the bytes of a file that holds it."""


class Encoded:
    """A list whose items come as compact JSON bytes, one at a time."""

    def __init__(self, items: Iterable[Record]) -> None:
        self.items = items

    @classmethod
    def of(cls, values: Iterable[Any]) -> Encoded:
        """A stream of ``values``, each encoded as it is reached."""
        return cls(map(compact, values))


class Raw:
    """A value already encoded as compact JSON, in chunks (read once), written as they come
    wherever the value stands: so only where the layout writes values compact (a mapping
    at depth 2 or more, a list at 3 or more)."""

    def __init__(self, chunks: Iterable[bytes]) -> None:
        self.chunks = chunks


class Spooled:
    """A list laid out in a file as its records come (``add``): their lines, each indented
    for a list at ``depth``, ``,\n`` between them, without the brackets. Written as ``[]``
    while empty. Records are written a batch at a time (one write per ``BATCH``)."""

    BATCH = 4096

    def __init__(self, body: BinaryIO, depth: int) -> None:
        self.body, self.pad, self.count = body, b"  " * (depth + 1), 0
        self._pending: list[bytes] = []
        self._written = False

    def add(self, record: bytes) -> None:
        """One more item, already encoded."""
        self._pending.append(record)
        self.count += 1
        if len(self._pending) >= self.BATCH:
            self.flush()

    def flush(self) -> None:
        """Write the records added since the last write."""
        if self._pending:
            lead = b",\n" + self.pad if self._written else self.pad
            self.body.write(lead + (b",\n" + self.pad).join(self._pending))
            self._pending.clear()
            self._written = True

    def restart(self) -> None:
        """Forget every item added so far."""
        self.body.seek(0)
        self.body.truncate()
        self.count = 0
        self._pending.clear()
        self._written = False


class Prewritten:
    """A value already written where it stands: ``emit`` of it, at the depth of the place
    it fills, is the content of ``body`` (a binary file), which is copied as it is."""

    def __init__(self, body: BinaryIO) -> None:
        self.body = body


def _copy(spooled: Spooled, depth: int, write: _Write) -> None:
    spooled.flush()
    body = spooled.body
    body.seek(0)
    write(b"[\n")
    while chunk := body.read(1 << 20):
        write(chunk)
    write(b"\n" + b"  " * depth + b"]")


def _stream(items: Iterator[Record], depth: int, write: _Write) -> None:
    first = next(items, None)
    if first is None:
        write(b"[]")
        return
    pad = b"\n" + b"  " * (depth + 1)
    sep = b"," + pad
    write(b"[" + pad + first)
    for item in items:
        write(sep + item)
    write(b"\n" + b"  " * depth + b"]")


def _scalars(value: list[Any], depth: int, write: _Write) -> bool:
    """A list of strings in one encoder call: orjson's two-space layout, re-indented (a
    newline in the output is always layout: strings escape theirs)."""
    if not all(type(v) is str for v in value):
        return False
    try:
        raw = orjson.dumps(value, option=orjson.OPT_INDENT_2)
    except TypeError:  # a lone surrogate: the standard encoder's escapes, item by item
        return False
    write(raw.replace(b"\n", b"\n" + b"  " * depth) if depth else raw)
    return True


def emit(value: Any, depth: int, write: _Write) -> None:
    """Mappings open while ``depth < 2``, lists while ``depth < 3``; the rest on one line."""
    if isinstance(value, Encoded):
        _stream(iter(value.items), depth, write)
    elif isinstance(value, Spooled) and value.count:
        _copy(value, depth, write)
    elif isinstance(value, Spooled):
        write(b"[]")
    elif isinstance(value, Prewritten):
        value.body.seek(0)
        while chunk := value.body.read(1 << 20):
            write(chunk)
    elif isinstance(value, Raw):
        for chunk in value.chunks:
            write(chunk)
    elif isinstance(value, dict) and value and depth < 2:
        pad = b"  " * (depth + 1)
        keys = sorted(value)
        write(b"{\n")
        for i, key in enumerate(keys):
            write(pad + compact(key) + b": ")
            emit(value[key], depth + 1, write)
            write(b",\n" if i < len(keys) - 1 else b"\n")
        write(b"  " * depth + b"}")
    elif isinstance(value, list) and value and depth < 3:
        if not _scalars(value, depth, write):
            _stream(map(compact, value), depth, write)
    else:
        write(compact(value))


def write_records(doc: Any, write: _Write) -> None:
    """``doc`` in the one-record-per-line layout, ending in a newline: a diff shows which
    record changed, and the same document always gives the same bytes."""
    emit(doc, 0, write)
    write(b"\n")
