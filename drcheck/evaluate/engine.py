"""The evaluator: (snapshot, policies, now) → findings and scores. Pure and deterministic."""

from __future__ import annotations

import logging
from collections import Counter
from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from itertools import pairwise
from operator import attrgetter
from typing import Any, NamedTuple

from drcheck.evaluate.base import Context, Outcome, RuleType
from drcheck.evaluate.handover import entry_maker, fold_filed, handed_over, refile
from drcheck.evaluate.policy import Policy, Selector
from drcheck.evaluate.registry import get
from drcheck.evaluate.scoring import Tallies, dataset_scores, estate_score
from drcheck.inputs.durations import format_time
from drcheck.shared.forked import Jobs, affordable, can_fork, forked, jobs_wanted, shares
from drcheck.shared.gcpause import paused_gc
from drcheck.shared.model import (
    AuditResult,
    Dataset,
    Finding,
    ProbeIssue,
    Severity,
    Snapshot,
    Status,
    new_finding,
)

log = logging.getLogger("drcheck.evaluate.engine")

STATUS_ORDER = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.WAIVED: 2, Status.PASS: 3}


def sort_key(f: Finding) -> tuple[int, int, str, str, str]:
    """Failures first, then unknowns; within each, most severe first."""
    return (STATUS_ORDER[f.status], -f.severity.rank, f.rule_id, f.dataset, f.policy)


def issues_by_subject(issues: Sequence[ProbeIssue]) -> dict[str, tuple[ProbeIssue, ...]]:
    """Group probe issues by the asset they concern."""
    grouped: dict[str, list[ProbeIssue]] = {}
    for issue in issues:
        grouped.setdefault(issue.subject, []).append(issue)
    return {k: tuple(v) for k, v in grouped.items()}


def not_probed(snapshot: Snapshot) -> dict[str, str]:
    """Assets a probe could not look at (unreachable, auth failed, changed key) → why."""
    return {subject: str(d.get("not_probed") or "not probed")
            for subject, d in snapshot.details.items() if d.get("reachable") is False}


def _unprobed(rule_type: str, dataset: Dataset, ctx: Context, outcome: Outcome) -> Outcome:
    """A failure on a dataset whose host nobody looked at is unknown, not "no copies".

    The collection-issues rule keeps its verdict (a changed host key is itself an alarm).
    """
    if not ctx.not_probed:
        return outcome
    reason = ctx.not_probed.get(dataset.primary.asset)
    if reason is None or outcome.status is not Status.FAIL or rule_type == "collection-issues":
        return outcome
    return Outcome(Status.UNKNOWN, f"not probed: {reason}; from declared facts only: "
                   f"{outcome.message}", outcome.shared, outcome.evidence,
                   (*outcome.unknowns, f"{dataset.primary.asset}: not probed: {reason}"))


Group = tuple[int, int, str]
"""Findings that ``sort_key`` orders by dataset and policy alone: status, severity, rule id."""


def evaluate(snapshot: Snapshot, policies: Sequence[Policy], now: datetime,
             progress: Callable[[int], None] | None = None,
             explain_passes: bool = True, jobs: Jobs | int | None = None) -> AuditResult:
    """Apply every rule of every policy to every dataset its selector matches.

    ``progress`` (if given) is told, every ``PROGRESS_STEP`` datasets, how many rule checks
    were made; it cannot change the result. Findings come in ``sort_key`` order.
    ``explain_passes=False`` (see ``Context``) lets passing findings go without message and
    evidence, for a caller whose reports never read them. ``jobs``: processes to share the
    datasets over (``forked``; None: ``jobs_wanted()``; a number: chosen by the caller);
    the result is the same for any.
    """
    ctx = Context(now=now, issues=issues_by_subject(snapshot.issues),
                  not_probed=not_probed(snapshot), explain_passes=explain_passes)
    groups: dict[Group, list[Finding]] = {}
    with paused_gc():
        rules = _bind(policies, groups)
        tallies = _judge_all(snapshot.datasets, rules, ctx, progress, _jobs(jobs))
        ordered = in_order(groups, _in_order_already(snapshot.datasets, rules))
        scores = (dataset_scores(snapshot.datasets, ordered) if tallies is None
                  else tallies.scores(snapshot.datasets))
    return AuditResult(
        evaluated_at=format_time(now),
        findings=tuple(ordered),
        scores=scores,
        score=estate_score(scores),
        snapshot=snapshot,
        policies=tuple(p.name for p in policies),
    )


