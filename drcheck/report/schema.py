"""The JSON Schema of the result document that ``--format json`` writes."""

from __future__ import annotations

from typing import Any

from drcheck.facts.snapshot import FACTS_SCHEMA
from drcheck.report.fields import RESULT_FORMAT, RESULT_VERSION
from drcheck.shared.model import Severity, Source, Status

_STR = {"type": "string"}
_EVIDENCE: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["subject", "key", "value", "source", "origin"],
    "properties": {
        "subject": _STR, "key": _STR, "origin": _STR,
        "value": {"type": ["boolean", "integer", "number", "string", "null"]},
        "source": {"enum": [s.value for s in Source]},
        "observed_at": {"type": ["string", "null"]},
    },
}
_CONTROLS = {"type": "object", "additionalProperties": {"type": "array", "items": _STR}}
_SEVERITY = {"enum": [s.value for s in Severity]}
_RULE: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["policy", "rule_id", "rule_type", "title", "severity", "controls"],
    "properties": {"policy": _STR, "rule_id": _STR, "rule_type": _STR, "title": _STR,
                   "severity": _SEVERITY, "controls": _CONTROLS},
}
_FINDING: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "description": "A finding that did not pass (with fingerprint, message, evidence), or a "
                   "pass with a shared domain, an unknown or a waiver (fingerprint derived as "
                   "for `passed`); empty lists and a null waiver are left out; rule fields "
                   "only where they differ from the rule.",
    "required": ["rule", "dataset", "status"],
    "properties": {
        "fingerprint": _STR, "dataset": _STR, "message": _STR,
        "rule": {"type": "string", "description": "a key of `rules`"},
        "status": {"enum": [s.value for s in Status]},
        **_RULE["properties"],
        "shared_domains": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["kind", "id", "replicas"],
            "properties": {"kind": _STR, "id": _STR, "replicas": {"type": "array", "items": _STR}},
        }},
        "unknowns": {"type": "array", "items": _STR},
        "waiver": {"type": ["string", "null"]},
        "evidence": {"type": "array", "description": "ids `subject#key`: a key of `evidence`, "
                     "or else that replica's (or dataset's) fact in `facts`", "items": _STR},
    },
}
_SHARED_FACTS: dict[str, Any] = {
    "type": "object",
    "description": "The facts snapshot, each location once (`locations`), facts several "
                   "replicas share once (`shared`), default fields left out; "
                   "`drcheck audit --facts` reads it back from the report itself.",
    "required": ["format", "version", "collected_at", "datasets", "digest", "locations",
                 "shared"],
    "properties": {
        "format": {"const": FACTS_SCHEMA["properties"]["format"]["const"]},
        "collected_at": _STR, "digest": _STR,
        "datasets": {"type": "array", "items": {"type": "object",
                                                 "required": ["name", "primary", "copies"]}},
        "locations": {"type": "object", "additionalProperties": {
            "type": "object", "required": ["claims"]}},
        "shared": {"type": "object", "additionalProperties": {"type": "object"}},
    },
}

_WAIVER: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["id", "reason", "owner", "expires", "origin", "expired", "matched"],
    "properties": {"id": _STR, "reason": _STR, "owner": _STR, "expires": _STR, "origin": _STR,
                   "expired": {"type": "boolean"}, "matched": {"type": "array", "items": _STR}},
}
_BASELINE: dict[str, Any] = {
    "type": "object", "additionalProperties": False,
    "required": ["file", "accepted", "new", "fixed"],
    "properties": {
        "file": _STR,
        "accepted": {"type": "array", "items": _STR},
        "new": {"type": "array", "items": _STR},
        "fixed": {"type": "array", "items": {"type": "object", "properties": dict.fromkeys(
            ("fingerprint", "policy", "rule_id", "title", "dataset", "status", "severity"),
            _STR)}},
    },
}


def result_schema() -> dict[str, Any]:
    """The result document's schema (version 2: evidence shared, passing findings lean)."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://drcheck.dev/schemas/result.json",
        "title": "drcheck audit result",
        "type": "object",
        "additionalProperties": True,
        "required": ["format", "version", "evaluated_at", "policies", "score", "summary",
                     "datasets", "rules", "findings", "passed", "evidence", "facts_digest"],
        "properties": {
            "format": {"const": RESULT_FORMAT},
            "version": {"const": RESULT_VERSION},
            "drcheck_version": _STR,
            "evaluated_at": _STR,
            "policies": {"type": "array", "items": _STR},
            "score": {"type": "integer", "minimum": 0, "maximum": 100},
            "summary": {"type": "object", "additionalProperties": {"type": "integer"}},
            "datasets": {"type": "array", "items": {
                "type": "object", "required": ["dataset", "criticality", "score", "counts"],
                "properties": {"dataset": _STR, "criticality": _STR,
                               "score": {"type": "integer"},
                               "counts": {"type": "object", "description": "statuses with at "
                                          "least one finding",
                                          "additionalProperties": {"type": "integer"}}},
            }},
            "rules": {"type": "object", "additionalProperties": _RULE},
            "findings": {"type": "array", "items": _FINDING},
            "passed": {"type": "object", "description": "rule id -> the datasets that passed "
                       "it (fingerprint: sha256 of `drcheck/v1|policy|rule_id|dataset|pass`, "
                       "first 32 hex digits)",
                       "additionalProperties": {"type": "array", "items": _STR}},
            "evidence": {"type": "object", "additionalProperties": _EVIDENCE},
            "issues": {"type": "array"},
            "facts_digest": _STR,
            "facts": _SHARED_FACTS,
            "waivers": {"type": "array", "items": _WAIVER},
            "baseline": _BASELINE,
        },
    }
