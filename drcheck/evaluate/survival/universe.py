"""The domains of an estate, indexed once: who carries each, and where each is known to be.

A replica is *killed* by a domain when any claim of its location names that domain (worst
case, as in ``evaluate.domains``). A replica with no claim at all of a domain's kind is
*unknown* for it unless separation is proven by a broader kind: a building known (from the
replicas that name it) to be in campus A cannot hold a replica known to be in campus B; an
account known to be AWS cannot hold an OVH replica. Nothing else is assumed.

Replicas are reduced to *footprints* (the set of their claims' domains); identical
footprints share every computation, so cost grows with datasets, not with domains.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field

from drcheck.evaluate.survival.model import Domain
from drcheck.shared.gcpause import paused_gc
from drcheck.shared.model import LOGICAL_CHAIN, PHYSICAL_CHAIN, Dataset, DomainKind, Location

BROADER: Mapping[DomainKind, tuple[DomainKind, ...]] = {
    **{kind: PHYSICAL_CHAIN[:i] for i, kind in enumerate(PHYSICAL_CHAIN)},
    DomainKind.PROVIDER: (),
    DomainKind.ACCOUNT: LOGICAL_CHAIN[:1],
    DomainKind.REGION: LOGICAL_CHAIN[:1],
}
"""For each kind, the broader kinds whose disagreement proves two places apart."""


Footprint = frozenset[Domain]
"""Every domain a location's claims name, of every kind."""


def footprint(location: Location) -> Footprint:
    """The domains a location's claims name."""
    return frozenset([(c.kind, c.value) for c in location.claims])


@dataclass(frozen=True)
class Exposure:
    """How one footprint fares against the selected domains.

    ``footprint``: every domain its claims name. ``killers``: the selected domains it is
    in. ``unknown``: selected domains of kinds it has no claim of and is not proven outside.
    ``lacking``: selected kinds it has no claim of.
    """

    footprint: Footprint
    killers: frozenset[Domain]
    unknown: frozenset[Domain]
    lacking: frozenset[DomainKind]
    exposed: frozenset[Domain] = field(init=False)
    """Domains whose loss kills it or makes its fate unknown."""
    places: Mapping[DomainKind, frozenset[str]] = field(init=False)
    """The footprint by kind: every kind's named domain ids."""

    def __post_init__(self) -> None:
        """Compute ``exposed`` and ``places`` once: the sweep reads them for every dataset."""
        object.__setattr__(self, "exposed", self.killers | self.unknown)
        places: dict[DomainKind, set[str]] = {}
        for kind, value in self.footprint:
            places.setdefault(kind, set()).add(value)
        object.__setattr__(self, "places", {k: frozenset(v) for k, v in places.items()})

    def apart(self, other: Exposure, kind: DomainKind) -> bool:
        """True when a broader kind's claims prove the two cannot share a ``kind`` domain."""
        for broader in BROADER[kind]:
            mine = self.places.get(broader)
            if mine:
                theirs = other.places.get(broader)
                if theirs and mine.isdisjoint(theirs):
                    return True
        return False


def _values(fp: Footprint, kind: DomainKind) -> frozenset[str]:
    return frozenset(v for k, v in fp if k is kind)


