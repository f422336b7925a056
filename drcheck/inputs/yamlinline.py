"""What a line of the fast YAML subset holds after its key or dash: a plain scalar, a quoted
one, or a one-line flow collection, with the positions of a collection's items.

Shared by the fast reader's line loop (``yamlfast``): each function takes the text of one
value and its 0-based column, and gives the value (and, for a collection, its positions) or
raises ``Unsupported`` (the full reader decides) or ``YamlProblem`` (a scalar that looks
typed but is not, ``2026-02-30``). Positions are packed as ``line << SHIFT | column``.
"""

from __future__ import annotations

import re
from typing import Any

from drcheck.inputs.yamlerrors import YamlProblem
from drcheck.inputs.yamlscalars import ScalarError, key_text, plain

SHIFT = 32
_SPECIAL = frozenset("&*!|>%@`?")
_FLOW_BAD = re.compile(r"[\[\]{}'\"]")  # nesting and quotes; an item's first character: scalar
NOT_PLAIN = frozenset("'\"{[")
WORD = re.compile(r"[A-Za-z_/](?:[^:#]*[^:# ])?").fullmatch  # plain, means itself...
NOT_WORDS = frozenset(("null", "Null", "NULL", "true", "True", "TRUE", "false", "False",
                        "FALSE"))  # ...unless it is one of these
_PAIR = (r"([A-Za-z_/][^:#,{}\[\]'\" ]*): +([A-Za-z_/](?:[^:#,{}\[\]'\"]*[^:#,{}\[\]'\" ])?)"
         r" *")  # a key word, ": ", a value word (with inner spaces), spaces
_SIMPLE_FLOW = re.compile(rf"\{{ *{_PAIR}(?:, *{_PAIR})*\}}").fullmatch
_FLOW_PAIR = re.compile(_PAIR).finditer
_DQ_ESCAPES = {"\\\\": "\\", '\\"': '"', "\\n": "\n", "\\t": "\t", "\\/": "/"}


class Unsupported(Exception):
    """The file uses YAML beyond the fast subset; the full reader decides."""


def strip_comment(value: str) -> str:
    cut = value.find(" #")
    return (value[:cut] if cut >= 0 else value).rstrip(" ")


def _quoted(value: str) -> tuple[str, str]:
    """A quoted scalar at the start of ``value``: its text and what follows it."""
    quote = value[0]
    if quote == "'":
        i, out = 1, []
        while True:
            j = value.find("'", i)
            if j < 0:
                raise Unsupported
            out.append(value[i:j])
            if value.startswith("''", j):
                out.append("'")
                i = j + 2
                continue
            return "".join(out), value[j + 1:]
    j = value.find('"', 1)
    while j > 0 and value[j - 1] == "\\" and value[j - 2:j] != "\\\\":
        j = value.find('"', j + 1)
    if j < 0:
        raise Unsupported
    body = value[1:j]
    if "\\" in body:
        body = re.sub(r"\\.", lambda m: _escape(m.group(0)), body)
    return body, value[j + 1:]


def _escape(seq: str) -> str:
    if seq not in _DQ_ESCAPES:
        raise Unsupported
    return _DQ_ESCAPES[seq]


def _flow_items(body: str, start: int) -> list[tuple[str, int]]:
    """The comma-separated items of a one-line flow collection with their 0-based columns."""
    if _FLOW_BAD.search(body):
        raise Unsupported
    if not body.strip():
        return []
    items, col = [], start
    for raw in body.split(","):
        text = raw.strip()
        if not text:
            raise Unsupported
        items.append((text, col + len(raw) - len(raw.lstrip(" "))))
        col += len(raw) + 1
    return items


def _flow(value: str, col: int, line: int) -> tuple[Any, Any]:
    """A one-line flow mapping or sequence of plain scalars, with its positions."""
    close = "}" if value[0] == "{" else "]"
    rest = strip_comment(value)
    if not rest.endswith(close):
        raise Unsupported
    items = _flow_items(rest[1:-1], col + 1)
    if close == "]":
        return ([scalar(t, line, c) for t, c in items],
                [(line << SHIFT) | (c + 1) for _, c in items])
    data: dict[str, Any] = {}
    pos: dict[str, Any] = {}
    for text, c in items:
        key, sep, val = text.partition(":")
        if (sep and val and val[0] != " ") or not key or key[-1] == " ":
            raise Unsupported
        name = key_text(word_or_scalar(key, line, c))
        if name in data or name == "<<":
            raise Unsupported
        val = val.strip()
        data[name] = word_or_scalar(val, line, c) if val else None
        pos[name] = (line << SHIFT) | (c + 1)
    return data, pos


def simple_flow(text: str, col: int, line: int) -> tuple[dict[str, str], dict[str, int]] | None:
    """``{key: word, ...}`` of words only, as ``_flow`` reads it, by two regular expressions;
    None for any other flow mapping (``_flow`` decides)."""
    if _SIMPLE_FLOW(text) is None:
        return None
    data: dict[str, str] = {}
    pos: dict[str, int] = {}
    base = (line << SHIFT) + col + 1
    for match in _FLOW_PAIR(text):
        key, value = match.group(1, 2)
        if key in NOT_WORDS or value in NOT_WORDS or key in data:
            return None
        data[key] = value
        pos[key] = base + match.start()
    return data, pos


def scalar(text: str, line: int, col: int) -> Any:
    if text[0] in _SPECIAL or text[0] in "[]{},'\"#" or ": " in text or text.endswith(":"):
        raise Unsupported
    if text[0] == "-" and (len(text) == 1 or text[1] == " "):
        raise Unsupported
    try:
        return plain(text)
    except ScalarError as exc:
        raise YamlProblem(line, col + 1, str(exc)) from None


def word_or_scalar(text: str, line: int, col: int) -> Any:
    """``scalar`` of ``text``, answered at once for a word that plainly means itself."""
    if WORD(text) is not None and text not in NOT_WORDS:
        return text
    return scalar(text, line, col)


def inline_value(value: str, col: int, line: int) -> tuple[Any, Any]:
    """The inline value of ``key: value`` or ``- value`` (col: its 0-based column)."""
    first = value[0]
    if first in "'\"":
        text, rest = _quoted(value)
        if strip_comment(rest):
            raise Unsupported
        return text, (line << SHIFT) | (col + 1)
    if first in "{[":
        return _flow(value, col, line)
    return scalar(strip_comment(value), line, col), (line << SHIFT) | (col + 1)
