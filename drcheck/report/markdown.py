"""Markdown for pull-request comments: score, what needs attention, what changed, waivers.

Every cell is HTML-escaped (GitHub and GitLab render inline HTML) and pipes and line breaks
are neutralised so a dataset name cannot break the table.
"""

from __future__ import annotations

import html

from drcheck.report.base import Reporter
from drcheck.report.compliance import control_rows
from drcheck.report.fields import summary_counts
from drcheck.shared.model import AuditResult, Finding, Status

MAX_ROWS = 100
MARK = {Status.FAIL: "❌ fail", Status.UNKNOWN: "❔ unknown", Status.WAIVED: "⏸️ waived",
        Status.PASS: "✅ pass"}


def cell(text: object) -> str:
    """One table cell: escaped, on one line, pipes made literal."""
    return html.escape(str(text)).replace("|", "\\|").replace("\r", " ").replace("\n", " ")


def _table(headers: list[str], rows: list[list[str]]) -> str:
    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(r) + " |" for r in rows]
    return "\n".join(lines)


def _finding_row(f: Finding, accepted: set[str]) -> list[str]:
    status = MARK[f.status] + (" (baseline)" if f.fingerprint in accepted else "")
    why = f.message + (f" — waiver {f.waiver}" if f.waiver else "")
    return [status, cell(f.severity.value), f"`{cell(f.rule_id)}`", cell(f.dataset), cell(why)]


class MarkdownReporter(Reporter):
    """A compact Markdown report."""

    name = "markdown"
    shows_passes = False  # passes are counted or listed by name, never explained

    def render(self, result: AuditResult) -> str:
        """Markdown text."""
        parts = [self._head(result), self._attention(result), self._datasets(result),
                 self._compliance(result), self._baseline(result), self._waivers(result)]
        return "\n\n".join(p for p in parts if p) + "\n"

    @staticmethod
    def _head(result: AuditResult) -> str:
        c = summary_counts(result)
        return (f"## drcheck: score {result.score}/100\n\n"
                f"**{c['fail']}** failed · **{c['unknown']}** unknown · {c['waived']} waived · "
                f"{c['pass']} passed · policies: {cell(', '.join(result.policies))} · "
                f"evaluated at {cell(result.evaluated_at)}")

    @staticmethod
    def _attention(result: AuditResult) -> str:
        shown = [f for f in result.findings if f.status is not Status.PASS]
        if not shown:
            return "Nothing needs attention."
        accepted = set(result.baselined)
        text = "### Findings\n\n" + _table(["status", "severity", "rule", "dataset", "why"],
                                           [_finding_row(f, accepted) for f in shown[:MAX_ROWS]])
        if len(shown) > MAX_ROWS:
            text += (f"\n\n… and {len(shown) - MAX_ROWS} more; see the full report "
                     "(json, html or csv).")
        return text

    @staticmethod
    def _datasets(result: AuditResult) -> str:
        rows = [[cell(s.dataset), cell(s.criticality), str(s.score), str(s.counts["fail"]),
                 str(s.counts["unknown"]), str(s.counts["waived"]), str(s.counts["pass"])]
                for s in result.scores]
        return "### Datasets\n\n" + _table(
            ["dataset", "criticality", "score", "fail", "unknown", "waived", "pass"], rows)

    def _compliance(self, result: AuditResult) -> str:
        fw = self.options.framework
        if fw is None:
            return ""
        rows = [[cell(r.control), MARK[r.status], str(r.count(Status.FAIL)),
                 str(r.count(Status.UNKNOWN)), str(r.count(Status.WAIVED)),
                 str(r.count(Status.PASS))] for r in control_rows(result.findings, fw)]
        return f"### Controls: {cell(fw)}\n\n" + _table(
            ["control", "verdict", "fail", "unknown", "waived", "pass"], rows)

    @staticmethod
    def _baseline(result: AuditResult) -> str:
        if result.baseline is None:
            return ""
        text = (f"### Baseline `{cell(result.baseline)}`\n\n{len(result.baselined)} accepted, "
                f"{len(result.fixed)} fixed.")
        if result.fixed:
            text += "\n\n" + _table(["fixed", "severity", "rule", "dataset", "was"], [
                ["✅", cell(f.severity.value), f"`{cell(f.rule_id)}`", cell(f.dataset),
                 cell(f.status.value)] for f in result.fixed])
        return text

    @staticmethod
    def _waivers(result: AuditResult) -> str:
        if not result.waivers:
            return ""
        rows = [[f"`{cell(w.id)}`", "⚠️ expired" if w.expired else "active",
                 cell(w.expires), cell(w.owner), cell(w.reason), str(len(w.matched))]
                for w in result.waivers]
        return "### Waivers\n\n" + _table(
            ["waiver", "state", "expires", "owner", "reason", "findings"], rows)
