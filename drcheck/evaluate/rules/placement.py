"""Where the copies are: separation from the primary, spread, distance, consistent claims."""

from __future__ import annotations

from dataclasses import dataclass

from drcheck.evaluate.base import (
    Context,
    Outcome,
    RuleType,
    count_verdict,
    outcome,
    plural,
    register,
    unexplained,
)
from drcheck.evaluate.domains import Relation, distance_km, relation
from drcheck.evaluate.params import KIND_SCHEMA, kinds_schema, type_schema
from drcheck.shared.model import (
    Dataset,
    DomainKind,
    EvidenceRef,
    Location,
    Replica,
    SharedDomain,
    Status,
    new_evidence_ref,
)


def _where(replica: Replica) -> str:
    return f"{replica.name} ({replica.location.describe()})"


_LOCATION_KEY = {kind: f"location.{kind._value_}" for kind in DomainKind}
"""The evidence key of each kind's location claim (``location.campus``)."""


def location_refs(replica: Replica, kinds: tuple[DomainKind, ...]) -> list[EvidenceRef]:
    """Evidence quoting the claims of ``kinds`` that a replica's location rests on."""
    rid = replica.id
    return [
        new_evidence_ref(rid, _LOCATION_KEY[c.kind], c.value, c.source, c.origin, c.observed_at)
        for c in replica.location.claims
        if c.kind in kinds
    ]


SharedKinds = tuple[tuple[DomainKind, frozenset[str]], ...]
CopyRelation = tuple[Relation, SharedKinds, tuple[DomainKind, ...]]
_SEPARATE: CopyRelation = (Relation.SEPARATE, (), ())


def copy_relation(primary: Location, copy: Location,
                  kinds: tuple[DomainKind, ...]) -> CopyRelation:
    """Combine per-kind relations: shared if any kind is shared, separate only if all are.

    Returns the relation, the kinds shared (with the common domain ids) and the kinds whose
    relation is unknown. One kind (every built-in rule) is read straight off ``relation``;
    no memo by pair, as the primary's place is one per asset for the narrow kinds."""
    if len(kinds) != 1:
        return _copy_relation(primary, copy, kinds)
    kind = kinds[0]
    rel, common = relation(primary, copy, kind)
    if rel is Relation.SEPARATE:
        return _SEPARATE
    if rel is Relation.SHARED:
        return rel, ((kind, common),), ()
    return rel, (), kinds


def copy_relations(dataset: Dataset, kinds: tuple[DomainKind, ...]) -> tuple[CopyRelation, ...]:
    """``copy_relation`` of each copy of ``dataset`` to its primary, in copy order.

    Kept for the latest dataset asked about: the evaluator judges every rule on a dataset
    in turn, and separation, copy counting and off-site freshness ask the same question
    (a dataset is immutable, and the one held cannot be freed and its id reused)."""
    held, by_kinds = _LATEST[0]
    if held is not dataset:
        by_kinds = {}
        _LATEST[0] = (dataset, by_kinds)
    found = by_kinds.get(kinds)
    if found is None:
        where = dataset.primary.location
        found = by_kinds[kinds] = tuple([copy_relation(where, copy.location, kinds)
                                         for copy in dataset.copies])
    return found


_LATEST: list[tuple[Dataset | None, dict[tuple[DomainKind, ...], tuple[CopyRelation, ...]]]] = [
    (None, {})]
"""The dataset ``copy_relations`` answered last, with its answers by kinds (one entry,
replaced whole, so a thread that races another only misses)."""


def _copy_relation(primary: Location, copy: Location,
                   kinds: tuple[DomainKind, ...]) -> CopyRelation:
    shared: list[tuple[DomainKind, frozenset[str]]] = []
    unknown: list[DomainKind] = []
    for kind in kinds:
        rel, common = relation(primary, copy, kind)
        if rel is Relation.SHARED:
            shared.append((kind, common))
        elif rel is Relation.UNKNOWN:
            unknown.append(kind)
    if shared:
        return Relation.SHARED, tuple(shared), tuple(unknown)
    return (Relation.UNKNOWN if unknown else Relation.SEPARATE), (), tuple(unknown)


def _shared_domains(primary: Replica, hits: list[tuple[Replica, SharedKinds]]) -> tuple[
        SharedDomain, ...]:
    by_domain: dict[tuple[DomainKind, str], list[str]] = {}
    for copy, shared in hits:
        for kind, values in shared:
            for value in sorted(values):
                by_domain.setdefault((kind, value), [primary.name]).append(copy.name)
    return tuple(SharedDomain(k, v, tuple(names)) for (k, v), names in sorted(by_domain.items()))


