"""Which replicas survive a set of lost domains, and which of the survivors are good enough.

A replica is LOST when any claim of its location names a lost domain; UNKNOWN when it has
no claim of a lost domain's kind and is not proven outside it; otherwise it SURVIVES. It is
GOOD when it meets the ``Bar``: the primary always does (it is the live data); a copy must
be fresh enough and, when asked, immutable. A dataset survives when any good replica does.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import datetime, timedelta
from functools import lru_cache

from drcheck.evaluate.base import Context
from drcheck.evaluate.readings import age_of, immutability, restore_point
from drcheck.evaluate.survival.model import (
    Bar,
    DatasetFate,
    Domain,
    Fate,
    ReplicaFate,
    ScenarioResult,
    Standing,
    Verdict,
    label,
)
from drcheck.evaluate.survival.universe import Footprint, Universe
from drcheck.inputs.durations import CLOCK_SKEW, format_duration, parse_time
from drcheck.shared.gcpause import paused_gc
from drcheck.shared.model import Dataset, FactKey, Replica

BarFor = Callable[[Dataset], Bar]
"""Gives the bar for one dataset (policies may ask different things of different data)."""


_BYTES = FactKey.BYTES.value


@lru_cache(maxsize=65536)
def _parsed(text: str) -> datetime | None:
    try:
        return parse_time(text)
    except ValueError:
        return None


def grade(replica: Replica, primary: bool, bar: Bar, now: datetime) -> Standing:
    """Whether ``replica`` meets ``bar`` at ``now`` (the fast path of ``standing``).

    The age is ``age_of``'s (``now`` minus the newest restore point), with parsed
    timestamps memoised: a sweep reads the same few thousand strings again and again.
    """
    if primary:
        return Standing.GOOD
    if bar.max_age is not None:
        when = _parsed_fact(replica)
        if when is None or when > now + CLOCK_SKEW:  # unreadable, or in the future
            return Standing.UNVERIFIED
        if now - when > bar.max_age:
            return Standing.STALE
    if bar.require_immutable:
        locked = immutability(replica, bar.min_retention_days)
        if locked is None:
            return Standing.UNVERIFIED
        if not locked:
            return Standing.MUTABLE
    return Standing.GOOD


def good_copies(copies: Iterable[Replica], bar: Bar, now: datetime) -> list[Replica]:
    """The copies whose ``grade`` is GOOD: the same test, written for a sweep's inner loop."""
    if bar.max_age is None and not bar.require_immutable:
        return list(copies)
    cutoff = None if bar.max_age is None else now - bar.max_age
    future = now + CLOCK_SKEW
    out = []
    for copy in copies:
        if cutoff is not None:
            when = _parsed_fact(copy)
            if when is None or when < cutoff or when > future:
                continue
        if bar.require_immutable and immutability(copy, bar.min_retention_days) is not True:
            continue
        out.append(copy)
    return out


def standing(replica: Replica, primary: bool, bar: Bar, ctx: Context) -> tuple[Standing, str]:
    """Whether ``replica`` meets ``bar`` at ``ctx.now``, and why not when it does not."""
    grade_ = grade(replica, primary, bar, ctx.now)
    if grade_ is Standing.STALE and bar.max_age is not None:
        age = age_of(restore_point(replica), ctx)
        return grade_, (f"stale: {format_duration(age or timedelta())} old, "
                        f"at most {format_duration(bar.max_age)} allowed")
    if grade_ is Standing.UNVERIFIED:
        when = _parsed_fact(replica) if bar.max_age is not None else None
        if when is not None and when > ctx.now + CLOCK_SKEW:
            return grade_, "newest restore point in the future"
        what = "newest restore point" if bar.max_age is not None and when is None \
            else "immutability"
        return grade_, f"{what} not known"
    reasons = {Standing.GOOD: "the primary (live data)" if primary else "good",
               Standing.MUTABLE: "mutable: whoever holds its account can delete it"}
    return grade_, reasons[grade_]


