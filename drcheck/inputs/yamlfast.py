"""A fast reader for the block YAML that inventories are written in, with every key's position.

Estates are block mappings and lists of plain or simply quoted scalars, with one-line flow
collections (``{host: a, path: /x}``, nested as in ``{kinds: [campus]}``, the packs' and the
examples' style). This reader takes exactly that subset, one line at a time, at about ten
times libyaml's speed through PyYAML, and records the line and column of every key and list
item. Anything outside the subset (anchors, tags, block scalars, multi-line values, tabs,
several documents...) raises ``Unsupported`` and the full reader takes the file;
an indentation that matches no open block raises ``YamlProblem`` in plain words, which the
caller reports only if the full reader fails too.

Each line is split once at its first ``": "``; what stands before (indentation, an item's
dash, a key) is one of the few dozen line shapes an estate repeats, looked up rather than
parsed again, and a value seen before is looked up too. What follows a key or a dash (a
scalar, a quoted one, a one-line flow collection) is read by ``yamlinline``.

Positions are packed as ``line << 32 | column`` (1-based); a container's entry in the position
tree is ``[position, children]``, children being a dict (mapping) or a list (sequence).
"""

from __future__ import annotations

import re
from typing import Any

from drcheck.inputs.yamlerrors import Limits, YamlProblem
from drcheck.inputs.yamlinline import (
    NOT_PLAIN,
    NOT_WORDS,
    SHIFT,
    WORD,
    Unsupported,
    inline_value,
    scalar,
    simple_flow,
    strip_comment,
)
from drcheck.inputs.yamllines import (
    ITEM,
    KEY_CHARS,
    OTHER,
    SKIP,
    Frame,
    Shape,
    chunks,
    dedent_words,
    dup_words,
    kind_words,
    shape_of,
)
from drcheck.inputs.yamlscalars import key_text

__all__ = ["FastReader", "read_fast"]

_KEY = re.compile(f"({KEY_CHARS})[ ]*:(?:[ ]+|\\Z)")
_MISS = object()
_VALUE_CACHE = 1 << 16
_SHAPE_CACHE = 1 << 14


