"""History keyed by estate (several estates in one database; old databases migrated) and
audits that evaluated nothing refused (exit 2), never passed."""

from __future__ import annotations

import json
import sqlite3
from pathlib import Path

from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.report.history import audits, diff

ROOT = Path(__file__).resolve().parents[2]
OVH = str(ROOT / "examples" / "ovh-sbg2" / "estate.yaml")
GEO = str(ROOT / "examples" / "georedundant" / "estate.yaml")
NOW = ["--now", "2026-11-23T06:00:00Z", "--offline"]
OLD_SCHEMA = """
CREATE TABLE audits (id INTEGER PRIMARY KEY AUTOINCREMENT, evaluated_at TEXT NOT NULL,
    score INTEGER NOT NULL, policies TEXT NOT NULL, facts_digest TEXT NOT NULL,
    failed INTEGER NOT NULL, unknown INTEGER NOT NULL, waived INTEGER NOT NULL,
    passed INTEGER NOT NULL);
CREATE TABLE findings (audit_id INTEGER NOT NULL REFERENCES audits(id),
    fingerprint TEXT NOT NULL, policy TEXT NOT NULL, rule_id TEXT NOT NULL,
    dataset TEXT NOT NULL, status TEXT NOT NULL, severity TEXT NOT NULL);
"""


def _audit(*args: str) -> int:
    return CliRunner().invoke(app, ["audit", *args, *NOW]).exit_code


def test_a_second_estate_does_not_fix_the_first_ones_findings(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    assert _audit(OVH, "--history", str(db)) == 1
    assert _audit(GEO, "--history", str(db)) == 0
    change = diff(db)
    assert change is None  # georedundant has one audit: nothing to compare it with
    assert _audit(OVH, "--history", str(db)) == 1
    again = diff(db)
    assert again is not None and (again.before.id, again.after.id) == (1, 3)
    assert again.new == () and again.fixed == ()
    assert [r.estate for r in audits(db)] == ["ovh-sbg2", "georedundant", "ovh-sbg2"]
    shown = CliRunner().invoke(app, ["history", str(db)])
    assert shown.exit_code == 0
    assert "since audit #1 of ovh-sbg2 (2026-11-23T06:00:00Z): score 40 → 40" in shown.stdout
    assert "fixed: none" in shown.stdout and "DR-SBG2-01" not in shown.stdout
    doc = json.loads(CliRunner().invoke(app, ["history", str(db), "-f", "json"]).stdout)
    assert doc["fixed"] == [] and doc["new"] == []
    assert [c["estate"] for c in doc["changes"]] == ["ovh-sbg2"]
    only = CliRunner().invoke(app, ["history", str(db), "--estate", "georedundant"])
    assert "ovh-sbg2" not in only.stdout and "100" in only.stdout


def test_an_old_database_is_migrated_in_place(tmp_path: Path) -> None:
    db = tmp_path / "old.db"
    with sqlite3.connect(db) as conn:
        conn.executescript(OLD_SCHEMA)
        conn.execute("INSERT INTO audits VALUES (1, '2026-11-01T00:00:00Z', 40, 'sbg2', 'x', "
                     "2, 0, 0, 3)")
        conn.execute("INSERT INTO findings VALUES (1, 'f1', 'sbg2', 'DR-SBG2-01', "
                     "'customer-db', 'fail', 'critical')")
    conn.close()
    assert _audit(GEO, "--history", str(db)) == 0
    rows = audits(db)
    assert [(r.id, r.estate) for r in rows] == [(1, ""), (2, "georedundant")]
    assert diff(db) is None  # the unnamed old audit is not georedundant's predecessor
    assert CliRunner().invoke(app, ["history", str(db)]).exit_code == 0


EMPTY_PLAN = {
    # the shape of `terraform show -json tfplan` (format 1.2): one new bucket, no
    # replication, backup plan or replica, so no dataset can be inferred
    "format_version": "1.2", "terraform_version": "1.9.8",
    "planned_values": {"root_module": {"resources": [{
        "address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket",
        "name": "logs", "provider_name": "registry.terraform.io/hashicorp/aws",
        "schema_version": 0, "values": {"bucket": "acme-logs", "force_destroy": False},
        "sensitive_values": {}}]}},
    "resource_changes": [{
        "address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket",
        "name": "logs", "provider_name": "registry.terraform.io/hashicorp/aws",
        "change": {"actions": ["create"], "before": None,
                   "after": {"bucket": "acme-logs", "force_destroy": False},
                   "after_unknown": {"arn": True, "id": True, "region": True},
                   "before_sensitive": False, "after_sensitive": {}}}],
    "configuration": {"provider_config": {"aws": {
        "name": "aws", "full_name": "registry.terraform.io/hashicorp/aws",
        "expressions": {"region": {"constant_value": "eu-west-3"}}}},
        "root_module": {"resources": [{
            "address": "aws_s3_bucket.logs", "mode": "managed", "type": "aws_s3_bucket",
            "name": "logs", "provider_config_key": "aws",
            "expressions": {"bucket": {"constant_value": "acme-logs"}},
            "schema_version": 0}]}},
    "timestamp": "2026-11-23T06:00:00Z", "applyable": True, "complete": True, "errored": False,
}


def test_a_plan_with_nothing_to_evaluate_is_refused(tmp_path: Path) -> None:
    plan = tmp_path / "plan.json"
    plan.write_text(json.dumps(EMPTY_PLAN))
    for args in (["audit", "--plan", str(plan)], ["audit-plan", str(plan)]):
        result = CliRunner().invoke(app, [*args, "--now", "2026-11-23T06:00:00Z"])
        assert result.exit_code == 2, (args, result.stdout, result.stderr)
        assert f"error: nothing to evaluate: {plan} yields no dataset" in result.stderr
        assert "--mapping" in result.stderr and result.stdout == ""


def test_a_policy_that_selects_no_dataset_is_refused(tmp_path: Path) -> None:
    policy = tmp_path / "policy.yaml"
    policy.write_text("apiVersion: drcheck/v1\nkind: Policy\nmetadata: {name: none}\nrules:\n"
                      "  - id: X-01\n    type: separation\n    severity: high\n"
                      "    selector: {labels: {tier: platinum}}\n"
                      "    params: {kinds: [campus]}\n")
    result = CliRunner().invoke(app, ["audit", OVH, "-p", str(policy), *NOW])
    assert result.exit_code == 2
    assert ("nothing to evaluate: no rule of none selects any of the 1 dataset(s)"
            in result.stderr)
