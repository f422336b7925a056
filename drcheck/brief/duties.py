"""Which notification duties a loss triggers, for which datasets and why, and by when.

Each regime of the data file names a trigger key; the functions here test the declared
facts against it, dataset by dataset, and say why in words. A duty is ``triggered`` when
the stated trigger is met, ``to-assess`` when it might be (unknown claims, data unavailable
until restored), ``not-applicable`` when the organisation is declared out of scope and
``not-assessed`` when the facts it needs are not declared: undeclared is never "none".
"""

from __future__ import annotations

import calendar
from collections.abc import Callable, Sequence
from datetime import datetime, timedelta

from drcheck.brief.model import DatasetImpact, Duty, DutyStatus, Outcome, Step
from drcheck.brief.regimes import Regime, Regimes
from drcheck.shared.model import Organisation

Finding = tuple[str, DutyStatus, str]
"""One dataset's part in a duty: its name, the status it gives and why."""

_SERIOUS = (Outcome.LOST, Outcome.DEGRADED)


def add_months(moment: datetime, months: int) -> datetime:
    """``moment`` plus calendar months, the day clamped to the month's end."""
    month = moment.month - 1 + months
    year, month = moment.year + month // 12, month % 12 + 1
    day = min(moment.day, calendar.monthrange(year, month)[1])
    return moment.replace(year=year, month=month, day=day)


def steps(regime: Regime, incident_at: datetime | None) -> tuple[Step, ...]:
    """Every deadline as a timestamp from ``incident_at`` (awareness), chained in order."""
    due: dict[str, datetime | None] = {"awareness": incident_at}
    out = []
    for d in regime.deadlines:
        start = due.get(d.after)
        when = None
        if start is not None and d.hours is not None:
            when = start + timedelta(hours=d.hours)
        elif start is not None and d.months is not None:
            when = add_months(start, d.months)
        due[d.step] = when
        out.append(Step(d.step, d.text, when, d.source))
    return tuple(out)


def _state(impact: DatasetImpact) -> str:
    if impact.outcome is Outcome.LOST:
        return "lost: no copy survives"
    if impact.outcome is Outcome.DEGRADED:
        return f"degraded: {impact.why}"
    if impact.outcome is Outcome.UNKNOWN:
        return f"possibly lost: {impact.why}"
    return f"unavailable until restored ({impact.restore.text})"


def _pd_text(impact: DatasetImpact) -> str:
    pd = impact.business.personal_data if impact.business else None
    if pd is None:
        return "personal data not declared"
    parts = []
    if pd.categories:
        parts.append("personal data (" + ", ".join(pd.categories) + ")")
    if pd.special_categories:
        parts.append("Art. 9 special categories (" + ", ".join(pd.special_categories) + ")")
    return " and ".join(parts)


def _personal_unavailable(impact: DatasetImpact, regimes: Regimes) -> Finding | None:
    pd = impact.business.personal_data if impact.business else None
    if pd is None:
        return (impact.dataset, DutyStatus.NOT_ASSESSED,
                f"{_state(impact)}; personal_data not declared")
    if not pd.present:
        return None
    status = DutyStatus.TRIGGERED if impact.outcome in _SERIOUS else DutyStatus.TO_ASSESS
    return impact.dataset, status, f"{_state(impact)}; holds {_pd_text(impact)}"


def _high_risk(impact: DatasetImpact, regimes: Regimes) -> Finding | None:
    base = _personal_unavailable(impact, regimes)
    if base is None or base[1] is DutyStatus.NOT_ASSESSED:
        return base
    pd = impact.business.personal_data if impact.business else None
    subjects = impact.business.subjects if impact.business else None
    why = []
    if pd and pd.special_categories:
        why.append("special categories (" + ", ".join(pd.special_categories) + ")")
    if subjects is not None and subjects >= regimes.high_risk_subjects:
        why.append(f"{subjects} data subjects (at least {regimes.high_risk_subjects})")
    if not why:
        if subjects is None:
            return impact.dataset, DutyStatus.TO_ASSESS, (
                f"{_state(impact)}; no special categories, subjects not declared")
        return impact.dataset, DutyStatus.NOT_TRIGGERED, (
            f"no special categories, {subjects} data subjects (under "
            f"{regimes.high_risk_subjects})")
    status = base[1]
    return impact.dataset, status, f"{_state(impact)}; " + " and ".join(why)


