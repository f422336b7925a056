"""The chain of runs: each audit recorded with --history names the digest of the one before;
history --verify shows a deleted or altered run as a gap (exit 2)."""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest

from tests.evidence.conftest import ESTATE, drcheck

NIGHTS = ("2026-11-20T06:00:00Z", "2026-11-21T06:00:00Z", "2026-11-22T06:00:00Z",
          "2026-11-23T06:00:00Z")


@pytest.fixture()
def history(tmp_path: Path) -> Path:
    db = tmp_path / "history.db"
    for night in NIGHTS:
        done = drcheck("audit", str(ESTATE), "--now", night, "--history", str(db))
        assert done.returncode == 1, done.stderr
    return db


def head(db: Path) -> str:
    with sqlite3.connect(db) as conn:
        return str(conn.execute("SELECT run_digest FROM audits ORDER BY id DESC").fetchone()[0])


def test_intact_chain_verifies(history: Path) -> None:
    done = drcheck("history", str(history), "--verify", "--expect-head", head(history))
    assert done.returncode == 0, done.stderr
    assert "chain intact: 4 run(s) checked" in done.stdout


def test_deleted_run_is_a_gap(history: Path) -> None:
    with sqlite3.connect(history) as conn:
        conn.execute("DELETE FROM findings WHERE audit_id = 2")
        conn.execute("DELETE FROM audits WHERE id = 2")
    done = drcheck("history", str(history), "--verify")
    assert done.returncode == 2
    assert "gap before audit #3 (2026-11-22T06:00:00Z)" in done.stderr
    assert "chain BROKEN" in done.stdout


def test_altered_run_is_reported(history: Path) -> None:
    with sqlite3.connect(history) as conn:
        conn.execute("UPDATE audits SET score = 100 WHERE id = 3")
    done = drcheck("history", str(history), "--verify")
    assert done.returncode == 2
    assert "audit #3 (2026-11-22T06:00:00Z) was altered" in done.stderr


def test_altered_finding_is_reported(history: Path) -> None:
    with sqlite3.connect(history) as conn:
        conn.execute("UPDATE findings SET status = 'pass' WHERE audit_id = 2")
    done = drcheck("history", str(history), "--verify")
    assert done.returncode == 2 and "audit #2" in done.stderr and "altered" in done.stderr


def test_deleted_newest_run_needs_the_kept_head(history: Path) -> None:
    kept = head(history)
    with sqlite3.connect(history) as conn:
        conn.execute("DELETE FROM findings WHERE audit_id = 4")
        conn.execute("DELETE FROM audits WHERE id = 4")
    plain = drcheck("history", str(history), "--verify")
    assert plain.returncode == 0  # a shorter chain is still a chain…
    caught = drcheck("history", str(history), "--verify", "--expect-head", kept)
    assert caught.returncode == 2  # …which the head kept elsewhere exposes
    assert "newer runs were deleted" in caught.stderr
