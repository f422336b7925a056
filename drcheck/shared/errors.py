"""Exit codes and the error tree: every error a user can cause maps to one exit code."""

from __future__ import annotations

from dataclasses import dataclass
from enum import IntEnum


class ExitCode(IntEnum):
    """The exit-code contract; no code means two things.

    0 clean; 1 findings at or above ``--fail-on``; 2 bad input or usage; 3 evidence
    incomplete (some rule could not tell, nothing failed); 4 internal error.
    """

    OK = 0
    FINDINGS = 1
    USAGE = 2
    INCOMPLETE = 3
    INTERNAL = 4


@dataclass(frozen=True)
class Problem:
    """One thing wrong with an input file, pinned to where it is."""

    file: str
    line: int | None
    column: int | None
    path: str
    message: str

    def __str__(self) -> str:
        where = self.file
        if self.line is not None:
            where += f":{self.line}"
            if self.column is not None:
                where += f":{self.column}"
        at = f" {self.path}:" if self.path else ""
        return f"{where}:{at} {self.message}"


class DrcheckError(Exception):
    """Base of every error drcheck reports to the user without a traceback."""

    exit_code: ExitCode = ExitCode.INTERNAL

    def __init__(self, message: str, hint: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.hint = hint


class UsageError(DrcheckError):
    """A command line that cannot be honoured (missing file, bad option value)."""

    exit_code = ExitCode.USAGE


class ConfigError(DrcheckError):
    """An estate, policy, waiver or facts file that is invalid; carries every problem found."""

    exit_code = ExitCode.USAGE

    def __init__(self, problems: list[Problem], hint: str | None = None) -> None:
        summary = "\n".join(str(p) for p in problems)
        super().__init__(summary, hint)
        self.problems = problems


class ReportError(DrcheckError):
    """An output that could not be written."""

    exit_code = ExitCode.USAGE


class VerifyError(DrcheckError):
    """A file that does not verify (a signature, an evidence bundle): exit 2 with the reason."""

    exit_code = ExitCode.USAGE
