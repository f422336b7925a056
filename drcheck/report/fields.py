"""One set of field names for every output format: findings and scores as plain dicts."""

from __future__ import annotations

from typing import Any

from drcheck import __version__
from drcheck.facts.snapshot import snapshot_to_dict
from drcheck.shared.model import AuditResult, Finding, Status, WaiverNote

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


def waiver_dict(w: WaiverNote) -> dict[str, Any]:
    """A waiver as applied by one audit, with the fingerprints it waived."""
    return {"id": w.id, "reason": w.reason, "owner": w.owner, "expires": w.expires,
            "origin": w.origin, "expired": w.expired, "matched": list(w.matched)}


def baseline_dict(result: AuditResult) -> dict[str, Any]:
    """What the baseline accepted, what is new against it, and what it says is now fixed."""
    accepted = set(result.baselined)
    new = [f.fingerprint for f in result.findings
           if f.status in (Status.FAIL, Status.UNKNOWN) and f.fingerprint not in accepted]
    return {"file": result.baseline, "accepted": list(result.baselined), "new": new,
            "fixed": [{k: finding_dict(f)[k] for k in FIXED_KEYS} for f in result.fixed]}


FIXED_KEYS = ("fingerprint", "policy", "rule_id", "title", "dataset", "status", "severity")


def summary_counts(result: AuditResult) -> dict[str, int]:
    """How many findings have each status."""
    return {s.value: sum(1 for f in result.findings if f.status is s) for s in Status}


def result_dict(result: AuditResult) -> dict[str, Any]:
    """The whole result, facts snapshot embedded, as a JSON-ready dict."""
    snapshot = snapshot_to_dict(result.snapshot)
    doc: dict[str, Any] = {
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
    if result.waivers:
        doc["waivers"] = [waiver_dict(w) for w in result.waivers]
    if result.baseline is not None:
        doc["baseline"] = baseline_dict(result)
    return doc