def _jobs(jobs: Jobs | int | None) -> Jobs:
    """``evaluate``'s ``jobs`` as ``Jobs``: a bare number is the caller's choice."""
    if jobs is None:
        return jobs_wanted()
    return Jobs(jobs, True) if isinstance(jobs, int) else jobs


def in_order(groups: Mapping[Group, list[Finding]],
             sorted_already: Callable[[Group], bool] = lambda _key: False) -> list[Finding]:
    """The findings of every group in ``sort_key`` order (each group is sorted in place,
    unless ``sorted_already`` says its findings came in order).

    Within a group the rest of the key is (dataset, policy): sorting there needs no key
    tuple per finding, and the sort being stable keeps the engine's order on ties.
    """
    out: list[Finding] = []
    by_name = attrgetter("dataset", "policy")
    for key in sorted(groups):
        found = groups[key]
        if not sorted_already(key):
            found.sort(key=by_name)
        out += found
    return out


def _in_order_already(datasets: Sequence[Dataset], rules: list[_Bound]) -> Callable[
        [Group], bool]:
    """Which groups the engine filed in (dataset, policy) order: those one rule alone files
    into, when the datasets come in name order (findings are filed dataset by dataset)."""
    names = [d.name for d in datasets]
    if any(a >= b for a, b in pairwise(names)):
        return lambda _key: False
    filers = Counter((-b.severity.rank, b.rule_id) for b in rules)
    return lambda key: filers[key[1:]] == 1


class _Bound(NamedTuple):
    """A rule ready to judge datasets: its type and bound parameters, what every finding of
    it repeats, and the lists its findings are filed in (by status)."""

    rule_type: RuleType[Any]
    params: object
    alike: tuple[str, object] | None  # shared with another rule: judged once per dataset
    every: bool  # the selector selects every dataset
    matches: Callable[[str, Mapping[str, str], str], bool]
    kind: str
    policy: str
    rule_id: str
    severity: Severity
    title: str
    controls: Mapping[str, tuple[str, ...]]
    filed: dict[Status, list[Finding]]
    same: dict[object, Any]  # one object per distinct message or unknowns (memory)


def _bind(policies: Sequence[Policy], groups: dict[Group, list[Finding]]) -> list[_Bound]:
    """Every rule of every policy, bound, in policy order; a (rule type, parameters) pair
    that more than one rule shares (``separation`` by campus is in two built-in packs) is
    marked, as a dataset's outcome is the same for all of them."""
    bound = []
    for policy in policies:
        for rule in policy.rules:
            rule_type = get(rule.type)
            params = rule_type.bind(rule.params)
            rank = -rule.severity.rank
            filed = {status: groups.setdefault((order, rank, rule.id), [])
                     for status, order in STATUS_ORDER.items()}
            bound.append(_Bound(rule_type, params, _alike_key(rule.type, params),
                                rule.selector == Selector(), rule.selector.matches, rule.type,
                                policy.name, rule.id, rule.severity, rule.title,
                                rule.controls, filed, {}))
    keys = Counter(b.alike for b in bound)
    return [b if b.alike is not None and keys[b.alike] > 1 else b._replace(alike=None)
            for b in bound]


def _alike_key(rule_type: str, params: object) -> tuple[str, object] | None:
    """A rule's type and bound parameters as one key; None when those cannot be hashed."""
    key = (rule_type, params)
    try:
        hash(key)
    except TypeError:
        return None
    return key


PROGRESS_STEP = 1000
"""Datasets judged between two progress reports."""


MIN_SHARE = 1000
"""Datasets a forked worker judges at least: a smaller share costs more than it saves."""

