"""The reporter contract: a pure function from an ``AuditResult`` to text."""

from __future__ import annotations

from abc import ABC, abstractmethod
from dataclasses import dataclass
from typing import ClassVar

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
    """Renders a result; never prints, never reads the clock, never touches files."""

    name: ClassVar[str]

    def __init__(self, options: ReportOptions | None = None) -> None:
        self.options = options or ReportOptions()

    @abstractmethod
    def render(self, result: AuditResult) -> str:
        """The whole report as text."""
