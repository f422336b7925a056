"""One CSV per framework, the shape auditors receive from cloud compliance scanners: a row
per control with its requirement, verdict, the datasets and findings behind it, and pointers
to the evidence (each fact's subject, source and origin, and the facts snapshot's digest).

Same quoting and formula defusing as the findings CSV.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable

from drcheck.facts.snapshot import snapshot_digest
from drcheck.report.compliance import control_rows, frameworks_of
from drcheck.report.controls import FRAMEWORK_TITLES, requirement
from drcheck.report.csv_report import neutralise
from drcheck.shared.model import AuditResult, Finding

COLUMNS = ("framework", "control", "requirement", "verdict", "failed", "unknown", "passed",
           "waived", "datasets", "rules", "finding_ids", "evidence", "facts_digest",
           "evaluated_at")


def _evidence(findings: Iterable[Finding]) -> str:
    pointers = dict.fromkeys(
        f"{e.subject} {e.key} ({e.source.value}: {e.origin}"
        + (f", {e.observed_at})" if e.observed_at else ")")
        for f in findings for e in f.evidence)
    return "; ".join(pointers)


def render_framework(result: AuditResult, framework: str) -> str:
    """The framework's controls as CSV (RFC 4180 line ends), natural control order."""
    out = io.StringIO()
    writer = csv.writer(out, quoting=csv.QUOTE_ALL, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    digest = snapshot_digest(result.snapshot)
    title = FRAMEWORK_TITLES.get(framework, framework)
    for row in control_rows(result.findings, framework, include_unmapped=False):
        found = row.findings
        counts = {s: sum(1 for f in found if f.status.value == s)
                  for s in ("fail", "unknown", "pass", "waived")}
        cells = [title, row.control, requirement(framework, row.control), row.status.value,
                 counts["fail"], counts["unknown"], counts["pass"], counts["waived"],
                 "; ".join(sorted({f.dataset for f in found})),
                 "; ".join(sorted({f.rule_id for f in found})),
                 "; ".join(f.fingerprint for f in found), _evidence(found), digest,
                 result.evaluated_at]
        writer.writerow([neutralise(str(c)) for c in cells])
    return out.getvalue()


def frameworks_in(result: AuditResult, only: str | None = None) -> list[str]:
    """The frameworks to export: ``only``, or every one a finding maps to."""
    return [only] if only else frameworks_of(result.findings)