LEAD = 0.15
"""How much more the parent's share weighs than a worker's: a worker also folds its share's
scores and hands its findings over (timed in-process at 10k: about 15% of judging them),
while the parent waits for it; the parent's own refiling comes after, whatever the shares."""


def _judge_all(datasets: Sequence[Dataset], rules: list[_Bound], ctx: Context,
               progress: Callable[[int], None] | None, jobs: Jobs) -> Tallies | None:
    """``_judge`` on every dataset, shared over ``jobs`` processes when there are enough
    datasets (``forked``): the first share here, the others in forked workers whose findings
    are filed after it, in share order, so the lists are those of one process. Shared, the
    scores' tallies are folded per share too (each worker its own) and returned; None when
    ``dataset_scores`` is to fold the findings instead."""
    parts = (shares(len(datasets), affordable(jobs), MIN_SHARE, LEAD)
             if jobs.number > 1 and len(datasets) >= 2 * MIN_SHARE and can_fork()
             else [range(len(datasets))])
    if len(parts) == 1:
        _judge(datasets, rules, ctx, progress)
        return None

    def work(share: range) -> object:
        mine = datasets[share.start:share.stop]
        _judge(mine, rules, ctx, None, entry_maker(mine))
        tallied = Tallies(d.name for d in mine)
        fold_filed(rules, tallied, mine)
        return handed_over(rules), tallied.export()

    log.info("judging %d datasets in %d processes (shares of %s)", len(datasets), len(parts),
             ", ".join(str(len(p)) for p in parts))
    with forked(parts[1:], work) as results:
        first = parts[0]
        _judge(datasets[first.start:first.stop], rules, ctx, progress)
        own = Tallies(d.name for d in datasets)
        fold_filed(rules, own)  # nothing but the first share is filed yet
        tallies: Tallies | None = own
        for share, handed in zip(parts[1:], results(), strict=True):
            if handed is None:
                log.warning("an evaluation worker ended without its result: its %d datasets "
                            "are judged in this process", len(share))
                _judge(datasets[share.start:share.stop], rules, ctx, progress)
                tallies = None  # its findings are filed among the others: folded at the end
                continue
            found, tallied = handed
            refile(rules, found, datasets[share.start:share.stop])
            if tallies is not None:
                tallies.absorb(tallied)
            if progress is not None:
                progress(len(share) * len(rules))
    return tallies


def _judge(datasets: Sequence[Dataset], rules: list[_Bound], ctx: Context,
           progress: Callable[[int], None] | None, make: Callable[..., Any] = new_finding,
           ) -> None:
    """Every rule on each dataset in turn, the findings filed under their ``Group``.

    Dataset by dataset, not rule by rule: what several rules read of one dataset (its
    copies' relations, ages) is still at hand for the next rule, in memory and in cache.
    ``make`` makes what is filed from ``new_finding``'s arguments (a worker files
    ``handover`` entries)."""
    blind = bool(ctx.not_probed)  # some asset was not probed: failures there are unknown
    alike: dict[tuple[str, object], Outcome] = {}
    for done, dataset in enumerate(datasets, 1):
        name = dataset.name
        alike.clear()
        for (rule_type, params, key, every, matches, kind, policy, rule_id, severity, title,
             controls, filed, same) in rules:
            if not (every or matches(name, dataset.labels, dataset.criticality)):
                continue
            outcome = None if key is None else alike.get(key)
            if outcome is None:
                outcome = rule_type.judge(dataset, params, ctx)
                if blind:
                    outcome = _unprobed(kind, dataset, ctx, outcome)
                if key is not None:
                    alike[key] = outcome
            status, message, unknowns = outcome.status, outcome.message, outcome.unknowns
            filed[status].append(make(rule_id, kind, policy, name, status, severity, title,
                                      same.setdefault(message, message), outcome.shared,
                                      outcome.evidence, same.setdefault(unknowns, unknowns),
                                      controls))
        if progress is not None and done % PROGRESS_STEP == 0:
            progress(PROGRESS_STEP * len(rules))
    if progress is not None and len(datasets) % PROGRESS_STEP:
        progress(len(datasets) % PROGRESS_STEP * len(rules))
