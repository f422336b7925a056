"""tabulate's ``simple`` layout for the plain tables drcheck prints, without its per-cell
type inference: at 100k datasets tabulate spent most of the table report guessing whether
each of a million cells is a number.

``simple_table`` lays out what tabulate would (two spaces between columns, each at least its
header plus two wide, text flush left, integers flush right, multi-line cells top-aligned,
lines right-stripped, wide characters measured as ``wcwidth`` measures them) and hands any
table it cannot be sure about to tabulate itself: a text cell that tabulate would read as a
number, one with surrounding or control whitespace, escape codes or unprintable characters.
``tests/report/test_text_table.py`` compares the two.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import lru_cache

Cell = str | int
_SEP = "  "


def _looks_numeric(text: str) -> bool:
    if text[:1].isalpha() and text[0] not in "iInN":  # float() reads "inf", "nan" too
        return False
    try:
        float(text.replace(",", ""))
    except ValueError:
        return False
    return True


def _plain_lines(text: str) -> list[str] | None:
    """The lines of a text cell tabulate shows as they are, or None."""
    if text != text.strip() or _looks_numeric(text):
        return None
    lines = text.split("\n")
    for line in lines:
        if line != line.strip() or not line.isprintable():
            return None
    return lines


@lru_cache(maxsize=4096)
def _wide(text: str) -> int:
    """Measured as tabulate measures: with wcwidth when it is installed (an optional
    dependency of tabulate), else by ``len``."""
    import tabulate as module

    wcwidth = getattr(module, "wcwidth", None)
    if wcwidth is None or not module.WIDE_CHARS_MODE:
        return len(text)
    return int(wcwidth.wcswidth(text))


def _width(text: str) -> int:
    return len(text) if text.isascii() else _wide(text)


def _text_lines(cells: list[str]) -> list[list[str]] | None:
    """Each text cell's lines (once per distinct text: statuses and messages repeat)."""
    seen: dict[str, list[str]] = {}
    out = []
    for c in cells:
        lines = seen.get(c)
        if lines is None:
            found = _plain_lines(c)
            if found is None:
                return None
            lines = seen[c] = found
        out.append(lines)
    return out


def _column(cells: list[Cell], header: str) -> tuple[list[list[str]], int, bool] | None:
    """Each cell's lines, the column's width and whether it is numeric; None: ask tabulate."""
    numeric = all(type(c) is int for c in cells)
    if numeric:
        lines: list[list[str]] | None = [[str(c)] for c in cells]
    elif all(type(c) is str for c in cells):
        lines = _text_lines(cells)  # type: ignore[arg-type]
    else:
        return None
    if lines is None:
        return None
    widths = [_width(line) for line in {line for cell in lines for line in cell}]
    if min(widths, default=0) < 0:
        return None
    return lines, max([_width(header) + 2, *widths]), numeric


def _pad(text: str, width: int, right: bool) -> str:
    room = " " * (width - _width(text))
    return room + text if right else text + room


def tabulate_simple(rows: Sequence[Sequence[Cell]], headers: Sequence[str]) -> str:
    """tabulate's own ``simple`` table; tabulate (and wcwidth) load on first use, so a
    command that prints no table (an audit to JSON) does not pay for them at start-up."""
    from tabulate import tabulate

    return tabulate(rows, headers=list(headers), tablefmt="simple")


def simple_table(rows: Sequence[Sequence[Cell]], headers: Sequence[str]) -> str:
    """``tabulate(rows, headers, tablefmt="simple")``, the same text."""
    if not rows or any(not h.isascii() or not h.isprintable() for h in headers):
        return tabulate_simple(rows, headers)
    columns = []
    for i, header in enumerate(headers):
        column = _column([r[i] for r in rows], header)
        if column is None:
            return tabulate_simple(rows, headers)
        columns.append(column)
    out = [_SEP.join(_pad(h, w, num) for h, (_, w, num) in zip(headers, columns, strict=True))
           .rstrip(), _SEP.join("-" * w for _, w, _ in columns)]
    for r in range(len(rows)):
        cells = [(c[0][r], c[1], c[2]) for c in columns]
        height = max(len(lines) for lines, _, _ in cells)
        for n in range(height):
            out.append(_SEP.join(_pad(lines[n] if n < len(lines) else "", w, num)
                                 for lines, w, num in cells).rstrip())
    return "\n".join(out)
