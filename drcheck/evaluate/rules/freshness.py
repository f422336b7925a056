"""How recent: the newest restore point of the copies (RPO) and the last restore test."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import timedelta

from drcheck.evaluate.base import (
    Context,
    Outcome,
    RuleType,
    count_verdict,
    outcome,
    quote,
    register,
    unexplained,
)
from drcheck.evaluate.domains import Relation
from drcheck.evaluate.params import DURATION_SCHEMA, KIND_SCHEMA, Duration, type_schema
from drcheck.evaluate.readings import age_why, restore_point_age
from drcheck.evaluate.rules.placement import copy_relations
from drcheck.inputs.durations import format_duration
from drcheck.shared.model import (
    Dataset,
    DomainKind,
    Evidence,
    EvidenceRef,
    FactKey,
    Replica,
    Status,
)


@dataclass(frozen=True)
class MaxAgeParams:
    """The RPO ``max_age``; ``scope`` ``all`` or ``offsite`` (outside ``offsite_kinds``)."""

    max_age: Duration
    scope: str
    offsite_kinds: tuple[DomainKind, ...]


@dataclass(frozen=True)
class _Ages:
    """The copies a max-age verdict looked at, by what their restore point says; an unknown
    one carries why (not known, unreadable, in the future, only a proxy)."""

    fresh: list[tuple[Replica, timedelta]]
    stale: list[tuple[Replica, timedelta]]
    unknown: list[tuple[Replica, str]]

    @classmethod
    def of(cls, copies: list[Replica], limit: timedelta, ctx: Context) -> _Ages:
        ages = [(c, *restore_point_age(c, ctx)) for c in copies]
        return cls([(c, a) for c, a, _ in ages if a is not None and a <= limit],
                   [(c, a) for c, a, _ in ages if a is not None and a > limit],
                   [(c, why) for c, a, why in ages if a is None])


@register("max-age")
class MaxAgeRule(RuleType[MaxAgeParams]):
    """The newest restore point is younger than ``max_age`` (the RPO).

    ``scope: all`` (default) asks it of every copy; ``scope: offsite`` asks that at least
    one copy outside the primary's ``offsite_kinds`` domain is that fresh (NIST CP-9(5)).
    """

    summary = "newest restore point younger than a duration (every copy, or one off-site copy)"
    passes = (
        "``scope: all``: every copy's newest restore point is at most ``max_age`` old; ``scope: "
        "offsite``: at least one copy outside the primary's ``offsite_kinds`` domains is"
    )
    fails = (
        "``all``: a copy is older than ``max_age``, or there is no copy; ``offsite``: no copy "
        "that is or may be off site is fresh, and none is of unknown age"
    )
    unknown = (
        "``all``: no copy is stale but some restore point is not known; ``offsite``: no proven "
        "off-site copy is fresh, but one of unknown age or unknown placement might be"
    )
    params_schema = type_schema(
        required=["max_age"],
        max_age=DURATION_SCHEMA,
        scope={"enum": ["all", "offsite"], "default": "all"},
        offsite_kinds={"type": "array", "items": KIND_SCHEMA, "default": ["campus"]},
    )
    params_type = MaxAgeParams

    def judge(self, dataset: Dataset, params: MaxAgeParams, ctx: Context) -> Outcome:
        """Compare each copy's newest restore point with ``now - max_age``."""
        if params.scope == "offsite":
            return self._offsite(dataset, params, ctx)
        copies = list(dataset.copies)
        ages = _Ages.of(copies, params.max_age.delta, ctx)
        status = Status.FAIL if ages.stale or not copies else (
            Status.UNKNOWN if ages.unknown else Status.PASS)
        return _outcome(status, params, copies, ages, "copies", ctx)

    @staticmethod
    def _offsite(dataset: Dataset, params: MaxAgeParams, ctx: Context) -> Outcome:
        """At least one copy proven outside the primary's domains is fresh enough; a copy
        that may be outside, and is fresh or of unknown age, keeps the verdict unknown."""
        limit = params.max_age.delta
        relations = [(c, rel[0]) for c, rel in zip(
            dataset.copies, copy_relations(dataset, params.offsite_kinds), strict=True)]
        copies = [c for c, rel in relations if rel is Relation.SEPARATE]
        undecided = [c for c, rel in relations if rel is Relation.UNKNOWN]
        ages = _Ages.of(copies, limit, ctx)
        kinds_text = "/".join(k.value for k in params.offsite_kinds)
        could, notes, doubts = _undecided_copies(undecided, limit, ctx, kinds_text)
        status = count_verdict(len(ages.fresh), len(ages.unknown) + could, 1)
        return _outcome(status, params, [*copies, *undecided], ages, "off-site copies", ctx,
                        notes, doubts)


