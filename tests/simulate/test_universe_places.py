"""The universe's exposures, worked out once per coarse place, against their definitions.

``Universe`` computes what proves a footprint apart from the domains' broader claims once
per *coarse* part (the footprint without host, account and region claims). Each exposure
must still be what the definitions say for the whole footprint: killers are its selected
domains, lacking the selected kinds it has no claim of, unknown the domains of those kinds
that no broader claim proves it outside, and places its domain ids by kind.
"""

from __future__ import annotations

from hypothesis import given, settings
from hypothesis import strategies as st

from drcheck.evaluate.survival.model import Domain
from drcheck.evaluate.survival.universe import BROADER, Footprint, Universe, footprint
from drcheck.shared.model import Dataset, DomainKind, Location
from tests.core.builders import ds, rep
from tests.simulate.test_property import KINDS, locations

K = DomainKind


@settings(max_examples=60, deadline=None)
@given(st.lists(st.lists(locations(), min_size=1, max_size=4), min_size=1, max_size=6),
       st.sets(st.sampled_from(KINDS), min_size=1))
def test_exposures_match_their_definitions(places: list[list[Location]], kinds: set[K]) -> None:
    datasets: list[Dataset] = [
        ds(rep("p", locs[0], "primary"), *[rep(f"c{j}", loc) for j, loc in enumerate(locs[1:])])
        for locs in places]
    universe = Universe(datasets, tuple(kinds))
    every = [footprint(r.location) for d in datasets for r in d.replicas]
    selected = {d for fp in every for d in fp if d[0] in kinds}
    for dataset in datasets:
        for replica in dataset.replicas:
            fp = footprint(replica.location)
            exp = universe.exposure_of(replica.location)
            have = {k for k, _ in fp}
            lacking = frozenset(kinds) - have
            assert exp.footprint == fp
            assert exp.killers == frozenset(d for d in fp if d[0] in kinds)
            assert exp.lacking == lacking
            assert exp.unknown == frozenset(
                d for d in selected if d[0] in lacking and not _apart(d, fp, every))
            assert exp.exposed == exp.killers | exp.unknown
            assert dict(exp.places) == {
                k: frozenset(v for kk, v in fp if kk is k) for k in have}


def _apart(dom: Domain, fp: Footprint, every: list[Footprint]) -> bool:
    """From the whole footprints, not the universe's coarse parts: some broader kind names
    places for ``fp`` and for the replicas naming ``dom``, and none in common."""
    carriers = [other for other in every if dom in other]
    for broader in BROADER[dom[0]]:
        mine = {v for k, v in fp if k is broader}
        where = {v for other in carriers for k, v in other if k is broader}
        if mine and where and not mine & where:
            return True
    return False
