"""Minimal cut sets: the smallest sets of domains whose loss destroys every good replica.

A set of domains destroys a dataset when it kills every good replica (the primary counts),
i.e. when it *hits* every good replica's set of killing domains. The minimal cut sets are the
minimal hitting sets of those sets, searched only up to the sweep depth, so the cost per
dataset is bounded by (domains per replica) ** depth, whatever the size of the estate. Cuts
that also hit the domains a replica is merely *unknown* for are reported as uncertain, with
the unknowns that decide them.
"""

from __future__ import annotations

from collections.abc import Sequence

from drcheck.evaluate.base import Context
from drcheck.evaluate.domains import Relation, relation
from drcheck.evaluate.survival.fate import dataset_bytes, good_copies
from drcheck.evaluate.survival.model import Bar, Cut, DatasetCuts, Domain
from drcheck.evaluate.survival.universe import Exposure, Universe
from drcheck.shared.model import Dataset, DomainKind, Replica

Hit = frozenset[Domain]


def minimal_hitting_sets(sets: Sequence[frozenset[Domain]], depth: int) -> list[Hit]:
    """Every minimal set of at most ``depth`` domains meeting each of ``sets``.

    Bounded search tree: branch on the elements of the smallest set not yet met; with one
    domain left to choose, it must lie in every unmet set, so take their intersection. An
    empty ``sets`` is met by the empty set; an empty member can never be met.
    """
    found: set[Hit] = set()
    stack: list[Hit] = [frozenset()]
    while stack:
        chosen = stack.pop()
        unmet = [s for s in sets if not s & chosen]
        if not unmet:
            found.add(chosen)
        elif len(chosen) + 1 == depth:
            found.update(chosen | {d} for d in frozenset.intersection(*unmet))
        elif len(chosen) < depth:
            stack.extend(chosen | {d} for d in min(unmet, key=len))
    return [h for h in found if not _has_found_subset(h, found)]


def _has_found_subset(hit: Hit, found: set[Hit]) -> bool:
    """True when a proper subset of ``hit`` is itself a hitting set (every minimal one was
    found, so checking the subsets one element smaller, recursively, is exact)."""
    return len(hit) > 1 and any(hit - {d} in found or _has_found_subset(hit - {d}, found)
                                for d in hit)


def sort_cuts(cuts: Sequence[Cut]) -> tuple[Cut, ...]:
    """Certain cuts first, smaller first, then by domain."""
    return tuple(sorted(cuts, key=lambda c: (not c.certain, len(c.domains), c.labels)))


def _unknowns(cut: Hit, good: Sequence[tuple[Replica, Exposure]]) -> tuple[str, ...]:
    out = []
    for replica, exp in good:
        if not cut & exp.killers:
            kinds = sorted({d[0].value for d in cut & exp.unknown}) if len(cut) > 1 \
                else [next(iter(cut))[0].value]
            out.append(f"{replica.name}: {'/'.join(kinds)} not known")
    return tuple(out)


def blind_kinds(good: Sequence[tuple[Replica, Exposure]],
                anywhere: bool = True) -> tuple[str, ...]:
    """Kinds no good replica has a claim of, where one domain might hold them all.

    That is: some domain of the kind is not proven apart from any of them, or no two of
    them are proven apart (so a domain named nowhere might hold them all). ``anywhere``
    False: the caller knows no domain is unknown for all of them.
    """
    if not good:
        return ()
    common = frozenset.intersection(*(exp.lacking for _, exp in good))
    if not common:
        return ()
    everywhere = {d[0] for d in frozenset.intersection(*(exp.unknown for _, exp in good))} \
        if anywhere else set()
    open_kinds = _not_proven_apart(good, set(common) - everywhere)
    return tuple(sorted(k._value_ for k in (open_kinds | (everywhere & common))))


def _not_proven_apart(good: Sequence[tuple[Replica, Exposure]],
                      open_kinds: set[DomainKind]) -> set[DomainKind]:
    """The kinds of ``open_kinds`` for which no two of ``good`` are proven apart."""
    for i, (ra, a) in enumerate(good):
        for rb, b in good[i + 1:]:
            open_kinds = {k for k in open_kinds if not a.apart(b, k)}
            if open_kinds and ra.location.coordinates and rb.location.coordinates:
                open_kinds = {k for k in open_kinds if relation(
                    ra.location, rb.location, k)[0] is not Relation.SEPARATE}
            if not open_kinds:
                return open_kinds
    return open_kinds


def good_replicas(dataset: Dataset, universe: Universe, bar: Bar,
                  ctx: Context) -> list[tuple[Replica, Exposure]]:
    """The replicas meeting ``bar``, each with its exposure to the universe's domains."""
    exposure_of = universe.exposure_of
    good = [(dataset.primary, exposure_of(dataset.primary.location))]  # always good
    good += [(c, exposure_of(c.location)) for c in good_copies(dataset.copies, bar, ctx.now)]
    return good


def _uncertain(good: Sequence[tuple[Replica, Exposure]], certain: set[Hit],
               depth: int) -> list[Hit]:
    """Minimal uncertain cuts, drawn from the domains the good replicas name.

    A domain no good replica names can only make replicas unknown, and then none of them
    has a claim of its kind: ``blind_kinds`` reports that kind once instead of listing
    every domain of it.
    """
    named = frozenset().union(*(e.killers for _, e in good))
    found = minimal_hitting_sets([e.killers | (e.unknown & named) for _, e in good], depth)
    return [h for h in found if h not in certain]


def dataset_cuts(dataset: Dataset, universe: Universe, bar: Bar, depth: int,
                 ctx: Context) -> DatasetCuts:
    """The minimal cut sets of ``dataset`` of at most ``depth`` domains, certain and not."""
    good = good_replicas(dataset, universe, bar, ctx)
    size = dataset_bytes(dataset)
    if depth == 1 and good and not frozenset.intersection(*[e.exposed for _, e in good]):
        # no single domain meets every good replica: only a blind kind can remain
        return DatasetCuts(dataset.name, dataset.criticality, size, len(good), (),
                           blind_kinds(good, anywhere=False))
    certain = set(minimal_hitting_sets([e.killers for _, e in good], depth))
    cuts = [Cut(tuple(sorted(h)), True) for h in certain]
    if good and any(e.unknown for _, e in good):
        cuts += [Cut(tuple(sorted(h)), False, _unknowns(h, good))
                 for h in _uncertain(good, certain, depth)]
    return DatasetCuts(dataset.name, dataset.criticality, size, len(good), sort_cuts(cuts),
                       blind_kinds(good))
