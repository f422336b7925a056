"""The evaluator: (snapshot, policies, now) → findings and scores. Pure and deterministic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from drcheck.evaluate.base import Context, Outcome
from drcheck.evaluate.gcpause import paused_gc
from drcheck.evaluate.policy import Policy, Rule, Selector
from drcheck.evaluate.registry import get
from drcheck.evaluate.scoring import dataset_scores, estate_score
from drcheck.inputs.durations import format_time
from drcheck.shared.ids import fingerprinter
from drcheck.shared.model import AuditResult, Dataset, Finding, ProbeIssue, Snapshot, Status

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


def evaluate(snapshot: Snapshot, policies: Sequence[Policy], now: datetime,
             progress: Callable[[int], None] | None = None) -> AuditResult:
    """Apply every rule of every policy to every dataset its selector matches.

    ``progress`` (if given) is told after each rule how many datasets it went through; it
    cannot change the result.
    """
    ctx = Context(now=now, issues=issues_by_subject(snapshot.issues),
                  not_probed=not_probed(snapshot))
    rows: list[tuple[int, int, str, str, str, int]] = []
    findings: list[Finding] = []
    with paused_gc():
        judged: dict[tuple[str, object], dict[int, Outcome]] = {}
        for policy in policies:
            for rule in policy.rules:
                _apply(policy, rule, snapshot.datasets, ctx, judged, findings, rows)
                if progress is not None:
                    progress(len(snapshot.datasets))
        rows.sort()
        ordered = [findings[row[-1]] for row in rows]
        scores = dataset_scores(snapshot.datasets, ordered)
    return AuditResult(
        evaluated_at=format_time(now),
        findings=tuple(ordered),
        scores=scores,
        score=estate_score(scores),
        snapshot=snapshot,
        policies=tuple(p.name for p in policies),
    )


def _apply(policy: Policy, rule: Rule, datasets: Sequence[Dataset], ctx: Context,
           judged: dict[tuple[str, object], dict[int, Outcome]], findings: list[Finding],
           rows: list[tuple[int, int, str, str, str, int]]) -> None:
    """One rule over every dataset it selects: findings, and their ``sort_key`` rows.

    Two rules of one type with equal parameters (``separation`` by campus is in two
    built-in packs) give the same outcome for a dataset: it is judged once, in ``judged``.
    """
    rule_type = get(rule.type)
    params = rule_type.bind(rule.params)
    try:
        seen = judged.setdefault((rule.type, params), {})
    except TypeError:  # parameters that cannot be hashed are simply not shared
        seen = {}
    every = rule.selector == Selector()
    matches = rule.selector.matches
    name, rule_id, kind, severity = policy.name, rule.id, rule.type, rule.severity
    title, controls, rank = rule.title, rule.controls, -severity.rank
    prints = fingerprinter(name, rule_id)
    for index, dataset in enumerate(datasets):
        if not (every or matches(dataset.name, dataset.labels, dataset.criticality)):
            continue
        outcome = seen.get(index)
        if outcome is None:
            outcome = seen[index] = _unprobed(kind, dataset, ctx,
                                              rule_type.judge(dataset, params, ctx))
        status = outcome.status
        rows.append((STATUS_ORDER[status], rank, rule_id, dataset.name, name, len(findings)))
        findings.append(Finding(rule_id, kind, name, dataset.name, status, severity, title,
                                outcome.message, prints(dataset.name), outcome.shared,
                                outcome.evidence, outcome.unknowns, controls))
