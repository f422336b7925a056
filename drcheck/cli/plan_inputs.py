"""``drcheck audit --plan``: a Terraform plan as the estate, a state file as the baseline.

The plan is imported (never probed: planned resources may not exist yet) and audited like
any estate; with ``--baseline-state`` the state is audited too and its failing findings
become the baseline, so only what the change makes worse gates the merge and what it fixes
is reported as fixed.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from pathlib import Path

from drcheck.cli.pipeline import run_audit
from drcheck.evaluate.policy import Policy
from drcheck.inputs.baselines import gating
from drcheck.shared.errors import UsageError
from drcheck.shared.model import Finding, Snapshot


def plan_snapshot(plan: Path, mapping: Path | None, when: datetime) -> Snapshot:
    """The facts snapshot of the state a plan would leave once applied."""
    from drcheck.facts.assemble import build_snapshot  # only a plan audit assembles here
    from drcheck.importers.terraform import import_terraform

    imported = import_terraform(plan, mapping, expect="plan")
    return build_snapshot(imported.estate, [], when)


def state_baseline(plan: Path, state: Path, mapping: Path | None, policies: Sequence[Policy],
                   when: datetime) -> tuple[str, tuple[Finding, ...]]:
    """The failing and unknown findings of the current state, as a baseline."""
    from drcheck.facts.assemble import build_snapshot
    from drcheck.importers.terraform import import_terraform

    before = import_terraform(state, mapping, config=plan, expect="state", strict=False)
    result = run_audit(build_snapshot(before.estate, [], when), policies, when)
    return f"state {state}", tuple(gating(result.findings))


def check_plan_options(estate: Path | None, facts: Path | None, plan: Path | None,
                       baseline_state: Path | None, baseline: Path | None) -> None:
    """Exactly one input; ``--baseline-state`` only with ``--plan`` and not with a baseline."""
    if sum(x is not None for x in (estate, facts, plan)) != 1:
        raise UsageError("give exactly one of: ESTATE, --facts FILE, --plan PLAN.json")
    if baseline_state is not None and plan is None:
        raise UsageError("--baseline-state needs --plan")
    if baseline_state is not None and baseline is not None:
        raise UsageError("--baseline-state and --baseline both set the baseline; give one")
