"""libyaml's syntax errors told in plain words, pointing at the character to fix.

libyaml reports where it gave up, which for an indentation mistake is the first token that
does not fit: the column of that line is the cause. Each known message maps to a sentence
that says what is wrong and what to do; an unknown one keeps libyaml's own words.
"""

from __future__ import annotations

from typing import Any

from drcheck.inputs.bounds import MAX_DEPTH

_WORDS = {
    "did not find expected key": "this line does not fit the block above it (started on line "
    "{ctx}): check its indentation, or quote a value that contains ': ' or starts with a "
    "special character",
    "did not find expected '-' indicator": "this line does not fit the list above it (started "
    "on line {ctx}): list items start with '- ' at the list's indentation",
    "mapping values are not allowed in this context": "a ': ' where a value was expected: "
    "quote the value if it contains ': ', or put the key on its own line",
    "found unexpected end of stream": "the file ends inside a value opened on line {ctx} "
    "(an unclosed quote or bracket?)",
    "found unknown escape character": "unknown escape sequence in a double-quoted value: use "
    "single quotes, or write a backslash as \\\\",
    "did not find expected ',' or ']'": "the list opened with '[' on line {ctx} is not closed "
    "with ']' (or lacks a ',' between items)",
    "did not find expected ',' or '}'": "the mapping opened with '{{' on line {ctx} is not "
    "closed with '}}' (or lacks a ',' between entries)",
    "found character that cannot start any token": "a character that cannot start a value "
    "here (a tab? YAML indents with spaces only)",
    "could not find expected ':'": "expected 'key: value' here (a key without ':' after it, or "
    "a value that continues on the next line?)",
    "found undefined alias": "an alias (*name) that refers to no anchor (&name) above it",
}


def plain_words(exc: Any, text: str) -> tuple[int | None, int | None, str]:
    """(line, column, sentence) for a PyYAML ``MarkedYAMLError`` raised by libyaml."""
    mark = exc.problem_mark or exc.context_mark
    line = mark.line + 1 if mark else None
    col = mark.column + 1 if mark else None
    ctx = exc.context_mark.line + 1 if exc.context_mark else line
    problem = (exc.problem or exc.context or "invalid YAML").strip()
    for known, words in _WORDS.items():
        if problem.startswith(known.replace("found character that", "found character")) or \
                problem.startswith(known):
            return line, _column(text, line, col, known), words.format(ctx=ctx)
    if problem.startswith("exceeded maximum nesting depth"):  # libyaml's own cap (PyYAML >= 6.0.4)
        return line, col, f"nested deeper than {MAX_DEPTH} levels"
    if problem.startswith("found character") and "cannot start any token" in problem:
        return line, col, _WORDS["found character that cannot start any token"]
    return line, col, f"invalid YAML: {problem}"


def _column(text: str, line: int | None, col: int | None, known: str) -> int | None:
    """For an indentation error, the column where the offending line's text starts."""
    if not line or "expected key" not in known and "indicator" not in known:
        return col
    lines = text.split("\n", line)
    if len(lines) < line:
        return col
    source = lines[line - 1]
    return len(source) - len(source.lstrip(" ")) + 1
