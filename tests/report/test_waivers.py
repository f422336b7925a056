"""Waivers: validated like policies, waived findings stay visible, expired waivers are loud."""

from __future__ import annotations

import json
from pathlib import Path

from drcheck.evaluate.waivers import apply_waivers, load_waivers
from drcheck.shared.model import Status
from tests.report.cli_helpers import NOW_ARGS, OVH, run
from tests.report.conftest import FIXTURES, NOW, audit

WAIVERS = str(FIXTURES / "waivers.yaml")


def test_active_waiver_waives_and_expired_one_does_not() -> None:
    result = apply_waivers(audit(), load_waivers([WAIVERS]), NOW)
    by_rule = {f.rule_id: f for f in result.findings}
    assert by_rule["DR-321-03"].status is Status.WAIVED
    assert by_rule["DR-321-03"].waiver and "OPS-1234" in by_rule["DR-321-03"].waiver
    assert by_rule["DR-SBG2-05"].status is Status.FAIL
    notes = {w.id: w for w in result.waivers}
    assert notes["W-2026-001"].matched == (by_rule["DR-321-03"].fingerprint,)
    assert notes["W-2026-002"].expired and notes["W-2026-002"].matched == ()


def test_waiver_keeps_fingerprint_and_raises_score() -> None:
    plain = audit()
    waived = apply_waivers(plain, load_waivers([WAIVERS]), NOW)
    assert {f.fingerprint for f in plain.findings} == {f.fingerprint for f in waived.findings}
    assert waived.scores[0].counts["waived"] == 1
    assert waived.scores[0].score >= plain.scores[0].score


def test_expired_waiver_is_reported_everywhere() -> None:
    res = run("audit", OVH, "-p", "sbg2", "-p", "3-2-1-1-0", "-w", WAIVERS, "-f", "json",
              *NOW_ARGS)
    assert res.exit_code == 1
    assert "waiver W-2026-002" in res.stderr and "expired on 2026-10-31" in res.stderr
    doc = json.loads(res.stdout)
    assert {w["id"]: w["expired"] for w in doc["waivers"]} == {"W-2026-001": False,
                                                               "W-2026-002": True}
    md = run("audit", OVH, "-p", "sbg2", "-w", WAIVERS, "-f", "markdown", *NOW_ARGS).stdout
    assert "W-2026-002" in md and "expired" in md


def test_waiving_every_failure_leaves_could_not_tell(tmp_path: Path) -> None:
    waivers = tmp_path / "all.yaml"
    waivers.write_text(
        "apiVersion: drcheck/v1\nkind: Waivers\nwaivers:\n"
        + "".join(f"  - {{id: W{i}, rule: {r}, reason: accepted, owner: ops, "
                  f"expires: 2027-01-01}}\n"
                  for i, r in enumerate(("DR-321-03", "DR-SBG2-01", "DR-SBG2-05"))),
        encoding="utf-8")
    res = run("audit", OVH, "-p", "sbg2", "-p", "3-2-1-1-0", "-w", str(waivers), *NOW_ARGS)
    assert res.exit_code == 3, res.output


def test_invalid_waiver_file_exits_2_with_file_and_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.yaml"
    bad.write_text("apiVersion: drcheck/v1\nkind: Waivers\nwaivers:\n"
                   "  - id: W1\n    rule: DR-SBG2-01\n    reason: r\n    owner: o\n"
                   "    expires: next year\n    colour: red\n", encoding="utf-8")
    res = run("audit", OVH, "-w", str(bad), *NOW_ARGS)
    assert res.exit_code == 2
    assert f"{bad}:8" in res.stderr and "expires" in res.stderr
    assert f"{bad}:9" in res.stderr and "colour" in res.stderr
    assert res.stdout == ""
    assert run("validate", str(bad)).exit_code == 2


def test_validate_and_schema_know_waivers() -> None:
    res = run("validate", WAIVERS)
    assert res.exit_code == 0 and "ok (Waivers)" in res.stdout
    schema = json.loads(run("schema", "waivers").stdout)
    assert schema["properties"]["kind"] == {"const": "Waivers"}
