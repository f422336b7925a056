"""How many copies, and what kind: counted copies, immutable copies, encrypted copies."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from drcheck.evaluate.base import Context, Outcome, RuleType, count_verdict, plural, quote, register
from drcheck.evaluate.domains import Relation
from drcheck.evaluate.rules.placement import KIND_SCHEMA, copy_relation
from drcheck.model import Dataset, DomainKind, EvidenceRef, FactKey, Replica


def counted_copies(dataset: Dataset, exclude: tuple[DomainKind, ...]) -> tuple[
    list[Replica], list[Replica], list[Replica]
]:
    """Copies that count, copies that do not (they share ``exclude`` kinds), and unknowns."""
    good: list[Replica] = []
    bad: list[Replica] = []
    maybe: list[Replica] = []
    for copy in dataset.copies:
        rel, _, _ = copy_relation(dataset.primary.location, copy.location, exclude)
        {Relation.SEPARATE: good, Relation.SHARED: bad, Relation.UNKNOWN: maybe}[rel].append(copy)
    return good, bad, maybe


@register("min-copies")
class MinCopiesRule(RuleType):
    """At least ``min`` copies that count.

    A copy on the primary's own host (same disk, same machine) does not count by default;
    ``exclude_shared`` names the kinds that disqualify a copy. ``count_primary: true``
    counts the primary too, as the 3 in 3-2-1 does.
    """

    summary = "at least N copies that count (not on the primary's host)"
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "required": ["min"],
        "properties": {
            "min": {"type": "integer", "minimum": 1},
            "count_primary": {"type": "boolean", "default": False},
            "exclude_shared": {"type": "array", "items": KIND_SCHEMA, "default": ["host"]},
        },
    }

    def check(self, dataset: Dataset, params: Mapping[str, Any], ctx: Context) -> Outcome:
        """Count copies, leaving out those that share an excluded domain with the primary."""
        need = int(params["min"])
        exclude = tuple(DomainKind(k) for k in params.get("exclude_shared", ["host"]))
        good, bad, maybe = counted_copies(dataset, exclude)
        extra = 1 if params.get("count_primary", False) else 0
        status = count_verdict(len(good) + extra, len(maybe), need)
        what = "replicas including the primary" if extra else "copies"
        message = f"{len(good) + extra} {what} count, {need} required"
        if bad:
            message += "; not counted (share " + "/".join(k.value for k in exclude) + \
                " with the primary): " + ", ".join(c.name for c in bad)
        unknowns = tuple(f"{c.name}: cannot tell whether it shares "
                         f"{'/'.join(k.value for k in exclude)} with the primary" for c in maybe)
        return Outcome(status, message, (), (), unknowns)


def _fact_refs(replicas: list[Replica], keys: tuple[FactKey, ...]) -> tuple[EvidenceRef, ...]:
    refs = []
    for replica in replicas:
        for key in keys:
            ev = replica.fact(key)
            if ev is not None:
                refs.append(quote(replica, key.value, ev))
    return tuple(refs)


def immutability(copy: Replica, min_days: int) -> bool | None:
    """True when the copy cannot be altered for ``min_days``; None when that is not known."""
    offline = copy.fact(FactKey.OFFLINE)
    if offline is not None and offline.value is True:
        return True
    locked = copy.fact(FactKey.IMMUTABLE)
    if locked is None or locked.value is None:
        return None
    if locked.value is not True:
        return False
    if min_days <= 0:
        return True
    days = copy.fact(FactKey.RETENTION_DAYS)
    if days is None or days.value is None:
        return None
    return isinstance(days.value, int | float) and days.value >= min_days


@register("immutable-copy")
class ImmutableCopyRule(RuleType):
    """At least ``min_copies`` copies are immutable: object lock with retention of at least
    ``min_retention_days``, WORM, or offline media.

    Ransomware and a stolen admin key delete mutable backups along with the primary.
    """

    summary = "at least N copies immutable (object lock ≥ X days, WORM, offline)"
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {
            "min_copies": {"type": "integer", "minimum": 1, "default": 1},
            "min_retention_days": {"type": "integer", "minimum": 0, "default": 0},
        },
    }

    def check(self, dataset: Dataset, params: Mapping[str, Any], ctx: Context) -> Outcome:
        """Classify every copy as immutable, mutable or unknown."""
        need = int(params.get("min_copies", 1))
        days = int(params.get("min_retention_days", 0))
        verdicts = [(c, immutability(c, days)) for c in dataset.copies]
        good = [c for c, v in verdicts if v is True]
        maybe = [c for c, v in verdicts if v is None]
        status = count_verdict(len(good), len(maybe), need)
        bar = f" with retention ≥ {days} days" if days else ""
        message = f"{plural(len(good), 'copy')} immutable{bar}, {need} required"
        if good:
            message += ": " + ", ".join(c.name for c in good)
        evidence = _fact_refs(list(dataset.copies),
                              (FactKey.IMMUTABLE, FactKey.RETENTION_DAYS, FactKey.OFFLINE))
        unknowns = tuple(f"{c.name}: immutability not known" for c in maybe)
        return Outcome(status, message, (), evidence, unknowns)


@register("encrypted")
class EncryptedRule(RuleType):
    """Copies are encrypted at rest: all of them, or at least ``min_copies``.

    A backup is a second place for the data to leak from (NIST CP-9(8)).
    """

    summary = "copies encrypted at rest (all, or at least N)"
    params_schema = {
        "type": "object",
        "additionalProperties": False,
        "properties": {"min_copies": {"type": "integer", "minimum": 1}},
    }

    def check(self, dataset: Dataset, params: Mapping[str, Any], ctx: Context) -> Outcome:
        """Read the ``encrypted`` fact of every copy."""
        values = [(c, c.fact(FactKey.ENCRYPTED)) for c in dataset.copies]
        good = [c for c, ev in values if ev is not None and ev.value is True]
        bad = [c for c, ev in values if ev is not None and ev.value is False]
        maybe = [c for c, ev in values if ev is None or ev.value is None]
        need = int(params.get("min_copies", len(dataset.copies) or 1))
        status = count_verdict(len(good), len(maybe), need)
        message = f"{len(good)} of {len(dataset.copies)} copies encrypted, {need} required"
        if bad:
            message += "; unencrypted: " + ", ".join(c.name for c in bad)
        unknowns = tuple(f"{c.name}: encryption not known" for c in maybe)
        evidence = _fact_refs(list(dataset.copies), (FactKey.ENCRYPTED,))
        return Outcome(status, message, (), evidence, unknowns)