@dataclass(frozen=True)
class SeparationParams:
    """``min_copies`` copies outside the primary's domain of every kind of ``kinds``."""

    kinds: tuple[DomainKind, ...]
    min_copies: int
def unknown_sides(primary: Replica, maybe: list[tuple[Replica, tuple[DomainKind, ...]]]) -> tuple[
        str, ...]:
    """``NAME: KIND not known`` for the replica that lacks the claim: the primary, once,
    when it is the primary's domain that is unknown (every copy then waits on it)."""
    out: dict[str, list[str]] = {}
    for copy, kinds in maybe:
        for kind in kinds:
            lacking = [r for r in (primary, copy) if not r.location.values(kind)] or [copy]
            for replica in lacking:
                label = f"{replica.name} (primary)" if replica is primary else replica.name
                names = out.setdefault(label, [])
                if kind._value_ not in names:
                    names.append(kind._value_)
    return tuple(f"{name}: {'/'.join(kinds)} not known" for name, kinds in out.items())


@register("separation")
class SeparationRule(RuleType[SeparationParams]):
    """Copies that share a domain of the named kinds with the primary do not count.

    At least ``min_copies`` copies must lie outside the primary's domain of every named kind:
    ``kinds: [campus]`` is the SBG2 lesson (another building on the same campus burns with
    it, or goes dark with it).
    """

    summary = "at least N copies outside the primary's failure domain of the named kinds"
    passes = (
        "at least ``min_copies`` copies lie outside the primary's domain of every kind of "
        "``kinds``"
    )
    fails = (
        "even counting every copy whose placement is unknown, fewer than ``min_copies`` are "
        "outside; the shared domains are named"
    )
    unknown = (
        "enough copies are outside only if some whose claims of a named kind are missing are"
    )
    params_schema = type_schema(
        required=["kinds"],
        kinds=kinds_schema(minItems=1),
        min_copies={"type": "integer", "minimum": 1, "default": 1},
    )
    params_type = SeparationParams

    def judge(self, dataset: Dataset, params: SeparationParams, ctx: Context) -> Outcome:
        """Count the copies proven separate; name the shared domains of the others."""
        kinds = params.kinds
        need = params.min_copies
        primary = dataset.primary
        good: list[Replica] = []
        maybe: list[tuple[Replica, tuple[DomainKind, ...]]] = []
        hits: list[tuple[Replica, SharedKinds]] = []
        for copy, (rel, shared, unknown) in zip(dataset.copies,
                                                 copy_relations(dataset, kinds),
                                                 strict=True):
            if rel is Relation.SEPARATE:
                good.append(copy)
            elif rel is Relation.SHARED:
                hits.append((copy, shared))
            else:
                maybe.append((copy, unknown))
        status = count_verdict(len(good), len(maybe), need)
        shared_domains = _shared_domains(primary, hits) if hits else ()
        unknowns = unknown_sides(primary, maybe) if maybe else ()
        if unexplained(status, ctx):
            return outcome(status, "", shared_domains, (), unknowns)
        evidence = location_refs(primary, kinds)
        for copy in dataset.copies:
            evidence += location_refs(copy, kinds)
        kinds_text = "/".join(kinds)  # the members are str: joined as their values
        if status is Status.PASS:
            message = (f"{plural(len(good), 'copy')} outside the primary's {kinds_text}: "
                       + ", ".join(_where(c) for c in good))
        elif status is Status.FAIL:
            message = self._fail_message(primary, dataset, hits, kinds_text, need, len(good))
        else:
            message = (f"{len(good)} of {need} required copies proven outside the primary's "
                       f"{kinds_text}; cannot tell for " + "; ".join(unknowns))
        return outcome(status, message, shared_domains, tuple(evidence), unknowns)

    @staticmethod
    def _fail_message(primary: Replica, dataset: Dataset, hits: list[tuple[Replica, SharedKinds]],
                      kinds_text: str, need: int, good: int) -> str:
        if not dataset.copies:
            return f"no copies: losing the primary {_where(primary)} loses the data"
        if not hits:
            return f"only {good} of {need} required copies outside the primary's {kinds_text}"
        domains = sorted({f"{k.value} {v}" for _, shared in hits for k, vs in shared for v in vs})
        names = ", ".join(_where(c) for c, _ in hits)
        if len(hits) == len(dataset.copies):
            everyone = {1: "its only copy", 2: "both copies"}.get(len(hits), "all copies")
        else:
            everyone = plural(len(hits), "copy")
        loss = ("leaves no copy" if good == 0 else
                f"leaves {plural(good, 'copy')}, {need} required")
        return (f"primary {_where(primary)} and {everyone} ({names}) are on "
                f"{' and '.join(domains)}: a {kinds_text}-wide loss {loss}")


