"""The import commands and audit-plan through the CLI: outputs, exit codes, clean errors."""

from __future__ import annotations

from pathlib import Path

from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.inputs.documents import parse_text
from drcheck.inputs.estate import parse_estate
from drcheck.inputs.estate_check import check_estate

NOW = ["--now", "2026-11-23T12:00:00Z"]


def _run(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(app, [str(a) for a in args])


def test_import_terraform_prints_a_valid_estate(fixtures: Path) -> None:
    result = _run("import", "terraform", fixtures / "plan_full.json")
    assert result.exit_code == 0, result.output
    doc = parse_text(result.stdout, "estate.yaml")
    assert check_estate(doc) == []
    assert "note: aws_s3_bucket.minio: custom S3 endpoint" in result.stderr
    assert result.stdout.startswith("# drcheck estate imported from")


def test_import_terraform_writes_the_output_file(tmp_path: Path, examples: Path) -> None:
    out = tmp_path / "estate.yaml"
    result = _run("import", "terraform", examples / "state.json", "--config",
                  examples / "plan.json", "-o", out)
    assert result.exit_code == 0, result.output
    assert result.stdout == ""
    estate = parse_estate(parse_text(out.read_text(), str(out)))
    assert {b.region for b in estate.buckets} == {"sbg", "gra"}


def test_bad_json_exits_2_with_file_and_no_traceback(tmp_path: Path) -> None:
    bad = tmp_path / "plan.json"
    bad.write_text('{"format_version": "1.2", "resource_changes": {"a": 1}}')
    result = _run("import", "terraform", bad)
    assert result.exit_code == 2
    assert f"error: {bad}: $.resource_changes: expected a list" in result.stderr
    assert "Traceback" not in result.output


def test_missing_file_exits_2(tmp_path: Path) -> None:
    result = _run("import", "terraform", tmp_path / "none.json")
    assert result.exit_code == 2 and "no such file" in result.stderr


def test_audit_plan_fails_on_the_example(examples: Path) -> None:
    result = _run("audit-plan", examples / "plan.json", "-p", examples / "policy.yaml", *NOW)
    assert result.exit_code == 1
    assert "PLAN-01" in result.stdout and "aws_s3_bucket.backups" in result.stdout


def test_audit_plan_diff_shows_one_worse_finding(examples: Path) -> None:
    result = _run("audit-plan", examples / "plan.json", "--baseline-state",
                  examples / "state.json", "-p", examples / "policy.yaml", "-f", "markdown",
                  *NOW)
    assert result.exit_code == 1
    assert result.stdout.startswith("**drcheck**: this change makes 1 finding(s) worse and 0 "
                                    "better; 1 open finding(s) unchanged.")
    assert result.stdout.count("- **FAIL") == 1
    assert "replica@aws_s3_bucket.replica_sbg" in result.stdout


def test_audit_plan_diff_of_state_against_itself_is_clean(tmp_path: Path,
                                                          examples: Path) -> None:
    result = _run("audit-plan", examples / "plan.json", "--baseline-state",
                  examples / "state.json", "-p", examples / "policy.yaml", "-f", "json",
                  "--fail-on", "critical", *NOW)
    assert result.exit_code == 1  # the new failure is critical
    result = _run("audit-plan", examples / "plan.json", "-p", examples / "policy.yaml",
                  "-f", "markdown", *NOW)
    assert result.exit_code == 1 and "PLAN-01" in result.stdout
    result = _run("audit-plan", examples / "plan.json", "--baseline-prior", "-f", "sarif", *NOW)
    assert result.exit_code == 2 and "cannot show a diff" in result.stderr


def test_import_ansible_and_ssh_config(tmp_path: Path) -> None:
    inventory = tmp_path / "hosts.ini"
    inventory.write_text("[db]\ndb1 ansible_host=127.0.0.2 ansible_port=2201\n"
                         "[db:vars]\ndrcheck_provider=ovh\ndrcheck_datacenter=SBG3\n")
    result = _run("import", "ansible", inventory)
    assert result.exit_code == 0, result.output
    assert "warning: no dataset could be inferred" in result.stderr
    assert "address: 127.0.0.2" in result.stdout and "datacenter: SBG3" in result.stdout
    config = tmp_path / "ssh_config"
    config.write_text("Host web1\n  HostName 127.0.0.3\n  Port 2202\nHost *\n  User ops\n")
    result = _run("import", "ssh-config", config)
    assert result.exit_code == 0, result.output
    assert "name: web1" in result.stdout and "port: 2202" in result.stdout


def test_audit_plan_with_prior_state_and_conflicting_baselines(examples: Path) -> None:
    result = _run("audit-plan", examples / "plan.json", "--baseline-prior", "-p",
                  examples / "policy.yaml", "-f", "json", *NOW)
    assert result.exit_code == 1
    assert '"rule_id": "PLAN-01"' in result.stdout
    result = _run("audit-plan", examples / "plan.json", "--baseline-prior", "--baseline-state",
                  examples / "state.json", *NOW)
    assert result.exit_code == 2 and "not both" in result.stderr
