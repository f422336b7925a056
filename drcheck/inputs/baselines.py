"""Baselines: the failed and unknown findings a team has accepted, keyed by fingerprint.

A fingerprint names policy, rule and dataset, not the verdict: a baselined failure that
turns unknown is still the accepted finding. Loading recomputes each entry's fingerprint
from its policy, rule and dataset, so a baseline written by an earlier drcheck (whose
fingerprints included the verdict) keeps matching.

``--create-baseline FILE`` records today's failed/unknown findings; ``--baseline FILE`` then
lets only findings absent from it gate the run, and reports the baseline's findings that no
longer fail as fixed. The file is small, sorted, versioned JSON meant to be committed.
"""

from __future__ import annotations

import json
from collections.abc import Mapping
from dataclasses import replace
from pathlib import Path
from typing import Any

from drcheck.inputs.bounds import read_json
from drcheck.shared.errors import ConfigError, Problem, UsageError
from drcheck.shared.model import AuditResult, Finding, Severity, Status

FORMAT = "drcheck/baseline"
VERSION = 1
GATING = (Status.FAIL, Status.UNKNOWN)
_KEYS = ("fingerprint", "policy", "rule_id", "rule_type", "dataset", "status", "severity",
         "title", "message")


def gating(findings: tuple[Finding, ...]) -> list[Finding]:
    """The findings a baseline is about: failed or could-not-tell."""
    return [f for f in findings if f.status in GATING]


def baseline_text(result: AuditResult) -> str:
    """The baseline document for ``result`` as JSON text."""
    entries = sorted(({k: _value(f, k) for k in _KEYS} for f in gating(result.findings)),
                     key=lambda e: (e["policy"], e["rule_id"], e["dataset"], e["fingerprint"]))
    doc = {"format": FORMAT, "version": VERSION, "created_from": result.evaluated_at,
           "findings": entries}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def _value(f: Finding, key: str) -> str:
    value = getattr(f, key)
    return str(value.value) if isinstance(value, Status | Severity) else str(value)


def _entry_finding(entry: Mapping[str, Any]) -> Finding:
    return Finding(rule_id=entry["rule_id"], rule_type=entry["rule_type"],
                   policy=entry["policy"], dataset=entry["dataset"],
                   status=Status(entry["status"]), severity=Severity(entry["severity"]),
                   title=entry["title"], message=entry["message"])


def load_baseline(path: str) -> tuple[Finding, ...]:
    """The findings recorded in a baseline file; a malformed file is a usage error."""
    if not Path(path).exists():
        raise UsageError(f"{path}: no such baseline file",
                         hint="create one with --create-baseline FILE")
    doc = read_json(path, hint="a baseline is written by --create-baseline FILE")
    if not isinstance(doc, dict) or doc.get("format") != FORMAT or doc.get("version") != VERSION:
        raise ConfigError([Problem(path, None, None, "$.format",
                                   f"expected format {FORMAT!r} version {VERSION}")])
    try:
        return tuple(_entry_finding(e) for e in doc["findings"])
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise ConfigError([Problem(path, None, None, "$.findings",
                                   f"malformed entry: {exc}")]) from None


def apply_baseline(result: AuditResult, accepted: tuple[Finding, ...],
                   label: str) -> AuditResult:
    """Mark which findings the baseline accepts and which of its findings are fixed."""
    known = {f.fingerprint for f in accepted}
    current = {f.fingerprint for f in gating(result.findings)}
    waived = {f.fingerprint for f in result.findings if f.status is Status.WAIVED}
    baselined = tuple(sorted(known & current))
    fixed = tuple(f for f in accepted if f.fingerprint not in current | waived)
    return replace(result, baseline=label, baselined=baselined, fixed=fixed)


def new_findings(result: AuditResult) -> list[Finding]:
    """Failed or unknown findings the baseline (if any) does not accept."""
    accepted = set(result.baselined)
    if not accepted:  # no baseline: nothing to derive a fingerprint for
        return list(gating(result.findings))
    return [f for f in gating(result.findings) if f.fingerprint not in accepted]
