"""The facts document of a snapshot read from a file this version wrote, taken from the file.

A JSON report embeds its snapshot's facts document. Writing that document anew from the
snapshot costs about half a second per 10k datasets and a second copy of every string; when
the snapshot was read from a version 3 file this same drcheck wrote (its digest checked, so
its content is the snapshot's), the file already holds the document, one dataset per line
(``jsontext.records``). Those lines are used as they are, once each is proven to be the
record's compact form; any other layout is written anew from the snapshot instead.
"""

from __future__ import annotations

from typing import Any

import orjson

from drcheck.shared.jsontext import compact
from drcheck.shared.model import Snapshot

_OPEN = b'\n  "datasets": [\n'
_CLOSE = b"\n  ],\n"
_PAD = b"    "


def keep_source(snapshot: Snapshot, raw: bytes) -> None:
    """Remember the bytes ``snapshot`` was read from (a whole facts file of this version)."""
    object.__setattr__(snapshot, "_source", raw)


def _dataset_lines(raw: bytes, start: int, end: int) -> list[memoryview] | None:
    """The records on the lines of ``raw[start:end]`` (views into ``raw``, not copies), or
    None unless each line is one compact record."""
    view = memoryview(raw)
    lines = []
    sep = b",\n" + _PAD
    at = start
    while at < end:
        stop = raw.find(sep, at, end)
        stop = end if stop < 0 else stop
        if raw[at:at + len(_PAD)] != _PAD:
            return None
        record = view[at + len(_PAD):stop]
        try:
            if compact(orjson.loads(record)) != record:
                return None
        except orjson.JSONDecodeError:
            return None
        lines.append(record)
        at = stop + 2
    return lines


def stored_document(snapshot: Snapshot) -> tuple[dict[str, Any], list[memoryview]] | None:
    """The snapshot's facts document without its datasets, and the datasets as encoded
    records, from the file it was read from; None when it was not read from one (or the
    file is not laid out one dataset per line)."""
    raw = snapshot.__dict__.get("_source")
    if not isinstance(raw, bytes):
        return None
    start = raw.find(_OPEN)
    end = raw.find(_CLOSE, start)
    if start < 0 or end < 0:
        return None
    lines = _dataset_lines(raw, start + len(_OPEN), end)
    if lines is None or len(lines) != len(snapshot.datasets):
        return None
    head = orjson.loads(raw[:start + len(_OPEN) - 1] + b"]" + raw[end + 4:])
    if not isinstance(head, dict) or head.get("datasets") != []:
        return None
    del head["datasets"]
    return head, lines
