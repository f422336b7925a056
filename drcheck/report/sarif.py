"""SARIF 2.1.0 output that GitHub code scanning accepts.

One rule per policy rule, with help text, its controls as tags and a ``security-severity``;
one result per failed, unknown or waived finding (passes are left out): a failure is
``kind: fail`` at the severity's level, an unknown is ``kind: review`` (someone must look;
SARIF then requires ``level: none``), a waived finding carries an external suppression with
the waiver's reason. Each result points at the estate line that defines the dataset, with the
policy line that defines the rule as a related location; ``partialFingerprints`` is the
finding's fingerprint. Probe issues become tool execution notifications.
"""

from __future__ import annotations

import inspect
from functools import lru_cache
from pathlib import PurePath
from typing import Any

from drcheck import __version__
from drcheck.evaluate.registry import rule_types
from drcheck.facts.snapshot import snapshot_digest
from drcheck.report.base import Reporter
from drcheck.report.rules import rule_index
from drcheck.shared.jsontext import pretty
from drcheck.shared.model import AuditResult, Finding, ProbeIssue, RuleRef, Severity, Status

SCHEMA_URI = "https://json.schemastore.org/sarif-2.1.0.json"
INFO_URI = "https://drcheck.dev"
FINGERPRINT_KEY = "drcheckFingerprint/v1"
LEVEL = {Severity.CRITICAL: "error", Severity.HIGH: "error", Severity.MEDIUM: "warning",
         Severity.LOW: "note", Severity.INFO: "note"}
SECURITY_SEVERITY = {Severity.CRITICAL: "9.5", Severity.HIGH: "8.0", Severity.MEDIUM: "5.5",
                     Severity.LOW: "3.0", Severity.INFO: "1.0"}


def split_origin(origin: str) -> tuple[str, int | None] | None:
    """``path:line`` → (path, line); None for origins that are not files (``builtin:``)."""
    if not origin or origin.startswith(("builtin:", "catalog:")):
        return None
    path, sep, line = origin.rpartition(":")
    if sep and line.isdigit() and path:
        return path, int(line)
    return origin, None


@lru_cache(maxsize=1024)
def _uri(path: str) -> str:
    pure = PurePath(path)
    return pure.as_uri() if pure.is_absolute() else pure.as_posix()


def _physical(origin: str) -> dict[str, Any] | None:
    split = split_origin(origin)
    if split is None:
        return None
    path, line = split
    loc: dict[str, Any] = {"artifactLocation": {"uri": _uri(path)}}
    if line is not None:
        loc["region"] = {"startLine": line}
    return {"physicalLocation": loc}


def rule_type_doc(rule_type: str) -> str:
    """The user documentation of a rule type (its docstring), or "" when unknown."""
    cls = rule_types().get(rule_type)
    return inspect.getdoc(cls) or "" if cls is not None else ""


def _rule(ref: RuleRef) -> dict[str, Any]:
    controls = [f"{fw} {c}" for fw, cs in sorted(ref.controls.items()) for c in cs]
    help_text = (f"{ref.description}\n\nRule type {ref.rule_type}: "
                 f"{rule_type_doc(ref.rule_type)}\n\nPolicy: {ref.policy} ({ref.origin}).")
    if controls:
        help_text += "\nControls: " + "; ".join(controls) + "."
    return {
        "id": ref.rule_id,
        "name": ref.rule_type.title().replace("-", ""),
        "shortDescription": {"text": ref.title},
        "fullDescription": {"text": ref.description or ref.title},
        "help": {"text": help_text, "markdown": help_text},
        "defaultConfiguration": {"level": LEVEL[ref.severity]},
        "properties": {"tags": ["disaster-recovery", *controls],
                       "security-severity": SECURITY_SEVERITY[ref.severity],
                       "policy": ref.policy, "severity": ref.severity.value},
    }


def _fallback_rule(f: Finding) -> RuleRef:
    return RuleRef(f.policy, f.rule_id, f.rule_type, f.title, f.severity, "", f.title,
                   f.controls)


def _locations(f: Finding, origin: str, rule: RuleRef) -> dict[str, Any]:
    primary = _physical(origin) or _physical(rule.origin)
    logical = {"logicalLocations": [{"name": f.dataset, "kind": "dataset"}]}
    out: dict[str, Any] = {"locations": [{**(primary or {}), **logical}]}
    related = _physical(rule.origin)
    if related is not None and primary is not None and related != primary:
        out["relatedLocations"] = [{"id": 1, **related,
                                    "message": {"text": f"rule {f.rule_id} is defined here"}}]
    return out


def _result(f: Finding, origin: str, rule: RuleRef, index: int) -> dict[str, Any]:
    kind = "review" if f.status is Status.UNKNOWN else "fail"
    text = f.message if f.status is not Status.UNKNOWN else f"could not tell: {f.message}"
    out: dict[str, Any] = {
        "ruleId": f.rule_id,
        "ruleIndex": index,
        "kind": kind,
        "level": "none" if kind == "review" else LEVEL[f.severity],
        "message": {"text": f"{f.dataset}: {text}"},
        **_locations(f, origin, rule),
        "partialFingerprints": {FINGERPRINT_KEY: f.fingerprint},
        "properties": {"status": f.status.value, "severity": f.severity.value,
                       "policy": f.policy, "dataset": f.dataset},
    }
    if f.status is Status.WAIVED:
        out["suppressions"] = [{"kind": "external", "status": "accepted",
                                "justification": f.waiver or "waived"}]
    return out


