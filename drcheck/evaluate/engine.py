"""The evaluator: (snapshot, policies, now) → findings and scores. Pure and deterministic."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from datetime import datetime

from drcheck.evaluate.base import Context, Outcome
from drcheck.evaluate.policy import Policy, Rule
from drcheck.evaluate.registry import get
from drcheck.evaluate.scoring import dataset_scores, estate_score
from drcheck.inputs.durations import format_time
from drcheck.shared.gcpause import paused_gc
from drcheck.shared.ids import fingerprint
from drcheck.shared.model import AuditResult, Dataset, Finding, ProbeIssue, Snapshot, Status

STATUS_ORDER = {Status.FAIL: 0, Status.UNKNOWN: 1, Status.WAIVED: 2, Status.PASS: 3}


def _finding(policy: Policy, rule: Rule, dataset: Dataset, outcome: Outcome) -> Finding:
    return Finding(
        rule_id=rule.id,
        rule_type=rule.type,
        policy=policy.name,
        dataset=dataset.name,
        status=outcome.status,
        severity=rule.severity,
        title=rule.title,
        message=outcome.message,
        fingerprint=fingerprint(policy.name, rule.id, dataset.name),
        shared=outcome.shared,
        evidence=outcome.evidence,
        unknowns=outcome.unknowns,
        controls=rule.controls,
    )


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
    findings: list[Finding] = []
    with paused_gc():
        for policy in policies:
            for rule in policy.rules:
                rule_type = get(rule.type)
                params = rule_type.bind(rule.params)
                for dataset in snapshot.datasets:
                    if rule.selector.matches(dataset.name, dataset.labels, dataset.criticality):
                        outcome = _unprobed(rule.type, dataset, ctx,
                                            rule_type.judge(dataset, params, ctx))
                        findings.append(_finding(policy, rule, dataset, outcome))
                if progress is not None:
                    progress(len(snapshot.datasets))
        findings.sort(key=sort_key)
        scores = dataset_scores(snapshot.datasets, findings)
    return AuditResult(
        evaluated_at=format_time(now),
        findings=tuple(findings),
        scores=scores,
        score=estate_score(scores),
        snapshot=snapshot,
        policies=tuple(p.name for p in policies),
    )
