"""JSON output: the versioned result document, facts snapshot embedded as evidence."""

from __future__ import annotations

from drcheck.report.base import Reporter
from drcheck.report.fields import result_dict
from drcheck.shared.jsontext import records
from drcheck.shared.model import AuditResult


class JsonReporter(Reporter):
    """Key-sorted JSON, one record per line; the same input always gives the same bytes."""

    name = "json"

    def render(self, result: AuditResult) -> str:
        """The result document as JSON text."""
        return records(result_dict(result))