MAX_RESULTS = 25_000  # GitHub code scanning's documented limit of results per run
_RANK = {Severity.CRITICAL: 0, Severity.HIGH: 1, Severity.MEDIUM: 2, Severity.LOW: 3,
         Severity.INFO: 4}


def cap_results(findings: list[Finding], limit: int) -> tuple[list[Finding],
                                                               dict[str, list[Finding]]]:
    """At most ``limit`` results: the most severe findings one by one (failures before
    unknowns, in report order), the rest folded into one result per rule."""
    if len(findings) <= limit:
        return findings, {}
    ranked = sorted(range(len(findings)), key=lambda i: (
        _RANK[findings[i].severity], findings[i].status is not Status.FAIL, i))
    rules = {f.rule_id for f in findings}
    room = max(0, limit - len(rules))
    keep = set(ranked[:room])
    folded: dict[str, list[Finding]] = {}
    for i in ranked[room:]:
        folded.setdefault(findings[i].rule_id, []).append(findings[i])
    return [f for i, f in enumerate(findings) if i in keep], dict(sorted(folded.items()))


def _aggregate(rule_id: str, group: list[Finding], rule: RuleRef, index: int) -> dict[str, Any]:
    worst = min(group, key=lambda f: _RANK[f.severity])
    names = sorted({f.dataset for f in group})
    sample = ", ".join(names[:20]) + (", …" if len(names) > 20 else "")
    return {
        "ruleId": rule_id, "ruleIndex": index, "kind": "fail", "level": LEVEL[worst.severity],
        "message": {"text": f"{len(group)} more findings of rule {rule_id} on {len(names)} "
                    f"datasets, folded into this one result to stay within GitHub's "
                    f"{MAX_RESULTS} results per run; see the JSON report for each: {sample}"},
        **_locations(worst, "", rule),
        "partialFingerprints": {FINGERPRINT_KEY: f"folded:{rule.policy}:{rule_id}"},
        "properties": {"status": "folded", "severity": worst.severity.value,
                       "policy": rule.policy, "folded": len(group),
                       "datasets": names[:100], "datasets_total": len(names)},
    }


def _cap_note(total: int, kept: int, rules: int) -> dict[str, Any]:
    return {"level": "note", "descriptor": {"id": "results-capped"},
            "message": {"text": f"{total} results exceed GitHub code scanning's limit of "
                        f"{MAX_RESULTS} per run: the {kept} most severe are listed one by one, "
                        f"the other {total - kept} are folded into {rules} results, one per "
                        "rule"}}


def _notification(issue: ProbeIssue) -> dict[str, Any]:
    note: dict[str, Any] = {
        "level": "error" if issue.security else "warning",
        "message": {"text": f"{issue.subject}: {issue.reason}"},
        "descriptor": {"id": issue.code},
        "properties": {"subject": issue.subject, "probe": issue.probe,
                       "security": issue.security},
    }
    if issue.observed_at:
        note["timeUtc"] = issue.observed_at
    return note


class SarifReporter(Reporter):
    """The result as a SARIF 2.1.0 log with one run."""

    name = "sarif"
    shows_passes = False  # passes are counted or listed by name, never explained

    def render(self, result: AuditResult) -> str:
        """SARIF JSON text; key-sorted so the same result gives the same bytes."""
        return pretty(self.document(result))

    def document(self, result: AuditResult) -> dict[str, Any]:
        """The SARIF log as a dict."""
        known = rule_index(result)
        estate = result.snapshot.sources.get("estate", "")
        origins = {d.name: d.origin or estate for d in result.snapshot.datasets}
        refs: dict[str, RuleRef] = {}
        for ref in result.rules:
            refs.setdefault(ref.rule_id, ref)
        for f in result.findings:
            refs.setdefault(f.rule_id, known.get((f.policy, f.rule_id)) or _fallback_rule(f))
        order = {rid: i for i, rid in enumerate(refs)}
        shown = [f for f in result.findings if f.status is not Status.PASS]
        kept, folded = cap_results(shown, MAX_RESULTS)
        results = [_result(f, origins.get(f.dataset, ""), refs[f.rule_id], order[f.rule_id])
                   for f in kept]
        results += [_aggregate(rule_id, group, refs[rule_id], order[rule_id])
                    for rule_id, group in folded.items()]
        driver = {"name": "drcheck", "version": __version__, "semanticVersion": __version__,
                  "informationUri": INFO_URI, "rules": [_rule(r) for r in refs.values()]}
        notes = [_notification(i) for i in result.snapshot.issues]
        if folded:
            notes.append(_cap_note(len(shown), len(kept), len(folded)))
        invocation = {"executionSuccessful": True, "endTimeUtc": result.evaluated_at,
                      "toolExecutionNotifications": notes}
        return {"$schema": SCHEMA_URI, "version": "2.1.0", "runs": [{
            "tool": {"driver": driver}, "invocations": [invocation], "results": results,
            "automationDetails": {"id": "drcheck/" + "+".join(result.policies)},
            "properties": {"score": result.score, "facts_digest": snapshot_digest(result.snapshot)},
        }]}

