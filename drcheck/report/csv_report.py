"""CSV for spreadsheets: one row per finding, every field quoted, formula injection defused.

Columns are the ``finding_dict`` field names; lists and mappings are flattened to ``; ``-
separated text. A cell that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from typing import Any

from drcheck.report.base import Reporter
from drcheck.report.fields import finding_dict
from drcheck.shared.model import AuditResult

COLUMNS = ("fingerprint", "policy", "rule_id", "rule_type", "title", "dataset", "status",
           "severity", "message", "shared_domains", "unknowns", "controls", "waiver",
           "evidence")
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def neutralise(text: str) -> str:
    """``text`` made inert for spreadsheets: formula starters get a leading apostrophe."""
    return "'" + text if text.startswith(FORMULA_START) else text


def _flatten(key: str, value: Any) -> str:
    if value is None:
        return ""
    if key == "shared_domains":
        return "; ".join(f"{d['kind']}:{d['id']} ({', '.join(d['replicas'])})" for d in value)
    if key == "controls":
        return "; ".join(f"{fw} {', '.join(cs)}" for fw, cs in value.items())
    if key == "evidence":
        return "; ".join(f"{e['subject']} {e['key']}={e['value']} ({e['source']}, "
                         f"{e['origin']}{', ' + e['observed_at'] if e['observed_at'] else ''})"
                         for e in value)
    if isinstance(value, list):
        return "; ".join(str(v) for v in value)
    return str(value)


class CsvReporter(Reporter):
    """The findings as CSV (RFC 4180 line ends)."""

    name = "csv"

    def render(self, result: AuditResult) -> str:
        """CSV text with a header row."""
        out = io.StringIO()
        writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
        writer.writerow(COLUMNS)
        for f in result.findings:
            row = finding_dict(f)
            writer.writerow([neutralise(_flatten(k, row[k])) for k in COLUMNS])
        return out.getvalue()
