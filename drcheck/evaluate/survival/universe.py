"""The domains of an estate, indexed once: who carries each, and where each is known to be.

A replica is *killed* by a domain when any claim of its location names that domain (worst
case, as in ``evaluate.domains``). A replica with no claim at all of a domain's kind is
*unknown* for it unless separation is proven by a broader kind: a building known (from the
replicas that name it) to be in campus A cannot hold a replica known to be in campus B; an
account known to be AWS cannot hold an OVH replica. Nothing else is assumed.

Replicas are reduced to *footprints* (the set of their claims' domains); identical
footprints share every computation, so cost grows with datasets, not with domains. What
proves two places apart is read from a footprint's *coarse* part (``LEAF_KINDS`` left out),
which footprints share far more often (one host per asset, a few hundred places): the
context of a domain and a footprint's exposure are worked out once per coarse part.
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

LEAF_KINDS: frozenset[DomainKind] = frozenset(DomainKind) - {
    b for kinds in BROADER.values() for b in kinds}
"""Kinds broader than none (host, account, region): their claims never prove separation."""


Footprint = frozenset[Domain]
"""Every domain a location's claims name, of every kind."""


def footprint(location: Location) -> Footprint:
    """The domains a location's claims name."""
    return frozenset([(c.kind, c.value) for c in location.claims])


def _by_kind(domains: Iterable[Domain]) -> dict[DomainKind, frozenset[str]]:
    """Domain ids grouped by kind."""
    grouped: dict[DomainKind, set[str]] = {}
    for kind, value in domains:
        grouped.setdefault(kind, set()).add(value)
    return {k: frozenset(v) for k, v in grouped.items()}


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
        object.__setattr__(self, "places", _by_kind(self.footprint))

    @classmethod
    def assembled(cls, footprint: Footprint, killers: frozenset[Domain],
                  unknown: frozenset[Domain], lacking: frozenset[DomainKind],
                  places: Mapping[DomainKind, frozenset[str]]) -> Exposure:
        """An exposure whose ``places`` the caller already has (the universe assembles
        thousands from templates): every field set at once, ``exposed`` as
        ``__post_init__`` computes it, without its grouping pass."""
        exp = object.__new__(cls)
        object.__setattr__(exp, "__dict__", {
            "footprint": footprint, "killers": killers, "unknown": unknown,
            "lacking": lacking, "exposed": killers | unknown, "places": places})
        return exp

    def apart(self, other: Exposure, kind: DomainKind) -> bool:
        """True when a broader kind's claims prove the two cannot share a ``kind`` domain."""
        for broader in BROADER[kind]:
            mine = self.places.get(broader)
            if mine:
                theirs = other.places.get(broader)
                if theirs and mine.isdisjoint(theirs):
                    return True
        return False


