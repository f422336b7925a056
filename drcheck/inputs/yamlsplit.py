"""A large estate read by the fast reader on two cores: the dataset list cut in two.

An estate is mostly its ``datasets`` list, and the fast reader reads a line at a time, so
the text can be cut at a line that opens one of its items: this process reads everything
before the cut, a forked worker (``forked.beside``) reads the items after it, under a
``datasets:`` line of its own numbered as the line before the cut, and hands back their
data and position trees; the two are joined into what one reader gives for the whole text.

The cut is a guess that both halves are plain block YAML whose join is the whole. Anything
that could make it wrong makes one half fail or look different, and then the whole text is
read again by the one-reader path, which gives every answer and every error as before: a
multi-line value, a second document or a tab makes a half ``Unsupported``; a key after the
list, or one that both halves hold, is checked; the node cap is checked on the sum.
"""

from __future__ import annotations

import marshal
import re
from typing import Any

from drcheck.inputs.yamlerrors import Limits, YamlProblem
from drcheck.inputs.yamlfast import FastReader
from drcheck.inputs.yamlinline import Unsupported
from drcheck.shared.forked import beside, worth_a_fork

SPLIT_FROM = 2 << 20
"""Characters of text from which the reading is shared (about 3,000 datasets)."""

_LIST = re.compile(r"^datasets:[ ]*(?:#.*)?\n(?:[ ]*(?:#.*)?\n)*( *)- ", re.MULTILINE)
"""A top-level ``datasets:`` key followed (past blank and comment lines) by its first item:
group 1 is the indentation of the list's items."""

_Read = tuple[Any, Any, int]  # data, position tree, entries counted


def read_shared(text: str, limits: Limits) -> tuple[Any, Any] | None:
    """The data and position tree of ``text`` read in two halves at once; None when the
    text is not cut (small, no dataset list, no fork) or a half fails or does not join."""
    if len(text) < SPLIT_FROM or not worth_a_fork():
        return None
    cut = _cut(text)
    if cut is None:
        return None
    at, line = cut
    with beside(lambda: _tail(text, at, line, limits)) as tail:
        head = _read(text[:at], limits, 1)
        got = tail()
    rest = None if got is None else marshal.loads(got)
    if head is None or rest is None:
        return None
    return _joined(head, rest, limits)


def _cut(text: str) -> tuple[int, int] | None:
    """Where to cut: the offset and line number of the first line at or past the middle of
    the text that opens an item of the top-level dataset list; None without one."""
    found = _LIST.search(text)
    if found is None:
        return None
    opener = "\n" + found.group(1) + "- "
    at = text.find(opener, max(found.end(), len(text) // 2))
    if at < 0:
        return None
    return at + 1, text.count("\n", 0, at + 1) + 1


def _read(text: str, limits: Limits, first_line: int) -> _Read | None:
    """One half read; None when the fast reader refuses it (the whole is read again)."""
    reader = FastReader(text, limits, first_line)
    try:
        data, marks = reader.read()
    except (Unsupported, YamlProblem):
        return None
    return data, marks, reader.entries


def _tail(text: str, at: int, line: int, limits: Limits) -> bytes:
    """The worker's half, marshalled (twice as quick to write as a pickle; the reader makes
    only texts, numbers, booleans, None, lists and dicts): the items from offset ``at``
    (line ``line``) on, under a ``datasets:`` key numbered as the line before."""
    return marshal.dumps(_read("datasets:\n" + text[at:], limits, line - 1))


def _joined(head: _Read, tail: _Read, limits: Limits) -> tuple[Any, Any] | None:
    """The halves as one document: the tail's items after the head's, then any key the
    tail holds after the list; None unless that is what one reader would have read."""
    data, marks, entries = head
    rest, rest_marks, rest_entries = tail
    if not (isinstance(data, dict) and data and list(data)[-1] == "datasets"
            and isinstance(data["datasets"], list) and isinstance(rest, dict)
            and list(rest)[0] == "datasets" and isinstance(rest["datasets"], list)):
        return None
    later = list(rest)[1:]
    if any(key in data for key in later) or \
            entries + rest_entries - 1 > limits.entries:  # the tail's own datasets: key
        return None
    children, rest_children = marks[1], rest_marks[1]
    data["datasets"].extend(rest["datasets"])
    children["datasets"][1].extend(rest_children["datasets"][1])
    for key in later:
        data[key] = rest[key]
        children[key] = rest_children[key]
    return data, marks
