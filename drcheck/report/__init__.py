"""Reporters by format name; a test checks every ``OutputFormat`` member has one."""

from __future__ import annotations

from enum import Enum

from drcheck.report.base import Reporter
from drcheck.report.json_report import JsonReporter
from drcheck.report.table import TableReporter


class OutputFormat(str, Enum):
    """Every output format ``--format`` accepts."""

    TABLE = "table"
    JSON = "json"


REPORTERS: dict[OutputFormat, type[Reporter]] = {
    OutputFormat.TABLE: TableReporter,
    OutputFormat.JSON: JsonReporter,
}


def reporter_for(fmt: OutputFormat) -> Reporter:
    """A reporter instance for ``fmt``."""
    return REPORTERS[fmt]()
