"""What a change makes worse or better: the pure diff, and the example plan end to end."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path

from drcheck.cli.plan_audit import audit_plan
from drcheck.evaluate.policy import resolve_policies
from drcheck.report.plan_diff import (
    diff_exit_code,
    diff_findings,
    render_json,
    render_text,
)
from drcheck.shared.errors import ExitCode
from drcheck.shared.model import Finding, Severity, Status

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def _f(rule: str, dataset: str, status: Status, severity: Severity = Severity.HIGH) -> Finding:
    return Finding(rule_id=rule, rule_type="separation", policy="p", dataset=dataset,
                   status=status, severity=severity, title=f"title {rule}",
                   message=f"{rule} on {dataset} is {status.value}")


def test_new_failure_is_worse_and_fixed_failure_is_better() -> None:
    base = [_f("R1", "a", Status.PASS), _f("R2", "a", Status.FAIL), _f("R3", "a", Status.FAIL)]
    head = [_f("R1", "a", Status.FAIL), _f("R2", "a", Status.PASS), _f("R3", "a", Status.FAIL)]
    diff = diff_findings(base, head)
    assert [(c.finding.rule_id, c.finding.status, c.was) for c in diff.worse] == [
        ("R1", Status.FAIL, Status.PASS)]
    assert [(c.finding.rule_id, c.finding.status, c.was) for c in diff.better] == [
        ("R2", Status.PASS, Status.FAIL)]
    assert [f.rule_id for f in diff.unchanged] == ["R3"]


def test_status_transitions_are_ranked() -> None:
    base = [_f("R1", "a", Status.UNKNOWN), _f("R2", "a", Status.FAIL)]
    head = [_f("R1", "a", Status.FAIL), _f("R2", "a", Status.UNKNOWN)]
    diff = diff_findings(base, head)
    assert [(c.finding.rule_id, c.was) for c in diff.worse] == [("R1", Status.UNKNOWN)]
    assert [(c.finding.rule_id, c.was) for c in diff.better] == [("R2", Status.FAIL)]


def test_new_and_vanished_datasets() -> None:
    diff = diff_findings([_f("R1", "gone", Status.FAIL)], [_f("R1", "new", Status.UNKNOWN)])
    assert [(c.finding.dataset, c.was) for c in diff.worse] == [("new", None)]
    assert [(c.finding.dataset, c.was) for c in diff.better] == [("gone", Status.FAIL)]


def test_exit_code_gates_only_on_what_got_worse() -> None:
    unchanged = diff_findings([_f("R1", "a", Status.FAIL)], [_f("R1", "a", Status.FAIL)])
    assert diff_exit_code(unchanged, Severity.LOW) is ExitCode.OK
    worse = diff_findings([], [_f("R1", "a", Status.FAIL, Severity.MEDIUM)])
    assert diff_exit_code(worse, Severity.LOW) is ExitCode.FINDINGS
    assert diff_exit_code(worse, Severity.HIGH) is ExitCode.OK
    unknown = diff_findings([], [_f("R1", "a", Status.UNKNOWN)])
    assert diff_exit_code(unknown, Severity.LOW) is ExitCode.INCOMPLETE


def test_renderings() -> None:
    diff = diff_findings([_f("R2", "b", Status.FAIL)], [_f("R1", "a", Status.FAIL)])
    text = render_text(diff)
    assert text.startswith("drcheck: this change makes 1 finding(s) worse and 1 better")
    assert "  FAIL [high] R1 on a (new)\n" in text
    assert "### Worse" in render_text(diff, markdown=True)
    doc = json.loads(render_json(diff))
    assert doc["schema_version"] == 1
    assert [w["rule_id"] for w in doc["worse"]] == ["R1"]
    assert [b["was"] for b in doc["better"]] == ["fail"]


def test_example_plan_diff_is_one_new_finding_naming_the_address(examples: Path) -> None:
    policies = resolve_policies([str(examples / "policy.yaml")])
    done = audit_plan(examples / "plan.json", policies, NOW,
                      baseline_state=examples / "state.json")
    assert done.diff is not None
    (change,) = done.diff.worse
    assert change.finding.rule_id == "PLAN-01" and change.finding.status is Status.FAIL
    assert change.was is Status.PASS
    assert "aws_s3_bucket.replica_sbg" in change.finding.message
    assert change.finding.dataset == "aws_s3_bucket.backups"
    assert done.diff.better == ()
    assert diff_exit_code(done.diff, Severity.LOW) is ExitCode.FINDINGS


def test_plan_alone_fails_on_the_campus(examples: Path) -> None:
    done = audit_plan(examples / "plan.json", resolve_policies([]), NOW)
    failing = [f for f in done.result.findings if f.status is Status.FAIL]
    assert any("campus ovh-sbg" in f.message and "aws_s3_bucket.replica_sbg" in f.message
               for f in failing)
    assert done.diff is None and done.baseline is None


def test_prior_state_baseline_gives_the_same_diff(examples: Path) -> None:
    policies = resolve_policies([str(examples / "policy.yaml")])
    done = audit_plan(examples / "plan.json", policies, NOW, baseline_prior=True)
    assert done.diff is not None
    assert [(c.finding.rule_id, c.was) for c in done.diff.worse] == [("PLAN-01", Status.PASS)]
    assert done.diff.better == ()


def test_a_plan_without_datasets_says_so(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text('{"format_version": "1.2", "resource_changes": []}')
    done = audit_plan(plan, resolve_policies([]), NOW)
    assert done.result.findings == ()
    assert "nothing is gated" in done.notes[-1]


def test_an_endpoint_known_only_at_apply_makes_the_verdict_unknown(tmp_path: Path,
                                                                  examples: Path) -> None:
    plan = json.loads((examples / "plan.json").read_text())
    provider = plan["configuration"]["provider_config"]["aws.ovh_sbg"]
    provider["expressions"]["endpoints"] = [{"s3": {"references": ["var.s3_endpoint"]}}]
    (tmp_path / "plan.json").write_text(json.dumps(plan))
    policies = resolve_policies([str(examples / "policy.yaml")])
    done = audit_plan(tmp_path / "plan.json", policies, NOW)
    verdicts = {f.rule_id: f.status for f in done.result.findings}
    assert verdicts["PLAN-01"] is Status.UNKNOWN
    assert any("S3 endpoint is not a constant" in n for n in done.notes)
