"""`drcheck validate`: every kind of bad input is reported with file and line, exit 2."""

from __future__ import annotations

from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck.cli import app

GOOD_RULE = """apiVersion: drcheck/v1
kind: Policy
metadata: {name: t}
rules:
  - id: R1
    type: separation
    severity: high
    params:
      kinds: [campus]
      min_copies: 1
"""

CASES = {
    "misspelled rule type": (
        GOOD_RULE.replace("type: separation", "type: seperation"),
        6, "'seperation' is not allowed (did you mean 'separation'?)"),
    "wrong-typed parameter": (
        GOOD_RULE.replace("min_copies: 1", "min_copies: two"),
        10, "expected integer, got string 'two'"),
    "broken indentation": (
        GOOD_RULE.replace("    severity: high", "   severity: high"),
        7, "bad indentation: this line starts at column 4"),
    "duplicate key": (
        GOOD_RULE.replace("    severity: high", "    severity: high\n    severity: low"),
        8, "duplicate key"),
    "unknown top-level key": (
        GOOD_RULE + "rulez: []\n",
        11, "unknown key 'rulez' (did you mean 'rules'?)"),
    "unknown rule parameter": (
        GOOD_RULE.replace("min_copies: 1", "min_copies: 1\n      kindz: [rack]"),
        11, "unknown key 'kindz'"),
    "bad duration": (
        GOOD_RULE.replace("type: separation", "type: max-age").replace(
            "kinds: [campus]\n      min_copies: 1", "max_age: 2 days"),
        9, "a duration such as 26h"),
}


@pytest.mark.parametrize("case", sorted(CASES))
def test_each_problem_reported_with_file_line_and_exit_2(tmp_path: Path, case: str) -> None:
    text, line, expected = CASES[case]
    path = tmp_path / "policy.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2, result.output
    assert f"{path}:{line}:" in result.stderr
    assert expected in result.stderr
    assert "Traceback" not in result.output + result.stderr
    assert result.stdout == ""


def test_good_policy_validates(tmp_path: Path) -> None:
    path = tmp_path / "policy.yaml"
    path.write_text(GOOD_RULE)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 0
    assert result.stdout == f"{path}: ok (Policy)\n"


def test_every_problem_in_a_file_is_reported_at_once(tmp_path: Path) -> None:
    text = GOOD_RULE.replace("severity: high", "severity: urgent").replace(
        "min_copies: 1", "min_copies: 0") + "extra: 1\n"
    path = tmp_path / "p.yaml"
    path.write_text(text)
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert result.stderr.count("error:") == 3
    assert "$.rules[0].severity" in result.stderr
    assert "$.rules[0].params.min_copies" in result.stderr


def test_estate_reference_to_undeclared_host(tmp_path: Path) -> None:
    path = tmp_path / "estate.yaml"
    path.write_text("""apiVersion: drcheck/v1
kind: Estate
hosts:
  - name: db-1
datasets:
  - name: d
    primary: {host: db-1}
    copies:
      - host: db-2
""")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert f"{path}:9:" in result.stderr
    assert "host 'db-2' is not declared under hosts (declared: db-1)" in result.stderr


def test_estate_copy_with_two_targets_is_rejected(tmp_path: Path) -> None:
    path = tmp_path / "estate.yaml"
    path.write_text("""apiVersion: drcheck/v1
kind: Estate
hosts: [{name: a}]
buckets: [{name: b}]
datasets:
  - name: d
    primary: {host: a}
    copies:
      - {host: a, bucket: b}
""")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2
    assert "exactly one of host, bucket or medium" in result.stderr


def test_wrong_kind_and_missing_file(tmp_path: Path) -> None:
    path = tmp_path / "x.yaml"
    path.write_text("apiVersion: drcheck/v1\nkind: Estat\n")
    result = CliRunner().invoke(app, ["validate", str(path)])
    assert result.exit_code == 2 and "unknown document kind 'Estat'" in result.stderr
    missing = CliRunner().invoke(app, ["validate", str(tmp_path / "nope.yaml")])
    assert missing.exit_code == 2 and "no such file" in missing.stderr


def test_audit_with_invalid_estate_exits_2_without_traceback(tmp_path: Path) -> None:
    path = tmp_path / "estate.yaml"
    path.write_text("apiVersion: drcheck/v1\nkind: Estate\ndatasets: []\nhosts: 3\n")
    result = CliRunner().invoke(app, ["audit", str(path), "--offline"])
    assert result.exit_code == 2
    assert f"{path}:4:" in result.stderr and "expected array" in result.stderr
    assert result.stdout == ""
