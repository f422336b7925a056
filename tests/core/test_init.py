"""``drcheck init``: starter files for the user's providers that validate and audit offline."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck.cli import app, init_cmd
from drcheck.locations.catalog import Catalog
from drcheck.report.result_reader import findings_of

NOW = ["--now", "2026-11-23T06:00:00Z", "--offline"]


def _audit(directory: Path) -> tuple[int, dict[str, str]]:
    result = CliRunner().invoke(app, ["audit", str(directory / "estate.yaml"), "-p",
                                      str(directory / "policy.yaml"), "-f", "json", *NOW])
    assert result.stderr == "", result.stderr
    return result.exit_code, {f["rule_id"]: f["status"]
                              for f in findings_of(json.loads(result.stdout))}


def test_flags_write_files_that_validate_and_audit_offline(tmp_path: Path) -> None:
    target = tmp_path / "my-dr"
    result = CliRunner().invoke(app, ["init", "--provider", "ovh", "--provider", "aws",
                                      "--dir", str(target)])
    assert result.exit_code == 0, result.stderr
    assert result.stdout == ""
    assert f"wrote {target}/estate.yaml" in result.stderr
    estate = (target / "estate.yaml").read_text()
    assert "provider: ovh" in estate and "provider: aws" in estate
    assert estate.startswith("# A starter estate written by `drcheck init`")
    check = CliRunner().invoke(app, ["validate", "--strict", str(target / "estate.yaml"),
                                     str(target / "policy.yaml")])
    assert check.exit_code == 0 and check.stderr == "", check.stderr
    code, statuses = _audit(target)
    # placement is decided from the catalog; what a probe would find is not yet known
    assert statuses == {"START-01": "pass", "START-02": "pass", "START-03": "unknown",
                        "START-04": "unknown", "START-05": "fail", "START-06": "unknown"}
    assert code == 1


def test_filled_in_facts_make_the_starter_pass(tmp_path: Path) -> None:
    CliRunner().invoke(app, ["init", "-P", "ovh,aws", "--dir", str(tmp_path)])
    path = tmp_path / "estate.yaml"
    keys = ("facts:", "encrypted:", "immutable:", "retention_days:", "newest_restore_point:",
            "last_restore_test:")
    text = "\n".join(row.replace("# ", "", 1) if row.lstrip("# ").startswith(keys) else row
                     for row in path.read_text().splitlines())
    text = text.replace("2026-01-31T02:00:00Z", "2026-11-23T02:00:00Z")
    text = text.replace("2026-01-15", "2026-10-15")
    path.write_text(text)
    code, statuses = _audit(tmp_path)
    assert set(statuses.values()) == {"pass"}, statuses
    assert code == 0


@pytest.mark.parametrize("provider", sorted(Catalog.default().providers))
def test_every_catalog_provider_gets_a_valid_starter(tmp_path: Path, provider: str) -> None:
    result = CliRunner().invoke(app, ["init", "-P", provider, "--dir", str(tmp_path)])
    assert result.exit_code == 0, result.stderr
    check = CliRunner().invoke(app, ["validate", "--strict", str(tmp_path / "estate.yaml"),
                                     str(tmp_path / "policy.yaml")])
    assert check.exit_code == 0, check.stderr
    assert "kinds: [metro]" in (tmp_path / "policy.yaml").read_text()
    _, statuses = _audit(tmp_path)
    # apart by the catalog (or unknown where it knows no metro, as for R2); never "fail"
    assert {statuses["START-01"], statuses["START-02"]} <= {"pass", "unknown"}, statuses


def test_questions_on_a_terminal(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(init_cmd, "stdin_is_terminal", lambda: True)
    result = CliRunner().invoke(app, ["init", "--dir", str(tmp_path)], input="scw, B2\n")
    assert result.exit_code == 0, result.stderr
    assert "Providers your data lives on" in result.stderr
    estate = (tmp_path / "estate.yaml").read_text()
    assert "provider: scaleway" in estate and "provider: backblaze-b2" in estate


@pytest.mark.parametrize(("args", "message"), [
    (["init"], "no --provider given and no terminal to ask"),
    (["init", "-P", "ovhclod"], "provider 'ovhclod' is not in the catalog (did you mean 'ovh'?)"),
])
def test_usage_errors_exit_2(tmp_path: Path, args: list[str], message: str) -> None:
    result = CliRunner().invoke(app, [*args, "--dir", str(tmp_path)])
    assert result.exit_code == 2
    assert message in result.stderr
    assert not list(tmp_path.iterdir())


def test_existing_files_are_kept_without_force(tmp_path: Path) -> None:
    (tmp_path / "estate.yaml").write_text("mine\n")
    result = CliRunner().invoke(app, ["init", "-P", "aws", "--dir", str(tmp_path)])
    assert result.exit_code == 2 and "already exist" in result.stderr
    assert (tmp_path / "estate.yaml").read_text() == "mine\n"
    assert not (tmp_path / "policy.yaml").exists()
    forced = CliRunner().invoke(app, ["init", "-P", "aws", "--dir", str(tmp_path), "--force"])
    assert forced.exit_code == 0
    assert "provider: aws" in (tmp_path / "estate.yaml").read_text()