def _undecided_copies(undecided: list[Replica], limit: timedelta, ctx: Context,
                      kinds_text: str) -> tuple[int, list[str], list[str]]:
    """Copies not known to be off-site: how many could still pass, their message parts (the
    age that was read, and that it is the off-site status that is unknown), and why each is
    unknown."""
    could = 0
    notes: list[str] = []
    doubts: list[str] = []
    where = f"off-site ({kinds_text}) not known"
    for copy in undecided:
        age, why = restore_point_age(copy, ctx)
        if age is None:
            notes.append(f"{_unknown_part(copy, why)}, {where}")
            doubts.append(f"{copy.name}: {why} and {kinds_text} not known")
            could += 1
        elif age <= limit:
            notes.append(f"{copy.name} {format_duration(age)} old, {where}")
            doubts.append(f"{copy.name}: {kinds_text} not known")
            could += 1
        else:
            notes.append(f"{copy.name} {format_duration(age)} old (stale), {where}")
    return could, notes, doubts


def _outcome(status: Status, params: MaxAgeParams, quoted: list[Replica], ages: _Ages,
             scope: str, ctx: Context, notes: list[str] | None = None,
             doubts: list[str] | None = None) -> Outcome:
    """The max-age verdict with its message, the restore points quoted and the unknowns."""
    unknowns = tuple(f"{c.name}: {why}" for c, why in ages.unknown) + tuple(doubts or ())
    if unexplained(status, ctx):
        return outcome(status, "", (), (), unknowns)
    parts = [f"{c.name} {format_duration(a)} old" for c, a in ages.fresh + ages.stale]
    parts += [_unknown_part(c, why) for c, why in ages.unknown]
    parts += notes or []
    message = f"RPO {params.max_age.text}: " + (", ".join(parts) if parts else f"no {scope}")
    if ages.stale:
        message += "; stale: " + ", ".join(c.name for c, _ in ages.stale)
    evidence = tuple(quote(c, FactKey.NEWEST_RESTORE_POINT.value, ev) for c in quoted
                     if (ev := c.fact(FactKey.NEWEST_RESTORE_POINT)) is not None)
    return outcome(status, message, (), evidence, unknowns)


def _unknown_part(copy: Replica, why: str) -> str:
    """How the message names a copy whose age is not known: "age unknown" and why."""
    reason = why.removeprefix("newest restore point ")
    return f"{copy.name} age unknown" + ("" if reason == "not known" else f" ({reason})")


def _restore_tests(dataset: Dataset) -> list[tuple[str, Evidence]]:
    found = []
    ev = dataset.facts.get(FactKey.LAST_RESTORE_TEST.value)
    if ev is not None:
        found.append((dataset.name, ev))
    replicas: list[Replica] = list(dataset.copies)
    found += [(c.id, e) for c in replicas if (e := c.fact(FactKey.LAST_RESTORE_TEST))]
    return found


@dataclass(frozen=True)
class RestoreTestedParams:
    """The longest a restore test may lie in the past."""

    max_age: Duration


@register("restore-tested")
class RestoreTestedRule(RuleType[RestoreTestedParams]):
    """A restore test younger than ``max_age`` is on record for the dataset or a copy.

    A backup nobody restored is a hope, not a backup (NIST CP-9(1), ISO A.8.13, DORA
    Art. 12(2)). No record at all fails; a record whose date could not be read is unknown.
    """

    summary = "a restore test younger than a duration is on record"
    passes = (
        "a restore test on record for the dataset or a copy is at most ``max_age`` old"
    )
    fails = "no restore test is on record, or the newest is older than ``max_age``"
    unknown = "a restore test is on record but its date could not be read"
    params_schema = type_schema(required=["max_age"], max_age=DURATION_SCHEMA)
    params_type = RestoreTestedParams

    def judge(self, dataset: Dataset, params: RestoreTestedParams, ctx: Context) -> Outcome:
        """Find the most recent restore test on record and compare its age."""
        limit = params.max_age.delta
        tests = _restore_tests(dataset)
        evidence = tuple(EvidenceRef(s, FactKey.LAST_RESTORE_TEST.value, e.value, e.source,
                                     e.origin, e.observed_at) for s, e in tests)
        judged = [age_why(e, ctx) for _, e in tests]
        ages = [a for a, _ in judged if a is not None]
        if not tests:
            return outcome(Status.FAIL, "no restore test on record", (), evidence)
        if not ages:
            why = "; ".join(dict.fromkeys(w for _, w in judged))
            return outcome(Status.UNKNOWN, f"restore test date not known ({why})", (), evidence,
                           (f"last restore test: {why}",))
        newest = min(ages)
        status = Status.PASS if newest <= limit else Status.FAIL
        if unexplained(status, ctx):
            return outcome(status, "")
        return outcome(status, f"last restore test {format_duration(newest)} ago, at most "
                       f"{params.max_age.text} allowed", (), evidence)
