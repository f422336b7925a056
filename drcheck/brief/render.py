"""The brief as a terminal table, Markdown or versioned JSON (HTML: ``brief.html``).

Pure functions returning strings. Markdown and the table share one layout: a header with
the times and the organisation, then per lost domain the datasets by outcome, what is hit,
the duties with their deadlines and sources, and the notification draft.
"""

from __future__ import annotations

import json
import textwrap
from collections.abc import Sequence
from typing import Any

from tabulate import tabulate

from drcheck.brief.model import Brief, DatasetImpact, DomainBrief, Duty, Outcome
from drcheck.brief.text import business_text, duty_head, moment, rpo_text, rto_text, step_text
from drcheck.inputs.durations import format_time
from drcheck.inputs.throughput import format_rate

SCHEMA_VERSION = 1


def org_text(brief: Brief) -> str:
    """The organisation in one line, or that none is declared."""
    org = brief.organisation
    if org is None:
        return "organisation: not declared (duties that depend on it are not assessed)"
    dora = {True: "yes", False: "no", None: "not declared"}[org.dora_financial_entity]
    return (f"organisation: {org.name or '-'} · sector {org.sector or 'not declared'} · NIS2 "
            f"{org.nis2 or 'not declared'} · DORA financial entity {dora} · jurisdiction "
            f"{org.jurisdiction or 'not declared'}")


def header_lines(brief: Brief) -> list[str]:
    """Times, organisation, assumptions and the notice, one line each."""
    aware = moment(brief.incident_at) if brief.incident_at else \
        "not given (--incident-at): deadlines shown as rules, not timestamps"
    return [f"evaluated at {format_time(brief.now)} · incident (awareness) at {aware}",
            org_text(brief),
            f"restore throughput: as declared, else {format_rate(brief.default_throughput)} "
            "assumed",
            f"notice: {brief.notice}"]


def summary_text(b: DomainBrief) -> str:
    """``no data lost`` or the counts by outcome."""
    n = {o: len(b.of(o)) for o in Outcome}
    head = "no data lost" if not n[Outcome.LOST] else f"{n[Outcome.LOST]} dataset(s) LOST"
    restore = sum(1 for d in b.datasets if d.primary_lost and d.survivors)
    return (f"{head} · {n[Outcome.DEGRADED]} degraded · {n[Outcome.UNKNOWN]} unknown · "
            f"{n[Outcome.SAFE] + sum(b.untouched().values())} safe (of {b.evaluated}) · "
            f"{restore} to restore from a copy")


def untouched_text(b: DomainBrief) -> str:
    """The datasets not listed: primary alive, safe, counted by criticality."""
    counts = b.untouched()
    if not counts:
        return "every dataset is touched by this loss"
    by = ", ".join(f"{counts[c]} {c}" for c in ("critical", "high", "medium", "low")
                   if c in counts)
    return f"untouched (primary survives, not listed): {sum(counts.values())} ({by})"


def hit_lines(b: DomainBrief) -> list[str]:
    """The services, owners and customers the loss hits."""
    hit = b.hit
    services = sorted({s for d in hit if d.business for s in d.business.services})
    owners = sorted({d.business.owner for d in hit if d.business and d.business.owner})
    counts = [d.business.customers for d in hit if d.business and d.business.customers]
    return [f"datasets hit: {', '.join(d.dataset for d in hit) or 'none'}",
            f"services: {', '.join(services) or 'none declared'}",
            f"owners: {', '.join(owners) or 'none declared'}",
            f"customers: {'up to ' + str(sum(counts)) if counts else 'none declared'}"]


def dataset_row(d: DatasetImpact, width: int | None) -> tuple[str, ...]:
    """One dataset: outcome, name, criticality, why, business, RPO, RTO."""
    cells = (d.outcome.value.upper(), d.dataset, d.criticality, d.why, business_text(d),
             rpo_text(d), rto_text(d))
    if width is None:
        return tuple(c.replace("|", "\\|") for c in cells)
    return tuple(textwrap.fill(c, width) for c in cells)


DATASET_HEADERS = ["outcome", "dataset", "criticality", "why", "business",
                   "recovery point now vs RPO", "restore estimate vs RTO"]


def duty_lines(d: Duty) -> list[str]:
    """A duty's status, recipient, deadlines with sources, and the datasets behind it."""
    out = [f"{duty_head(d)}: {d.status.value.upper()}", f"  to: {d.recipient}",
           f"  why: {d.reason}"]
    out += [f"  {step_text(s)} [{s.source.cite}; {s.source.url}]" for s in d.steps]
    out += [f"  {name}: {why}" for name, why in d.datasets]
    out.append(f"  source: {d.regime.source.cite}; {d.regime.source.url}")
    return out


def _intro(brief: Brief) -> str:
    if brief.mode == "scenario":
        return ""
    if not brief.destructive:
        head = "no data lost: no single-domain loss destroys a dataset"
    else:
        head = f"{brief.destructive} domain(s) destroy data on their own"
    return (f"N-1 sweep: {brief.swept} domains; {head}; the {len(brief.briefs)} worst "
            "single-domain losses follow")


