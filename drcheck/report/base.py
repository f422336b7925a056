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
    shows_passes: ClassVar[bool] = True
    """Whether the report shows why a check passed (a passing finding's message or evidence).
    A reporter that never does says False, and an audit that writes only such reports may
    leave passes unexplained (``Context.explain_passes``); the safe default is True."""

    def __init__(self, options: ReportOptions | None = None) -> None:
        self.options = options or ReportOptions()

    def reads_pass_explanations(self) -> bool:
        """Whether this report, with its options, reads why a check passed."""
        return self.shows_passes

    @abstractmethod
    def render(self, result: AuditResult) -> str:
        """The whole report as text."""

    def write(self, result: AuditResult, out: BinaryIO) -> None:
        """The report as UTF-8 into ``out``: the same bytes as ``render``. Reporters of
        large results override it to write as they go instead of holding the text."""
        out.write(self.render(result).encode("utf-8"))
