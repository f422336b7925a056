"""Baselines: only findings absent from the baseline gate the run; fixed ones are reported."""

from __future__ import annotations

import json
from pathlib import Path

from tests.report.cli_helpers import NOW_ARGS, OVH, run
from tests.report.conftest import ROOT


def _moved_off_campus(tmp_path: Path) -> Path:
    """The OVH estate with the backup server moved to GRA: the campus rule now passes."""
    text = (ROOT / OVH).read_text(encoding="utf-8").replace("datacenter: SBG1", "datacenter: GRA1")
    estate = tmp_path / "estate.yaml"
    estate.write_text(text, encoding="utf-8")
    return estate


def test_create_then_use_a_baseline(tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    created = run("audit", OVH, "--create-baseline", str(base), *NOW_ARGS)
    assert created.exit_code == 0, created.output
    doc = json.loads(base.read_text(encoding="utf-8"))
    assert doc["format"] == "drcheck/baseline"
    assert {e["rule_id"] for e in doc["findings"]} == {"DR-SBG2-01", "DR-SBG2-05"}
    again = run("audit", OVH, "--baseline", str(base), *NOW_ARGS)
    assert again.exit_code == 0, again.output
    assert "baseline: 2 accepted, 0 fixed" in again.stdout
    plain = run("audit", OVH, *NOW_ARGS)
    assert plain.exit_code == 1


def test_new_finding_gates_and_fixed_is_reported(tmp_path: Path) -> None:
    base = tmp_path / "baseline.json"
    run("audit", OVH, "--create-baseline", str(base), *NOW_ARGS)
    moved = _moved_off_campus(tmp_path)
    res = run("audit", str(moved), "--baseline", str(base), "-f", "json", *NOW_ARGS)
    doc = json.loads(res.stdout)
    fixed = {f["rule_id"] for f in doc["baseline"]["fixed"]}
    assert "DR-SBG2-01" in fixed
    failing = {f["fingerprint"] for f in doc["findings"] if f["status"] == "fail"}
    assert set(doc["baseline"]["new"]) == failing - set(doc["baseline"]["accepted"])
    assert res.exit_code == (1 if doc["baseline"]["new"] else 0)
    md = run("audit", str(moved), "--baseline", str(base), "-f", "markdown", *NOW_ARGS).stdout
    assert "### Baseline" in md and "DR-SBG2-01" in md.split("### Baseline")[1]


def test_bad_baseline_is_a_usage_error(tmp_path: Path) -> None:
    missing = run("audit", OVH, "--baseline", str(tmp_path / "nope.json"), *NOW_ARGS)
    assert missing.exit_code == 2 and "create one with --create-baseline" in missing.stderr
    junk = tmp_path / "junk.json"
    junk.write_text('{"format": "other"}', encoding="utf-8")
    assert run("audit", OVH, "--baseline", str(junk), *NOW_ARGS).exit_code == 2
