"""The reporter contract: a pure function from an ``AuditResult`` to text."""

from __future__ import annotations

from abc import ABC, abstractmethod
from typing import ClassVar

from drcheck.model import AuditResult


class Reporter(ABC):
    """Renders a result; never prints, never reads the clock, never touches files."""

    name: ClassVar[str]

    @abstractmethod
    def render(self, result: AuditResult) -> str:
        """The whole report as text."""
