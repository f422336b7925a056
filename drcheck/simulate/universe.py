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
from dataclasses import dataclass

from drcheck.model import LOGICAL_CHAIN, PHYSICAL_CHAIN, Dataset, DomainKind, Location
from drcheck.simulate.model import Domain

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

    ``killers``: the selected domains it is in. ``unknown``: selected domains of kinds it
    has no claim of and is not proven outside. ``lacking``: selected kinds it has no claim of.
    """

    killers: frozenset[Domain]
    unknown: frozenset[Domain]
    lacking: frozenset[DomainKind]

    @property
    def exposed(self) -> frozenset[Domain]:
        """Domains whose loss kills it or makes its fate unknown."""
        return self.killers | self.unknown


def _values(fp: Footprint, kind: DomainKind) -> frozenset[str]:
    return frozenset(v for k, v in fp if k is kind)


class Universe:
    """The selected domains of a set of datasets, with what is known of where each lies."""

    def __init__(self, datasets: Iterable[Dataset], kinds: Iterable[DomainKind]) -> None:
        """Index every replica of ``datasets``; only domains of ``kinds`` can be lost."""
        self.kinds = frozenset(kinds)
        self._fp: dict[int, tuple[Location, Footprint]] = {}
        self._exposure: dict[Footprint, Exposure] = {}
        carriers: dict[Domain, set[Footprint]] = {}
        seen: set[Footprint] = set()
        for dataset in datasets:
            for replica in dataset.replicas:
                fp = self.footprint_of(replica.location)
                if fp not in seen:
                    seen.add(fp)
                    for dom in fp:
                        if dom[0] in self.kinds:
                            carriers.setdefault(dom, set()).add(fp)
        self.domains: tuple[Domain, ...] = tuple(sorted(carriers))
        self._context = {dom: self._context_of(dom, fps) for dom, fps in carriers.items()}
        self._by_kind: dict[DomainKind, list[Domain]] = {}
        for dom in self.domains:
            self._by_kind.setdefault(dom[0], []).append(dom)

    def footprint_of(self, location: Location) -> Footprint:
        """The footprint of ``location`` (memoised per location object while indexed)."""
        found = self._fp.get(id(location))
        if found is None:
            found = (location, footprint(location))  # holding the location keeps its id unique
            self._fp[id(location)] = found
        return found[1]

    @staticmethod
    def _context_of(dom: Domain, fps: set[Footprint]) -> dict[DomainKind, frozenset[str]]:
        out: dict[DomainKind, frozenset[str]] = {}
        for broader in BROADER[dom[0]]:
            values = frozenset().union(*(_values(fp, broader) for fp in fps))
            if values:
                out[broader] = values
        return out

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

    def exposure(self, fp: Footprint) -> Exposure:
        """The ``Exposure`` of a footprint to the selected domains (memoised)."""
        found = self._exposure.get(fp)
        if found is None:
            found = self._compute_exposure(fp)
            self._exposure[fp] = found
        return found

    def _compute_exposure(self, fp: Footprint) -> Exposure:
        killers = frozenset(d for d in fp if d[0] in self.kinds)
        have = {d[0] for d in fp}
        lacking = frozenset(self.kinds - have)
        unknown = frozenset(d for kind in lacking for d in self._by_kind.get(kind, ())
                            if not self.proven_apart(d, fp))
        return Exposure(killers, unknown, lacking)
