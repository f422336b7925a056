"""One audit result, rendered: table, JSON, SARIF, JUnit, CSV, HTML, Markdown and Prometheus
reporters (``reporter_for`` picks one by format name; a test checks every ``OutputFormat``
member has one), the plan comparison, the SQLite history, and atomic output files.

Takes in an ``AuditResult``; hands on text and files. Never probes.
"""

from __future__ import annotations

from enum import Enum

from drcheck.report.base import Reporter, ReportOptions
from drcheck.report.csv_report import CsvReporter
from drcheck.report.html_report import HtmlReporter
from drcheck.report.json_report import JsonReporter
from drcheck.report.junit import JunitReporter
from drcheck.report.markdown import MarkdownReporter
from drcheck.report.prometheus import PrometheusReporter
from drcheck.report.sarif import SarifReporter
from drcheck.report.table import TableReporter

__all__ = ["REPORTERS", "OutputFormat", "ReportOptions", "Reporter", "reporter_for"]


class OutputFormat(str, Enum):
    """Every output format ``--format`` and ``--report`` accept."""

    TABLE = "table"
    JSON = "json"
    SARIF = "sarif"
    JUNIT = "junit"
    CSV = "csv"
    HTML = "html"
    MARKDOWN = "markdown"
    PROMETHEUS = "prometheus"


REPORTERS: dict[OutputFormat, type[Reporter]] = {
    OutputFormat.TABLE: TableReporter,
    OutputFormat.JSON: JsonReporter,
    OutputFormat.SARIF: SarifReporter,
    OutputFormat.JUNIT: JunitReporter,
    OutputFormat.CSV: CsvReporter,
    OutputFormat.HTML: HtmlReporter,
    OutputFormat.MARKDOWN: MarkdownReporter,
    OutputFormat.PROMETHEUS: PrometheusReporter,
}


def reporter_for(fmt: OutputFormat, options: ReportOptions | None = None) -> Reporter:
    """A reporter instance for ``fmt``."""
    return REPORTERS[fmt](options)
