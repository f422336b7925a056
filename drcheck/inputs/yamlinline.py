"""What a line of the fast YAML subset holds after its key or dash: a plain scalar, a quoted
one, or a one-line flow collection, with the positions of a collection's items.

Shared by the fast reader's line loop (``yamlfast``): each function takes the text of one
value and its 0-based column, and gives the value (and, for a collection, its positions) or
raises ``Unsupported`` (the full reader decides) or ``YamlProblem`` (a scalar that looks
typed but is not, ``2026-02-30``). Positions are packed as ``line << SHIFT | column``.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from drcheck.inputs.yamlerrors import YamlProblem
from drcheck.inputs.yamlscalars import ScalarError, key_text, plain

SHIFT = 32
_SPECIAL = frozenset("&*!|>%@`?")
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


def _in_flow(read: Callable[[str, int, int], Any], text: str, line: int, col: int) -> Any:
    """``read(text, line, col)`` for a plain item or value inside a flow collection, where a
    colon is left to the full reader (libyaml refuses some, such as ``k::v``)."""
    if ":" in text:
        raise Unsupported
    return read(text, line, col)


_FLOW_DEPTH = 8  # flow collections nested deeper are left to the full reader and its caps
_ITEM_END = re.compile(r"[,\[\]{}]")  # what ends a plain item (or a value after its key)
_KEY_END = re.compile(r"[:,\[\]{}]")  # what ends a flow mapping's key


def _flow(value: str, col: int, line: int) -> tuple[Any, Any]:
    """A one-line flow collection (``value``, at 0-based column ``col``) whose items may be
    flow collections in turn, with their positions as libyaml gives them: a collection
    under a key is ``[key position, children]``, one in a sequence ``[its bracket's
    position, children]``. Items and values are plain or quoted; a quoted key, a
    collection as a key, anything but a comment after the closing bracket or nesting
    deeper than ``_FLOW_DEPTH`` is ``Unsupported``."""
    text = strip_comment(value)
    data, pos, end = _collection(text, 0, col, line, 1)
    if end != len(text):
        raise Unsupported
    return data, pos


def _skip(text: str, i: int) -> int:
    while i < len(text) and text[i] == " ":
        i += 1
    return i


def _collection(text: str, i: int, col: int, line: int, depth: int) -> tuple[Any, Any, int]:
    """The collection opening at ``text[i]`` (``depth`` collections deep): its data,
    positions and the index after it."""
    if depth > _FLOW_DEPTH:
        raise Unsupported
    is_map = text[i] == "{"
    close = "}" if is_map else "]"
    data: Any = {} if is_map else []
    pos: Any = {} if is_map else []
    j = _skip(text, i + 1)
    if j >= len(text):  # not closed on this line
        raise Unsupported
    if text[j] == close:
        return data, pos, j + 1
    if text[j] in ",]}":  # an empty first item, or the other bracket
        raise Unsupported
    item = _map_item if is_map else _seq_item
    while True:
        j = _skip(text, item(text, j, col, line, depth, data, pos))
        if j >= len(text) or text[j] not in (close, ","):
            raise Unsupported
        if text[j] == close:
            return data, pos, j + 1
        j = _skip(text, j + 1)
        if j >= len(text) or text[j] in ",]}":  # an empty item (a trailing comma)
            raise Unsupported


def _seq_item(text: str, j: int, col: int, line: int, depth: int, data: list[Any],
              pos: list[Any]) -> int:
    """One item of a flow sequence at ``text[j]``, added; the index after it."""
    at = (line << SHIFT) | (col + j + 1)
    if text[j] in "{[":
        value, sub, end = _collection(text, j, col, line, depth + 1)
        data.append(value)
        pos.append([at, sub])
        return end
    value, end = _flow_value(text, j, line, col + j)
    data.append(value)
    pos.append(at)
    return end


def _map_item(text: str, j: int, col: int, line: int, depth: int, data: dict[str, Any],
              pos: dict[str, Any]) -> int:
    """One ``key: value`` (or lone key) of a flow mapping at ``text[j]``, added; the index
    after it. The key and a plain value are read as ``_flow`` reads them."""
    name, end, lone = _flow_key(text, j, line, col, data)
    at = (line << SHIFT) | (col + j + 1)
    if lone:  # a key without a value: null
        data[name], pos[name] = None, at
        return end
    after = end + 1
    if after >= len(text) or text[after] != " ":
        raise Unsupported  # "k:v", "k:}": what the plain reading leaves to the full reader
    start = _skip(text, after)
    if start < len(text) and text[start] in "{[":
        value, sub, end = _collection(text, start, col, line, depth + 1)
        data[name], pos[name] = value, [at, sub]
        return end
    data[name], end = _flow_value(text, start, line, col + j)
    pos[name] = at
    return end


def _flow_key(text: str, j: int, line: int, col: int, data: dict[str, Any]) -> tuple[
        str, int, bool]:
    """The plain key at ``text[j]``, the index of what ends it, and whether it stands alone
    (no ``:`` follows); a quoted key, a collection as a key or a repeated one is
    ``Unsupported``."""
    if text[j] in "'\"":
        raise Unsupported
    stop = _KEY_END.search(text, j)
    end = stop.start() if stop else len(text)
    key = text[j:end]
    ender = text[end] if end < len(text) else ""
    if ender in "[{" or not key.strip() or (ender == ":" and key[-1] == " "):
        raise Unsupported
    name = key_text(word_or_scalar(key.rstrip(" "), line, col + j))
    if name in data or name == "<<":
        raise Unsupported
    return name, end, ender != ":"


def _flow_value(text: str, start: int, line: int, col: int) -> tuple[Any, int]:
    """The quoted or plain scalar at ``text[start]`` (errors at 0-based column ``col``: a
    sequence item's own, a value's key's) and the index after it; nothing there is null
    (``_collection`` lets no empty sequence item reach here)."""
    if start < len(text) and text[start] in "'\"":
        value, rest = _quoted(text[start:])
        return value, len(text) - len(rest)
    stop = _ITEM_END.search(text, start)
    end = stop.start() if stop else len(text)
    if end < len(text) and text[end] in "[{":
        raise Unsupported
    token = text[start:end].rstrip(" ")
    return (_in_flow(word_or_scalar, token, line, col) if token else None), end


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
