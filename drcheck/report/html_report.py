"""One self-contained HTML file an auditor can mail: no script, no external asset.

Summary and score; alerts (expired waivers, collection issues); the failure domains ranked by
the data their loss destroys and the worst datasets first (``html_summary``); each dataset's
copies across failure domains; findings grouped by framework control; every finding with the
facts it rests on; waivers with reason and expiry; what a baseline says is fixed.

A large estate (more than ``CARDS`` datasets) stays readable and small: the worst ``CARDS``
datasets get a card and their findings a card each; every other dataset and finding is one
row of a collapsed page (``<details>``) of ``PAGE`` rows; passing findings are counted, not
listed (the JSON report lists them); a control lists its first ``LINKS`` findings.
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
from drcheck.report.html_summary import dataset_anchor, domain_ranking, worst_datasets, worst_first
from drcheck.shared.model import AuditResult, Finding, Status, WaiverNote

STATUS_ORDER = (Status.FAIL, Status.UNKNOWN, Status.WAIVED, Status.PASS)
CARDS = 100
"""Datasets with a card of their own (the worst ones) before the rest become rows."""
PAGE = 1000
"""Rows per collapsed page."""
LINKS = 20
"""Findings linked from one control row."""


def _pages(title: str, headers: list[str], rows: list[str]) -> str:
    """``rows`` (``<tr>`` HTML) in collapsed pages of ``PAGE``."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    out = []
    for start in range(0, len(rows), PAGE):
        chunk = rows[start:start + PAGE]
        out.append(f"<details><summary>{esc(title)} {start + 1}–{start + len(chunk)} of "
                   f"{len(rows)}</summary><table><thead><tr>{head}</tr></thead><tbody>"
                   + "".join(chunk) + "</tbody></table></details>")
    return "".join(out)


def _score_class(score: int) -> str:
    return "s-good" if score >= 90 else "s-mid" if score >= 70 else "s-bad"


def _links(findings: list[Finding] | tuple[Finding, ...]) -> str:
    """Links to the first ``LINKS`` findings, and how many more there are."""
    out = " ".join(f"<a href=\"#{anchor(f)}\">{esc(f.rule_id)} · {esc(f.dataset)}</a> "
                   f"{pill(f.status)}" for f in findings[:LINKS])
    more = len(findings) - LINKS
    return out + (f" <span class=\"meta\">and {more} more</span>" if more > 0 else "")


class HtmlReporter(Reporter):
    """The result as a single HTML page."""

    name = "html"

    def render(self, result: AuditResult) -> str:
        """HTML text."""
        body = "".join((self._summary(result), self._alerts(result), domain_ranking(result),
                        worst_datasets(result), self._datasets(result),
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
        datasets = result.snapshot.datasets
        large = len(datasets) > CARDS
        if large:
            by_name = {d.name: d for d in datasets}
            order = [by_name[s.dataset] for s in worst_first(result.scores)
                     if s.dataset in by_name]
            order += [d for d in datasets if d.name not in scores]
            carded, rest = order[:CARDS], order[CARDS:]
            parts.append(f"<p class=\"meta\">The {CARDS} worst of {len(datasets)} datasets "
                         "first; the others are rows below.</p>")
        else:
            carded, rest = list(datasets), []
        for d in carded:
            s = scores.get(d.name)
            head = f"score {s.score}/100 · " if s else ""
            labels = ", ".join(f"{k}={v}" for k, v in sorted(d.labels.items()))
            parts.append(f"<div class=\"card\" id=\"{esc(dataset_anchor(d.name))}\"><h3>"
                         f"{esc(d.name)}</h3><p class=\"meta\">"
                         f"{esc(head)}criticality {esc(d.criticality)}"
                         f"{' · labels ' + esc(labels) if labels else ''} · defined at "
                         f"<code>{esc(d.origin)}</code></p>{copies_grid(d)}</div>")
        rows = []
        for d in rest:
            s = scores.get(d.name)
            counts = s.counts if s else {}
            rows.append(f"<tr id=\"{esc(dataset_anchor(d.name))}\"><td>{esc(d.name)}</td>"
                        f"<td>{esc(s.score if s else '—')}</td><td>{esc(d.criticality)}</td>"
                        f"<td>{esc(counts.get('fail', 0))}</td>"
                        f"<td>{esc(counts.get('unknown', 0))}</td>"
                        f"<td>{esc(len(d.copies))}</td></tr>")
        if rows:
            parts.append(_pages("Datasets", ["dataset", "score", "criticality", "failed",
                                             "unknown", "copies"], rows))
        return "".join(parts)

    def _controls(self, result: AuditResult) -> str:
        chosen = self.options.framework
        frameworks = [chosen] if chosen else frameworks_of(result.findings)
        parts = ["<section class=\"compliance\"><h2>Compliance by control</h2>"]
        for fw in frameworks:
            rows = [(esc(r.control) if r.control != UNMAPPED else "<i>no control</i>",
                     esc(requirement(fw, r.control)), pill(r.status),
                     _links(r.findings))
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
        if len(result.snapshot.datasets) <= CARDS:
            out = "<h2>Findings</h2>" + "".join(self._finding(f, notes) for f in attention)
            if passed:
                out += (f"<details><summary>{len(passed)} passed finding(s)</summary>"
                        + "".join(self._finding(f, notes) for f in passed) + "</details>")
            return out
        worst = {s.dataset for s in worst_first(result.scores)[:CARDS]}
        carded = [f for f in attention if f.dataset in worst]
        rows = [f"<tr id=\"{anchor(f)}\"><td>{pill(f.status)}</td><td>{esc(f.severity.value)}"
                f"</td><td>{esc(f.rule_id)}</td><td>{esc(f.dataset)}</td><td>{esc(f.message)}"
                "</td></tr>" for f in attention if f.dataset not in worst]
        return ("<h2>Findings</h2><p class=\"meta\">The findings of the worst datasets in "
                f"full; {len(rows)} other(s) as rows; {len(passed)} passed finding(s) are in "
                "the JSON report.</p>" + "".join(self._finding(f, notes) for f in carded)
                + _pages("Findings", ["status", "severity", "rule", "dataset", "message"],
                         rows))

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