def render_markdown(brief: Brief) -> str:
    """The brief as Markdown (GitHub tables)."""
    out = ["# Impact brief", "", *[f"- {x}" for x in header_lines(brief)], ""]
    if _intro(brief):
        out += [_intro(brief), ""]
    for b in brief.briefs:
        out += [f"## Loss of {', '.join(b.labels)}", "", f"**{summary_text(b)}**", "",
                tabulate([dataset_row(d, None) for d in b.hit], headers=DATASET_HEADERS,
                         tablefmt="github"), "", untouched_text(b), "", "### Hit", "",
                *[f"- {x}" for x in hit_lines(b)], "", "### Duties", ""]
        for d in b.duties:
            lines = duty_lines(d)
            out += [f"- **{lines[0]}**", *[f"  - {x.strip()}" for x in lines[1:]]]
        out += ["", "### Notification draft", "", b.draft, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def render_table(brief: Brief) -> str:
    """The brief for a terminal: plain tables, wrapped cells."""
    out = ["IMPACT BRIEF", *header_lines(brief), ""]
    if _intro(brief):
        out += [_intro(brief), ""]
    for b in brief.briefs:
        title = f"LOSS OF {', '.join(b.labels)}"
        out += [title, "=" * len(title), summary_text(b), "",
                tabulate([dataset_row(d, 28) for d in b.hit], headers=DATASET_HEADERS,
                         tablefmt="simple"), "", untouched_text(b), *hit_lines(b), "",
                "duties:"]
        for d in b.duties:
            out += duty_lines(d)
        out += ["", "notification draft (Markdown):", b.draft, ""]
    return "\n".join(out).rstrip("\n") + "\n"


def _td(value: Any) -> Any:
    return None if value is None else int(value.total_seconds())


def _impact_dict(d: DatasetImpact) -> dict[str, Any]:
    b = d.business
    pd = b.personal_data if b else None
    return {
        "dataset": d.dataset, "criticality": d.criticality, "outcome": d.outcome.value,
        "why": d.why, "primary_lost": d.primary_lost, "survivors": list(d.survivors),
        "services": list(b.services) if b else [], "owner": b.owner if b else None,
        "customers": b.customers if b else None, "subjects": b.subjects if b else None,
        "personal_data": None if pd is None else {
            "categories": list(pd.categories), "special_categories": list(pd.special_categories)},
        "recovery": {"text": d.recovery.text, "source": d.recovery.source,
                     "point": d.recovery.point, "age_seconds": _td(d.recovery.age),
                     "rpo_seconds": _td(d.recovery.rpo), "rpo_from": d.recovery.rpo_from,
                     "meets_rpo": d.recovery.meets},
        "restore": {"text": d.restore.text, "copy": d.restore.copy, "bytes": d.restore.bytes,
                    "throughput_bytes_per_second": d.restore.throughput,
                    "throughput_declared": d.restore.throughput_declared,
                    "estimate_seconds": _td(d.restore.estimate),
                    "rto_seconds": _td(d.restore.rto), "meets_rto": d.restore.meets},
        "replicas": [{"name": r.name, "role": r.role, "standing": r.standing.value,
                      "fate": r.fate.value, "reason": r.reason} for r in d.fate.replicas],
    }


def _source_dict(s: Any) -> dict[str, Any]:
    return {"instrument": s.instrument, "article": s.article, "celex": s.celex, "url": s.url}


def _duty_dict(d: Duty) -> dict[str, Any]:
    return {
        "id": d.regime.id, "regime": d.regime.regime, "duty": d.regime.duty,
        "status": d.status.value, "recipient": d.recipient, "reason": d.reason,
        "source": _source_dict(d.regime.source),
        "datasets": [{"dataset": n, "why": w} for n, w in d.datasets],
        "deadlines": [{"step": s.step, "text": s.text,
                       "due": s.due.isoformat() if s.due else None,
                       "due_utc": format_time(s.due) if s.due else None,
                       "source": _source_dict(s.source)} for s in d.steps],
    }


def brief_dict(brief: Brief) -> dict[str, Any]:
    """The brief as plain JSON-ready data."""
    org = brief.organisation
    return {
        "schema_version": SCHEMA_VERSION, "kind": "brief", "mode": brief.mode,
        "evaluated_at": format_time(brief.now),
        "incident_at": brief.incident_at.isoformat() if brief.incident_at else None,
        "notice": brief.notice, "swept": brief.swept, "destructive": brief.destructive,
        "default_throughput_bytes_per_second": brief.default_throughput,
        "organisation": None if org is None else {
            "name": org.name, "sector": org.sector, "nis2": org.nis2,
            "dora_financial_entity": org.dora_financial_entity,
            "jurisdiction": org.jurisdiction,
            "supervisory_authority": org.supervisory_authority},
        "losses": [{"domains": list(b.labels), "summary": summary_text(b),
                    "datasets": [_impact_dict(d) for d in b.hit],
                    "untouched": dict(sorted(b.untouched().items())),
                    "duties": [_duty_dict(d) for d in b.duties],
                    "draft_markdown": b.draft} for b in brief.briefs],
    }


def render_json(brief: Brief) -> str:
    """Pretty, key-sorted JSON ending in a newline."""
    return json.dumps(brief_dict(brief), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def outcomes(briefs: Sequence[DomainBrief]) -> set[Outcome]:
    """Every outcome some dataset has in some domain brief."""
    return {d.outcome for b in briefs for d in b.datasets}
