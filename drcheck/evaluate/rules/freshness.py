"""How recent: the newest restore point of the copies (RPO) and the last restore test."""

from __future__ import annotations

from collections.abc import Mapping
from datetime import timedelta
from typing import Any

from drcheck.durations import DURATION_PATTERN, format_duration, parse_duration, parse_time
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
    """How old a timestamp fact is at ``ctx.now``; None when unknown."""
    if ev is None or not isinstance(ev.value, str):
        return None
    return ctx.now - parse_time(ev.value)


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
        kinds_text = ""
        if offsite:
            kinds = tuple(DomainKind(k) for k in params.get("offsite_kinds", ["campus"]))
            kinds_text = "/".join(k.value for k in kinds)
            relations = [(c, copy_relation(dataset.primary.location, c.location, kinds)[0])
                         for c in copies]
            copies = [c for c, rel in relations if rel is Relation.SEPARATE]
            undecided = [c for c, rel in relations if rel is Relation.UNKNOWN]
        ages = [(c, age_of(c.fact(FactKey.NEWEST_RESTORE_POINT), ctx)) for c in copies]
        fresh = [(c, a) for c, a in ages if a is not None and a <= limit]
        stale = [(c, a) for c, a in ages if a is not None and a > limit]
        maybe = [c for c, a in ages if a is None]
        parts = [f"{c.name} {format_duration(a)} old" for c, a in fresh + stale]
        parts += [f"{c.name} age unknown" for c in maybe]
        unknowns = [f"{c.name}: newest restore point not known" for c in maybe]
        if offsite:
            could, notes, doubts = _undecided_copies(undecided, limit, ctx, kinds_text)
            status = count_verdict(len(fresh), len(maybe) + len(could), 1)
            parts += notes
            unknowns += doubts
            scope = "off-site copies"
        else:
            status = Status.FAIL if stale or not copies else (
                Status.UNKNOWN if maybe else Status.PASS)
            scope = "copies"
        message = (f"RPO {params['max_age']}: " + (", ".join(parts) if parts else f"no {scope}"))
        if stale:
            message += "; stale: " + ", ".join(c.name for c, _ in stale)
        evidence = tuple(quote(c, FactKey.NEWEST_RESTORE_POINT.value, ev)
                         for c in [*copies, *undecided]
                         if (ev := c.fact(FactKey.NEWEST_RESTORE_POINT)) is not None)
        return Outcome(status, message, (), evidence, tuple(unknowns))


def _undecided_copies(undecided: list[Replica], limit: timedelta, ctx: Context,
                      kinds_text: str) -> tuple[list[Replica], list[str], list[str]]:
    """Copies not known to be off-site: those that could still pass, their message parts
    (the age that was read, and that it is the off-site status that is unknown), and why
    each is unknown."""
    could: list[Replica] = []
    notes: list[str] = []
    doubts: list[str] = []
    for copy in undecided:
        age = age_of(copy.fact(FactKey.NEWEST_RESTORE_POINT), ctx)
        where = f"off-site ({kinds_text}) not known"
        if age is None:
            notes.append(f"{copy.name} age unknown, {where}")
            doubts.append(f"{copy.name}: newest restore point and {kinds_text} not known")
            could.append(copy)
        elif age <= limit:
            notes.append(f"{copy.name} {format_duration(age)} old, {where}")
            doubts.append(f"{copy.name}: {kinds_text} not known")
            could.append(copy)
        else:
            notes.append(f"{copy.name} {format_duration(age)} old (stale), {where}")
    return could, notes, doubts


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
        ages = [a for _, e in tests if (a := age_of(e, ctx)) is not None]
        if not tests:
            return Outcome(Status.FAIL, "no restore test on record", (), evidence)
        if not ages:
            return Outcome(Status.UNKNOWN, "restore test date not known", (), evidence,
                           ("last restore test",))
        newest = min(ages)
        status = Status.PASS if newest <= limit else Status.FAIL
        return Outcome(status, f"last restore test {format_duration(newest)} ago, at most "
                       f"{params['max_age']} allowed", (), evidence)
