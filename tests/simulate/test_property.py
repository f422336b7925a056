"""Property: sweep and minimal cut sets agree with brute-force enumeration of scenarios.

Small random estates (random claims, conflicts and missing kinds, random freshness and
immutability, a random bar); every set of at most two domains is lost in turn and each
dataset judged replica by replica, then the minimal killing sets are compared with
``dataset_cuts`` and the single-domain tallies with ``sweep``.
"""

from __future__ import annotations

from datetime import timedelta
from itertools import combinations
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from drcheck.evaluate.base import Context
from drcheck.evaluate.survival.cuts import dataset_cuts
from drcheck.evaluate.survival.fate import fate, standings
from drcheck.evaluate.survival.model import Bar, Domain, Fate, Standing
from drcheck.evaluate.survival.universe import Universe
from drcheck.shared.model import Dataset, DomainKind, Location
from drcheck.simulate.sweep import sweep
from tests.core.builders import NOW, ds, loc, rep

K = DomainKind
POOLS: dict[str, list[str]] = {
    "provider": ["ovh", "aws"],
    "account": ["ovh:1", "aws:2", "aws:3"],
    "metro": ["paris", "stras"],
    "campus": ["sbg", "gra", "par"],
    "building": ["b1", "b2"],
    "host": ["h1", "h2", "h3"],
}
KINDS = tuple(K(k) for k in POOLS)


@st.composite
def locations(draw: st.DrawFn) -> Location:
    """A location naming 0, 1 or 2 (conflicting) domains of each kind."""
    domains: dict[str, Any] = {}
    for kind, pool in POOLS.items():
        values = draw(st.lists(st.sampled_from(pool), max_size=2, unique=True))
        if values:
            domains[kind] = values
    return loc(**domains)


@st.composite
def datasets(draw: st.DrawFn, index: int) -> Dataset:
    """A dataset with a primary and 0 to 3 copies with random facts."""
    primary = rep("p", draw(locations()), "primary")
    copies = []
    for i in range(draw(st.integers(0, 3))):
        facts: dict[str, Any] = {
            "newest_restore_point": draw(st.sampled_from(
                [None, "2026-11-23T11:00:00Z", "2026-11-20T00:00:00Z"])),
            "immutable": draw(st.sampled_from([None, True, False])),
        }
        copies.append(rep(f"c{i}", draw(locations()), **facts))
    d = ds(primary, *copies)
    return Dataset(f"ds{index}", d.primary, d.copies, d.labels, draw(
        st.sampled_from(["low", "medium", "high", "critical"])))


estates = st.integers(1, 4).flatmap(
    lambda n: st.tuples(*(datasets(i) for i in range(n))))
bars = st.builds(Bar, st.sampled_from([None, timedelta(days=1)]), st.booleans())


BROADER = {"account": ["provider"], "metro": [], "campus": ["metro"],
           "building": ["metro", "campus"], "host": ["metro", "campus", "building"],
           "provider": []}


def independent_fate(location: Location, lost: tuple[Domain, ...],
                     estate: tuple[Dataset, ...]) -> Fate:
    """The fate of a replica, from the definition, without the Universe's index."""
    if any(location.values(k) and v in location.values(k) for k, v in lost):
        return Fate.LOST
    for kind, value in lost:
        if location.values(kind):
            continue
        carriers = [r.location for d in estate for r in d.replicas
                    if value in r.location.values(kind)]
        apart = False
        for broader in BROADER[kind.value]:
            where = {v for c in carriers for v in c.values(K(broader))}
            mine = location.values(K(broader))
            apart = apart or bool(where and mine and not where & mine)
        if not apart:
            return Fate.UNKNOWN
    return Fate.SURVIVES


@settings(max_examples=150, deadline=None)
@given(estate=estates, data=st.data())
def test_fate_matches_the_definition(estate: tuple[Dataset, ...], data: st.DataObject) -> None:
    universe = Universe(estate, KINDS)
    lost = tuple(data.draw(st.lists(st.sampled_from(universe.domains), max_size=2,
                                    unique=True))) if universe.domains else ()
    for dataset in estate:
        for r in dataset.replicas:
            got = fate(universe.footprint_of(r.location), lost, universe)[0]
            assert got is independent_fate(r.location, lost, estate)


