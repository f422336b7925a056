"""The JSON Schemas of the facts file: version 3 (written) and versions 1 and 2 (still read).

Version 3 is the compact form (``compact``): locations keyed by asset, shared facts by id,
defaults left out. ``FACTS_SCHEMA`` is what ``drcheck schema facts`` prints.
"""

from __future__ import annotations

from typing import Any

from drcheck.facts.partial_schema import PARTIAL_SCHEMA
from drcheck.shared.model import DomainKind, ReplicaKind, Source

FORMAT = "drcheck/facts"
VERSION = 3
"""Version 2 added ``unattributed`` copies, ``collections`` (runner, shard, selection per probe
run) and ``partial`` (a shard's estate and raw reports); version 3 writes each asset's location
and each shared fact once (``compact``). Versions 1 and 2 still load."""
READABLE_VERSIONS = (1, 2, 3)
LEGACY_VERSIONS = (1, 2)

_SOURCE = {"enum": [s.value for s in Source]}
_VALUE = {"type": ["boolean", "integer", "number", "string", "null"]}
_EVIDENCE = {
    "type": "object",
    "additionalProperties": False,
    "required": ["value", "source", "origin"],
    "properties": {
        "value": _VALUE,
        "source": _SOURCE,
        "origin": {"type": "string"},
        "observed_at": {"type": ["string", "null"]},
        "reason": {"type": ["string", "null"]},
    },
}
_CLAIM = {
    "type": "object",
    "additionalProperties": False,
    "required": ["kind", "value", "source", "origin"],
    "properties": {
        "kind": {"enum": [k.value for k in DomainKind]},
        "value": {"type": "string"},
        "source": _SOURCE,
        "origin": {"type": "string"},
        "observed_at": {"type": ["string", "null"]},
        "uncertain": {"type": "boolean"},
    },
}
_COORDS = {
    "type": ["object", "null"],
    "additionalProperties": False,
    "required": ["lat", "lon", "source", "origin"],
    "properties": {
        "lat": {"type": "number", "minimum": -90, "maximum": 90},
        "lon": {"type": "number", "minimum": -180, "maximum": 180},
        "source": _SOURCE,
        "origin": {"type": "string"},
        "uncertain": {"type": "boolean"},
    },
}
_REPLICA = {
    "type": "object",
    "additionalProperties": False,
    "required": ["id", "name", "role", "kind", "asset", "location", "facts"],
    "properties": {
        "id": {"type": "string"},
        "name": {"type": "string"},
        "role": {"enum": ["primary", "copy"]},
        "kind": {"enum": [k.value for k in ReplicaKind]},
        "asset": {"type": "string"},
        "path": {"type": ["string", "null"]},
        "origin": {"type": "string"},
        "location": {
            "type": "object",
            "additionalProperties": False,
            "required": ["claims"],
            "properties": {"claims": {"type": "array", "items": _CLAIM}, "coordinates": _COORDS},
        },
        "facts": {"type": "object", "additionalProperties": _EVIDENCE},
    },
}
_STR_OR_NULL = {"type": ["string", "null"]}
_COUNT_OR_NULL = {"type": ["integer", "null"], "minimum": 0}
_STRINGS = {"type": "array", "items": {"type": "string"}}
_BUSINESS = {
    "type": "object",
    "additionalProperties": False,
    "description": "The dataset's declared business and legal facts (estate fields rpo, rto, "
    "services, owner, customers, personal_data, subjects); personal_data null = not declared",
    "properties": {
        "rpo": _STR_OR_NULL, "rto": _STR_OR_NULL, "services": _STRINGS,
        "owner": _STR_OR_NULL, "customers": _COUNT_OR_NULL, "subjects": _COUNT_OR_NULL,
        "origin": {"type": "string"},
        "personal_data": {
            "type": ["object", "null"],
            "additionalProperties": False,
            "required": ["categories", "special_categories"],
            "properties": {"categories": _STRINGS, "special_categories": _STRINGS},
        },
    },
}
_ORGANISATION = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        **dict.fromkeys(("name", "sector", "nis2", "jurisdiction", "supervisory_authority"),
                        _STR_OR_NULL),
        "dora_financial_entity": {"type": ["boolean", "null"]},
        "origin": {"type": "string"},
        "contacts": {"type": "array", "items": {
            "type": "object", "additionalProperties": False, "required": ["role"],
            "properties": {"role": {"type": "string"}, "name": _STR_OR_NULL,
                           "email": _STR_OR_NULL, "phone": _STR_OR_NULL}}},
    },
}
COLLECTION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["runner", "collected_at", "assets"],
    "properties": {
        "runner": {"type": ["string", "null"]},
        "shard": {"type": ["string", "null"], "pattern": "^[0-9]+/[0-9]+$"},
        "only": {"type": "array", "items": {"type": "string"}},
        "collected_at": {"type": "string"},
        "drcheck_version": {"type": "string"},
        "assets": {"type": "array", "items": {"type": "string"}},
        "snapshot_digest": {"type": "string"},
        "missing": {"type": ["string", "null"]},
    },
}
LEGACY_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://drcheck.dev/schemas/facts-v2.json",
    "title": "drcheck facts snapshot, versions 1 and 2 (still read)",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "version", "collected_at", "datasets", "digest"],
    "properties": {
        "format": {"const": FORMAT},
        "version": {"enum": list(LEGACY_VERSIONS)},
        "drcheck_version": {"type": "string"},
        "collected_at": {"type": "string"},
        "digest": {"type": "string", "pattern": "^sha256:[0-9a-f]{64}$"},
        "sources": {"type": "object", "additionalProperties": {"type": "string"}},
        "probes": {"type": "array", "items": {"type": "string"}},
        "datasets": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "primary", "copies"],
                "properties": {
                    "name": {"type": "string"},
                    "criticality": {"type": "string"},
                    "labels": {"type": "object", "additionalProperties": {"type": "string"}},
                    "origin": {"type": "string"},
                    "facts": {"type": "object", "additionalProperties": _EVIDENCE},
                    "primary": _REPLICA,
                    "copies": {"type": "array", "items": _REPLICA},
                    "business": _BUSINESS,
                },
            },
        },
        "issues": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["subject", "probe", "code", "reason"],
                "properties": {
                    "subject": {"type": "string"},
                    "probe": {"type": "string"},
                    "code": {"type": "string"},
                    "reason": {"type": "string"},
                    "observed_at": {"type": ["string", "null"]},
                    "security": {"type": "boolean"},
                },
            },
        },
        "details": {"type": "object", "additionalProperties": {"type": "object"}},
        "organisation": _ORGANISATION,
        "unattributed": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["subject", "name", "tool", "origin", "reason"],
                "properties": {k: {"type": "string"}
                               for k in ("subject", "name", "tool", "origin", "reason")},
            },
        },
        "collections": {"type": "array", "items": COLLECTION_SCHEMA},
        "partial": PARTIAL_SCHEMA,
    },
}

