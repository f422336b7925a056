"""Words and timestamps the brief's renderers share."""

from __future__ import annotations

from datetime import datetime, timedelta

from drcheck.brief.model import DatasetImpact, Duty, Step
from drcheck.inputs.durations import format_duration, format_time


def moment(when: datetime | None) -> str:
    """A timestamp in the offset it was given in, with its UTC form: ``…+01:00 (…Z)``."""
    if when is None:
        return "-"
    utc = format_time(when)
    return utc if when.utcoffset() == timedelta(0) else f"{when.isoformat()} ({utc})"


def step_text(step: Step) -> str:
    """``notification by 2021-03-13T00:47:00+01:00 (…Z)``, or its rule when undated."""
    name = step.step.replace("-", " ")
    if step.due is None:
        return f"{name}: {step.text}"
    return f"{name} by {moment(step.due)}"


def objective(meets: bool | None, value: timedelta | None, name: str) -> str:
    """``RPO 24h: met`` / ``RPO 24h: MISSED`` / ``no RPO declared``."""
    if value is None:
        return f"no {name} declared"
    shown = format_duration(value)
    verdict = {True: "met", False: "MISSED", None: "cannot tell"}[meets]
    return f"{name} {shown}: {verdict}"


def rpo_text(impact: DatasetImpact) -> str:
    """The achievable recovery point against the RPO, in one phrase."""
    rec = impact.recovery
    where = f" ({rec.rpo_from})" if rec.rpo_from and rec.rpo_from != "estate" else ""
    return f"{rec.text} · {objective(rec.meets, rec.rpo, 'RPO')}{where}"


def rto_text(impact: DatasetImpact) -> str:
    """The restore estimate against the RTO, in one phrase."""
    res = impact.restore
    return f"{res.text} · {objective(res.meets, res.rto, 'RTO')}"


def business_text(impact: DatasetImpact) -> str:
    """Services, owner, customers and personal data, as declared."""
    b = impact.business
    if b is None:
        return "no business facts declared"
    parts = []
    if b.services:
        parts.append("services " + ", ".join(b.services))
    if b.owner:
        parts.append(f"owner {b.owner}")
    if b.customers is not None:
        parts.append(f"{b.customers} customers")
    pd = b.personal_data
    if pd is None:
        parts.append("personal data not declared")
    elif not pd.present:
        parts.append("no personal data")
    else:
        parts.append("personal data: " + (", ".join(pd.categories) or "-"))
        if pd.special_categories:
            parts.append("Art. 9 special categories: " + ", ".join(pd.special_categories))
    if b.subjects is not None:
        parts.append(f"{b.subjects} data subjects")
    return "; ".join(parts)


def duty_head(duty: Duty) -> str:
    """``GDPR Art. 33(1), 33(5): notify … — triggered``."""
    return f"{duty.regime.regime} {duty.regime.source.article}: {duty.regime.duty}"
