"""How many copies, and what kind: counted copies, immutable copies, encrypted copies."""

from __future__ import annotations

from dataclasses import dataclass

from drcheck.evaluate.base import (
    Context,
    Outcome,
    RuleType,
    count_verdict,
    outcome,
    plural,
    quote,
    register,
    unexplained,
)
from drcheck.evaluate.domains import Relation
from drcheck.evaluate.params import KIND_SCHEMA, type_schema
from drcheck.evaluate.readings import immutability
from drcheck.evaluate.rules.placement import copy_relations
from drcheck.shared.model import Dataset, DomainKind, EvidenceRef, FactKey, Replica


def counted_copies(dataset: Dataset, exclude: tuple[DomainKind, ...]) -> tuple[
    list[Replica], list[Replica], list[Replica]
]:
    """Copies that count, copies that do not (they share ``exclude`` kinds), and unknowns."""
    good: list[Replica] = []
    bad: list[Replica] = []
    maybe: list[Replica] = []
    for copy, (rel, _, _) in zip(dataset.copies, copy_relations(dataset, exclude),
                                 strict=True):
        if rel is Relation.SEPARATE:
            good.append(copy)
        elif rel is Relation.SHARED:
            bad.append(copy)
        else:
            maybe.append(copy)
    return good, bad, maybe


@dataclass(frozen=True)
class MinCopiesParams:
    """``min`` copies must count; ``count_primary`` counts the primary too; a copy sharing a
    domain of ``exclude_shared`` with the primary does not count."""

    min: int
    count_primary: bool
    exclude_shared: tuple[DomainKind, ...]


@register("min-copies")
class MinCopiesRule(RuleType[MinCopiesParams]):
    """At least ``min`` copies that count.

    A copy on the primary's own host (same disk, same machine) does not count by default;
    ``exclude_shared`` names the kinds that disqualify a copy. ``count_primary: true``
    counts the primary too, as the 3 in 3-2-1 does.
    """

    summary = "at least N copies that count (not on the primary's host)"
    passes = (
        "at least ``min`` copies (plus the primary with ``count_primary``) share no kind of "
        "``exclude_shared`` with the primary"
    )
    fails = "even counting every copy whose sharing is unknown, fewer than ``min`` count"
    unknown = (
        "enough copies count only if some whose sharing is unknown (no claim of an excluded kind)"
        " are counted"
    )
    params_schema = type_schema(
        required=["min"],
        min={"type": "integer", "minimum": 1},
        count_primary={"type": "boolean", "default": False},
        exclude_shared={"type": "array", "items": KIND_SCHEMA, "default": ["host"]},
    )
    params_type = MinCopiesParams

    def judge(self, dataset: Dataset, params: MinCopiesParams, ctx: Context) -> Outcome:
        """Count copies, leaving out those that share an excluded domain with the primary."""
        need = params.min
        exclude = params.exclude_shared
        good, bad, maybe = counted_copies(dataset, exclude)
        extra = 1 if params.count_primary else 0
        status = count_verdict(len(good) + extra, len(maybe), need)
        unknowns = tuple(f"{c.name}: cannot tell whether it shares "
                         f"{'/'.join(k.value for k in exclude)} with the primary" for c in maybe)
        if unexplained(status, ctx):
            return outcome(status, "", (), (), unknowns)
        what = "replicas including the primary" if extra else "copies"
        message = f"{len(good) + extra} {what} count, {need} required"
        if bad:
            message += "; not counted (share " + "/".join(k.value for k in exclude) + \
                " with the primary): " + ", ".join(c.name for c in bad)
        return outcome(status, message, (), (), unknowns)


def _fact_refs(replicas: list[Replica], keys: tuple[FactKey, ...]) -> tuple[EvidenceRef, ...]:
    refs = []
    for replica in replicas:
        for key in keys:
            ev = replica.fact(key)
            if ev is not None:
                refs.append(quote(replica, key._value_, ev))
    return tuple(refs)


@dataclass(frozen=True)
class ImmutableCopyParams:
    """``min_copies`` copies immutable for at least ``min_retention_days``."""

    min_copies: int
    min_retention_days: int


