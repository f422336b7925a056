"""The JSON Schema of the result document that ``--format json`` writes."""

from __future__ import annotations

from typing import Any

from drcheck.facts.snapshot import FACTS_SCHEMA
from drcheck.report.fields import RESULT_FORMAT, RESULT_VERSION
from drcheck.shared.model import Severity, Source, Status

_STR = {"type": "string"}
_FINDING: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["fingerprint", "policy", "rule_id", "rule_type", "title", "dataset", "status",
                 "severity", "message", "shared_domains", "unknowns", "controls", "evidence"],
    "properties": {
        "fingerprint": _STR, "policy": _STR, "rule_id": _STR, "rule_type": _STR, "title": _STR,
        "dataset": _STR, "message": _STR,
        "status": {"enum": [s.value for s in Status]},
        "severity": {"enum": [s.value for s in Severity]},
        "shared_domains": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["kind", "id", "replicas"],
            "properties": {"kind": _STR, "id": _STR, "replicas": {"type": "array", "items": _STR}},
        }},
        "unknowns": {"type": "array", "items": _STR},
        "controls": {"type": "object", "additionalProperties": {"type": "array", "items": _STR}},
        "waiver": {"type": ["string", "null"]},
        "evidence": {"type": "array", "items": {
            "type": "object", "additionalProperties": False,
            "required": ["subject", "key", "value", "source", "origin"],
            "properties": {
                "subject": _STR, "key": _STR, "origin": _STR,
                "value": {"type": ["boolean", "integer", "number", "string", "null"]},
                "source": {"enum": [s.value for s in Source]},
                "observed_at": {"type": ["string", "null"]},
            },
        }},
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
    """The result document's schema; the embedded facts follow the facts schema."""
    facts = {k: v for k, v in FACTS_SCHEMA.items() if not k.startswith("$")}
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://drcheck.dev/schemas/result.json",
        "title": "drcheck audit result",
        "type": "object",
        "additionalProperties": True,
        "required": ["format", "version", "evaluated_at", "policies", "score", "summary",
                     "datasets", "findings", "facts_digest"],
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
                               "score": {"type": "integer"}, "counts": {"type": "object"}},
            }},
            "findings": {"type": "array", "items": _FINDING},
            "issues": {"type": "array"},
            "facts_digest": _STR,
            "facts": facts,
            "waivers": {"type": "array", "items": _WAIVER},
            "baseline": _BASELINE,
        },
    }