def _parsed_fact(replica: Replica) -> datetime | None:
    """The replica's newest restore point as a moment; None when unknown, unreadable or only
    a proxy (``readings.restore_point`` decides, for the rules and the sweep alike)."""
    ev = restore_point(replica)
    return _parsed(ev.value) if ev is not None and isinstance(ev.value, str) else None


def standings(dataset: Dataset, bar: Bar, ctx: Context) -> list[tuple[Standing, str]]:
    """The standing of every replica of ``dataset``, primary first."""
    out = [standing(dataset.primary, True, bar, ctx)]
    out += [standing(c, False, bar, ctx) for c in dataset.copies]
    return out


def fate(fp: Footprint, lost: Sequence[Domain], universe: Universe) -> tuple[Fate, str]:
    """What losing ``lost`` together does to a replica with footprint ``fp``."""
    hit = [d for d in lost if d in fp]
    if hit:
        return Fate.LOST, "in " + ", ".join(label(d) for d in hit)
    have = {k for k, _ in fp}
    blind = [d for d in lost if d[0] not in have and not universe.proven_apart(d, fp)]
    if blind:
        kinds = sorted({d[0].value for d in blind})
        return Fate.UNKNOWN, (f"{'/'.join(kinds)} not known (inside "
                              + " or ".join(label(d) for d in blind) + "?)")
    return Fate.SURVIVES, "outside the lost domains"


def verdict(fates: Iterable[ReplicaFate]) -> Verdict:
    """The dataset's verdict from its replicas' fates and standings."""
    fates = list(fates)
    good = [f.fate for f in fates if f.standing is Standing.GOOD]
    if Fate.SURVIVES in good:
        return Verdict.SURVIVES
    if Fate.UNKNOWN in good:
        return Verdict.UNKNOWN
    if any(f.fate is Fate.SURVIVES for f in fates):
        return Verdict.DEGRADED
    return Verdict.LOST


def dataset_bytes(dataset: Dataset) -> int | None:
    """The ``bytes`` fact of the dataset, else of its primary; None when unknown."""
    for ev in (dataset.facts.get(_BYTES), dataset.primary.facts.get(_BYTES)):
        if ev is not None and isinstance(ev.value, int) and not isinstance(ev.value, bool):
            return ev.value
    return None


def dataset_fate(dataset: Dataset, lost: Sequence[Domain], universe: Universe, bar: Bar,
                 ctx: Context) -> DatasetFate:
    """Every replica's standing and fate under the loss of ``lost``, and the verdict."""
    fates = []
    for replica, (stand, why) in zip(dataset.replicas, standings(dataset, bar, ctx),
                                     strict=True):
        what, where = fate(universe.footprint_of(replica.location), lost, universe)
        reason = where if stand is Standing.GOOD else f"{where}; {why}"
        fates.append(ReplicaFate(replica.name, replica.role, stand, what, reason))
    return DatasetFate(dataset.name, dataset.criticality, dataset_bytes(dataset),
                       verdict(fates), tuple(fates))


def simulate_loss(datasets: Sequence[Dataset], lost: Sequence[Domain], universe: Universe,
                  bar_for: BarFor, ctx: Context) -> ScenarioResult:
    """Lose ``lost`` together; every dataset that does not survive, worst first."""
    order = list(Verdict)
    with paused_gc():
        hurt = [f for d in datasets
                if (f := dataset_fate(d, lost, universe, bar_for(d), ctx)).verdict
                is not Verdict.SURVIVES]
    hurt.sort(key=lambda f: (order.index(f.verdict), f.dataset))
    return ScenarioResult(tuple(lost), tuple(hurt), len(datasets))


def ctx_at(now: datetime) -> Context:
    """The evaluation context for ``now`` (the simulation never reads the clock)."""
    return Context(now=now)
