"""The reporter contract: a pure function from an ``AuditResult`` to text (or to bytes
written to a file as they are made)."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import BinaryIO, ClassVar

from drcheck.shared.model import AuditResult


@dataclass(frozen=True)
class ReportOptions:
    """Choices that change how a result is shown, never what it says.

    ``framework`` adds the compliance view (controls of that framework with a verdict each);
    ``show_passed`` lists passed findings in the table too.
    """

    framework: str | None = None
    show_passed: bool = False


class Reporter(ABC):
    """Renders a result; never prints, never reads the clock, never opens files (``write``
    writes to the file it is given)."""

    name: ClassVar[str]

    def __init__(self, options: ReportOptions | None = None) -> None:
        self.options = options or ReportOptions()

    @abstractmethod
    def render(self, result: AuditResult) -> str:
        """The whole report as text."""

    def write(self, result: AuditResult, out: BinaryIO) -> None:
        """The report as UTF-8 into ``out``: the same bytes as ``render``. Reporters of
        large results override it to write as they go instead of holding the text."""
        out.write(self.render(result).encode("utf-8"))
