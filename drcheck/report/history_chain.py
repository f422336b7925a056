"""A hash chain over the audit history: each run records the digest of the one before.

Each audit row gets ``run_digest`` = sha256 of its own content (time, score, policies,
facts digest, counts, every finding) and of ``prev_digest``, the previous run's
``run_digest``. ``verify_chain`` recomputes every digest in order: an edited run no longer
matches its digest, and a deleted run leaves the next one naming a predecessor that is not
there — both are reported as a gap. Deleting the newest runs leaves a shorter, valid chain;
keep the head digest elsewhere (the evidence bundle records it) and pass it as
``expected_head`` to catch that too.
"""

from __future__ import annotations

import hashlib
import json
import sqlite3
from contextlib import closing
from dataclasses import dataclass
from pathlib import Path

from drcheck.shared.errors import ReportError

GENESIS = "sha256:" + "0" * 64
_COLUMNS = ("prev_digest", "run_digest")


def ensure_columns(conn: sqlite3.Connection) -> None:
    """Add the chain columns to a history written before the chain existed."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(audits)")}
    for column in _COLUMNS:
        if column not in have:
            conn.execute(f"ALTER TABLE audits ADD COLUMN {column} TEXT")


def _content(conn: sqlite3.Connection, audit_id: int) -> bytes:
    row = conn.execute("SELECT evaluated_at, estate, score, policies, facts_digest, failed, "
                       "unknown, waived, passed FROM audits WHERE id = ?", (audit_id,)).fetchone()
    findings = conn.execute("SELECT fingerprint, policy, rule_id, dataset, status, severity "
                            "FROM findings WHERE audit_id = ? ORDER BY fingerprint, policy, "
                            "rule_id, dataset, status, severity", (audit_id,)).fetchall()
    return json.dumps({"audit": list(row), "findings": [list(f) for f in findings]},
                      sort_keys=True, separators=(",", ":"), ensure_ascii=False).encode()


def _digest(content: bytes, prev: str) -> str:
    return "sha256:" + hashlib.sha256(prev.encode() + b"\n" + content).hexdigest()


def link(conn: sqlite3.Connection, audit_id: int) -> str:
    """Chain a just-inserted audit to the newest run before it; its ``run_digest``."""
    ensure_columns(conn)
    before = conn.execute("SELECT run_digest FROM audits WHERE id < ? ORDER BY id DESC "
                          "LIMIT 1", (audit_id,)).fetchone()
    prev = before[0] if before and before[0] else GENESIS
    digest = _digest(_content(conn, audit_id), prev)
    conn.execute("UPDATE audits SET prev_digest = ?, run_digest = ? WHERE id = ?",
                 (prev, digest, audit_id))
    return digest


@dataclass(frozen=True)
class ChainReport:
    """What verifying the chain found: problems (empty when intact) and the head."""

    checked: int
    unchained: int
    head: str | None
    problems: tuple[str, ...]

    @property
    def intact(self) -> bool:
        """True when every chained run is as recorded and none is missing."""
        return not self.problems


def verify_chain(path: str | Path, expected_head: str | None = None) -> ChainReport:
    """Recompute every run's digest, oldest first, and report gaps and alterations."""
    if not Path(path).exists():
        raise ReportError(f"{path}: no such history database")
    try:
        conn = sqlite3.connect(Path(path).resolve().as_uri() + "?mode=ro", uri=True)
    except sqlite3.Error as exc:
        raise ReportError(f"{path}: history database error: {exc}") from None
    try:
        ensure_columns_readonly(conn)
        rows = conn.execute("SELECT id, evaluated_at, prev_digest, run_digest FROM audits "
                            "ORDER BY id").fetchall()
        return _walk(conn, rows, expected_head)
    except sqlite3.Error as exc:
        raise ReportError(f"{path}: history database error: {exc}") from None
    finally:
        conn.close()


def ensure_columns_readonly(conn: sqlite3.Connection) -> None:
    """Refuse a history without the chain columns (nothing was ever chained)."""
    have = {row[1] for row in conn.execute("PRAGMA table_info(audits)")}
    if not set(_COLUMNS) <= have:
        raise ReportError("the history has no chain: it was written by a drcheck without "
                          "it; audits recorded from now on are chained")


def _walk(conn: sqlite3.Connection, rows: list[tuple[int, str, str | None, str | None]],
          expected_head: str | None) -> ChainReport:
    problems: list[str] = []
    prev: str | None = None
    unchained = checked = 0
    for audit_id, at, prev_digest, run_digest in rows:
        if run_digest is None:
            if prev is not None:
                problems.append(f"audit #{audit_id} ({at}) has no digest after chained runs: "
                                "it was inserted by hand")
            unchained += 1
            continue
        checked += 1
        expected_prev = prev or GENESIS
        if prev_digest != expected_prev and not (prev is None and unchained):
            problems.append(f"gap before audit #{audit_id} ({at}): the run it follows is not "
                            "the one before it in the history: a run was deleted or replaced")
        if _digest(_content(conn, audit_id), prev_digest or GENESIS) != run_digest:
            problems.append(f"audit #{audit_id} ({at}) was altered: its content no longer "
                            "matches its digest")
        prev = run_digest
    if expected_head is not None and prev != expected_head:
        problems.append("the newest run is not the expected head: newer runs were deleted, "
                        "or this is another history")
    return ChainReport(checked, unchained, prev, tuple(problems))


def run_digest_of(path: str | Path, audit_id: int) -> str | None:
    """The recorded ``run_digest`` of one audit (for the evidence bundle)."""
    with closing(sqlite3.connect(str(path))) as conn:
        row = conn.execute("SELECT run_digest FROM audits WHERE id = ?", (audit_id,)).fetchone()
    return None if row is None else row[0]
