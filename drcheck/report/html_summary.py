"""The top of the HTML report, made to be read first on an estate of any size.

- the failure domains ranked by what their loss destroys (the N-1 sweep of
  ``drcheck.simulate``): datasets certainly lost, their criticality weight and bytes, and
  those whose fate hinges on an unknown;
- the worst datasets first (lowest score, then most failed findings), linked to their cards.

Every value is escaped (``html_parts.esc``).
"""

from __future__ import annotations

from collections.abc import Sequence

from drcheck.inputs.durations import parse_time
from drcheck.report.html_parts import esc, table
from drcheck.shared.model import AuditResult, DatasetScore, DomainKind

TOP_DOMAINS = 15
"""Rows of the domain ranking."""
TOP_DATASETS = 25
"""Rows of the worst-datasets table."""
_NAMES = 5


def _size(n: int) -> str:
    from drcheck.simulate.render import _fmt_bytes

    return _fmt_bytes(n)


def _names(names: Sequence[str]) -> str:
    shown = ", ".join(esc(n) for n in names[:_NAMES])
    more = len(names) - _NAMES
    return shown + (f" <span class=\"meta\">and {more} more</span>" if more > 0 else "")


def domain_ranking(result: AuditResult) -> str:
    """The N-1 sweep over every domain kind, the most destructive losses first."""
    from drcheck.evaluate.base import Context
    from drcheck.evaluate.survival.model import Bar
    from drcheck.evaluate.survival.universe import Universe
    from drcheck.simulate.sweep import sweep

    datasets = result.snapshot.datasets
    universe = Universe(datasets, tuple(DomainKind))
    bar = Bar()

    swept = sweep(datasets, universe, lambda _d: bar, 1,
                  Context(now=parse_time(result.evaluated_at)))
    hurt = [i for i in swept.singles if i.lost or i.unknown][:TOP_DOMAINS]
    head = ("<h2 id=\"domains\">Failure domains ranked by the data their loss destroys</h2>"
            f"<p class=\"meta\">N-1: each of {swept.swept} domain(s) lost alone; a dataset is "
            "lost when no copy of it survives (any age: <code>drcheck simulate</code> applies "
            "the policies' freshness bar).</p>")
    if not hurt:
        return head + "<p>No single domain's loss destroys a dataset.</p>"
    rows = [(f"<b>{esc(', '.join(i.labels))}</b>", str(len(i.lost)), str(i.weight),
             esc(_size(i.bytes)), str(len(i.unknown)), _names(i.lost or i.unknown))
            for i in hurt]
    more = len([i for i in swept.singles if i.lost or i.unknown]) - len(hurt)
    tail = f"<p class=\"meta\">{more} more domain(s) destroy data.</p>" if more > 0 else ""
    return head + table(["domain", "datasets lost", "criticality weight", "bytes lost",
                         "fate unknown", "datasets"], rows) + tail


def worst_first(scores: Sequence[DatasetScore]) -> list[DatasetScore]:
    """Datasets by score, lowest first; then most failed, most unknown, name."""
    return sorted(scores, key=lambda s: (s.score, -s.counts.get("fail", 0),
                                         -s.counts.get("unknown", 0), s.dataset))


def dataset_anchor(name: str) -> str:
    """The id of a dataset's card."""
    return "ds-" + "".join(c if c.isalnum() or c in "-_." else "_" for c in name)


def worst_datasets(result: AuditResult) -> str:
    """The lowest-scoring datasets, linked to their cards."""
    worst = [s for s in worst_first(result.scores) if s.score < 100][:TOP_DATASETS]
    head = "<h2 id=\"worst\">Worst datasets first</h2>"
    if not worst:
        return head + "<p>Every dataset scores 100.</p>"
    rows = [(f"<a href=\"#{esc(dataset_anchor(s.dataset))}\">{esc(s.dataset)}</a>",
             f"<b>{esc(s.score)}</b>", esc(s.criticality), esc(s.counts.get("fail", 0)),
             esc(s.counts.get("unknown", 0)), esc(s.counts.get("waived", 0)))
            for s in worst]
    below = sum(1 for s in result.scores if s.score < 100)
    note = (f"<p class=\"meta\">{below} of {len(result.scores)} dataset(s) score under 100; "
            f"the {len(worst)} worst are listed.</p>")
    return head + note + table(["dataset", "score", "criticality", "failed", "unknown",
                                "waived"], rows)
