"""One set of field names for every output format: findings and scores as plain dicts."""

from __future__ import annotations

from typing import Any

from drcheck import __version__
from drcheck.model import AuditResult, Finding, Status
from drcheck.snapshot import snapshot_to_dict

RESULT_FORMAT = "drcheck/result"
RESULT_VERSION = 1


def finding_dict(f: Finding) -> dict[str, Any]:
    """A finding with the field names every format uses."""
    return {
        "fingerprint": f.fingerprint,
        "policy": f.policy,
        "rule_id": f.rule_id,
        "rule_type": f.rule_type,
        "title": f.title,
        "dataset": f.dataset,
        "status": f.status.value,
        "severity": f.severity.value,
        "message": f.message,
        "shared_domains": [{"kind": s.kind.value, "id": s.value, "replicas": list(s.replicas)}
                           for s in f.shared],
        "unknowns": list(f.unknowns),
        "controls": {k: list(v) for k, v in sorted(f.controls.items())},
        "waiver": f.waiver,
        "evidence": [{"subject": e.subject, "key": e.key, "value": e.value,
                      "source": e.source.value, "origin": e.origin,
                      "observed_at": e.observed_at} for e in f.evidence],
    }


def summary_counts(result: AuditResult) -> dict[str, int]:
    """How many findings have each status."""
    return {s.value: sum(1 for f in result.findings if f.status is s) for s in Status}


def result_dict(result: AuditResult) -> dict[str, Any]:
    """The whole result, facts snapshot embedded, as a JSON-ready dict."""
    snapshot = snapshot_to_dict(result.snapshot)
    return {
        "format": RESULT_FORMAT,
        "version": RESULT_VERSION,
        "drcheck_version": __version__,
        "evaluated_at": result.evaluated_at,
        "policies": list(result.policies),
        "score": result.score,
        "summary": summary_counts(result),
        "datasets": [{"dataset": s.dataset, "criticality": s.criticality, "score": s.score,
                      "counts": dict(s.counts)} for s in result.scores],
        "findings": [finding_dict(f) for f in result.findings],
        "issues": snapshot["issues"],
        "facts_digest": snapshot["digest"],
        "facts": snapshot,
    }
