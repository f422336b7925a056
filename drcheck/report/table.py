"""The terminal table: one row per failing or unknown finding, fitted to 80 columns."""

from __future__ import annotations

import textwrap

from tabulate import tabulate

from drcheck.model import AuditResult, Status
from drcheck.report.base import Reporter
from drcheck.report.fields import summary_counts

MESSAGE_WIDTH = 44


class TableReporter(Reporter):
    """Findings that need attention, then per-dataset scores, then a summary line."""

    name = "table"

    def __init__(self, show_passed: bool = False) -> None:
        self.show_passed = show_passed

    def render(self, result: AuditResult) -> str:
        """The table report."""
        shown = [f for f in result.findings
                 if self.show_passed or f.status in (Status.FAIL, Status.UNKNOWN)]
        parts = []
        if shown:
            rows = [(f.status.value.upper(), f.severity.value, f"{f.rule_id}\n{f.dataset}",
                     textwrap.fill(f.message, MESSAGE_WIDTH)) for f in shown]
            parts.append(tabulate(rows, headers=["status", "severity", "rule / dataset",
                                                 "why"], tablefmt="simple"))
        scores = [(s.dataset, s.criticality, s.score, s.counts["fail"], s.counts["unknown"],
                   s.counts["pass"]) for s in result.scores]
        parts.append(tabulate(scores, headers=["dataset", "criticality", "score", "fail",
                                               "unknown", "pass"], tablefmt="simple"))
        counts = summary_counts(result)
        issues = len(result.snapshot.issues)
        parts.append(
            f"score {result.score}/100 · {counts['fail']} failed · {counts['unknown']} unknown"
            f" · {counts['waived']} waived · {counts['pass']} passed"
            + (f" · {issues} collection issue(s)" if issues else "")
            + f" · policies: {', '.join(result.policies)}"
        )
        return "\n\n".join(parts) + "\n"