def _service(impact: DatasetImpact, regimes: Regimes) -> Finding | None:
    services = impact.business.services if impact.business else ()
    if not services and impact.criticality not in ("high", "critical"):
        return None
    what = ("backs " + ", ".join(services)) if services else f"criticality {impact.criticality}"
    status = DutyStatus.TRIGGERED if impact.outcome in _SERIOUS else DutyStatus.TO_ASSESS
    return impact.dataset, status, f"{_state(impact)}; {what}"


def _data_loss(impact: DatasetImpact, regimes: Regimes) -> Finding | None:
    status = DutyStatus.TRIGGERED if impact.outcome in _SERIOUS else DutyStatus.TO_ASSESS
    customers = impact.business.customers if impact.business else None
    clients = f"; {customers} clients" if customers is not None else ""
    return impact.dataset, status, f"{_state(impact)}{clients}"


_TESTS: dict[str, Callable[[DatasetImpact, Regimes], Finding | None]] = {
    "personal-data-unavailable": _personal_unavailable,
    "personal-data-high-risk": _high_risk,
    "service-disruption": _service,
    "data-loss": _data_loss,
}


def scope(regime: Regime, org: Organisation | None) -> tuple[DutyStatus | None, str]:
    """Whether the organisation is in the regime's scope: None (it is), or why not."""
    if not regime.entities:
        return None, "applies to every controller"
    if org is None:
        return DutyStatus.NOT_ASSESSED, "no organisation declared in the estate"
    if "financial" in regime.entities:
        if org.dora_financial_entity is None:
            return DutyStatus.NOT_ASSESSED, "organisation.dora_financial_entity not declared"
        if not org.dora_financial_entity:
            return DutyStatus.NOT_APPLICABLE, "the organisation is not a financial entity"
        return None, "a financial entity"
    if org.nis2 is None:
        return DutyStatus.NOT_ASSESSED, "organisation.nis2 not declared"
    if org.nis2 not in regime.entities:
        return DutyStatus.NOT_APPLICABLE, f"the organisation is declared nis2: {org.nis2}"
    return None, f"an {org.nis2} entity"


def recipient(regime: Regime, org: Organisation | None, regimes: Regimes,
              subjects: int | None) -> str:
    """Who receives the notification, as precisely as the estate and the data file allow."""
    if regime.recipient == "supervisory-authority":
        if org and org.supervisory_authority:
            return org.supervisory_authority
        if org and org.jurisdiction and org.jurisdiction in regimes.authorities:
            return regimes.authorities[org.jurisdiction].name
        return "the lead supervisory authority"
    if regime.recipient == "data-subjects":
        return "the data subjects concerned" + (f" ({subjects} declared)" if subjects else "")
    if regime.recipient == "csirt":
        return "the CSIRT or, where applicable, the competent authority"
    return "the relevant competent authority"


_ORDER = (DutyStatus.TRIGGERED, DutyStatus.TO_ASSESS, DutyStatus.NOT_ASSESSED,
          DutyStatus.NOT_TRIGGERED)


def duty(regime: Regime, impacts: Sequence[DatasetImpact], org: Organisation | None,
         regimes: Regimes, incident_at: datetime | None) -> Duty:
    """The regime's status for this loss, with the datasets that set it and the deadlines."""
    hit = [i for i in impacts if i.hit]
    found = [f for i in hit if (f := _TESTS[regime.trigger](i, regimes)) is not None]
    subjects = sum(i.business.subjects or 0 for i in hit if i.business) or None
    to = recipient(regime, org, regimes, subjects)
    out_of_scope, why = scope(regime, org)
    if out_of_scope is not None:
        return Duty(regime, out_of_scope, to, why, (), ())
    statuses = {s for _, s, _ in found}
    status = next((s for s in _ORDER if s in statuses), DutyStatus.NOT_TRIGGERED)
    reason = regime.trigger_text if status is not DutyStatus.NOT_TRIGGERED else (
        "no dataset hit by this loss meets the trigger" if hit else "no dataset is hit")
    relevant = tuple((name, f"[{s.value}] {text}") for name, s, text in found)
    dated = steps(regime, incident_at) if status in (DutyStatus.TRIGGERED,
                                                     DutyStatus.TO_ASSESS) else ()
    return Duty(regime, status, to, reason, relevant, dated)


def duties(impacts: Sequence[DatasetImpact], org: Organisation | None, regimes: Regimes,
           incident_at: datetime | None) -> tuple[Duty, ...]:
    """Every regime of the data file against this loss."""
    return tuple(duty(r, impacts, org, regimes, incident_at) for r in regimes.regimes)
