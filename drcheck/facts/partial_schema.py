"""The JSON Schema of a shard's ``partial`` section (the estate as read and the raw probe
reports), apart from the code that reads it, so the facts snapshot's schema needs nothing
from the probes."""

from __future__ import annotations

from typing import Any

_STR_OR_NULL = {"type": ["string", "null"]}
_OBJECT = {"type": "object"}
REPORT_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["probe", "subject", "observed_at", "runner"],
    "properties": {
        "probe": {"type": "string"},
        "subject": {"type": "string"},
        "observed_at": {"type": "string"},
        "runner": {"type": "string"},
        "claims": {"type": "array", "items": _OBJECT},
        "facts": _OBJECT,
        "path_facts": {"type": "object", "additionalProperties": _OBJECT},
        "details": _OBJECT,
        "discovered": {"type": "array", "items": _OBJECT},
        "issues": {"type": "array", "items": _OBJECT},
    },
}
PARTIAL_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["estate", "reports"],
    "properties": {
        "estate": {
            "type": "object",
            "additionalProperties": False,
            "required": ["path", "text"],
            "properties": {"path": {"type": "string"}, "text": {"type": "string"}},
        },
        "reports": {"type": "array", "items": REPORT_SCHEMA},
    },
}
