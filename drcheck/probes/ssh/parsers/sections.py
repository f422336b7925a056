"""Split the output of the one fixed facts command into its marked sections."""

from __future__ import annotations

from dataclasses import dataclass

from drcheck.probes.ssh.operations import MARK


@dataclass(frozen=True)
class Section:
    """What one part of the facts command printed; ``status`` None = it never finished."""

    name: str
    body: str
    status: int | None


def parse_sections(text: str) -> dict[str, Section]:
    """``{name: Section}`` for every section that started, in order."""
    out: dict[str, Section] = {}
    name: str | None = None
    lines: list[str] = []
    for line in text.splitlines():
        if not line.startswith(MARK + " "):
            lines.append(line)
            continue
        word = line[len(MARK) + 1:].strip()
        if word.startswith("rc ") and name is not None:
            out[name] = Section(name, "\n".join(lines), _int(word[3:]))
            name, lines = None, []
        elif not word.startswith("rc "):
            name, lines = word, []
            out[name] = Section(name, "", None)
    if name is not None:
        out[name] = Section(name, "\n".join(lines), None)
    return out


def _int(text: str) -> int | None:
    try:
        return int(text.strip())
    except ValueError:
        return None
