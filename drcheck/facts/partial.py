"""The part of a shard's snapshot that ``drcheck merge`` needs: the estate as read and the raw
probe reports, each stamped with the runner that collected it.

A shard cannot assemble datasets on its own (a dataset's copies live on assets other shards
probe), so a partial snapshot carries the probe reports themselves; merging re-runs the
assembler over the union of every shard's reports, exactly as one unsharded probe would.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from typing import Any

from drcheck.facts.header import evidence_from_dict, issue_from_dict, issue_to_dict
from drcheck.probes.base import BucketTarget, DiscoveredCopy, ProbeReport
from drcheck.shared.model import Claim, DomainKind, Evidence, Source


def evidence_to_dict(ev: Evidence) -> dict[str, Any]:
    """An ``Evidence`` as JSON."""
    return {"value": ev.value, "source": ev.source.value, "origin": ev.origin,
            "observed_at": ev.observed_at, "reason": ev.reason}


def claim_to_dict(c: Claim) -> dict[str, Any]:
    """A ``Claim`` as JSON."""
    return {"kind": c.kind.value, "value": c.value, "source": c.source.value,
            "origin": c.origin, "observed_at": c.observed_at, "uncertain": c.uncertain}


def claim_from_dict(raw: Mapping[str, Any]) -> Claim:
    """The inverse of ``claim_to_dict``."""
    return Claim(DomainKind(raw["kind"]), raw["value"], Source(raw["source"]), raw["origin"],
                 raw.get("observed_at"), bool(raw.get("uncertain", False)))


def _facts(facts: Mapping[str, Evidence]) -> dict[str, Any]:
    return {k: evidence_to_dict(v) for k, v in sorted(facts.items())}


def _facts_back(raw: Mapping[str, Any]) -> dict[str, Evidence]:
    return {k: evidence_from_dict(v) for k, v in raw.items()}


def _found(d: DiscoveredCopy) -> dict[str, Any]:
    b = d.bucket
    return {"name": d.name, "tool": d.tool, "origin": d.origin, "source_path": d.source_path,
            "bucket": None if b is None else {"name": b.name, "endpoint": b.endpoint,
                                              "provider": b.provider, "region": b.region,
                                              "account": b.account},
            "prefix": d.prefix, "host": d.host, "local_path": d.local_path,
            "facts": _facts(d.facts), "unattributed": d.unattributed}


def _found_back(raw: Mapping[str, Any]) -> DiscoveredCopy:
    b = raw.get("bucket")
    return DiscoveredCopy(
        name=raw["name"], tool=raw["tool"], origin=raw["origin"],
        source_path=raw.get("source_path"),
        bucket=None if b is None else BucketTarget(b["name"], b.get("endpoint"),
                                                   b.get("provider"), b.get("region"),
                                                   b.get("account")),
        prefix=raw.get("prefix"), host=raw.get("host"), local_path=raw.get("local_path"),
        facts=_facts_back(raw.get("facts", {})), unattributed=raw.get("unattributed"))


def report_to_dict(r: ProbeReport, runner: str) -> dict[str, Any]:
    """A probe report as JSON, stamped with the runner that collected it."""
    return {
        "probe": r.probe, "subject": r.subject, "observed_at": r.observed_at, "runner": runner,
        "claims": [claim_to_dict(c) for c in r.claims], "facts": _facts(r.facts),
        "path_facts": {p: _facts(f) for p, f in sorted(r.path_facts.items())},
        "details": _json_safe(r.details),
        "discovered": [_found(d) for d in r.discovered],
        "issues": [issue_to_dict(i) for i in r.issues],
    }


def report_from_dict(raw: Mapping[str, Any]) -> ProbeReport:
    """The inverse of ``report_to_dict`` (the runner is read separately)."""
    return ProbeReport(
        probe=raw["probe"], subject=raw["subject"], observed_at=raw["observed_at"],
        claims=tuple(claim_from_dict(c) for c in raw.get("claims", [])),
        facts=_facts_back(raw.get("facts", {})),
        path_facts={p: _facts_back(f) for p, f in raw.get("path_facts", {}).items()},
        details=dict(raw.get("details", {})),
        discovered=tuple(_found_back(d) for d in raw.get("discovered", [])),
        issues=tuple(issue_from_dict(i) for i in raw.get("issues", [])),
    )


def _json_safe(value: Any) -> Any:
    """Tuples as lists, mappings as dicts: what the snapshot's own JSON would hold."""
    if isinstance(value, Mapping):
        return {str(k): _json_safe(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_json_safe(v) for v in value]
    return value


def partial_section(estate_path: str, estate_text: str, reports: Sequence[ProbeReport],
                    runner: str) -> dict[str, Any]:
    """The ``partial`` block of a shard's snapshot."""
    return {"estate": {"path": estate_path, "text": estate_text},
            "reports": [report_to_dict(r, runner) for r in reports]}