def _components(dataset: Dataset, kind: DomainKind) -> tuple[int, list[Replica]]:
    """Groups of replicas that may share a domain (any common claim joins them)."""
    groups: list[set[str]] = []
    unknown: list[Replica] = []
    for replica in dataset.replicas:
        values = set(replica.location.values(kind))
        if not values:
            unknown.append(replica)
            continue
        merged = [g for g in groups if g & values]
        for g in merged:
            groups.remove(g)
            values |= g
        groups.append(values)
    return len(groups), unknown


@dataclass(frozen=True)
class DistinctDomainsParams:
    """At least ``min`` distinct domains of ``kind``."""

    kind: DomainKind
    min: int


@register("distinct-domains")
class DistinctDomainsRule(RuleType[DistinctDomainsParams]):
    """The primary and its copies span at least ``min`` distinct domains of one kind.

    Two providers, three regions, two jurisdictions: spread without naming which replica
    must be where. Replicas whose claims overlap count once (worst case).
    """

    summary = "primary and copies span at least N distinct domains of a kind"
    passes = (
        "the replicas span at least ``min`` distinct domains of ``kind`` (replicas whose claims "
        "overlap count once)"
    )
    fails = (
        "even giving every replica without a claim of ``kind`` a domain of its own, fewer than "
        "``min`` are spanned"
    )
    unknown = (
        "enough domains are spanned only if replicas without a claim of ``kind`` are elsewhere"
    )
    params_schema = type_schema(
        required=["kind", "min"],
        kind=KIND_SCHEMA,
        min={"type": "integer", "minimum": 2},
    )
    params_type = DistinctDomainsParams

    def judge(self, dataset: Dataset, params: DistinctDomainsParams, ctx: Context) -> Outcome:
        """Count distinct domains; replicas with no claim of the kind make it unknown."""
        kind = params.kind
        need = params.min
        count, unknown = _components(dataset, kind)
        status = count_verdict(count, len(unknown), need)
        unknowns = tuple(f"{r.name}: {kind.value} not known" for r in unknown)
        if unexplained(status, ctx):
            return outcome(status, "", (), (), unknowns)
        values = sorted({v for r in dataset.replicas for v in r.location.values(kind)})
        evidence = tuple(ref for r in dataset.replicas for ref in location_refs(r, (kind,)))
        message = (f"{count} distinct {kind.value} domain(s) ({', '.join(values) or 'none'}), "
                   f"{need} required")
        if unknown:
            message += f"; {kind.value} unknown for " + ", ".join(r.name for r in unknown)
        shared: tuple[SharedDomain, ...] = ()
        if status is not Status.PASS and len(values) == 1:
            shared = (SharedDomain(kind, values[0], tuple(r.name for r in dataset.replicas
                                                           if r not in unknown)),)
        return outcome(status, message, shared, evidence, unknowns)


def _distances(dataset: Dataset, ctx: Context) -> tuple[float | None, ...]:
    """Each copy's distance from the primary: once per evaluation, as every
    ``min-distance`` rule reads the same."""
    key = ("distances", id(dataset))
    found: tuple[float | None, ...] | None = ctx.memo.get(key)
    if found is None:
        where = dataset.primary.location
        found = ctx.memo[key] = tuple(distance_km(where, c.location) for c in dataset.copies)
    return found


def _coordinate_refs(dataset: Dataset, ctx: Context) -> tuple[EvidenceRef, ...]:
    """The coordinates the distances rest on, quoted as evidence (once per evaluation)."""
    key = ("coordinates", id(dataset))
    found: tuple[EvidenceRef, ...] | None = ctx.memo.get(key)
    if found is None:
        found = ctx.memo[key] = tuple(
            EvidenceRef(r.id, "location.coordinates", f"{c.lat},{c.lon}", c.source, c.origin)
            for r in dataset.replicas if (c := r.location.coordinates) is not None
        )
    return found


@dataclass(frozen=True)
class MinDistanceParams:
    """``min_copies`` copies at least ``km`` kilometres from the primary."""

    km: float
    min_copies: int


