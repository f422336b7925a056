"""The brief as one self-contained HTML page, in the audit report's look, printable.

No script, no external asset; every value goes through ``esc``. A print stylesheet drops
the background, keeps tables whole where it can and starts each lost domain on a new page.
"""

from __future__ import annotations

from drcheck import __version__
from drcheck.brief.model import Brief, DomainBrief, Duty, DutyStatus, Outcome
from drcheck.brief.render import (
    DATASET_HEADERS,
    dataset_row,
    header_lines,
    hit_lines,
    summary_text,
    untouched_text,
)
from drcheck.brief.text import duty_head, step_text
from drcheck.report.html_parts import STYLE, esc, table

_OUTCOME_CLASS = {Outcome.LOST: "st-fail", Outcome.DEGRADED: "st-waived",
                  Outcome.UNKNOWN: "st-unknown", Outcome.SAFE: "st-pass"}
_DUTY_CLASS = {DutyStatus.TRIGGERED: "st-fail", DutyStatus.TO_ASSESS: "st-unknown",
               DutyStatus.NOT_ASSESSED: "st-waived", DutyStatus.NOT_TRIGGERED: "st-pass",
               DutyStatus.NOT_APPLICABLE: "st-pass"}
PRINT_STYLE = """
.draft{white-space:pre-wrap;font:12px/1.4 ui-monospace,Menlo,Consolas,monospace;
 background:#fbfcfd;border:1px solid #d6dde4;padding:10px;margin:0}
@media print{body{background:#fff;font-size:11px}main{max-width:none;padding:0}
 .card{border:1px solid #999;break-inside:avoid}section.loss{break-before:page}
 section.loss:first-of-type{break-before:auto}tr{break-inside:avoid}
 .pill{color:#000;border:1px solid #000;background:#fff!important}a{color:#000}
 a[href]::after{content:" (" attr(href) ")";font-size:10px;word-break:break-all}}
"""


def _pill(text: str, cls: str) -> str:
    return f'<span class="pill {cls}">{esc(text)}</span>'


def _duty(d: Duty) -> str:
    steps = "".join(f"<li>{esc(step_text(s))} <span class=\"meta\">({esc(s.source.cite)}, "
                    f"<a href=\"{esc(s.source.url)}\">{esc(s.source.url)}</a>)</span></li>"
                    for s in d.steps)
    rows = "".join(f"<li><b>{esc(n)}</b>: {esc(w)}</li>" for n, w in d.datasets)
    alert = " alert" if d.status is DutyStatus.TRIGGERED else \
        " warn" if d.status is DutyStatus.TO_ASSESS else ""
    return (f"<div class=\"card{alert}\"><p>{_pill(d.status.value, _DUTY_CLASS[d.status])} "
            f"<b>{esc(duty_head(d))}</b></p><p>To: {esc(d.recipient)}</p>"
            f"<p class=\"meta\">Why: {esc(d.reason)}</p>"
            + (f"<ul>{steps}</ul>" if steps else "") + (f"<ul>{rows}</ul>" if rows else "")
            + f"<p class=\"meta\">Source: {esc(d.regime.source.cite)}, <a href=\""
            f"{esc(d.regime.source.url)}\">{esc(d.regime.source.url)}</a></p></div>")


def _loss(b: DomainBrief) -> str:
    rows = []
    for d in b.hit:
        cells = [esc(c) for c in dataset_row(d, None)]
        cells[0] = _pill(d.outcome.value, _OUTCOME_CLASS[d.outcome])
        rows.append([c.replace("\\|", "|") for c in cells])
    hits = "".join(f"<li>{esc(x)}</li>" for x in hit_lines(b))
    return (f"<section class=\"loss\"><h2>Loss of {esc(', '.join(b.labels))}</h2>"
            f"<div class=\"card summary\"><b>{esc(summary_text(b))}</b></div>"
            f"{table(DATASET_HEADERS, rows)}<p class=\"meta\">{esc(untouched_text(b))}</p>"
            f"<h3>Hit</h3><ul>{hits}</ul><h3>Duties</h3>"
            + "".join(_duty(d) for d in b.duties)
            + f"<h3>Notification draft (Markdown)</h3><pre class=\"draft\">{esc(b.draft)}</pre>"
            "</section>")


def render_html(brief: Brief) -> str:
    """HTML text."""
    head = "".join(f"<p class=\"meta\">{esc(x)}</p>" for x in header_lines(brief))
    intro = ""
    if brief.mode == "sweep":
        intro = (f"<div class=\"card\">N-1 sweep of {esc(brief.swept)} domains: "
                 + ("no data lost: no single-domain loss destroys a dataset" if not
                    brief.destructive else f"{esc(brief.destructive)} domain(s) destroy "
                    "data on their own") + f"; the {len(brief.briefs)} worst follow.</div>")
    body = "".join(_loss(b) for b in brief.briefs)
    return ("<!DOCTYPE html>\n<html lang=\"en\"><head><meta charset=\"utf-8\">"
            "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">"
            f"<title>drcheck impact brief</title><style>{STYLE}{PRINT_STYLE}</style></head>"
            f"<body><main><h1>Impact brief</h1>{head}{intro}{body}"
            f"<p class=\"meta\">drcheck {esc(__version__)}</p></main></body></html>\n")
