"""The audit pipeline, stage by stage: estate → (probes) → snapshot → evaluator → result.

The CLI and the importers call these functions; each stage can also be run on its own
(``drcheck validate``, ``drcheck probe``, ``drcheck audit --facts``).
"""

from __future__ import annotations

import logging
from collections.abc import Sequence
from datetime import datetime

from drcheck.evaluate.engine import evaluate
from drcheck.evaluate.policy import Policy
from drcheck.inputs.baselines import new_findings
from drcheck.shared.errors import ExitCode, UsageError
from drcheck.shared.forked import Jobs
from drcheck.shared.model import AuditResult, Severity, Snapshot, Status
from drcheck.shared.progress import Progress

log = logging.getLogger("drcheck.cli.pipeline")


def run_audit(snapshot: Snapshot, policies: Sequence[Policy], now: datetime,
              explain_passes: bool = True, jobs: Jobs | None = None) -> AuditResult:
    """Evaluate; the result is a pure function of the arguments (progress goes to stderr).
    ``explain_passes=False``: passes may go without message and evidence; ``jobs``: the
    processes to share the datasets over (``evaluate``)."""
    checks = sum(len(p.rules) for p in policies) * len(snapshot.datasets)
    progress = Progress("evaluate", checks, "rule checks")
    result = evaluate(snapshot, policies, now, progress.advance, explain_passes, jobs)
    progress.done()
    log.info("evaluated %d rule checks: %d finding(s), score %d", checks,
             len(result.findings), result.score)
    return result


def require_evaluated(result: AuditResult, source: str) -> None:
    """Refuse (exit 2) an audit that evaluated nothing: a gate that checked no dataset must
    not pass. ``source`` names the input (``plan.json``, ``estate.yaml``)."""
    datasets = result.snapshot.datasets
    if not datasets:
        raise UsageError(
            f"nothing to evaluate: {source} yields no dataset",
            hint="an importer infers datasets from replication, backup plans and read "
            "replicas; add the others with --mapping FILE (see docs/importers.md)")
    if not result.findings:
        raise UsageError(
            f"nothing to evaluate: no rule of {', '.join(result.policies) or 'no policy'} "
            f"selects any of the {len(datasets)} dataset(s) of {source}",
            hint="check the rules' selectors (labels, criticality) against the datasets")


def exit_code(result: AuditResult, fail_on: Severity) -> ExitCode:
    """1 if a failure at or above ``fail_on``; else 3 if an unknown at or above it; else 0.

    Waived findings never gate; with a baseline, only findings it does not accept do.
    """
    gating = [f for f in new_findings(result) if f.severity.rank >= fail_on.rank]
    if any(f.status is Status.FAIL for f in gating):
        return ExitCode.FINDINGS
    if any(f.status is Status.UNKNOWN for f in gating):
        return ExitCode.INCOMPLETE
    return ExitCode.OK
