"""History: every audit recorded in SQLite; ``drcheck history`` shows score and changes."""

from __future__ import annotations

import json
from pathlib import Path

from drcheck.report.history import audits, diff, record
from tests.report.cli_helpers import OVH, run
from tests.report.conftest import audit
from tests.report.test_baseline import _moved_off_campus


def test_record_and_diff(tmp_path: Path) -> None:
    db = tmp_path / "history.db"
    record(db, audit(OVH, ("sbg2",)), "ovh-sbg2")
    assert diff(db) is None
    record(db, audit(str(_moved_off_campus(tmp_path)), ("sbg2",)), "ovh-sbg2")
    rows = audits(db)
    assert [r.id for r in rows] == [1, 2]
    change = diff(db)
    assert change is not None
    assert {f.rule_id for f in change.fixed} >= {"DR-SBG2-01"}
    assert all(f.status in ("fail", "unknown") for f in change.new + change.fixed)
    assert change.after.score >= change.before.score


def test_cli_history(tmp_path: Path) -> None:
    db = tmp_path / "h.db"
    first = run("audit", OVH, "--history", str(db), "--now", "2026-11-22T06:00:00Z",
                "--offline")
    assert first.exit_code == 1
    moved = _moved_off_campus(tmp_path)
    run("audit", str(moved), "--history", str(db), "--now", "2026-11-23T06:00:00Z",
        "--offline")
    table = run("history", str(db))
    assert table.exit_code == 0, table.output
    assert "2026-11-22T06:00:00Z" in table.stdout and "2026-11-23T06:00:00Z" in table.stdout
    assert "fixed:" in table.stdout and "DR-SBG2-01" in table.stdout.split("fixed:")[1]
    doc = json.loads(run("history", str(db), "-f", "json").stdout)
    assert len(doc["audits"]) == 2
    assert "DR-SBG2-01" in {f["rule_id"] for f in doc["fixed"]}


def test_missing_history_is_a_usage_error(tmp_path: Path) -> None:
    res = run("history", str(tmp_path / "none.db"))
    assert res.exit_code == 2 and "no such history database" in res.stderr