class Universe:
    """The selected domains of a set of datasets, with what is known of where each lies."""

    def __init__(self, datasets: Iterable[Dataset], kinds: Iterable[DomainKind]) -> None:
        """Index every replica of ``datasets``; only domains of ``kinds`` can be lost."""
        self.kinds = frozenset(kinds)
        self._fp_by_id: dict[int, Footprint] = {}
        self._exposure_by_id: dict[int, Exposure] = {}
        self._alive: list[Location] = []  # holding each location keeps its id unique
        self._interned: dict[Footprint, Footprint] = {}
        self._exposure: dict[Footprint, Exposure] = {}
        self._apart_memo: dict[tuple[object, ...], frozenset[Domain]] = {}
        with paused_gc():
            carriers = self._carriers(datasets)
            self.domains: tuple[Domain, ...] = tuple(sorted(carriers))
            self._context = {dom: self._context_of(dom, fps) for dom, fps in carriers.items()}
            self._index()

    def _carriers(self, datasets: Iterable[Dataset]) -> dict[Domain, set[Footprint]]:
        """Footprint every replica; for every selected domain, the footprints naming it.

        Replicas of one asset usually share their claim objects (the assembler makes them
        once per asset), so the footprint is memoised on the identities of the claims.
        """
        carriers: dict[Domain, set[Footprint]] = {}
        by_id, interned, alive = self._fp_by_id, self._interned, self._alive
        by_claims: dict[tuple[int, ...], Footprint] = {}
        for dataset in datasets:
            for location in (dataset.primary.location, *(c.location for c in dataset.copies)):
                if id(location) in by_id:
                    continue
                key = tuple(map(id, location.claims))
                known = by_claims.get(key)
                if known is None:
                    fp = footprint(location)
                    known = interned.get(fp)
                    if known is None:
                        known = interned[fp] = fp
                        for dom in fp:
                            if dom[0] in self.kinds:
                                carriers.setdefault(dom, set()).add(fp)
                    by_claims[key] = known
                by_id[id(location)] = known
                alive.append(location)  # keeps the ids of the location and its claims unique
        return carriers

    def _index(self) -> None:
        """Index the domains by kind and by the broader domains they are known to be in."""
        by_kind: dict[DomainKind, set[Domain]] = {}
        self._within: dict[tuple[DomainKind, DomainKind, str], set[Domain]] = {}
        self._unplaced: dict[tuple[DomainKind, DomainKind], set[Domain]] = {}
        for dom in self.domains:
            by_kind.setdefault(dom[0], set()).add(dom)
            for broader in BROADER[dom[0]]:
                where = self._context[dom].get(broader)
                if not where:
                    self._unplaced.setdefault((dom[0], broader), set()).add(dom)
                for value in where or ():
                    self._within.setdefault((dom[0], broader, value), set()).add(dom)
        self._by_kind: dict[DomainKind, frozenset[Domain]] = {
            kind: frozenset(doms) for kind, doms in by_kind.items()}

    def footprint_of(self, location: Location) -> Footprint:
        """The footprint of ``location``, memoised per location object; equal footprints
        are one object, so memory and hashing stay proportional to distinct places."""
        fp = self._fp_by_id.get(id(location))
        if fp is None:
            fp = footprint(location)
            fp = self._interned.setdefault(fp, fp)
            self._fp_by_id[id(location)] = fp
            self._alive.append(location)
        return fp

    @staticmethod
    def _context_of(dom: Domain, fps: set[Footprint]) -> dict[DomainKind, frozenset[str]]:
        broader = BROADER[dom[0]]
        if not broader:
            return {}
        seen: dict[DomainKind, set[str]] = {}
        for fp in fps:
            for kind, value in fp:
                if kind in broader:
                    seen.setdefault(kind, set()).add(value)
        return {kind: frozenset(seen[kind]) for kind in broader if kind in seen}

    def known(self, dom: Domain) -> bool:
        """True when some indexed replica names ``dom``."""
        return dom in self._context

    def proven_apart(self, dom: Domain, fp: Footprint) -> bool:
        """True when a broader kind proves ``fp`` lies outside ``dom``."""
        for broader, where in self._context.get(dom, {}).items():
            mine = _values(fp, broader)
            if mine and not mine & where:
                return True
        return False

    def exposure_of(self, location: Location) -> Exposure:
        """The ``Exposure`` of a location (memoised per location object)."""
        exp = self._exposure_by_id.get(id(location))
        if exp is None:
            exp = self.exposure(self.footprint_of(location))
            self._exposure_by_id[id(location)] = exp
        return exp

    def exposure(self, fp: Footprint) -> Exposure:
        """The ``Exposure`` of a footprint to the selected domains (memoised)."""
        found = self._exposure.get(fp)
        if found is None:
            found = self._compute_exposure(fp)
            self._exposure[fp] = found
        return found

    def _compute_exposure(self, fp: Footprint) -> Exposure:
        kinds = self.kinds
        killers = frozenset(d for d in fp if d[0] in kinds)
        exp = Exposure(fp, killers, frozenset(), frozenset(kinds - {d[0] for d in fp}))
        unknown: frozenset[Domain] = frozenset()
        for kind in exp.lacking:
            unknown |= self._not_apart(kind, exp.places)
        if unknown:
            object.__setattr__(exp, "unknown", unknown)
            object.__setattr__(exp, "exposed", killers | unknown)
        return exp

    def _not_apart(self, kind: DomainKind,
                   places: Mapping[DomainKind, frozenset[str]]) -> frozenset[Domain]:
        """The domains of ``kind`` that no broader claim (``places``, by kind) proves a
        footprint is outside; memoised on those claims, which few footprints differ in."""
        key = (kind, *(places.get(b) for b in BROADER[kind]))
        found = self._apart_memo.get(key)
        if found is None:
            found = self._apart_memo[key] = self._compute_not_apart(kind, places)
        return found

    def _compute_not_apart(self, kind: DomainKind,
                           places: Mapping[DomainKind, frozenset[str]]) -> frozenset[Domain]:
        found = self._by_kind.get(kind, frozenset())
        for broader in BROADER[kind]:
            mine = places.get(broader)
            if mine:
                allowed = set(self._unplaced.get((kind, broader), ()))
                for value in mine:
                    allowed |= self._within.get((kind, broader, value), set())
                found = found & allowed
        return found