class FastReader:
    """Read one document of the block subset; ``read`` returns ``(data, position tree)``."""

    def __init__(self, text: str, limits: Limits, first_line: int = 1) -> None:
        self.text = text
        self.first_line = first_line  # the number of ``text``'s first line in its file
        self.limits = limits
        self.stack: list[Frame] = []
        self.pending: tuple[Frame, Any, int, int] | None = None  # frame, key, indent, line
        self.entries = 0
        self.cap = limits.entries
        self.depth = limits.max_depth
        self.root: Frame | None = None
        self.keys: dict[str, str] = {}
        self.values: dict[str, Any] = {}  # plain values by their text after ": "
        self.words = 0  # words among them
        self.keyed: dict[str, Shape] = {}  # shapes of lines by their text before ": "
        self.whole: dict[str, Shape] = {}  # shapes of lines without ": ", by all their text
        self.started = False

    def read(self) -> tuple[Any, Any]:
        """Parse every line; the data and ``[root position, children]``.

        Each line is split once at its first ``": "`` and its part before (indentation, an
        item's dash, the key) is looked up among the shapes already seen: estates repeat a
        few dozen of them, so the common ``key: value`` line and the ``- key: value`` line
        that opens a list item cost a split and two dictionary look-ups. Whatever else a line
        is goes to ``_general``, the reader's plain path, which decides alike.
        """
        if "\t" in self.text or "\r" in self.text:
            raise Unsupported
        number = self.first_line - 1
        for lines in chunks(self.text):
            number = self._read_lines(lines, number)
        if self.root is None:
            return None, [(1 << SHIFT) | 1, None]
        return self.root.data, [(1 << SHIFT) | 1, self.root.pos]

    def _read_lines(self, lines: list[str], number: int) -> int:
        """Read ``lines``, the first of which is line ``number + 1``; the last one's number."""
        stack, keyed, whole, values = self.stack, self.keyed, self.whole, self.values
        for number, raw in enumerate(lines, number + 1):  # noqa: B020  (the count goes on)
            head, sep, tail = raw.partition(": ")
            shape = (keyed if sep else whole).get(head)
            if shape is None:
                shape = self._shape(head, sep, number)
            kind, indent, key, col = shape
            if kind is SKIP:
                continue
            if kind is OTHER or not stack:
                self._general(number, raw)
                continue
            is_item = kind is ITEM
            top = stack[-1]
            if self.pending is not None or top.indent != indent or top.seq is not is_item:
                top = self._frame(number, indent, is_item)
            if is_item:
                top = self._item_mapping(top, number, indent, col)
            data = top.data
            if key in data:
                raise YamlProblem(number, col + 1, dup_words(top, key))
            self.entries += 1
            if self.entries > self.cap:
                self._count(number, col + 1)
            value = values.get(tail, _MISS)
            if value is _MISS:
                if tail:
                    self._tail(top, key, tail, number, col, len(head) + 2)
                    continue
                value = None  # "key:" with its block on the lines below
                self.pending = (top, key, col, number)
            data[key] = value
            top.pos[key] = (number << SHIFT) | (col + 1)
        return number

    def _shape(self, head: str, sep: str, number: int) -> Shape:
        """What a line whose text before its first ``": "`` is ``head`` holds (``sep`` empty:
        the line has no ``": "`` and ``head`` is all of it), remembered for the next one."""
        shape = shape_of(head, sep, number)
        cache = self.keyed if sep else self.whole
        if len(cache) < _SHAPE_CACHE:  # comment lines and odd ones are many and unique
            cache[head] = shape
        return shape

    def _general(self, number: int, raw: str) -> None:
        """One line of any shape, by the reader's plain path."""
        body = raw.lstrip(" ")
        indent = len(raw) - len(body)
        stack = self.stack
        if self.pending is None and stack and stack[-1].indent == indent and \
                not stack[-1].seq and body[0] != "-":
            self._entry(stack[-1], number, indent, body.rstrip(" "))
            return
        if body.startswith(("---", "...", "%")):
            if self.started or not (body == "---" or body.startswith("--- #")):
                raise Unsupported
            self.started = True
            return
        self.started = True
        self._line(number, indent, body.rstrip(" "))

    def _frame(self, number: int, indent: int, is_item: bool) -> Frame:
        """The open block a ``key:`` or ``- key:`` line continues: the pending key's new
        block, or the one left after closing those the line dedents from (as ``_line``)."""
        pending = self.pending
        if pending is not None:
            if indent <= pending[2]:
                self._settle(number, indent, is_item)
                return self._frame_for(number, indent, is_item)
            parent, key, _, _ = pending  # the common case of _settle, in one call
            self.pending = None
            stack = self.stack
            if len(stack) >= self.depth:
                self._open(indent, is_item, number)  # refused: too deep
            frame = Frame(indent, is_item, number)
            stack.append(frame)
            parent.data[key] = frame.data
            parent.pos[key] = [parent.pos[key], frame.pos]
            return frame  # what _frame_for answers for a block just opened at this line
        return self._frame_for(number, indent, is_item)

    def _item_mapping(self, frame: Frame, number: int, indent: int, col: int) -> Frame:
        """A ``- key: ...`` item: a new mapping at ``col`` appended to the list ``frame``."""
        self.entries += 1
        if self.entries > self.cap:
            self._count(number, indent + 1)
        stack = self.stack
        if len(stack) >= self.depth:
            self._open(col, False, number)  # refused: too deep
        child = Frame(col, False, number)
        stack.append(child)
        frame.data.append(child.data)
        frame.pos.append([(number << SHIFT) | (col + 1), child.pos])
        return child

    def _tail(self, frame: Frame, key: str, tail: str, number: int, col: int,
              at: int) -> None:
        """The value after ``key: `` (``tail``, from 0-based column ``at``) when it is not a
        plain scalar seen before: nothing (a block follows), a new scalar, quoted, flow."""
        if WORD(tail) is not None and tail not in NOT_WORDS:  # the usual one: a name
            self.words += 1
            if self.words < _VALUE_CACHE:  # the first ones, repeated or not
                self.values[tail] = tail
            frame.data[key] = tail
            frame.pos[key] = (number << SHIFT) | (col + 1)
            return
        rest = tail.strip(" ")
        at += len(tail) - len(tail.lstrip(" "))
        key_pos = (number << SHIFT) | (col + 1)
        if not rest or rest[0] == "#":
            frame.data[key] = None
            frame.pos[key] = key_pos
            self.pending = (frame, key, col, number)
            return
        if rest[0] in NOT_PLAIN:
            flow = simple_flow(rest, at, number) if rest[0] == "{" else None
            inline, pos = flow or inline_value(rest, at, number)
            frame.data[key] = inline
            frame.pos[key] = [key_pos, pos] if isinstance(pos, dict | list) else key_pos
            return
        text = rest if " #" not in rest else strip_comment(rest)
        value: Any = text
        if WORD(text) is not None and text not in NOT_WORDS:  # a word: itself
            self.words += 1
            keep = self.words < _VALUE_CACHE  # the first ones, repeated or not (names)
        else:
            value = scalar(text, number, at)  # a number, time, null... resolved
            keep = len(self.values) < 2 * _VALUE_CACHE  # not crowded out by names
        if keep:
            self.values[tail] = value
        frame.data[key] = value
        frame.pos[key] = key_pos

    def _count(self, line: int, col: int) -> None:
        self.entries += 1
        if self.entries > self.cap:
            raise YamlProblem(line, col, f"more than {self.limits.entries} entries: "
                              "this file is larger than drcheck reads")

    def _open(self, indent: int, seq: bool, line: int, indentless: bool = False) -> Frame:
        if len(self.stack) >= self.depth:
            raise YamlProblem(line, indent + 1, f"nested deeper than {self.limits.max_depth} "
                              "levels")
        frame = Frame(indent, seq, line, indentless)
        self.stack.append(frame)
        return frame

    def _attach(self, indent: int, seq: bool, line: int) -> None:
        """Open the block that is the pending key's (or item's) value."""
        assert self.pending is not None
        parent, key, _, _ = self.pending
        self.pending = None
        frame = self._open(indent, seq, line)
        parent.data[key] = frame.data
        parent.pos[key] = [parent.pos[key], frame.pos]

    def _line(self, number: int, indent: int, body: str) -> None:
        is_item = body == "-" or body.startswith("- ")
        if self.root is None:
            self.root = self._open(indent, is_item, number)
        elif self.pending is not None:
            self._settle(number, indent, is_item)
        frame = self._frame_for(number, indent, is_item)
        if is_item:
            self._item(frame, number, indent, body)
        else:
            self._entry(frame, number, indent, body)

    def _settle(self, number: int, indent: int, is_item: bool) -> None:
        """After a key without a value: open its block if this line is inside it (deeper, or
        a list at the key's own indentation), else the key stays null."""
        assert self.pending is not None
        parent, _, p_indent, _ = self.pending
        if indent > p_indent:
            self._attach(indent, is_item, number)
        elif indent == p_indent and is_item and not parent.seq:
            self._attach(indent, True, number)
            self.stack[-1].indentless = True
        else:
            self.pending = None

    def _frame_for(self, number: int, indent: int, is_item: bool) -> Frame:
        """Close the blocks this line leaves and return the one it continues."""
        popped: Frame | None = None
        while self.stack and self.stack[-1].indent > indent:
            popped = self.stack.pop()
        if not self.stack:
            raise YamlProblem(number, indent + 1, "this line is indented less than the first "
                              "line of the document")
        top = self.stack[-1]
        if top.indent == indent and top.seq and top.indentless and not is_item:
            self.stack.pop()
            top = self.stack[-1]
        if top.indent < indent:
            if popped is None:
                raise Unsupported  # a continuation line: the full reader decides
            raise YamlProblem(number, indent + 1, dedent_words(indent, popped, top))
        if top.seq != is_item:
            raise YamlProblem(number, indent + 1, kind_words(top, is_item))
        return top

    def _item(self, frame: Frame, number: int, indent: int, body: str) -> None:
        rest = body[1:].lstrip(" ")
        col = len(body) - len(rest) + indent
        self._count(number, indent + 1)
        index = len(frame.data)
        if not rest or rest[0] == "#":
            frame.data.append(None)
            frame.pos.append((number << SHIFT) | (col + 1))
            self.pending = (frame, index, indent, number)
            return
        if rest.startswith(("- ", "-\n")) or rest == "-":
            raise Unsupported
        if _KEY.match(rest) and rest[0] not in "'\"":
            child = self._open(col, False, number)
            frame.data.append(child.data)
            frame.pos.append([(number << SHIFT) | (col + 1), child.pos])
            self._entry(child, number, col, rest)
            return
        value, pos = inline_value(rest, col, number)
        frame.data.append(value)
        frame.pos.append([(number << SHIFT) | (col + 1), pos] if isinstance(pos, dict | list)
                         else pos)

    def _entry(self, frame: Frame, number: int, indent: int, body: str) -> None:
        colon = body.find(":")
        key = self.keys.get(body[:colon + 1]) if colon > 0 else None
        if key is None:
            key = self._key(body, colon, number, indent)
        rest = body[colon + 1:]
        if rest and rest[0] != " ":
            raise Unsupported
        data = frame.data
        if key in data:
            raise YamlProblem(number, indent + 1, dup_words(frame, key))
        self.entries += 1
        if self.entries > self.cap:
            self._count(number, indent + 1)
        rest = rest.lstrip(" ")
        key_pos = (number << SHIFT) | (indent + 1)
        if not rest or rest[0] == "#":
            data[key] = None
            frame.pos[key] = key_pos
            self.pending = (frame, key, indent, number)
            return
        if rest[0] not in NOT_PLAIN:
            value = self.values.get(rest, _MISS)
            if value is _MISS:
                value = scalar(rest if " #" not in rest else strip_comment(rest), number,
                                indent + len(body) - len(rest))
                if len(self.values) < _VALUE_CACHE:  # repeated words, not every name
                    self.values[rest] = value
            data[key] = value
            frame.pos[key] = key_pos
            return
        value, pos = inline_value(rest, indent + len(body) - len(rest), number)
        data[key] = value
        frame.pos[key] = [key_pos, pos] if isinstance(pos, dict | list) else key_pos

    def _key(self, body: str, colon: int, number: int, indent: int) -> str:
        """The key of a ``key: value`` line (remembered per spelling, as keys repeat)."""
        match = _KEY.match(body)
        if not match or match.group(0).rstrip(" ") != body[:colon + 1]:
            raise Unsupported
        key = key_text(scalar(match.group(1), number, indent))
        if key == "<<":
            raise Unsupported
        self.keys[body[:colon + 1]] = key
        return key


def read_fast(text: str, limits: Limits) -> tuple[Any, Any]:
    """The data and position tree of ``text``, or ``Unsupported``/``YamlProblem``."""
    return FastReader(text, limits).read()
