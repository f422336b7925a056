"""Audit history in SQLite (stdlib only): every run's time, score and findings.

``record`` appends one audit of one estate (chained to the one before:
``drcheck.report.history_chain``); ``audits`` lists them oldest first; ``diff``
says which failed or unknown findings are new in an estate's latest run and which were fixed
since that estate's run before, by fingerprint (the same identity baselines use). Audits are
keyed by estate, so several estates can share one database without one estate's findings
reading as "fixed" in another's run. Databases written before the key existed are migrated
in place: their audits keep an empty estate key and are compared only with each other.
"""

from __future__ import annotations

import sqlite3
from collections.abc import Iterator
from contextlib import closing, contextmanager
from dataclasses import dataclass
from pathlib import Path

from drcheck.facts.snapshot import snapshot_digest
from drcheck.inputs.documents import Document
from drcheck.report.history_chain import link
from drcheck.shared.errors import ReportError, UsageError
from drcheck.shared.model import AuditResult, Status

SCHEMA = """
CREATE TABLE IF NOT EXISTS audits (
    id INTEGER PRIMARY KEY AUTOINCREMENT,
    evaluated_at TEXT NOT NULL,
    estate TEXT NOT NULL DEFAULT '',
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
MIGRATE = "ALTER TABLE audits ADD COLUMN estate TEXT NOT NULL DEFAULT ''"
BAD = (Status.FAIL.value, Status.UNKNOWN.value)


@dataclass(frozen=True)
class AuditRow:
    """One recorded audit."""

    id: int
    evaluated_at: str
    estate: str
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
            columns = {row[1] for row in conn.execute("PRAGMA table_info(audits)")}
            if "estate" not in columns:  # written before audits were keyed by estate
                with conn:
                    conn.execute(MIGRATE)
            yield conn
    except sqlite3.Error as exc:
        raise ReportError(f"{path}: history database error: {exc}") from None


def estate_key(result: AuditResult) -> str:
    """The estate an audit is of, when the caller does not name it: the name the estate
    file's path suggests (its folder for ``estate.yaml``), as the estate loader names an
    estate without ``metadata.name``."""
    source = result.snapshot.sources.get("estate")
    return Document(source, None).name_hint if source else ""


def record(path: str | Path, result: AuditResult, estate: str | None = None) -> int:
    """Append ``result`` (an audit of ``estate``) to the history at ``path`` (created if
    missing); its audit id."""
    counts = {s: sum(1 for f in result.findings if f.status is s) for s in Status}
    digest = snapshot_digest(result.snapshot)
    key = estate if estate is not None else estate_key(result)
    with _connect(path, create=True) as conn, conn:
        cur = conn.execute(
            "INSERT INTO audits (evaluated_at, estate, score, policies, facts_digest, failed,"
            " unknown, waived, passed) VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
            (result.evaluated_at, key, result.score, ",".join(result.policies), digest,
             counts[Status.FAIL], counts[Status.UNKNOWN], counts[Status.WAIVED],
             counts[Status.PASS]))
        audit_id = int(cur.lastrowid or 0)
        conn.executemany(
            "INSERT INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)",
            [(audit_id, f.fingerprint, f.policy, f.rule_id, f.dataset, f.status.value,
              f.severity.value) for f in result.findings])
        link(conn, audit_id)
    return audit_id


def audits(path: str | Path, estate: str | None = None) -> list[AuditRow]:
    """Every recorded audit (of ``estate`` only, when given), oldest first."""
    query = ("SELECT id, evaluated_at, estate, score, policies, failed, unknown, waived, passed"
             " FROM audits")
    with _connect(path, create=False) as conn:
        if estate is None:
            rows = conn.execute(query + " ORDER BY id").fetchall()
        else:
            rows = conn.execute(query + " WHERE estate = ? ORDER BY id", (estate,)).fetchall()
    return [AuditRow(*row) for row in rows]


def _bad(conn: sqlite3.Connection, audit_id: int) -> dict[str, HistoryFinding]:
    rows = conn.execute("SELECT fingerprint, policy, rule_id, dataset, status, severity FROM "
                        "findings WHERE audit_id = ? AND status IN (?, ?) ORDER BY policy, "
                        "rule_id, dataset", (audit_id, *BAD)).fetchall()
    return {r[0]: HistoryFinding(*r) for r in rows}


def diff(path: str | Path, estate: str | None = None) -> HistoryDiff | None:
    """New and fixed failed/unknown findings of an estate's latest audit against that
    estate's audit before; ``estate`` defaults to the estate audited last."""
    if estate is None:
        everything = audits(path)
        if not everything:
            return None
        estate = everything[-1].estate
    rows = audits(path, estate)
    if len(rows) < 2:
        return None
    before, after = rows[-2], rows[-1]
    with _connect(path, create=False) as conn:
        old, cur = _bad(conn, before.id), _bad(conn, after.id)
    return HistoryDiff(before, after,
                       tuple(f for fp, f in cur.items() if fp not in old),
                       tuple(f for fp, f in old.items() if fp not in cur))


def estates(path: str | Path) -> list[str]:
    """The estate keys of the history, in the order they were first audited."""
    return list(dict.fromkeys(row.estate for row in audits(path)))
