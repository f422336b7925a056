"""`drcheck audit --plan`: the Terraform example fails naming the resource; diff mode gates
only what the plan makes worse."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.report.result_reader import findings_of

TF = Path(__file__).resolve().parents[2] / "examples" / "terraform"
ARGS = ["audit", "--plan", str(TF / "plan.json"), "-p", str(TF / "policy.yaml"), "--now",
        "2026-11-23T06:00:00Z", "-f", "json"]


def test_plan_fails_naming_the_terraform_resource_address() -> None:
    result = CliRunner().invoke(app, ARGS)
    assert result.exit_code == 1, result.stderr
    failed = [f for f in findings_of(json.loads(result.stdout)) if f["status"] == "fail"]
    campus = next(f for f in failed if f["rule_id"] == "PLAN-01")
    assert campus["dataset"] == "aws_s3_bucket.backups"
    assert "aws_s3_bucket.replica_sbg" in campus["message"]
    assert "campus ovh-sbg" in campus["message"]


def test_baseline_state_gates_only_the_new_finding() -> None:
    result = CliRunner().invoke(app, [*ARGS, "--baseline-state", str(TF / "state.json")])
    assert result.exit_code == 1, result.stderr
    doc = json.loads(result.stdout)
    by_fp = {f["fingerprint"]: f["rule_id"] for f in findings_of(doc)}
    assert [by_fp[fp] for fp in doc["baseline"]["new"]] == ["PLAN-01"]
    assert [by_fp[fp] for fp in doc["baseline"]["accepted"]] == ["PLAN-03"]
    assert doc["baseline"]["fixed"] == []

def test_baseline_state_requires_plan() -> None:
    result = CliRunner().invoke(app, ["audit", str(TF / "estate.yaml"), "--baseline-state",
                                      str(TF / "state.json")])
    assert result.exit_code == 2 and "--baseline-state needs --plan" in result.stderr
