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

from drcheck.evaluate.survival.universe import Universe, footprint
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
                d for d in universe.domains
                if d[0] in lacking and not universe.proven_apart(d, fp))
            assert exp.exposed == exp.killers | exp.unknown
            assert dict(exp.places) == {
                k: frozenset(v for kk, v in fp if kk is k) for k in have}
