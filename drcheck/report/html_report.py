"""One self-contained HTML file an auditor can mail: no script, no external asset.

Summary and score; alerts (expired waivers, collection issues); each dataset's copies across
failure domains; findings grouped by framework control; every finding with the facts it
rests on; waivers with reason and expiry; what a baseline says is fixed.
"""

from __future__ import annotations

from drcheck import __version__
from drcheck.facts.snapshot import snapshot_digest
from drcheck.report.base import Reporter
from drcheck.report.compliance import UNMAPPED, control_rows, frameworks_of
from drcheck.report.controls import FRAMEWORK_TITLES, requirement
from drcheck.report.fields import summary_counts
from drcheck.report.html_parts import (
    STYLE,
    anchor,
    copies_grid,
    esc,
    evidence_table,
    pill,
    table,
)
from drcheck.shared.model import AuditResult, Finding, Status, WaiverNote

STATUS_ORDER = (Status.FAIL, Status.UNKNOWN, Status.WAIVED, Status.PASS)


def _score_class(score: int) -> str:
    return "s-good" if score >= 90 else "s-mid" if score >= 70 else "s-bad"


class HtmlReporter(Reporter):
    """The result as a single HTML page."""

    name = "html"

    def render(self, result: AuditResult) -> str:
        """HTML text."""
        body = "".join((self._summary(result), self._alerts(result), self._datasets(result),
                        self._controls(result), self._findings(result),
                        self._waivers(result), self._fixed(result), self._issues(result)))
        title = f"drcheck report: score {result.score}/100"
        return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
                "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
                f"<title>{esc(title)}</title><style>{STYLE}</style></head>"
                f"<body><main>{body}<p class=\"meta\">drcheck {esc(__version__)}</p>"
                "</main></body></html>\n")

    @staticmethod
    def _summary(result: AuditResult) -> str:
        c = summary_counts(result)
        digest = snapshot_digest(result.snapshot)
        counts = " · ".join(f"{pill(s)} {c[s.value]}" for s in STATUS_ORDER)
        return (f"<h1>Disaster-recovery readiness</h1><p class=\"meta\">Evaluated at "
                f"{esc(result.evaluated_at)} · facts collected at "
                f"{esc(result.snapshot.collected_at)} · policies "
                f"{esc(', '.join(result.policies))}</p>"
                f"<div class=\"card summary\"><div class=\"score {_score_class(result.score)}\">"
                f"{esc(result.score)}</div><div><p><b>Estate score {esc(result.score)}/100"
                f"</b> across {len(result.scores)} dataset(s)</p><p>{counts}</p>"
                f"<p class=\"meta\">facts digest <code>{esc(digest)}</code></p></div></div>")

    @staticmethod
    def _alerts(result: AuditResult) -> str:
        out = [f"<div class=\"card alert\"><b>Expired waiver {esc(w.id)}</b> (owner "
               f"{esc(w.owner)}, expired {esc(w.expires)}, {esc(w.origin)}): no longer "
               f"applied. Reason was: {esc(w.reason)}</div>"
               for w in result.waivers if w.expired]
        if result.snapshot.issues:
            out.append(f"<div class=\"card warn\"><b>{len(result.snapshot.issues)} collection "
                       "issue(s)</b>: some facts could not be established; see below.</div>")
        return "".join(out)

    @staticmethod
    def _datasets(result: AuditResult) -> str:
        scores = {s.dataset: s for s in result.scores}
        parts = ["<h2>Datasets and their copies</h2><p class=\"legend meta\">Each row is a "
                 "replica, each column a kind of failure domain. <span class=\"shared\" "
                 "style=\"background:#f9d3cf\">red</span> = a domain several replicas share "
                 "(one loss takes them together); ? = not known.</p>"]
        for d in result.snapshot.datasets:
            s = scores.get(d.name)
            head = f"score {s.score}/100 · " if s else ""
            labels = ", ".join(f"{k}={v}" for k, v in sorted(d.labels.items()))
            parts.append(f"<div class=\"card\"><h3>{esc(d.name)}</h3><p class=\"meta\">"
                         f"{esc(head)}criticality {esc(d.criticality)}"
                         f"{' · labels ' + esc(labels) if labels else ''} · defined at "
                         f"<code>{esc(d.origin)}</code></p>{copies_grid(d)}</div>")
        return "".join(parts)

    def _controls(self, result: AuditResult) -> str:
        chosen = self.options.framework
        frameworks = [chosen] if chosen else frameworks_of(result.findings)
        parts = ["<section class=\"compliance\"><h2>Compliance by control</h2>"]
        for fw in frameworks:
            rows = [(esc(r.control) if r.control != UNMAPPED else "<i>no control</i>",
                     esc(requirement(fw, r.control)), pill(r.status),
                     " ".join(f"<a href=\"#{anchor(f)}\">{esc(f.rule_id)} · {esc(f.dataset)}"
                              f"</a> {pill(f.status)}" for f in r.findings))
                    for r in control_rows(result.findings, fw, include_unmapped=bool(chosen))]
            title = FRAMEWORK_TITLES.get(fw, fw)
            body = (table(["control", "requirement", "verdict", "findings"], rows) if rows
                    else "<p class=\"meta\">No finding maps to it.</p>")
            parts.append(f"<h3>{esc(title)}</h3>{body}")
        return "".join(parts) + "</section>"

    @staticmethod
    def _finding(f: Finding, notes: dict[str, WaiverNote]) -> str:
        extra = ""
        if f.shared:
            extra += "<p>Shared domains: " + ", ".join(
                f"<b>{esc(s.label)}</b> ({esc(', '.join(s.replicas))})" for s in f.shared) + "</p>"
        if f.unknowns:
            extra += "<p>Unknown: " + "; ".join(esc(u) for u in f.unknowns) + "</p>"
        note = notes.get(f.fingerprint)
        if f.status is Status.WAIVED:
            extra += ("<p><b>Waived</b> " + (
                f"by {esc(note.id)}: {esc(note.reason)} · owner {esc(note.owner)} · expires "
                f"{esc(note.expires)}" if note else esc(f.waiver)) + "</p>")
        controls = "; ".join(f"{fw} {', '.join(cs)}" for fw, cs in sorted(f.controls.items()))
        return (f"<div class=\"card\" id=\"{anchor(f)}\"><p>{pill(f.status)} "
                f"<span class=\"pill sev\">{esc(f.severity.value)}</span> <b>{esc(f.rule_id)}"
                f"</b> {esc(f.title)} — <b>{esc(f.dataset)}</b></p><p>{esc(f.message)}</p>"
                f"{extra}<p class=\"meta\">policy {esc(f.policy)} · controls "
                f"{esc(controls or '—')} · fingerprint <code>{esc(f.fingerprint)}</code></p>"
                f"{evidence_table(f)}</div>")

    def _findings(self, result: AuditResult) -> str:
        notes = {fp: w for w in result.waivers for fp in w.matched}
        attention = [f for f in result.findings if f.status is not Status.PASS]
        passed = [f for f in result.findings if f.status is Status.PASS]
        out = "<h2>Findings</h2>" + "".join(self._finding(f, notes) for f in attention)
        if passed:
            out += (f"<details><summary>{len(passed)} passed finding(s)</summary>"
                    + "".join(self._finding(f, notes) for f in passed) + "</details>")
        return out

    @staticmethod
    def _waivers(result: AuditResult) -> str:
        if not result.waivers:
            return ""
        rows = [(esc(w.id), "<b>expired</b>" if w.expired else "active", esc(w.expires),
                 esc(w.owner), esc(w.reason), str(len(w.matched)), f"<code>{esc(w.origin)}</code>")
                for w in result.waivers]
        return "<h2>Waivers</h2>" + table(
            ["waiver", "state", "expires", "owner", "reason", "findings", "defined at"], rows)

    @staticmethod
    def _fixed(result: AuditResult) -> str:
        if result.baseline is None:
            return ""
        rows = [(esc(f.rule_id), esc(f.dataset), esc(f.severity.value), esc(f.status.value))
                for f in result.fixed]
        return (f"<h2>Baseline</h2><p>Baseline <code>{esc(result.baseline)}</code>: "
                f"{len(result.baselined)} finding(s) accepted, {len(result.fixed)} fixed.</p>"
                + (table(["rule", "dataset", "severity", "was"], rows) if rows else ""))

    @staticmethod
    def _issues(result: AuditResult) -> str:
        if not result.snapshot.issues:
            return ""
        rows = [(esc(i.subject), esc(i.probe), esc(i.code), esc(i.reason),
                 esc(i.observed_at or "—"), "yes" if i.security else "")
                for i in result.snapshot.issues]
        return "<h2>Collection issues</h2>" + table(
            ["subject", "probe", "code", "reason", "observed at", "security"], rows)
