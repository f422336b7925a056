"""The terminal table: one row per failing, unknown or waived finding, fitted to 80 columns.

Then per-dataset scores, the compliance view when ``--framework`` is given, what a baseline
says is fixed, expired waivers, and a one-line summary.
"""

from __future__ import annotations

import textwrap

from drcheck.report.base import Reporter, ReportOptions
from drcheck.report.compliance import control_rows
from drcheck.report.fields import summary_counts
from drcheck.report.text_table import simple_table, tabulate_simple
from drcheck.shared.model import AuditResult, Finding, Status

MESSAGE_WIDTH = 44


class TableReporter(Reporter):
    """Findings that need attention, then per-dataset scores, then a summary line."""

    name = "table"

    def __init__(self, options: ReportOptions | None = None, show_passed: bool = False) -> None:
        super().__init__(options)
        self.show_passed = show_passed or self.options.show_passed

    def reads_pass_explanations(self) -> bool:
        """Only with ``show_passed``, which lists passes with their messages."""
        return self.show_passed

    def render(self, result: AuditResult) -> str:
        """The table report."""
        parts = [p for p in (self._findings(result), self._scores(result),
                             self._compliance(result), self._fixed(result),
                             self._expired(result)) if p]
        parts.append(self._summary(result))
        return "\n\n".join(parts) + "\n"

    def _findings(self, result: AuditResult) -> str:
        shown = [f for f in result.findings if self.show_passed or f.status is not Status.PASS]
        if not shown:
            return ""
        accepted = set(result.baselined)
        wrapped: dict[str, str] = {}  # messages repeat across datasets: wrap each once
        rows = []
        for f in shown:
            why = f.message + (f" [waived: {f.waiver}]" if f.waiver else "")
            text = wrapped.get(why)
            if text is None:
                text = wrapped[why] = textwrap.fill(why, MESSAGE_WIDTH)
            rows.append((_status(f, accepted), f.severity.value, f"{f.rule_id}\n{f.dataset}",
                         text))
        return simple_table(rows, ["status", "severity", "rule / dataset", "why"])

    @staticmethod
    def _scores(result: AuditResult) -> str:
        scores = [(s.dataset, s.criticality, s.score, s.counts["fail"], s.counts["unknown"],
                   s.counts["pass"]) for s in result.scores]
        return simple_table(scores, ["dataset", "criticality", "score", "fail", "unknown",
                                     "pass"])

    def _compliance(self, result: AuditResult) -> str:
        framework = self.options.framework
        if framework is None:
            return ""
        rows = [(r.control, r.status.value.upper(), r.count(Status.FAIL),
                 r.count(Status.UNKNOWN), r.count(Status.WAIVED), r.count(Status.PASS),
                 textwrap.fill(", ".join(sorted({f.rule_id for f in r.findings})), 30))
                for r in control_rows(result.findings, framework)]
        if not rows:
            return f"{framework}: no finding maps to this framework"
        return f"{framework}\n" + tabulate_simple(
            rows, ["control", "verdict", "fail", "unknown", "waived", "pass", "rules"])

    @staticmethod
    def _fixed(result: AuditResult) -> str:
        if not result.fixed:
            return ""
        rows = [("FIXED", f.severity.value, f.rule_id, f.dataset, f"was {f.status.value}")
                for f in result.fixed]
        return f"fixed since baseline {result.baseline}\n" + tabulate_simple(
            rows, ["status", "severity", "rule", "dataset", "before"])

    @staticmethod
    def _expired(result: AuditResult) -> str:
        return "\n".join(f"expired waiver {w.id} (expired {w.expires}, owner {w.owner}, "
                         f"{w.origin}): no longer applied" for w in result.waivers if w.expired)

    @staticmethod
    def _summary(result: AuditResult) -> str:
        counts = summary_counts(result)
        issues = len(result.snapshot.issues)
        line = (f"score {result.score}/100 · {counts['fail']} failed · {counts['unknown']} "
                f"unknown · {counts['waived']} waived · {counts['pass']} passed"
                + (f" · {issues} collection issue(s)" if issues else ""))
        if result.baseline is not None:
            line += (f" · baseline: {len(result.baselined)} accepted, "
                     f"{len(result.fixed)} fixed")
        return line + f" · policies: {', '.join(result.policies)}"


def _status(f: Finding, accepted: set[str]) -> str:
    text = f.status.value.upper()
    return f"{text}\n(baseline)" if f.fingerprint in accepted else text