@register("immutable-copy")
class ImmutableCopyRule(RuleType[ImmutableCopyParams]):
    """At least ``min_copies`` copies are immutable: object lock with retention of at least
    ``min_retention_days``, WORM, or offline media.

    Ransomware and a stolen admin key delete mutable backups along with the primary.
    """

    summary = "at least N copies immutable (object lock ≥ X days, WORM, offline)"
    passes = (
        "at least ``min_copies`` copies are offline, or object-locked (WORM) with "
        "``retention_days`` of at least ``min_retention_days``"
    )
    fails = (
        "even counting every copy whose immutability is unknown, fewer than ``min_copies`` are "
        "immutable"
    )
    unknown = (
        "enough copies are immutable only if some whose ``immutable`` or ``retention_days`` fact "
        "is not known are"
    )
    params_schema = type_schema(
        min_copies={"type": "integer", "minimum": 1, "default": 1},
        min_retention_days={"type": "integer", "minimum": 0, "default": 0},
    )
    params_type = ImmutableCopyParams

    def judge(self, dataset: Dataset, params: ImmutableCopyParams, ctx: Context) -> Outcome:
        """Classify every copy as immutable, mutable or unknown."""
        need = params.min_copies
        days = params.min_retention_days
        verdicts = [(c, immutability(c, days)) for c in dataset.copies]
        good = [c for c, v in verdicts if v is True]
        maybe = [c for c, v in verdicts if v is None]
        status = count_verdict(len(good), len(maybe), need)
        unknowns = tuple(f"{c.name}: immutability not known" for c in maybe)
        if unexplained(status, ctx):
            return outcome(status, "", (), (), unknowns)
        bar = f" with retention ≥ {days} days" if days else ""
        message = f"{plural(len(good), 'copy')} immutable{bar}, {need} required"
        if good:
            message += ": " + ", ".join(c.name for c in good)
        evidence = _fact_refs(list(dataset.copies),
                              (FactKey.IMMUTABLE, FactKey.RETENTION_DAYS, FactKey.OFFLINE))
        return outcome(status, message, (), evidence, unknowns)


@dataclass(frozen=True)
class EncryptedParams:
    """``min_copies`` copies encrypted; None (the default) asks it of every copy."""

    min_copies: int | None


@register("encrypted")
class EncryptedRule(RuleType[EncryptedParams]):
    """Copies are encrypted at rest: all of them, or at least ``min_copies``.

    A backup is a second place for the data to leak from (NIST CP-9(8)).
    """

    summary = "copies encrypted at rest (all, or at least N)"
    passes = "at least ``min_copies`` copies (by default every copy) are encrypted at rest"
    fails = "even counting every copy whose encryption is unknown, too few are encrypted"
    unknown = (
        "enough copies are encrypted only if some whose ``encrypted`` fact is not known are"
    )
    params_schema = type_schema(
        min_copies={"type": "integer", "minimum": 1,
                    "description": "how many copies must be encrypted (default: all)"},
    )
    params_type = EncryptedParams

    def judge(self, dataset: Dataset, params: EncryptedParams, ctx: Context) -> Outcome:
        """Read the ``encrypted`` fact of every copy."""
        values = [(c, c.fact(FactKey.ENCRYPTED)) for c in dataset.copies]
        good = [c for c, ev in values if ev is not None and ev.value is True]
        bad = [c for c, ev in values if ev is not None and ev.value is False]
        maybe = [c for c, ev in values if ev is None or ev.value is None]
        need = params.min_copies or len(dataset.copies) or 1
        status = count_verdict(len(good), len(maybe), need)
        unknowns = tuple(f"{c.name}: encryption not known" for c in maybe)
        if unexplained(status, ctx):
            return outcome(status, "", (), (), unknowns)
        message = f"{len(good)} of {len(dataset.copies)} copies encrypted, {need} required"
        if bad:
            message += "; unencrypted: " + ", ".join(c.name for c in bad)
        evidence = _fact_refs(list(dataset.copies), (FactKey.ENCRYPTED,))
        return outcome(status, message, (), evidence, unknowns)
