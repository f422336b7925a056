"""Building blocks of the HTML report: escaping, tables, the copies-across-domains grid.

Every value that reaches the page goes through ``esc`` (``html.escape`` with quotes), so a
dataset called ``<script>`` is shown, never run.
"""

from __future__ import annotations

import html
from collections.abc import Iterable, Sequence
from functools import lru_cache

from drcheck.shared.model import Dataset, DomainKind, Finding, Replica, Status

STYLE = """
body{font:14px/1.45 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;margin:0;
 color:#1d232b;background:#f4f6f8}
main{max-width:1180px;margin:0 auto;padding:24px}
h1{margin:0 0 4px;font-size:24px}h2{margin:32px 0 10px;font-size:19px;
 border-bottom:2px solid #d6dde4;padding-bottom:4px}h3{margin:18px 0 6px;font-size:15px}
.meta{color:#5a6673}.card{background:#fff;border:1px solid #d6dde4;border-radius:8px;
 padding:14px 16px;margin:10px 0}
.summary{display:flex;gap:16px;align-items:center;flex-wrap:wrap}
.score{font-size:44px;font-weight:700;width:110px;height:110px;border-radius:55px;
 display:flex;align-items:center;justify-content:center;color:#fff}
.s-good{background:#1f8a4c}.s-mid{background:#c98a06}.s-bad{background:#c0392b}
.pill{display:inline-block;padding:1px 8px;border-radius:10px;font-size:12px;font-weight:600;
 color:#fff}
.st-fail{background:#c0392b}.st-unknown{background:#7d5ba6}.st-waived{background:#6c7a89}
.st-pass{background:#1f8a4c}.sev{background:#37474f}
table{border-collapse:collapse;width:100%;background:#fff;font-size:13px}
th,td{border:1px solid #d6dde4;padding:4px 7px;text-align:left;vertical-align:top}
th{background:#eef2f5}td.shared{background:#f9d3cf;font-weight:600}
td.unknown{color:#8a95a1;font-style:italic}.alert{border-left:5px solid #c0392b}
.warn{border-left:5px solid #c98a06}code{font-size:12px;word-break:break-all}
.legend span{display:inline-block;padding:0 6px;margin-right:8px}
@page{size:A4;margin:14mm 12mm}
@media print{
body{background:#fff;font-size:10.5pt}main{max-width:none;padding:0}
*{print-color-adjust:exact;-webkit-print-color-adjust:exact}
.card{border:1px solid #9aa5b1;break-inside:avoid;box-shadow:none}
h2{break-after:avoid;border-bottom-color:#9aa5b1}h3{break-after:avoid}
section.compliance{break-before:page}
thead{display:table-header-group}tr{break-inside:avoid}
table{font-size:9pt}th,td{border-color:#9aa5b1}
a{color:inherit;text-decoration:none}
details::details-content{content-visibility:visible;display:block}
details>summary{list-style:none;font-weight:600}
code{word-break:break-all}
}
"""

GRID_KINDS: tuple[DomainKind, ...] = (
    DomainKind.PROVIDER, DomainKind.ACCOUNT, DomainKind.JURISDICTION, DomainKind.REGION,
    DomainKind.METRO, DomainKind.CAMPUS, DomainKind.BUILDING, DomainKind.ROOM,
    DomainKind.RACK, DomainKind.HOST,
)


def esc(value: object) -> str:
    """``value`` as text safe inside HTML elements and quoted attributes."""
    return _escaped("" if value is None else str(value))


@lru_cache(maxsize=1 << 16)
def _escaped(text: str) -> str:
    """Statuses, rule ids and messages repeat across thousands of datasets: escaped once."""
    return html.escape(text, quote=True)


def pill(status: Status) -> str:
    """A coloured status badge."""
    return f'<span class="pill st-{esc(status.value)}">{esc(status.value)}</span>'


def table(headers: Sequence[str], rows: Iterable[Sequence[str]]) -> str:
    """A table whose cells are already-escaped HTML."""
    head = "".join(f"<th>{esc(h)}</th>" for h in headers)
    body = "".join("<tr>" + "".join(f"<td>{c}</td>" for c in row) + "</tr>" for row in rows)
    return f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table>"


def anchor(f: Finding) -> str:
    """The in-page id of a finding."""
    return "f-" + esc(f.fingerprint) + "-" + esc(f.status.value)


def _shared_values(dataset: Dataset) -> dict[DomainKind, set[str]]:
    """Per kind, the domain ids that more than one replica of ``dataset`` names."""
    out: dict[DomainKind, set[str]] = {}
    for kind in GRID_KINDS:
        seen: dict[str, int] = {}
        for rep in dataset.replicas:
            for value in rep.location.values(kind):
                seen[value] = seen.get(value, 0) + 1
        out[kind] = {v for v, n in seen.items() if n > 1}
    return out


def _grid_cell(rep: Replica, kind: DomainKind, shared: set[str]) -> str:
    values = sorted(rep.location.values(kind))
    if not values:
        return '<td class="unknown">?</td>'
    cls = ' class="shared"' if any(v in shared for v in values) else ""
    return f"<td{cls}>{'<br>'.join(esc(v) for v in values)}</td>"


def copies_grid(dataset: Dataset) -> str:
    """A replicas × failure-domain-kinds grid; domains shared by several replicas in red."""
    kinds = [k for k in GRID_KINDS if any(r.location.values(k) for r in dataset.replicas)]
    shared = _shared_values(dataset)
    head = "".join(f"<th>{esc(k.value)}</th>" for k in kinds)
    rows = []
    for rep in dataset.replicas:
        cells = "".join(_grid_cell(rep, k, shared[k]) for k in kinds)
        rows.append(f"<tr><th>{esc(rep.role)}: {esc(rep.name)}<br>"
                    f"<span class=\"meta\">{esc(rep.asset)}</span></th>{cells}</tr>")
    return (f'<table class="grid"><thead><tr><th>replica</th>{head}</tr></thead>'
            f"<tbody>{''.join(rows)}</tbody></table>")


def evidence_table(f: Finding) -> str:
    """The facts a finding rests on: subject, fact, value, source, origin and time."""
    if not f.evidence:
        return '<p class="meta">No fact quoted.</p>'
    rows = [(esc(e.subject), esc(e.key), f"<code>{esc(e.value)}</code>", esc(e.source.value),
             f"<code>{esc(e.origin)}</code>", esc(e.observed_at or "—")) for e in f.evidence]
    return table(["subject", "fact", "value", "source", "origin", "observed at"], rows)
