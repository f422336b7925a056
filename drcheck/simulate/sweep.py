"""N-1 and N-2 sweeps: lose every domain (and every pair), rank domains by what dies.

Rather than replaying the estate once per domain (or per pair), the sweep computes each
dataset's minimal cut sets once and files the dataset under every cut of size one (N-1) or
two (N-2). A pair is credited only with datasets that neither of its domains destroys
alone, so the N-2 ranking shows what redundancy really buys. Cost: linear in datasets.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence

from drcheck.evaluate.base import Context
from drcheck.evaluate.scoring import CRITICALITY_WEIGHT
from drcheck.evaluate.survival.cuts import dataset_cuts
from drcheck.evaluate.survival.fate import BarFor
from drcheck.evaluate.survival.model import DatasetCuts, Domain, Impact, SweepResult
from drcheck.evaluate.survival.universe import Universe
from drcheck.shared.gcpause import paused_gc
from drcheck.shared.model import Dataset, DomainKind

MAX_DEPTH = 2
"""Cut sets are searched up to this many domains (N-2)."""


class _Tally:
    """Datasets filed under domain sets, certain and uncertain."""

    def __init__(self) -> None:
        self.lost: dict[tuple[Domain, ...], list[DatasetCuts]] = {}
        self.unknown: dict[tuple[Domain, ...], list[DatasetCuts]] = {}

    def add(self, key: tuple[Domain, ...], cuts: DatasetCuts, certain: bool) -> None:
        """File ``cuts`` under the domain set ``key``."""
        (self.lost if certain else self.unknown).setdefault(key, []).append(cuts)

    def impacts(self) -> tuple[Impact, ...]:
        """One ``Impact`` per domain set, the most destructive first."""
        out = []
        for key in set(self.lost) | set(self.unknown):
            lost = self.lost.get(key, [])
            unknown = self.unknown.get(key, [])
            out.append(Impact(
                key, tuple(sorted(c.dataset for c in lost)),
                tuple(sorted(c.dataset for c in unknown)),
                sum(CRITICALITY_WEIGHT.get(c.criticality, 2) for c in lost),
                sum(c.bytes or 0 for c in lost)))
        return rank(out)


def rank(impacts: Iterable[Impact]) -> tuple[Impact, ...]:
    """Most datasets lost first, then criticality weight, bytes, unknowns, name."""
    return tuple(sorted(impacts, key=lambda i: (-len(i.lost), -i.weight, -i.bytes,
                                                -len(i.unknown), i.labels)))


PROGRESS_EVERY = 1000
"""The sweep tells ``progress`` about datasets in batches of this many (and the rest at the end)."""


def sweep(datasets: Sequence[Dataset], universe: Universe, bar_for: BarFor, depth: int,
          ctx: Context, progress: Callable[[int], None] | None = None) -> SweepResult:
    """Every dataset's cut sets up to ``depth``, and the domains (pairs) ranked by damage.

    ``progress`` (if given) is told how many more datasets were swept, every
    ``PROGRESS_EVERY`` and at the end; it cannot change the result."""
    if not 1 <= depth <= MAX_DEPTH:
        raise ValueError(f"depth must be 1 or {MAX_DEPTH}, not {depth}")
    singles, pairs = _Tally(), _Tally()
    by_size = {1: singles, 2: pairs}
    per_dataset = []
    with paused_gc():
        for done, dataset in enumerate(datasets, 1):
            cuts = dataset_cuts(dataset, universe, bar_for(dataset), depth, ctx)
            per_dataset.append(cuts)
            for cut in cuts.cuts:
                tally = by_size.get(len(cut.domains))
                if tally is not None:
                    tally.add(cut.domains, cuts, cut.certain)
            if progress is not None and done % PROGRESS_EVERY == 0:
                progress(PROGRESS_EVERY)
        if progress is not None and len(datasets) % PROGRESS_EVERY:
            progress(len(datasets) % PROGRESS_EVERY)
    kinds = tuple(k for k in DomainKind if k in universe.kinds)
    return SweepResult(depth, kinds, len(universe.domains), singles.impacts(),
                       pairs.impacts() if depth > 1 else (), tuple(per_dataset))
