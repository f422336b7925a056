"""``drcheck simulate`` through the CLI: scenarios, sweeps, formats and every exit code."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

from typer.testing import CliRunner

from drcheck.cli import app

ROOT = Path(__file__).resolve().parents[2]
SBG2 = str(ROOT / "examples" / "ovh-sbg2" / "estate.yaml")
GEO = str(ROOT / "examples" / "georedundant" / "estate.yaml")
PARIS = str(ROOT / "examples" / "paris-metro" / "estate.yaml")
NOW = ["--now", "2026-11-23T06:00:00Z", "--offline"]


def run(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(app, ["simulate", *args, *NOW])
    return result.exit_code, result.output


def run_json(*args: str) -> tuple[int, dict[str, Any]]:
    code, out = run(*args, "--format", "json")
    return code, json.loads(out)


def test_losing_the_sbg_campus_loses_the_sbg2_dataset() -> None:
    code, out = run(SBG2, "--fail", "campus:ovh-sbg")
    assert code == 1
    assert "LOST" in out and "customer-db" in out
    code, doc = run_json(SBG2, "--fail", "campus:ovh-sbg")
    assert doc["kind"] == "scenario" and doc["lost"] == ["campus:ovh-sbg"]
    assert [(d["dataset"], d["verdict"]) for d in doc["datasets"]] == [("customer-db", "lost")]


def test_sbg2_sweep_ranks_the_campus_among_single_cuts() -> None:
    code, doc = run_json(SBG2)
    assert code == 1
    singles = {tuple(i["domains"]): i["lost"] for i in doc["singles"]}
    assert singles[("campus:ovh-sbg",)] == ["customer-db"]


def test_georedundant_survives_every_single_loss() -> None:
    code, doc = run_json(GEO)
    assert code == 0
    assert doc["singles"] == []
    assert doc["datasets"][0]["cuts"] == [] and doc["datasets"][0]["blind_kinds"] == []


def test_georedundant_n2_names_the_pair_that_kills_it() -> None:
    code, doc = run_json(GEO, "--depth", "2")
    assert code == 0
    certain = [c["domains"] for c in doc["datasets"][0]["cuts"] if c["certain"]]
    assert ["provider:aws", "provider:ovh"] in certain
    assert ["account:aws:210987654321", "provider:ovh"] in certain
    pairs = [p["domains"] for p in doc["pairs"] if p["lost"]]
    assert ["provider:aws", "provider:ovh"] in pairs
    code, out = run(GEO, "--depth", "2", "--kinds", "provider,account")
    assert code == 0 and "provider:aws + provider:ovh" in out


def test_pair_lost_together_by_fail() -> None:
    code, out = run(GEO, "--fail", "provider:ovh", "--fail", "provider:aws")
    assert code == 1 and "orders-db" in out and "LOST" in out
    code, out = run(GEO, "--fail", "provider:ovh")
    assert code == 0 and "1 of 1 survive" in out


def test_stale_survivor_is_degraded() -> None:
    # locked-fra's newest restore point is about 4 hours old at --now
    code, doc = run_json(GEO, "--fail", "provider:ovh", "--max-age", "1h")
    assert code == 1
    assert doc["datasets"][0]["verdict"] == "degraded"
    code, _ = run(GEO, "--fail", "provider:ovh", "--max-age", "6h")
    assert code == 0


def test_require_immutable_ransomware_view() -> None:
    # OVH gone: only the object-locked AWS copy is left, and it is immutable
    code, _ = run(GEO, "--fail", "provider:ovh", "--require-immutable")
    assert code == 0
    # the AWS account gone as well: nothing good survives
    code, doc = run_json(GEO, "--fail", "account:aws:210987654321", "--fail",
                         "campus:ovh-gra", "--require-immutable")
    assert code == 1 and doc["datasets"][0]["verdict"] == "degraded"


def test_unknowns_decide_exit_3() -> None:
    # nothing in ovh-sbg2 names an account: one account might hold every replica
    code, doc = run_json(SBG2, "--kinds", "account")
    assert code == 3
    assert doc["datasets"][0]["blind_kinds"] == ["account"]


def test_paris_metro_dies_with_its_metro() -> None:
    code, out = run(PARIS)
    assert code == 1 and "metro:paris" in out


def test_usage_errors_exit_2() -> None:
    assert run(GEO, "--fail", "campus:nowhere")[0] == 2
    assert run(GEO, "--fail", "nonsense")[0] == 2
    assert run(GEO, "--fail", "galaxy:andromeda")[0] == 2
    assert run(GEO, "--kinds", "campus,galaxy")[0] == 2
    assert run(GEO, "--depth", "3")[0] == 2
    assert run(GEO, "--max-age", "soon")[0] == 2
    assert run()[0] == 2


def test_unknown_domain_hint_lists_known_ones() -> None:
    result = CliRunner().invoke(app, ["simulate", GEO, "--fail", "campus:ovh-sgb", *NOW])
    assert result.exit_code == 2
    assert "ovh-sbg" in result.output


def test_output_file_and_markdown(tmp_path: Path) -> None:
    target = tmp_path / "sim.md"
    code, out = run(SBG2, "--format", "markdown", "-o", str(target))
    assert code == 1 and out == ""
    text = target.read_text()
    assert "| campus:ovh-sbg" in text and "customer-db" in text