def brute(dataset: Dataset, universe: Universe, bar: Bar, ctx: Context,
          depth: int) -> tuple[set[frozenset[Domain]], set[frozenset[Domain]]]:
    """Minimal certain and uncertain killing sets, by trying every set of domains (the
    uncertain ones among the domains the good replicas name; certain cuts always are)."""
    stand = standings(dataset, bar, ctx)
    good = [universe.footprint_of(r.location) for r, (s, _) in zip(
        dataset.replicas, stand, strict=True) if s is Standing.GOOD]
    named = {d for fp in good for d in fp if d[0] in universe.kinds}
    certain, nosurvivor = [], []
    for size in range(1, depth + 1):
        for lost in combinations(universe.domains, size):
            if not named.issuperset(lost) and not all(
                    fate(fp, lost, universe)[0] is Fate.LOST for fp in good):
                continue  # uncertain cuts are drawn from the domains the replicas name
            fates = [fate(fp, lost, universe)[0] for fp in good]
            if all(f is Fate.LOST for f in fates):
                certain.append(frozenset(lost))
            if Fate.SURVIVES not in fates:
                nosurvivor.append(frozenset(lost))
    min_certain = {s for s in certain if not any(o < s for o in certain)}
    min_maybe = {s for s in nosurvivor if not any(o < s for o in nosurvivor)}
    return min_certain, min_maybe - min_certain


@settings(max_examples=150, deadline=None)
@given(estate=estates, bar=bars, depth=st.sampled_from([1, 2]),
       kinds=st.lists(st.sampled_from(KINDS), min_size=1, unique=True))
def test_cuts_match_brute_force(estate: tuple[Dataset, ...], bar: Bar, depth: int,
                                kinds: list[DomainKind]) -> None:
    ctx = Context(now=NOW)
    universe = Universe(estate, kinds)
    for dataset in estate:
        found = dataset_cuts(dataset, universe, bar, depth, ctx)
        certain = {frozenset(c.domains) for c in found.cuts if c.certain}
        maybe = {frozenset(c.domains) for c in found.cuts if not c.certain}
        assert (certain, maybe) == brute(dataset, universe, bar, ctx, depth)
        assert blind_by_definition(dataset, universe, bar, ctx) <= set(found.blind)


def blind_by_definition(dataset: Dataset, universe: Universe, bar: Bar,
                        ctx: Context) -> set[str]:
    """Kinds of the domains no good replica names whose loss might still take them all."""
    good = [universe.footprint_of(r.location) for r, (s, _) in zip(
        dataset.replicas, standings(dataset, bar, ctx), strict=True) if s is Standing.GOOD]
    named = {d for fp in good for d in fp}
    return {d[0].value for d in universe.domains if d not in named
            and all(fate(fp, (d,), universe)[0] is not Fate.SURVIVES for fp in good)}


@settings(max_examples=100, deadline=None)
@given(estate=estates, bar=bars)
def test_sweep_singles_match_brute_force(estate: tuple[Dataset, ...], bar: Bar) -> None:
    ctx = Context(now=NOW)
    universe = Universe(estate, KINDS)
    result = sweep(estate, universe, lambda _: bar, 1, ctx)
    got = {i.domains[0]: (set(i.lost), set(i.unknown)) for i in result.singles}
    want: dict[Domain, tuple[set[str], set[str]]] = {}
    for dataset in estate:
        certain, maybe = brute(dataset, universe, bar, ctx, 1)
        for s in certain:
            want.setdefault(next(iter(s)), (set(), set()))[0].add(dataset.name)
        for s in maybe:
            want.setdefault(next(iter(s)), (set(), set()))[1].add(dataset.name)
    assert got == want
    assert [len(i.lost) for i in result.singles] == sorted(
        (len(i.lost) for i in result.singles), reverse=True)
