"""Catalog codes checked at validate time, unknown domains blamed on the right replica, and
``drcheck catalog`` finding cities, metros and providers by name."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.report.result_reader import findings_of

ROOT = Path(__file__).resolve().parents[2]
SBG2 = (ROOT / "examples" / "ovh-sbg2" / "estate.yaml").read_text(encoding="utf-8")
NOW = ["--now", "2026-11-23T06:00:00Z", "--offline"]


def _estate(tmp_path: Path, text: str) -> str:
    path = tmp_path / "estate.yaml"
    path.write_text(text, encoding="utf-8")
    return str(path)


def test_unknown_datacenter_warns_with_did_you_mean_and_strict_refuses(tmp_path: Path) -> None:
    path = _estate(tmp_path, SBG2.replace("datacenter: SBG2", "datacenter: SBG9"))
    loose = CliRunner().invoke(app, ["validate", path])
    assert loose.exit_code == 0, loose.stderr
    assert loose.stdout == f"{path}: ok (Estate), with warnings\n"
    assert loose.stderr.startswith(f"warning: {path}:15:7: $.hosts[0].location.datacenter: "
                                   "datacenter 'SBG9' of provider ovh is not in the catalog "
                                   "(did you mean 'SBG5'")
    strict = CliRunner().invoke(app, ["validate", "--strict", path])
    assert strict.exit_code == 2
    assert strict.stderr.startswith(f"error: {path}:15:7: $.hosts[0].location.datacenter: ")


@pytest.mark.parametrize(("old", "new", "field", "suggestion"), [
    ("provider: ovh\n      datacenter: SBG1", "provider: ovhclod\n      datacenter: SBG1",
     "$.hosts[1].location.provider", "(did you mean 'ovhcloud' or 'ovh'?)"),
    ("endpoint: https://s3.sbg.io.cloud.ovh.net",
     "provider: aws\n    region: eu-west-33", "$.buckets[0].region", "did you mean 'eu-west-3'"),
])
def test_unknown_provider_and_region_warn(tmp_path: Path, old: str, new: str, field: str,
                                          suggestion: str) -> None:
    path = _estate(tmp_path, SBG2.replace(old, new))
    result = CliRunner().invoke(app, ["validate", path])
    assert result.exit_code == 0, result.stderr
    (line,) = result.stderr.splitlines()
    assert f" {field}: " in line and suggestion in line, line
    assert CliRunner().invoke(app, ["validate", "--strict", path]).exit_code == 2


def test_known_codes_and_the_examples_validate_without_warnings() -> None:
    files = [str(p) for p in sorted((ROOT / "examples").glob("*/estate.yaml"))]
    result = CliRunner().invoke(app, ["validate", "--strict", *files])
    assert result.exit_code == 0, result.stderr
    assert result.stderr == ""


def test_audit_warns_too_and_blames_the_primary_not_the_copies(tmp_path: Path) -> None:
    path = _estate(tmp_path, SBG2.replace("datacenter: SBG2", "datacenter: SBG9"))
    result = CliRunner().invoke(app, ["audit", path, "-f", "json", *NOW])
    assert "warning: " in result.stderr and "'SBG9'" in result.stderr
    found = {f["rule_id"]: f for f in findings_of(json.loads(result.stdout))}
    campus = found["DR-SBG2-01"]
    assert campus["status"] == "unknown"
    assert campus["message"].endswith("cannot tell for db-1 (primary): campus not known")
    # the copies' ages were read: the off-site status is what is unknown, not the age
    rpo = found["DR-SBG2-05"]["message"]
    assert rpo == ("RPO 48h: nightly-sbg1 6h50m old, off-site (campus) not known, "
                   "s3-sbg 6h20m old, off-site (campus) not known")
    assert "age unknown" not in rpo


def test_unknown_copy_campus_names_the_copy(tmp_path: Path) -> None:
    text = SBG2.replace("provider: ovh\n      datacenter: SBG1", "provider: ovh")
    result = CliRunner().invoke(app, ["audit", _estate(tmp_path, text), "-f", "json", *NOW])
    found = {f["rule_id"]: f for f in findings_of(json.loads(result.stdout))}
    assert found["DR-SBG2-01"]["unknowns"] == ["nightly-sbg1: campus not known"]


def test_provider_alias_is_the_catalog_provider(tmp_path: Path) -> None:
    text = SBG2.replace("provider: ovh\n", "provider: OVHcloud\n")
    result = CliRunner().invoke(app, ["audit", _estate(tmp_path, text), "-f", "json", *NOW])
    assert result.stderr == ""
    statuses = {f["rule_id"]: f["status"] for f in findings_of(json.loads(result.stdout))}
    assert statuses["DR-SBG2-03"] == "pass"  # declared ovhcloud agrees with catalog ovh
    assert statuses["DR-SBG2-01"] == "fail"


@pytest.mark.parametrize(("query", "expect"), [
    ("strasbourg", {"ovh/s3/sbg", "ovh/dedicated/sbg"}),
    ("Gravelines", {"ovh/s3/gra"}),
    ("frankfurt", {"aws/both/eu-central-1"}),
])
def test_catalog_finds_cities_and_metros(query: str, expect: set[str]) -> None:
    result = CliRunner().invoke(app, ["catalog", query, "-f", "json"])
    assert result.exit_code == 0, result.stderr
    keys = {e["key"] for e in json.loads(result.stdout)["entries"]}
    assert expect <= keys, keys


def test_catalog_lists_a_provider_one_line_per_entry() -> None:
    result = CliRunner().invoke(app, ["catalog", "ovhcloud"])
    assert result.exit_code == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].split() == ["entry", "city", "country", "metro", "campus"]
    assert max(len(line) for line in lines) <= 80
    assert any(line.startswith("ovh/s3/sbg ") for line in lines)
    assert not any(line.startswith("aws/") for line in lines)
    assert lines[-1].endswith("shows one in full")
