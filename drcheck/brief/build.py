"""Assemble a brief: the named domains lost together, or the K worst of the N-1 sweep.

The sweep (``simulate.sweep``) ranks the domains whose loss destroys data; when fewer than
K do, the list is completed with the domains that take the most live data away (primaries
that must be restored), so a sound estate still gets the brief of its worst day.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

from drcheck.brief.draft import notification_draft
from drcheck.brief.duties import duties
from drcheck.brief.impact import dataset_impact
from drcheck.brief.model import Brief, DomainBrief, Outcome
from drcheck.brief.regimes import Regimes
from drcheck.evaluate.base import Context
from drcheck.evaluate.scoring import CRITICALITY_WEIGHT
from drcheck.evaluate.survival.fate import BarFor, fate
from drcheck.evaluate.survival.model import Domain, Fate, label
from drcheck.evaluate.survival.universe import Universe
from drcheck.inputs.throughput import DEFAULT_THROUGHPUT
from drcheck.shared.model import Snapshot
from drcheck.simulate.sweep import sweep

_ORDER = list(Outcome)


def domain_brief(snapshot: Snapshot, lost: Sequence[Domain], universe: Universe,
                 bar_for: BarFor, ctx: Context, regimes: Regimes,
                 incident_at: datetime | None) -> DomainBrief:
    """The brief of losing ``lost`` together.

    A dataset whose primary survives is safe and untouched (the live data is there): it is
    only counted, so the cost per domain is one primary check per dataset plus the full
    analysis of the datasets actually hit.
    """
    impacts = []
    untouched: dict[str, int] = {}
    for d in snapshot.datasets:
        if fate(universe.footprint_of(d.primary.location), lost, universe)[0] is Fate.SURVIVES:
            untouched[d.criticality] = untouched.get(d.criticality, 0) + 1
        else:
            impacts.append(dataset_impact(d, lost, universe, bar_for(d), ctx))
    impacts.sort(key=lambda i: (_ORDER.index(i.outcome), not i.primary_lost,
                                -CRITICALITY_WEIGHT.get(i.criticality, 2), i.dataset))
    found = duties(impacts, snapshot.organisation, regimes, incident_at)
    draft = notification_draft(tuple(lost), impacts, found, snapshot.organisation,
                               incident_at)
    return DomainBrief(tuple(lost), tuple(impacts), found, draft,
                       tuple(sorted(untouched.items())))


def _restore_ranking(snapshot: Snapshot, universe: Universe) -> list[Domain]:
    """Domains by the live data they take away: primaries (criticality weight), replicas."""
    weight: dict[Domain, tuple[int, int]] = {}
    for dataset in snapshot.datasets:
        primary = universe.footprint_of(dataset.primary.location)
        for i, replica in enumerate(dataset.replicas):
            fp = primary if i == 0 else universe.footprint_of(replica.location)
            for dom in fp:
                if dom[0] not in universe.kinds:
                    continue
                w, n = weight.get(dom, (0, 0))
                lw = CRITICALITY_WEIGHT.get(dataset.criticality, 2) if i == 0 else 0
                weight[dom] = (w + lw, n + 1)
    ranked = sorted((d for d, (w, _) in weight.items() if w),
                    key=lambda d: (-weight[d][0], -weight[d][1], label(d)))
    return ranked


def worst_domains(snapshot: Snapshot, universe: Universe, bar_for: BarFor, ctx: Context,
                  top: int) -> tuple[list[Domain], int]:
    """The ``top`` worst single domains and how many destroy data on their own."""
    swept = sweep(snapshot.datasets, universe, bar_for, 1, ctx)
    chosen = [i.domains[0] for i in swept.singles]
    destructive = sum(1 for i in swept.singles if i.lost)
    for dom in _restore_ranking(snapshot, universe):
        if len(chosen) >= top:
            break
        if dom not in chosen:
            chosen.append(dom)
    return chosen[:top], destructive


def build_brief(snapshot: Snapshot, lost: Sequence[Domain], universe: Universe,
                bar_for: BarFor, ctx: Context, regimes: Regimes,
                incident_at: datetime | None, top: int) -> Brief:
    """The brief of ``lost`` (a scenario), or of the ``top`` worst single domains."""
    if lost:
        briefs = [domain_brief(snapshot, lost, universe, bar_for, ctx, regimes, incident_at)]
        mode, destructive = "scenario", int(bool(briefs[0].of(Outcome.LOST)))
    else:
        worst, destructive = worst_domains(snapshot, universe, bar_for, ctx, top)
        briefs = [domain_brief(snapshot, [d], universe, bar_for, ctx, regimes, incident_at)
                  for d in worst]
        mode = "sweep"
    return Brief(mode, ctx.now, incident_at, snapshot.organisation, tuple(briefs),
                 len(universe.domains), destructive, regimes.notice, DEFAULT_THROUGHPUT)
