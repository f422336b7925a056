"""The line-level pieces of the fast YAML reader (``yamlfast``): the shape of a line, an open
block, the text cut into lines a megabyte at a time, and the plain words of its problems.

A line's shape is what stands before its first ``": "``: blank or comment (``SKIP``), a key
line (``KEY_LINE``), a list item's dash and key (``ITEM``), or anything else (``OTHER``, left
to the reader's slower paths).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from typing import Any

from drcheck.inputs.yamlerrors import YamlProblem
from drcheck.inputs.yamlinline import SHIFT, Unsupported, scalar
from drcheck.inputs.yamlscalars import key_text

SKIP, OTHER, KEY_LINE, ITEM = object(), object(), object(), object()
KEY_CHARS = r"[A-Za-z0-9_][A-Za-z0-9_.\-/@]*"
"""The characters of a plain key, as both the line shapes and the reader take one."""
HEAD = re.compile(KEY_CHARS + r"(?=[ ]*\Z)")  # a key, spaces to the colon
Shape = tuple[object, int, str, int]
"""(kind, indentation, key, the key's 0-based column) of a line, by its text before ``": "``."""


class Frame:
    """One open block: its indentation, container and positions of its children."""

    __slots__ = ("indent", "data", "pos", "seq", "indentless", "first_line")

    def __init__(self, indent: int, seq: bool, line: int, indentless: bool = False) -> None:
        self.indent = indent
        self.seq = seq
        self.data: Any = [] if seq else {}
        self.pos: Any = [] if seq else {}
        self.indentless = indentless
        self.first_line = line


def chunks(text: str, chunk: int = 1 << 20) -> Iterator[list[str]]:
    """The lines of ``text``, split a megabyte at a time: a 70 MB estate is never held as
    two and a half million line strings at once (a fifth of the reader's peak memory)."""
    start, size = 0, len(text)
    while True:
        end = text.find("\n", min(start + chunk, size))
        if end < 0:
            yield text[start:].split("\n")
            return
        yield text[start:end].split("\n")
        start = end + 1


def shape_of(head: str, sep: str, number: int) -> Shape:
    """The shape of a line: blank or comment, ``key: ...``, ``- key: ...`` or other.

    ``head`` is the line's text before its first ``": "`` (``sep``), or the whole line.
    A key line is exactly what ``FastReader._entry`` takes as one (a key of the plain
    characters, spaces, then ``:`` and a space or the end); anything it might refuse or
    that needs more than a key (a key the calendar refuses) is "other", left to it.
    """
    body = head.lstrip(" ")
    if body[:1] == "#" or not (body or sep):
        return SKIP, 0, "", 0
    indent = len(head) - len(body)
    kind, col = KEY_LINE, indent
    if body.startswith("- "):
        rest = body[1:].lstrip(" ")
        kind, col, body = ITEM, indent + len(body) - len(rest), rest
    if not sep:
        if not body.endswith(":"):
            return OTHER, 0, "", 0
        body = body[:-1]
    match = HEAD.match(body)
    if match is None:
        return OTHER, 0, "", 0
    try:
        key = key_text(scalar(match.group(0), number, col))
    except (YamlProblem, Unsupported):
        return OTHER, 0, "", 0
    return kind, indent, key, col


def line_of(entry: Any) -> int:
    pos = entry[0] if isinstance(entry, list) else entry
    return int(pos >> SHIFT)


def dup_words(frame: Frame, key: str) -> str:
    return (f"duplicate key {key!r}: already set on line {line_of(frame.pos[key])} of the "
            "same mapping (keep one)")


def dedent_words(indent: int, inner: Frame, outer: Frame) -> str:
    return (f"bad indentation: this line starts at column {indent + 1}, but the block it "
            f"follows (from line {inner.first_line}) starts at column {inner.indent + 1} and "
            f"the one enclosing it at column {outer.indent + 1}; line it up with one of them")


def kind_words(frame: Frame, is_item: bool) -> str:
    if is_item:
        return (f"a list item ('- ') where a 'key: value' was expected: the mapping at column "
                f"{frame.indent + 1} (from line {frame.first_line}) holds keys, not items; "
                "indent the list under its key")
    return (f"a 'key: value' where a list item ('- ') was expected: the list at column "
            f"{frame.indent + 1} (from line {frame.first_line}) holds items; start the line "
            "with '- ' or fix its indentation")