_LEAN_EVIDENCE: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["value", "origin"],
    "properties": {
        "value": _VALUE,
        "source": {**_SOURCE, "description": "left out when declared"},
        "origin": {"type": "string"},
        "observed_at": {"type": ["string", "null"],
                        "description": "left out when it is the snapshot's collected_at"},
        "reason": {"type": ["string", "null"], "description": "left out when null"},
    },
}
_LEAN_CLAIM: dict[str, Any] = {**_CLAIM, "required": ["kind", "value", "origin"]}  # declared
_LEAN_COORDS: dict[str, Any] = {
    **_COORDS,
    "required": ["lat", "lon", "origin"],
}
_LOCATION: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["claims"],
    "properties": {"claims": {"type": "array", "items": _LEAN_CLAIM},
                   "coordinates": _LEAN_COORDS},
}
_REPLICA_FACT: dict[str, Any] = {
    **_LEAN_EVIDENCE,
    "type": ["string", "object"],
    "description": "a fact: the id of an entry of `shared`, or the fact itself",
}
_LEAN_REPLICA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "required": ["asset", "facts"],
    "properties": {
        "asset": {"type": "string"},
        "id": {"type": "string", "description": "left out when <dataset>/<role>/<name> "
               "(<dataset>/primary for the primary)"},
        "name": {"type": "string", "description": "left out when the asset's name"},
        "role": {"enum": ["primary", "copy"],
                 "description": "left out when primary for the primary, copy for a copy"},
        "kind": {"enum": [k.value for k in ReplicaKind],
                 "description": "left out when the asset id's kind"},
        "path": {"type": ["string", "null"]},
        "origin": {"type": "string"},
        "location": {"type": "string", "description": "a key of `locations`; left out when "
                     "it is the asset id"},
        "facts": {"type": "object", "additionalProperties": _REPLICA_FACT},
    },
}
_V2_DATASET = LEGACY_SCHEMA["properties"]["datasets"]["items"]
FACTS_SCHEMA: dict[str, Any] = {
    **LEGACY_SCHEMA,
    "$id": "https://drcheck.dev/schemas/facts.json",
    "title": "drcheck facts snapshot",
    "description": "Version 3: each asset's location once (`locations`), facts several "
                   "replicas share once (`shared`), default fields left out; origins write "
                   "the estate path as `@` (`@@` is a literal @).",
    "required": ["format", "version", "collected_at", "datasets", "digest", "locations",
                 "shared"],
    "properties": {
        **LEGACY_SCHEMA["properties"],
        "version": {"const": VERSION, "description": "versions 1 and 2 still load"},
        "datasets": {"type": "array", "items": {
            **_V2_DATASET,
            "properties": {
                **_V2_DATASET["properties"],
                "facts": {"type": "object", "additionalProperties": _LEAN_EVIDENCE},
                "primary": _LEAN_REPLICA,
                "copies": {"type": "array", "items": _LEAN_REPLICA},
            },
        }},
        "locations": {"type": "object", "additionalProperties": _LOCATION},
        "shared": {"type": "object", "additionalProperties": _LEAN_EVIDENCE},
    },
}
WHOLE_SCHEMA: dict[str, Any] = {
    **LEGACY_SCHEMA,
    "$id": "https://drcheck.dev/schemas/facts-whole.json",
    "title": "drcheck facts snapshot, version 3 written whole (as a JSON report's reader "
             "expands it)",
    "properties": {**LEGACY_SCHEMA["properties"], "version": {"const": VERSION}},
}
