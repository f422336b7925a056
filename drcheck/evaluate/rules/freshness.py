"""How recent: the newest restore point of the copies (RPO) and the last restore test."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from drcheck.durations import DURATION_PATTERN, age_at, format_duration, parse_duration
from drcheck.evaluate.base import Context, Outcome, RuleType, count_verdict, quote
from drcheck.evaluate.domains import Relation
from drcheck.evaluate.registry import register
from drcheck.evaluate.rules.placement import KIND_SCHEMA, copy_relation
from drcheck.model import Dataset, DomainKind, Evidence, EvidenceRef, FactKey, Replica, Status

DURATION_SCHEMA: dict[str, Any] = {
    "type": "string",
    "pattern": DURATION_PATTERN,
    "description": "a duration such as 26h, 7d or 1d12h",
}


def age_of(ev: Evidence | None, ctx: Context) -> timedelta | None:
    """How old a timestamp fact is at ``ctx.now``; None when unknown (absent, unreadable,
    or in the future: a stamp from the future is never fresh)."""
    return age_why(ev, ctx)[0]


def age_why(ev: Evidence | None, ctx: Context) -> tuple[timedelta | None, str]:
    """``age_of`` and, when the age is unknown, why ("not known", "… is in the future")."""
    if ev is None or not isinstance(ev.value, str):
        return None, "not known"
    age, why = age_at(ev.value, ctx.now)
    return age, why or ""


@register("max-age")
class MaxAgeRule(RuleType):
    """The newest restore point is younger than ``max_age`` (the RPO).

    ``scope: all`` (default) asks it of every copy; ``scope: offsite`` asks that at least
    one copy outside the primary's ``offsite_kinds`` domain is that fresh (NIST CP-9(5)).
    """

    summary = "newest restore point younger than a duration (every copy, or one off-site copy)"
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["max_age"],
        "properties": {
            "max_age": DURATION_SCHEMA,
            "scope": {"enum": ["all", "offsite"], "default": "all"},
            "offsite_kinds": {"type": "array", "items": KIND_SCHEMA, "default": ["campus"]},
        },
    }

    def check(self, dataset: Dataset, params: Mapping[str, Any], ctx: Context) -> Outcome:
        """Compare each copy's newest restore point with ``now - max_age``."""
        limit = parse_duration(str(params["max_age"]))
        copies = list(dataset.copies)
        offsite = params.get("scope", "all") == "offsite"
        undecided: list[Replica] = []
        if offsite:
            kinds = tuple(DomainKind(k) for k in params.get("offsite_kinds", ["campus"]))
            relations = [(c, copy_relation(dataset.primary.location, c.location, kinds)[0])
                         for c in copies]
            copies = [c for c, rel in relations if rel is Relation.SEPARATE]
            undecided = [c for c, rel in relations if rel is Relation.UNKNOWN]
        known = {c.id: age_why(c.fact(FactKey.NEWEST_RESTORE_POINT), ctx) for c in copies}
        ages = [(c, known[c.id][0]) for c in copies]
        fresh = [(c, a) for c, a in ages if a is not None and a <= limit]
        stale = [(c, a) for c, a in ages if a is not None and a > limit]
        maybe = [c for c, a in ages if a is None]
        if offsite:
            could = [c for c in undecided
                     if (a := age_of(c.fact(FactKey.NEWEST_RESTORE_POINT), ctx)) is None
                     or a <= limit]
            status = count_verdict(len(fresh), len(maybe) + len(could), 1)
            maybe += could
            scope = "off-site copies"
        else:
            status = Status.FAIL if stale or not copies else (
                Status.UNKNOWN if maybe else Status.PASS)
            scope = "copies"
        parts = [f"{c.name} {format_duration(a)} old" for c, a in fresh + stale]
        why = {c.id: known.get(c.id, age_why(c.fact(FactKey.NEWEST_RESTORE_POINT), ctx))[1]
               for c in maybe}
        parts += [f"{c.name} age unknown" + (f" ({why[c.id]})" if why[c.id] != "not known"
                                             else "") for c in maybe]
        message = (f"RPO {params['max_age']}: " + (", ".join(parts) if parts else f"no {scope}"))
        if stale:
            message += "; stale: " + ", ".join(c.name for c, _ in stale)
        evidence = tuple(quote(c, FactKey.NEWEST_RESTORE_POINT.value, ev) for c in copies
                         if (ev := c.fact(FactKey.NEWEST_RESTORE_POINT)) is not None)
        unknowns = tuple(f"{c.name}: newest restore point {why[c.id]}" for c in maybe)
        return Outcome(status, message, (), evidence, unknowns)


def _restore_tests(dataset: Dataset) -> list[tuple[str, Evidence]]:
    found = []
    ev = dataset.facts.get(FactKey.LAST_RESTORE_TEST.value)
    if ev is not None:
        found.append((dataset.name, ev))
    replicas: list[Replica] = list(dataset.copies)
    found += [(c.id, e) for c in replicas if (e := c.fact(FactKey.LAST_RESTORE_TEST))]
    return found


@register("restore-tested")
class RestoreTestedRule(RuleType):
    """A restore test younger than ``max_age`` is on record for the dataset or a copy.

    A backup nobody restored is a hope, not a backup (NIST CP-9(1), ISO A.8.13, DORA
    Art. 12(2)). No record at all fails; a record whose date could not be read is unknown.
    """

    summary = "a restore test younger than a duration is on record"
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["max_age"],
        "properties": {"max_age": DURATION_SCHEMA},
    }

    def check(self, dataset: Dataset, params: Mapping[str, Any], ctx: Context) -> Outcome:
        """Find the most recent restore test on record and compare its age."""
        limit = parse_duration(str(params["max_age"]))
        tests = _restore_tests(dataset)
        evidence = tuple(EvidenceRef(s, FactKey.LAST_RESTORE_TEST.value, e.value, e.source,
                                     e.origin, e.observed_at) for s, e in tests)
        judged = [age_why(e, ctx) for _, e in tests]
        ages = [a for a, _ in judged if a is not None]
        if not tests:
            return Outcome(Status.FAIL, "no restore test on record", (), evidence)
        if not ages:
            why = "; ".join(dict.fromkeys(w for _, w in judged))
            return Outcome(Status.UNKNOWN, f"restore test date not known ({why})", (), evidence,
                           (f"last restore test: {why}",))
        newest = min(ages)
        status = Status.PASS if newest <= limit else Status.FAIL
        return Outcome(status, f"last restore test {format_duration(newest)} ago, at most "
                       f"{params['max_age']} allowed", (), evidence)
