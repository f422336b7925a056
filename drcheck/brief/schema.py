"""The JSON Schema of ``drcheck brief --format json`` (``drcheck schema brief``)."""

from __future__ import annotations

from typing import Any

from drcheck.brief.model import DutyStatus, Outcome
from drcheck.brief.render import SCHEMA_VERSION

_STR = {"type": "string"}
_OPT_STR = {"type": ["string", "null"]}
_OPT_INT = {"type": ["integer", "null"]}
_OPT_BOOL = {"type": ["boolean", "null"]}
_STRS = {"type": "array", "items": _STR}


def _obj(props: dict[str, Any]) -> dict[str, Any]:
    return {"type": "object", "additionalProperties": False, "required": sorted(props),
            "properties": props}


_SOURCE = _obj({"instrument": _STR, "article": _STR, "celex": _OPT_STR, "url": _STR})
_DATASET = _obj({
    "dataset": _STR, "criticality": _STR, "outcome": {"enum": [o.value for o in Outcome]},
    "why": _STR, "primary_lost": {"type": "boolean"}, "survivors": _STRS, "services": _STRS,
    "owner": _OPT_STR, "customers": _OPT_INT, "subjects": _OPT_INT,
    "personal_data": {"oneOf": [{"type": "null"}, _obj({"categories": _STRS,
                                                        "special_categories": _STRS})]},
    "recovery": _obj({"text": _STR, "source": _OPT_STR, "point": _OPT_STR,
                      "age_seconds": _OPT_INT, "rpo_seconds": _OPT_INT, "rpo_from": _OPT_STR,
                      "meets_rpo": _OPT_BOOL}),
    "restore": _obj({"text": _STR, "copy": _OPT_STR, "bytes": _OPT_INT,
                     "throughput_bytes_per_second": _OPT_INT,
                     "throughput_declared": {"type": "boolean"},
                     "estimate_seconds": _OPT_INT, "rto_seconds": _OPT_INT,
                     "meets_rto": _OPT_BOOL}),
    "replicas": {"type": "array", "items": _obj({"name": _STR, "role": _STR, "standing": _STR,
                                                 "fate": _STR, "reason": _STR})},
})
_DUTY = _obj({
    "id": _STR, "regime": _STR, "duty": _STR, "status": {"enum": [s.value for s in DutyStatus]},
    "recipient": _STR, "reason": _STR, "source": _SOURCE,
    "datasets": {"type": "array", "items": _obj({"dataset": _STR, "why": _STR})},
    "deadlines": {"type": "array", "items": _obj({
        "step": _STR, "text": _STR, "due": _OPT_STR, "due_utc": _OPT_STR,
        "source": _SOURCE})},
})


def brief_schema() -> dict[str, Any]:
    """The schema, generated from the brief's enums."""
    return {
        "$schema": "https://json-schema.org/draft/2020-12/schema",
        "$id": "https://drcheck.dev/schemas/brief.json",
        "title": "drcheck impact brief",
        **_obj({
            "schema_version": {"const": SCHEMA_VERSION}, "kind": {"const": "brief"},
            "mode": {"enum": ["scenario", "sweep"]}, "evaluated_at": _STR,
            "incident_at": _OPT_STR, "notice": _STR, "swept": {"type": "integer"},
            "destructive": {"type": "integer"},
            "default_throughput_bytes_per_second": {"type": "integer"},
            "organisation": {"oneOf": [{"type": "null"}, _obj({
                "name": _OPT_STR, "sector": _OPT_STR, "nis2": _OPT_STR,
                "dora_financial_entity": _OPT_BOOL, "jurisdiction": _OPT_STR,
                "supervisory_authority": _OPT_STR})]},
            "losses": {"type": "array", "items": _obj({
                "domains": _STRS, "summary": _STR, "draft_markdown": _STR,
                "untouched": {"type": "object",
                              "additionalProperties": {"type": "integer", "minimum": 1}},
                "datasets": {"type": "array", "items": _DATASET},
                "duties": {"type": "array", "items": _DUTY}})},
        }),
    }
