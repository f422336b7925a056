"""The bounds every YAML input is read within, and its errors in plain words with a caret.

A reader raises ``YamlProblem`` with the 1-based line and column of the real cause and a
sentence a reader of the file understands; ``with_snippet`` adds the offending line and a caret
under the column, so the message points at the character to fix.
"""

from __future__ import annotations

from dataclasses import dataclass

from drcheck.inputs.bounds import MAX_DEPTH, max_input_bytes

ALIAS_BUDGET = 100_000


@dataclass(frozen=True)
class Limits:
    """How big, deep and wide an input may be; exceeding one is exit 2, never a crash."""

    max_bytes: int
    max_depth: int = MAX_DEPTH
    max_entries: int = 0  # mapping entries + list items + scalars; 0: derived from max_bytes
    alias_budget: int = ALIAS_BUDGET  # nodes that alias expansion may add

    @property
    def entries(self) -> int:
        """The node cap: one node per 16 bytes of the size cap, at least a million."""
        return self.max_entries or max(1_000_000, self.max_bytes // 16)


def limits_from_env() -> Limits:
    """The limits in force: the size cap is ``drcheck.inputs.bounds``' (``--max-input-mb``,
    ``DRCHECK_MAX_INPUT_MB``), the one every input kind shares."""
    return Limits(max_bytes=max_input_bytes())


class YamlProblem(Exception):
    """A YAML input that cannot be read, at 1-based ``line``:``column``."""

    def __init__(self, line: int | None, column: int | None, message: str) -> None:
        super().__init__(message)
        self.line = line
        self.column = column
        self.message = message


def with_snippet(text: str, line: int | None, column: int | None, message: str) -> str:
    """``message`` followed by the offending line and a caret under ``column``."""
    if not line or line < 1:
        return message
    start = 0
    for _ in range(line - 1):
        nxt = text.find("\n", start)
        if nxt < 0:
            return message
        start = nxt + 1
    end = text.find("\n", start)
    source = text[start:end if end >= 0 else len(text)].rstrip("\r")
    if len(source) > 160:
        source = source[:160] + "…"
    gutter = f"{line:>5} | "
    caret = " " * (len(gutter) - 2) + "| " + " " * max(0, min((column or 1) - 1, 160)) + "^"
    return f"{message}\n{gutter}{source.expandtabs(1)}\n{caret}"
