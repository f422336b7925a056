"""CSV for spreadsheets: one row per finding, every field quoted, formula injection defused.

Columns are the ``finding_dict`` field names; lists and mappings are flattened to ``; ``-
separated text. A cell that a spreadsheet would run as a formula (starting with ``=``,
``+``, ``-``, ``@``, a tab or a carriage return) gets a leading apostrophe.
"""

from __future__ import annotations

import csv
import io
from typing import Any, BinaryIO

from drcheck.report.base import Reporter
from drcheck.report.fields import finding_dict
from drcheck.shared.model import AuditResult, Finding

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


def _evidence_text(f: Finding) -> str:
    return "; ".join(f"{e.subject} {e.key}={e.value} ({e.source._value_}, "
                     f"{e.origin}{', ' + e.observed_at if e.observed_at else ''})"
                     for e in f.evidence)


class _Rows:
    """A finding's CSV row: the rule's cells made once per rule, the others per finding."""

    def __init__(self) -> None:
        self.rules: dict[tuple[object, ...], tuple[str, ...]] = {}

    def _rule_cells(self, f: Finding) -> tuple[str, ...]:
        key = (f.policy, f.rule_id, f.rule_type, f.title, f.severity, id(f.controls))
        cells = self.rules.get(key)
        if cells is None:
            row = finding_dict(f)
            cells = self.rules[key] = tuple(neutralise(_flatten(k, row[k])) for k in
                                            ("policy", "rule_id", "rule_type", "title",
                                             "severity", "controls"))
        return cells

    def row(self, f: Finding) -> list[str]:
        """The cells of ``f`` in ``COLUMNS`` order, each neutralised."""
        policy, rule_id, rule_type, title, severity, controls = self._rule_cells(f)
        shared = "; ".join(f"{s.kind._value_}:{s.value} ({', '.join(s.replicas)})"
                           for s in f.shared) if f.shared else ""
        return [neutralise(f.fingerprint), policy, rule_id, rule_type, title,
                neutralise(f.dataset), neutralise(f.status._value_), severity,
                neutralise(f.message), neutralise(shared),
                neutralise("; ".join(f.unknowns)), controls,
                neutralise("" if f.waiver is None else f.waiver),
                neutralise(_evidence_text(f)) if f.evidence else ""]


class CsvReporter(Reporter):
    """The findings as CSV (RFC 4180 line ends)."""

    name = "csv"

    def render(self, result: AuditResult) -> str:
        """CSV text with a header row."""
        out = io.BytesIO()
        self.write(result, out)
        return out.getvalue().decode("utf-8")

    def write(self, result: AuditResult, out: BinaryIO) -> None:
        """The CSV rows, written as they are made (in batches: one encode per batch)."""
        rows = _Rows().row
        findings = result.findings
        header = True
        for start in range(0, max(len(findings), 1), _BATCH):
            text = io.StringIO()
            writer = csv.writer(text, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
            if header:
                writer.writerow(COLUMNS)
                header = False
            writer.writerows(map(rows, findings[start:start + _BATCH]))
            out.write(text.getvalue().encode("utf-8"))


_BATCH = 4096
