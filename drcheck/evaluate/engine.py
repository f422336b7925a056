"""The evaluator: (snapshot, policies, now) → findings and scores. Pure and deterministic."""

from __future__ import annotations

from collections.abc import Callable, Mapping, Sequence
from datetime import datetime
from operator import attrgetter
from typing import Any

from drcheck.evaluate.base import Context, Outcome
from drcheck.evaluate.policy import Policy, Rule, Selector
from drcheck.evaluate.registry import get
from drcheck.evaluate.scoring import dataset_scores, estate_score
from drcheck.inputs.durations import format_time
from drcheck.shared.gcpause import paused_gc
from drcheck.shared.model import (
    AuditResult,
    Dataset,
    Finding,
    ProbeIssue,
    Snapshot,
    Status,
    new_finding,
)

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
             explain_passes: bool = True) -> AuditResult:
    """Apply every rule of every policy to every dataset its selector matches.

    ``progress`` (if given) is told after each rule how many datasets it went through; it
    cannot change the result. Findings come in ``sort_key`` order. ``explain_passes=False``
    (see ``Context``) lets passing findings go without message and evidence, for a caller
    whose reports never read them.
    """
    ctx = Context(now=now, issues=issues_by_subject(snapshot.issues),
                  not_probed=not_probed(snapshot), explain_passes=explain_passes)
    groups: dict[Group, list[Finding]] = {}
    with paused_gc():
        shared = _judged_alike(policies)
        for policy in policies:
            for rule in policy.rules:
                _apply(policy, rule, snapshot.datasets, ctx, shared, groups)
                if progress is not None:
                    progress(len(snapshot.datasets))
        ordered = in_order(groups)
        scores = dataset_scores(snapshot.datasets, ordered)
    return AuditResult(
        evaluated_at=format_time(now),
        findings=tuple(ordered),
        scores=scores,
        score=estate_score(scores),
        snapshot=snapshot,
        policies=tuple(p.name for p in policies),
    )


def in_order(groups: Mapping[Group, list[Finding]]) -> list[Finding]:
    """The findings of every group in ``sort_key`` order (each group is sorted in place).

    Within a group the rest of the key is (dataset, policy): sorting there needs no key
    tuple per finding, and the sort being stable keeps the engine's order on ties.
    """
    out: list[Finding] = []
    by_name = attrgetter("dataset", "policy")
    for key in sorted(groups):
        found = groups[key]
        found.sort(key=by_name)
        out += found
    return out


def _judged_alike(policies: Sequence[Policy]) -> dict[tuple[str, object], dict[int, Outcome]]:
    """A memo for each (rule type, parameters) that more than one rule shares (``separation``
    by campus is in two built-in packs): a dataset's outcome is the same for all of them."""
    keys: dict[tuple[str, object], int] = {}
    for policy in policies:
        for rule in policy.rules:
            key = _alike_key(rule.type, get(rule.type).bind(rule.params))
            if key is not None:
                keys[key] = keys.get(key, 0) + 1
    return {key: {} for key, count in keys.items() if count > 1}


def _alike_key(rule_type: str, params: object) -> tuple[str, object] | None:
    """A rule's type and bound parameters as one key; None when those cannot be hashed."""
    key = (rule_type, params)
    try:
        hash(key)
    except TypeError:
        return None
    return key


def _apply(policy: Policy, rule: Rule, datasets: Sequence[Dataset], ctx: Context,
           shared: dict[tuple[str, object], dict[int, Outcome]],
           groups: dict[Group, list[Finding]]) -> None:
    """One rule over every dataset it selects, its findings filed under their ``Group``."""
    rule_type = get(rule.type)
    params = rule_type.bind(rule.params)
    key = _alike_key(rule.type, params)
    seen = None if key is None else shared.get(key)
    every = rule.selector == Selector()
    matches = rule.selector.matches
    name, rule_id, kind, severity = policy.name, rule.id, rule.type, rule.severity
    title, controls, rank = rule.title, rule.controls, -severity.rank
    filed = {status: groups.setdefault((order, rank, rule_id), [])
             for status, order in STATUS_ORDER.items()}
    same: dict[object, Any] = {}  # one object per distinct message or unknowns (memory)
    blind = bool(ctx.not_probed)  # some asset was not probed: failures there are unknown
    for index, dataset in enumerate(datasets):
        if not (every or matches(dataset.name, dataset.labels, dataset.criticality)):
            continue
        outcome = None if seen is None else seen.get(index)
        if outcome is None:
            outcome = rule_type.judge(dataset, params, ctx)
            if blind:
                outcome = _unprobed(kind, dataset, ctx, outcome)
            if seen is not None:
                seen[index] = outcome
        status, message, unknowns = outcome.status, outcome.message, outcome.unknowns
        filed[status].append(new_finding(rule_id, kind, name, dataset.name, status, severity,
                                     title, same.setdefault(message, message),
                                     outcome.shared, outcome.evidence,
                                     same.setdefault(unknowns, unknowns), controls))
