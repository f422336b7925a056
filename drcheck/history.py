"""Audit history in SQLite (stdlib only): every run's time, score and findings.

``record`` appends one audit (chained to the one before: ``drcheck.history_chain``);
``audits`` lists them oldest first; ``diff`` says which
failed or unknown findings are new in the latest run and which were fixed since the one
before, by fingerprint (the same identity baselines use).
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from drcheck.errors import ReportError, UsageError
from drcheck.history_chain import link
from drcheck.model import AuditResult, Status
from drcheck.snapshot import snapshot_digest

SCHEMA = """
CREATE TABLE IF NOT EXISTS audits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    evaluated_at TEXT NOT NULL,
    score INTEGER NOT NULL,
    policies TEXT NOT NULL,
    facts_digest TEXT NOT NULL,
    failed INTEGER NOT NULL,
    unknown INTEGER NOT NULL,
    waived INTEGER NOT NULL,
    passed INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS findings (
    audit_id INTEGER NOT NULL REFERENCES audits(id),
    fingerprint TEXT NOT NULL,
    policy TEXT NOT NULL,
    rule_id TEXT NOT NULL,
    dataset TEXT NOT NULL,
    status TEXT NOT NULL,
    severity TEXT NOT NULL
);
CREATE INDEX IF NOT EXISTS findings_audit ON findings(audit_id);
"""
BAD = (Status.FAIL.value, Status.UNKNOWN.value)


@dataclass(frozen=True)
class AuditRow:
    """One recorded audit."""

    id: int
    evaluated_at: str
    score: int
    policies: str
    failed: int
    unknown: int
    waived: int
    passed: int


@dataclass(frozen=True)
class HistoryFinding:
    """A finding as history keeps it."""

    fingerprint: str
    policy: str
    rule_id: str
    dataset: str
    status: str
    severity: str


@dataclass(frozen=True)
class HistoryDiff:
    """What changed between two recorded audits."""

    before: AuditRow
    after: AuditRow
    new: tuple[HistoryFinding, ...]
    fixed: tuple[HistoryFinding, ...]


@contextmanager
def _connect(path: str | Path, create: bool) -> Iterator[sqlite3.Connection]:
    if not create and not Path(path).exists():
        raise UsageError(f"{path}: no such history database",
                         hint="record one with drcheck audit --history PATH")
    try:
        with closing(sqlite3.connect(str(path))) as conn:
            conn.executescript(SCHEMA)
            yield conn
    except sqlite3.Error as exc:
        raise ReportError(f"{path}: history database error: {exc}") from None


def record(path: str | Path, result: AuditResult) -> int:
    """Append ``result`` to the history at ``path`` (created if missing); its audit id."""
    counts = {s: sum(1 for f in result.findings if f.status is s) for s in Status}
    digest = snapshot_digest(result.snapshot)
    with _connect(path, create=True) as conn, conn:
        cur = conn.execute(
            "INSERT INTO audits (evaluated_at, score, policies, facts_digest, failed, unknown,"
            " waived, passed) VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
            (result.evaluated_at, result.score, ",".join(result.policies), digest,
             counts[Status.FAIL], counts[Status.UNKNOWN], counts[Status.WAIVED],
             counts[Status.PASS]))
        audit_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(audit_id, f.fingerprint, f.policy, f.rule_id, f.dataset, f.status.value,
              f.severity.value) for f in result.findings])
        link(conn, audit_id)
    return audit_id


def audits(path: str | Path) -> list[AuditRow]:
    """Every recorded audit, oldest first."""
    with _connect(path, create=False) as conn:
        rows = conn.execute("SELECT id, evaluated_at, score, policies, failed, unknown, waived,"
                            " passed FROM audits ORDER BY id").fetchall()
    return [AuditRow(*row) for row in rows]


def _bad(conn: sqlite3.Connection, audit_id: int) -> dict[str, HistoryFinding]:
    rows = conn.execute("SELECT fingerprint, policy, rule_id, dataset, status, severity FROM "
                        "findings WHERE audit_id = ? AND status IN (?, ?) ORDER BY policy, "
                        "rule_id, dataset", (audit_id, *BAD)).fetchall()
    return {r[0]: HistoryFinding(*r) for r in rows}


def diff(path: str | Path) -> HistoryDiff | None:
    """New and fixed failed/unknown findings of the latest audit against the one before."""
    rows = audits(path)
    if len(rows) < 2:
        return None
    before, after = rows[-2], rows[-1]
    with _connect(path, create=False) as conn:
        old, cur = _bad(conn, before.id), _bad(conn, after.id)
    return HistoryDiff(before, after,
                       tuple(f for fp, f in cur.items() if fp not in old),
                       tuple(f for fp, f in old.items() if fp not in cur))
