"""The full YAML reader: libyaml's event stream (through PyYAML) built into plain data, bounded.

Used for whatever the fast reader does not take. It builds values from events with an explicit
stack (a 20,000-deep list is refused at the depth cap, never a ``RecursionError``), resolves
scalars like the fast reader, constructs no object from any tag, refuses duplicate keys, and
lets aliases share the anchored value while charging its size against an expansion budget (a
"billion laughs" file stops at the first alias past the budget). Positions are recorded in the
same tree as the fast reader's.
"""

from __future__ import annotations

from typing import Any

import yaml
from yaml import events as ev

from drcheck.inputs.yamlerrors import Limits, YamlProblem
from drcheck.inputs.yamlinline import SHIFT
from drcheck.inputs.yamlscalars import ScalarError, key_text, plain, tagged


def _pos(mark: Any) -> int:
    return int(((mark.line + 1) << SHIFT) | (mark.column + 1))


class _Open:
    """A mapping or sequence being built, with the key waiting for its value."""

    __slots__ = ("data", "pos", "key", "key_pos", "start", "size", "anchor", "merges")

    def __init__(self, seq: bool, anchor: str | None, start: int) -> None:
        self.data: Any = [] if seq else {}
        self.pos: Any = [] if seq else {}
        self.key: Any = _NO_KEY
        self.key_pos = 0
        self.start = start
        self.size = 1
        self.anchor = anchor
        self.merges: list[Any] = []


_NO_KEY = object()


class EventReader:
    """Build one document from libyaml events within ``limits``."""

    def __init__(self, text: str, limits: Limits) -> None:
        self.text = text
        self.limits = limits
        self.stack: list[_Open] = []
        self.anchors: dict[str, tuple[Any, Any, int]] = {}
        self.expanded = 0
        self.nodes = 0
        self.result: tuple[Any, Any] | None = None
        self.documents = 0

    def read(self) -> tuple[Any, Any]:
        """The data and ``[root position, children]`` of the single document in the text."""
        loader = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # libyaml when built with it
        for event in yaml.parse(self.text, Loader=loader):
            self._event(event)
        if self.result is None:
            return None, [(1 << SHIFT) | 1, None]
        return self.result

    def _event(self, event: Any) -> None:
        if isinstance(event, ev.DocumentStartEvent):
            self.documents += 1
            mark: Any = event.start_mark
            if self.documents > 1:
                raise YamlProblem(mark.line + 1, mark.column + 1,
                                  "a second document ('---'): drcheck reads one document per "
                                  "file")
        elif isinstance(event, ev.ScalarEvent):
            self._scalar(event)
        elif isinstance(event, ev.AliasEvent):
            self._alias(event)
        elif isinstance(event, ev.MappingStartEvent | ev.SequenceStartEvent):
            self._start(event)
        elif isinstance(event, ev.MappingEndEvent | ev.SequenceEndEvent):
            self._end()

    def _count(self, mark: Any, size: int = 1) -> None:
        self.nodes += size
        if self.nodes > self.limits.entries:
            raise YamlProblem(mark.line + 1, mark.column + 1, f"more than "
                              f"{self.limits.entries} values: this file is larger than "
                              "drcheck reads")

    def _start(self, event: Any) -> None:
        if len(self.stack) >= self.limits.max_depth:
            raise YamlProblem(event.start_mark.line + 1, event.start_mark.column + 1,
                              f"nested deeper than {self.limits.max_depth} levels")
        self._count(event.start_mark)
        self.stack.append(_Open(isinstance(event, ev.SequenceStartEvent), event.anchor,
                                _pos(event.start_mark)))

    def _end(self) -> None:
        done = self.stack.pop()
        for source in done.merges:
            for key, value in source.items():
                done.data.setdefault(key, value)
        entry = [done.start, done.pos]
        if done.anchor:
            self.anchors[done.anchor] = (done.data, done.pos, done.size)
        self._place(done.data, entry, done.start, done.size)

    def _scalar(self, event: Any) -> None:
        self._count(event.start_mark)
        try:
            if not event.style and event.tag in (None, "!"):
                value = plain(event.value) if event.tag is None else event.value
            else:
                value = tagged(event.tag, event.value) if event.tag else event.value
        except ScalarError as exc:
            raise YamlProblem(event.start_mark.line + 1, event.start_mark.column + 1,
                              str(exc)) from None
        if event.anchor:
            self.anchors[event.anchor] = (value, None, 1)
        top = self.stack[-1] if self.stack else None
        if top is not None and not isinstance(top.data, list) and top.key is _NO_KEY:
            self._key(top, value, event.start_mark, not event.style and
                      event.value == "<<")
            return
        self._place(value, _pos(event.start_mark), _pos(event.start_mark), 1)

    def _key(self, top: _Open, value: Any, mark: Any, merge: bool) -> None:
        key = "<<" if merge else key_text(value)
        if not merge and key in top.data:
            first = top.pos.get(key)
            line = (first[0] if isinstance(first, list) else first or 0) >> SHIFT
            raise YamlProblem(mark.line + 1, mark.column + 1,
                              f"duplicate key {key!r}: already set on line {line} of the "
                              "same mapping (keep one)")
        top.key = key
        top.key_pos = _pos(mark)

    def _alias(self, event: Any) -> None:
        mark = event.start_mark
        if event.anchor not in self.anchors:
            raise YamlProblem(mark.line + 1, mark.column + 1, f"alias *{event.anchor} refers "
                              f"to no anchor &{event.anchor} defined above it")
        value, pos, size = self.anchors[event.anchor]
        self.expanded += size
        if self.expanded > self.limits.alias_budget:
            raise YamlProblem(mark.line + 1, mark.column + 1, "aliases expand to more than "
                              f"{self.limits.alias_budget} values (a 'billion laughs' file?); "
                              "drcheck refuses to expand them")
        self._count(mark, size)
        top = self.stack[-1] if self.stack else None
        if top is not None and not isinstance(top.data, list) and top.key is _NO_KEY:
            raise YamlProblem(mark.line + 1, mark.column + 1, "an alias used as a mapping key")
        entry = [_pos(mark), pos] if pos is not None else _pos(mark)
        self._place(value, entry, _pos(mark), size)

    def _place(self, value: Any, entry: Any, start: int, size: int) -> None:
        """Put a finished value into the open container (or make it the document)."""
        if not self.stack:
            self.result = (value, [(1 << SHIFT) | 1, entry[1] if isinstance(entry, list)
                                   else None])
            return
        top = self.stack[-1]
        top.size += size
        if isinstance(top.data, list):
            top.data.append(value)
            top.pos.append(entry)
            return
        if top.key is _NO_KEY:
            line, col = start >> SHIFT, start & ((1 << SHIFT) - 1)
            raise YamlProblem(int(line), int(col), "a mapping or list used as a mapping key: "
                              "keys must be plain values")
        key, key_pos = top.key, top.key_pos
        top.key = _NO_KEY
        if key == "<<" and isinstance(value, dict | list):
            top.merges += [value] if isinstance(value, dict) else [
                v for v in value if isinstance(v, dict)]
            return
        top.data[key] = value
        top.pos[key] = [key_pos, entry[1]] if isinstance(entry, list) else key_pos


def read_events(text: str, limits: Limits) -> tuple[Any, Any]:
    """The data and position tree of ``text``; ``YamlProblem`` or ``yaml.MarkedYAMLError``."""
    return EventReader(text, limits).read()
