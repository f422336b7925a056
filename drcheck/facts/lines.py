"""A facts file this drcheck wrote, read one dataset line at a time.

``json_stream`` writes a version 3 facts file with every dataset on a line of its own.
Parsed whole, a 100k-dataset file is about a gigabyte of JSON objects held beside the
snapshot being built from them; read line by line, each dataset's JSON is released as soon
as its record is made. Each line is also proven to be the writer's own bytes for what it
holds (compact, key-sorted): those bytes are what the digest is computed over, and what a
JSON report may embed as they are (``facts.stored``).

Only the writer's exact layout is read this way. Anything else (another layout, an edited
line, a second ``datasets`` key, a digest that does not match) gives None, and the
whole-document readers decide, with their error messages.
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from typing import Any, NamedTuple

import orjson

from drcheck.facts.compact import VERSION
from drcheck.facts.reader import Refused, read_each
from drcheck.shared.jsontext import compact
from drcheck.shared.model import Snapshot

_HEAD = b'{\n  "collected_at": '
_OPEN = b'  "datasets": [\n'
_CLOSE = b"\n  ]"
_PAD = b"    "
_COMMA = ord(",")


class LineRead(NamedTuple):
    """A snapshot read line by line, with what its file said about itself."""

    snapshot: Snapshot
    digest: str
    drcheck_version: object
    datasets: int
    """How many dataset lines were proven to be the writer's bytes (all of them)."""


def read_lines(raw: bytes) -> LineRead | None:
    """The snapshot of a version 3 facts file in the writer's line layout whose digest
    matches; None for any other file (the caller reads it whole)."""
    block = _dataset_block(raw)
    if block is None:
        return None
    start, end = block
    try:
        skeleton = orjson.loads(b"".join((raw[:start], raw[end + 1:])))
    except orjson.JSONDecodeError:
        return None
    if type(skeleton) is not dict or skeleton.get("datasets") != [] \
            or type(skeleton.get("version")) is not int or skeleton["version"] != VERSION \
            or type(skeleton.get("digest")) is not str:
        return None
    rest = compact({k: v for k, v in skeleton.items() if k != "digest"})
    prefix = b'{"collected_at":' + compact(skeleton["collected_at"]) + b',"datasets":['
    if not rest.startswith(prefix + b"]"):
        return None
    hasher = hashlib.sha256(prefix)
    counted = [0]
    try:
        snapshot = read_each(skeleton, _entries(raw, start, end, hasher, counted))
    except Refused:
        return None
    hasher.update(rest[len(prefix):])
    if "sha256:" + hasher.hexdigest() != skeleton["digest"]:
        return None
    return LineRead(snapshot, skeleton["digest"], skeleton.get("drcheck_version"), counted[0])


def _dataset_block(raw: bytes) -> tuple[int, int] | None:
    """Where the dataset lines are: from ``start`` to the newline at ``end`` before the
    closing bracket. The first member (``collected_at``) must be whole on its line, so the
    ``datasets`` line after it is the document's own (a JSON text has no raw newline inside
    a string); a second top-level ``datasets`` would be read last by a whole parse."""
    if not raw.startswith(_HEAD):
        return None
    second = raw.find(b"\n", len(_HEAD))
    if second < 0 or raw[second - 1] != _COMMA or not raw.startswith(_OPEN, second + 1):
        return None
    try:
        orjson.loads(raw[len(_HEAD):second - 1])
    except orjson.JSONDecodeError:
        return None
    start = second + 1 + len(_OPEN)
    end = raw.find(_CLOSE, start - 1)
    if end < 0 or raw.find(b'"datasets"', end) >= 0:
        return None
    return start, end


def _entries(raw: bytes, start: int, end: int, hasher: Any,
             counted: list[int]) -> Iterator[Any]:
    """Each dataset line parsed, once proven to be its own compact text (those bytes are
    hashed as the digest hashes them); ``Refused`` at the first line that is not."""
    pos, separator = start, b""
    while pos < end:
        newline = raw.find(b"\n", pos)
        last = newline == end
        if not raw.startswith(_PAD, pos) or not (last or raw[newline - 1] == _COMMA):
            raise Refused
        line = raw[pos + len(_PAD):newline if last else newline - 1]  # bytes: memcmp below
        try:
            item = orjson.loads(line)
        except orjson.JSONDecodeError:
            raise Refused from None
        text = compact(item)
        if text != line:
            raise Refused
        hasher.update(separator + text)
        separator = b","
        counted[0] += 1
        pos = newline + 1
        yield item
