"""One dataset under a lost domain: outcome, recovery point and restore-time estimate.

The fate of every replica comes from the simulation core (``evaluate.survival``); this
module only reads it: which replicas survive, which of them meet the bar, how old the best
one is and how long restoring it would take.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from drcheck.brief.model import DatasetImpact, Outcome, Recovery, Restore
from drcheck.evaluate.base import Context
from drcheck.evaluate.readings import restore_point
from drcheck.evaluate.survival.fate import dataset_bytes, dataset_fate
from drcheck.evaluate.survival.model import Bar, DatasetFate, Domain, Fate, Verdict
from drcheck.evaluate.survival.universe import Universe
from drcheck.inputs.durations import format_duration, format_time, parse_duration, parse_time
from drcheck.inputs.throughput import DEFAULT_THROUGHPUT, format_rate, format_size, restore_time
from drcheck.shared.model import Dataset, FactKey, Replica

_VERDICT_OUTCOME = {Verdict.LOST: Outcome.LOST, Verdict.DEGRADED: Outcome.DEGRADED,
                    Verdict.UNKNOWN: Outcome.UNKNOWN, Verdict.SURVIVES: Outcome.SAFE}


def _time_fact(replica: Replica | Dataset, key: FactKey) -> datetime | None:
    ev = replica.facts.get(key.value)
    if ev is None or not isinstance(ev.value, str):
        return None
    try:
        return parse_time(ev.value)
    except ValueError:
        return None


def _int_fact(replica: Replica, key: FactKey) -> int | None:
    ev = replica.facts.get(key.value)
    value = None if ev is None else ev.value
    return value if isinstance(value, int) and not isinstance(value, bool) else None


def _survivors(dataset: Dataset, fate: DatasetFate) -> list[Replica]:
    return [r for r, f in zip(dataset.replicas, fate.replicas, strict=True)
            if f.fate is Fate.SURVIVES]


def _outcome(dataset: Dataset, fate: DatasetFate, survivors: Sequence[Replica]) -> tuple[
    Outcome, str
]:
    """The simulation's verdict, made stricter: a restore nobody ever tested is degraded."""
    outcome = _VERDICT_OUTCOME[fate.verdict]
    if outcome is Outcome.LOST:
        return outcome, "no replica survives (" + "; ".join(
            f"{f.name}: {f.reason}" for f in fate.replicas) + ")"
    if outcome is Outcome.UNKNOWN:
        return outcome, "; ".join(fate.unknowns) or "unknown claims decide"
    if outcome is Outcome.DEGRADED:
        below = [f"{f.name}: {f.reason.split('; ', 1)[-1]}" for f in fate.replicas
                 if f.fate is Fate.SURVIVES]
        return outcome, "only copies below the bar survive (" + "; ".join(below) + ")"
    if dataset.primary in survivors:
        return outcome, "the primary survives"
    tested = _time_fact(dataset, FactKey.LAST_RESTORE_TEST) is not None or any(
        _time_fact(c, FactKey.LAST_RESTORE_TEST) is not None for c in survivors)
    if not tested:
        return Outcome.DEGRADED, "the primary is lost and no restore test is on record"
    good = [f.name for f in fate.replicas if f.fate is Fate.SURVIVES]
    return outcome, "restorable from " + ", ".join(good)


def _best_copy(survivors: Sequence[Replica]) -> tuple[Replica | None, datetime | None]:
    dated = [(t, c) for c in survivors
             if restore_point(c) is not None and (t := _time_fact(c, FactKey.NEWEST_RESTORE_POINT))]
    if dated:
        when, copy = max(dated, key=lambda tc: (tc[0], tc[1].name))
        return copy, when
    return (survivors[0], None) if survivors else (None, None)


def _objective(text: str | None) -> timedelta | None:
    return parse_duration(text) if text else None


def _undecided(fate: DatasetFate) -> str | None:
    """The replicas whose fate unknown claims decide, or None when every fate is known."""
    names = [f.name for f in fate.replicas if f.fate is Fate.UNKNOWN]
    return ", ".join(names) if names else None


def recovery(dataset: Dataset, survivors: Sequence[Replica], bar: Bar,
             now: datetime, undecided: str | None = None) -> Recovery:
    """The age of the best surviving replica at ``now``, against the RPO.

    The RPO is the dataset's ``rpo`` when declared, else the freshness bar (the policy's
    ``max-age``), else none.
    """
    declared = dataset.business.rpo if dataset.business else None
    rpo = _objective(declared) or bar.max_age
    rpo_from = "estate" if declared else "policy max-age" if bar.max_age else None
    if dataset.primary in survivors:
        return Recovery("live (the primary survives)", dataset.primary.name, None,
                        timedelta(0), rpo, rpo_from, True if rpo else None)
    copy, when = _best_copy(survivors)
    if copy is None and undecided:
        return Recovery(f"unknown (fate not known: {undecided})", None, None,
                        None, rpo, rpo_from, None)
    if copy is None:
        return Recovery("none", None, None, None, rpo, rpo_from, False if rpo else None)
    if when is None:
        return Recovery(f"unknown ({copy.name}: newest restore point not known)", copy.name,
                        None, None, rpo, rpo_from, None)
    age = now - when
    text = f"{format_duration(age)} ({copy.name}, {format_time(when)})"
    return Recovery(text, copy.name, format_time(when), age, rpo, rpo_from,
                    age <= rpo if rpo else None)


def restore(dataset: Dataset, survivors: Sequence[Replica],
            undecided: str | None = None) -> Restore:
    """How long restoring the best surviving copy takes: its size over its throughput."""
    rto = _objective(dataset.business.rto if dataset.business else None)
    if dataset.primary in survivors:
        return Restore("not needed (the primary survives)", None, None, None, False,
                       timedelta(0), rto, True if rto else None)
    copy, _ = _best_copy(survivors)
    if copy is None and undecided:
        return Restore(f"unknown (fate not known: {undecided})", None, None,
                       None, False, None, rto, None)
    if copy is None:
        return Restore("impossible: no copy survives", None, None, None, False, None, rto,
                       False if rto else None)
    size = _int_fact(copy, FactKey.BYTES) or dataset_bytes(dataset)
    declared = _int_fact(copy, FactKey.RESTORE_THROUGHPUT)
    rate = declared or DEFAULT_THROUGHPUT
    how = format_rate(rate) + ("" if declared else " assumed")
    if size is None:
        return Restore(f"unknown: size not known ({copy.name}, {how})", copy.name, None, rate,
                       declared is not None, None, rto, None)
    took = restore_time(size, rate)
    return Restore(f"{format_duration(took)} ({format_size(size)} from {copy.name} at {how})",
                   copy.name, size, rate, declared is not None, took, rto,
                   took <= rto if rto else None)


def dataset_impact(dataset: Dataset, lost: Sequence[Domain], universe: Universe, bar: Bar,
                   ctx: Context) -> DatasetImpact:
    """Everything the brief says about one dataset when ``lost`` are lost together."""
    fate = dataset_fate(dataset, lost, universe, bar, ctx)
    survivors = _survivors(dataset, fate)
    outcome, why = _outcome(dataset, fate, survivors)
    return DatasetImpact(
        dataset.name, dataset.criticality, outcome, why,
        primary_lost=dataset.primary not in survivors,
        survivors=tuple(r.name for r in survivors), fate=fate, business=dataset.business,
        recovery=recovery(dataset, survivors, bar, ctx.now, _undecided(fate)),
        restore=restore(dataset, survivors, _undecided(fate)))