@register("min-distance")
class MinDistanceRule(RuleType[MinDistanceParams]):
    """At least ``min_copies`` copies lie at least ``km`` kilometres from the primary.

    Great-circle distance between the coordinates of the primary and each copy. Catalog
    coordinates are city-level: two sites in one city measure 0 km. BSI asks about 200 km
    for geo-redundancy and never under 100 km.
    """

    summary = "at least N copies at least D km (great-circle) from the primary"
    passes = (
        "at least ``min_copies`` copies are at least ``km`` kilometres (great circle) from the "
        "primary"
    )
    fails = (
        "even counting every copy without coordinates, fewer than ``min_copies`` are that far"
    )
    unknown = (
        "the primary has no coordinates, or enough copies are far only if some without "
        "coordinates are"
    )
    params_schema = type_schema(
        required=["km"],
        km={"type": "number", "exclusiveMinimum": 0},
        min_copies={"type": "integer", "minimum": 1, "default": 1},
    )
    params_type = MinDistanceParams

    def judge(self, dataset: Dataset, params: MinDistanceParams, ctx: Context) -> Outcome:
        """Measure every copy; copies without coordinates are unknown, never far."""
        km = params.km
        need = params.min_copies
        primary = dataset.primary
        far, near, unknown = [], [], []
        for copy, d in zip(dataset.copies, _distances(dataset, ctx), strict=True):
            if d is None:
                unknown.append(copy)
            elif d >= km:
                far.append((copy, d))
            else:
                near.append((copy, d))
        if primary.location.coordinates is None:
            return outcome(Status.UNKNOWN, f"the primary {_where(primary)} has no known "
                           "coordinates", (), _coordinate_refs(dataset, ctx),
                           (f"{primary.name}: coordinates",))
        status = count_verdict(len(far), len(unknown), need)
        unknowns = tuple(f"{c.name}: coordinates" for c in unknown)
        if unexplained(status, ctx):
            return outcome(status, "", (), (), unknowns)
        measured = sorted(far + near, key=lambda t: -t[1])
        parts = [f"{c.name} {d:.0f} km" for c, d in measured]
        parts += [f"{c.name} unknown" for c in unknown]
        message = (f"{len(far)} of {need} required copies at least {km:.0f} km from the "
                   f"primary: " + (", ".join(parts) if parts else "no copies"))
        return outcome(status, message, (), _coordinate_refs(dataset, ctx), unknowns)


_HOST_ONLY = frozenset((DomainKind.HOST,))


@dataclass(frozen=True)
class ConsistentLocationParams:
    """The kinds whose claims must agree."""

    kinds: tuple[DomainKind, ...]


@register("consistent-location")
class ConsistentLocationRule(RuleType[ConsistentLocationParams]):
    """Every claim about where a replica is agrees with every other claim.

    The estate says SBG1, the endpoint says GRA: one of them is wrong, and providers' own
    location statements have been wrong in court. A disagreement fails this rule; the other
    rules meanwhile assume the worst of both claims.
    """

    summary = "declared, catalog and probed location claims agree"
    passes = (
        "every replica's declared, catalog and probed claims of the ``kinds`` name the same "
        "domains"
    )
    fails = (
        "some replica has two claims of one kind that name different domains (both are quoted)"
    )
    unknown = (
        "some replica has no location claim at all besides its host, so nothing can be compared"
    )
    params_schema = type_schema(kinds=kinds_schema(default=[k.value for k in DomainKind]))
    params_type = ConsistentLocationParams

    def judge(self, dataset: Dataset, params: ConsistentLocationParams, ctx: Context) -> Outcome:
        """List every kind on which a replica's claims name different domains."""
        kinds = params.kinds
        problems: list[str] = []
        evidence: list[EvidenceRef] = []
        for replica in dataset.replicas:
            for kind, claims in replica.location.conflicts().items():
                if kind not in kinds:
                    continue
                said = "; ".join(f"{c.source.value} {c.value} ({c.origin})" for c in claims)
                problems.append(f"{replica.name}: {kind.value} claims disagree: {said}")
                evidence += location_refs(replica, (kind,))
        if problems:
            return outcome(Status.FAIL, " | ".join(problems), (), tuple(evidence))
        blind = [r.name for r in dataset.replicas if not r.location.kinds - _HOST_ONLY]
        if blind:
            return outcome(Status.UNKNOWN, "no location claim to compare for " + ", ".join(
                blind), (), (), tuple(f"{name}: location" for name in blind))
        if unexplained(Status.PASS, ctx):
            return outcome(Status.PASS, "")
        sources = sorted(frozenset().union(*(r.location.sources for r in dataset.replicas)))
        return outcome(Status.PASS, "location claims agree (sources: "
                       f"{', '.join(sources) or 'none'})")

