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
from drcheck.model import Dataset, DomainKind, Replica
from drcheck.simulate.model import Bar, Cut, DatasetCuts, Domain, Standing
from drcheck.simulate.survival import dataset_bytes, standings
from drcheck.simulate.universe import Exposure, Universe

Hit = frozenset[Domain]


def minimal_hitting_sets(sets: Sequence[frozenset[Domain]], depth: int) -> list[Hit]:
    """Every minimal set of at most ``depth`` domains meeting each of ``sets``.

    Bounded search tree: branch on the elements of the first set not yet met. An empty
    ``sets`` is met by the empty set; an empty member can never be met.
    """
    if depth == 1 and sets:
        return [frozenset((d,)) for d in frozenset.intersection(*sets)]
    found: set[Hit] = set()
    stack: list[Hit] = [frozenset()]
    while stack:
        chosen = stack.pop()
        unmet = next((s for s in sets if not s & chosen), None)
        if unmet is None:
            found.add(chosen)
        elif len(chosen) < depth:
            stack.extend(chosen | {d} for d in unmet)
    return [h for h in found if not any(o < h for o in found)]


def sort_cuts(cuts: Sequence[Cut]) -> tuple[Cut, ...]:
    """Certain cuts first, smaller first, then by domain."""
    return tuple(sorted(cuts, key=lambda c: (not c.certain, len(c.domains), c.labels)))


def _unknowns(cut: Hit, good: Sequence[tuple[Replica, Exposure]]) -> tuple[str, ...]:
    out = []
    for replica, exp in good:
        if not cut & exp.killers:
            kinds = sorted({d[0].value for d in cut & exp.unknown})
            out.append(f"{replica.name}: {'/'.join(kinds)} not known")
    return tuple(out)


def blind_kinds(good: Sequence[tuple[Replica, Exposure]]) -> tuple[str, ...]:
    """Kinds no good replica has a claim of, with no pair of them proven apart.

    One domain of such a kind, named by no replica, might hold every good replica.
    """
    if not good:
        return ()
    common = frozenset.intersection(*(exp.lacking for _, exp in good))
    out = []
    for kind in sorted(common, key=lambda k: k.value):
        locs = [r.location for r, _ in good]
        apart = any(relation(a, b, kind)[0] is Relation.SEPARATE
                    for i, a in enumerate(locs) for b in locs[i + 1:])
        if not apart:
            out.append(kind.value)
    return tuple(out)


def good_replicas(dataset: Dataset, universe: Universe, bar: Bar,
                  ctx: Context) -> list[tuple[Replica, Exposure]]:
    """The replicas meeting ``bar``, each with its exposure to the universe's domains."""
    return [(r, universe.exposure(universe.footprint_of(r.location)))
            for r, (stand, _) in zip(dataset.replicas, standings(dataset, bar, ctx), strict=True)
            if stand is Standing.GOOD]


def dataset_cuts(dataset: Dataset, universe: Universe, bar: Bar, depth: int,
                 ctx: Context) -> DatasetCuts:
    """The minimal cut sets of ``dataset`` of at most ``depth`` domains, certain and not."""
    good = good_replicas(dataset, universe, bar, ctx)
    certain = minimal_hitting_sets([e.killers for _, e in good], depth)
    cuts = [Cut(tuple(sorted(h)), True) for h in certain]
    if any(e.unknown for _, e in good):
        known = set(certain)
        cuts += [Cut(tuple(sorted(h)), False, _unknowns(h, good))
                 for h in minimal_hitting_sets([e.exposed for _, e in good], depth)
                 if h not in known]
    return DatasetCuts(dataset.name, dataset.criticality, dataset_bytes(dataset), len(good),
                       sort_cuts(cuts), blind_kinds(good))


def kinds_label(kinds: Sequence[DomainKind]) -> str:
    """``campus, account`` for messages."""
    return ", ".join(k.value for k in kinds)
