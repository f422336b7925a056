"""Audit a Terraform plan, and compare it with the current state: the merge-request gate.

``audit_plan`` evaluates the estate the plan would leave (no probe runs: planned resources
may not exist yet); with a baseline state it also evaluates the state, read through the
plan's provider configuration, and diffs the two sets of findings.
"""

from __future__ import annotations

import os
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

from drcheck.cli.pipeline import run_audit
from drcheck.evaluate.policy import Policy
from drcheck.facts.assemble import build_snapshot
from drcheck.importers.terraform import import_prior_state, import_terraform
from drcheck.report.plan_diff import FindingDiff, diff_findings
from drcheck.shared.model import AuditResult

PathLike = str | os.PathLike[str]


@dataclass(frozen=True)
class PlanAudit:
    """The plan's audit result, and the baseline's result and diff when one was given."""

    result: AuditResult
    notes: tuple[str, ...]
    baseline: AuditResult | None = None
    diff: FindingDiff | None = None


def audit_plan(plan: PathLike, policies: Sequence[Policy], now: datetime,
               mapping: PathLike | None = None, baseline_state: PathLike | None = None,
               baseline_prior: bool = False) -> PlanAudit:
    """Evaluate ``plan`` (and a baseline against it) under ``policies`` at ``now``.

    The baseline is ``baseline_state`` (state JSON, read through the plan's provider
    configuration) or, with ``baseline_prior``, the plan's own ``prior_state``.
    """
    head = import_terraform(plan, mapping, expect="plan")
    if not head.estate.datasets:
        head.notes.append("the plan yields no dataset, so nothing is gated: link primaries "
                          "and copies in a mapping file (-m)")
    result = run_audit(build_snapshot(head.estate, [], now), policies, now)
    if baseline_state is None and not baseline_prior:
        return PlanAudit(result, tuple(head.notes))
    if baseline_state is not None:
        base = import_terraform(baseline_state, mapping, config=plan, expect="state",
                                strict=False)
    else:
        base = import_prior_state(plan, mapping)
    before = run_audit(build_snapshot(base.estate, [], now), policies, now)
    notes = (*head.notes, *(f"baseline: {n}" for n in base.notes))
    return PlanAudit(result, notes, before, diff_findings(before.findings, result.findings))