class _Template:
    """What every footprint with one coarse part and one set of leaf kinds has in common."""

    __slots__ = ("killers", "unknown", "lacking", "places")

    def __init__(self, killers: frozenset[Domain], unknown: frozenset[Domain],
                 lacking: frozenset[DomainKind],
                 places: Mapping[DomainKind, frozenset[str]]) -> None:
        self.killers, self.unknown, self.lacking, self.places = killers, unknown, lacking, places




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
        self._coarse: dict[Footprint, Footprint] = {}
        self._templates: dict[tuple[Footprint, frozenset[DomainKind]], _Template] = {}
        context_memo: dict[tuple[DomainKind, frozenset[Footprint]],
                           dict[DomainKind, frozenset[str]]] = {}
        with paused_gc():
            carriers = self._carriers(datasets)
            self.domains: tuple[Domain, ...] = tuple(sorted(carriers))
            self._context = {dom: self._context_of(dom, fps, context_memo)
                             for dom, fps in carriers.items()}
            self._index()

    def _carriers(self, datasets: Iterable[Dataset]) -> dict[Domain, set[Footprint]]:
        """Footprint every replica; for every selected domain, the coarse parts of the
        footprints naming it (all its context is read from).

        Replicas of one asset usually share their claim objects (the assembler makes them
        once per asset), so the footprint is memoised on the identities of the claims.
        """
        carriers: dict[Domain, set[Footprint]] = {}
        by_id, interned, alive = self._fp_by_id, self._interned, self._alive
        by_claims: dict[tuple[int, ...], Footprint] = {}
        seen: set[Footprint] = set()
        locations = {id(r.location): r.location for d in datasets for r in (d.primary, *d.copies)}
        for key_id, location in locations.items():
            key = tuple(map(id, location.claims))
            known = by_claims.get(key)
            if known is None:
                fp = footprint(location)
                known = interned.get(fp)
                if known is None:
                    known = interned[fp] = fp
                    self._carry(fp, carriers, seen)
                by_claims[key] = known
            by_id[key_id] = known
            alive.append(location)  # keeps the ids of the location and its claims unique
        return carriers

    def _carry(self, fp: Footprint, carriers: dict[Domain, set[Footprint]],
               seen: set[Footprint]) -> None:
        """File ``fp``'s coarse part under each selected domain of ``fp`` (the coarse
        domains once per coarse part: many footprints share it)."""
        kinds = self.kinds
        coarse = self.coarse(fp)
        if coarse not in seen:
            seen.add(coarse)
            for dom in coarse:
                if dom[0] in kinds:
                    carriers.setdefault(dom, set()).add(coarse)
        for dom in fp:
            if dom[0] in LEAF_KINDS and dom[0] in kinds:
                carriers.setdefault(dom, set()).add(coarse)

    def _index(self) -> None:
        """Index the domains by kind and by the broader domains they are known to be in."""
        by_kind: dict[DomainKind, set[Domain]] = {}
        self._within: dict[tuple[DomainKind, DomainKind, str], set[Domain]] = {}
        self._unplaced: dict[tuple[DomainKind, DomainKind], set[Domain]] = {}
        for dom in self.domains:
            by_kind.setdefault(dom[0], set()).add(dom)
            context = self._context[dom]
            for broader in BROADER[dom[0]]:
                where = context.get(broader)
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

    def coarse(self, fp: Footprint) -> Footprint:
        """``fp`` without its domains of ``LEAF_KINDS`` (one object per content)."""
        found = self._coarse.get(fp)
        if found is None:
            part = frozenset([d for d in fp if d[0] not in LEAF_KINDS])
            found = self._coarse[fp] = self._coarse.setdefault(part, part)
        return found

    @staticmethod
    def _context_of(dom: Domain, fps: set[Footprint],
                    memo: dict[tuple[DomainKind, frozenset[Footprint]],
                               dict[DomainKind, frozenset[str]]]
                    ) -> dict[DomainKind, frozenset[str]]:
        """Where the carriers of ``dom`` (their coarse parts, ``fps``) are known to be, by
        broader kind; domains with the same carriers share one (read-only) answer."""
        broader = BROADER[dom[0]]
        if not broader:
            return {}
        key = (dom[0], frozenset(fps))
        found = memo.get(key)
        if found is None:
            seen: dict[DomainKind, set[str]] = {}
            for fp in fps:
                for kind, value in fp:
                    if kind in broader:
                        seen.setdefault(kind, set()).add(value)
            found = memo[key] = {kind: frozenset(seen[kind]) for kind in broader
                                 if kind in seen}
        return found

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
        """The exposure of ``fp``: its coarse part's (worked out once, ``_template``) with
        its leaf domains added."""
        coarse = self.coarse(fp)
        leaves = fp - coarse
        key = (coarse, frozenset([d[0] for d in leaves]))
        tmpl = self._templates.get(key)
        if tmpl is None:
            tmpl = self._templates[key] = self._template(coarse, key[1])
        killers = tmpl.killers
        if leaves:
            kinds = self.kinds
            killers = killers | frozenset([d for d in leaves if d[0] in kinds])
        return Exposure.assembled(fp, killers, tmpl.unknown, tmpl.lacking,
                                  {**tmpl.places, **_by_kind(leaves)} if leaves
                                  else tmpl.places)

    def _template(self, coarse: Footprint, leaf_kinds: frozenset[DomainKind]) -> _Template:
        """Killers, unknowns, lacking kinds and places of a coarse part: the unknowns are
        read from the broader kinds' places, which the leaf domains never are."""
        kinds = self.kinds
        places = _by_kind(coarse)
        lacking = frozenset(kinds - {d[0] for d in coarse} - leaf_kinds)
        unknown: frozenset[Domain] = frozenset()
        for kind in lacking:
            unknown |= self._not_apart(kind, places)
        return _Template(frozenset([d for d in coarse if d[0] in kinds]), unknown, lacking,
                         places)

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
