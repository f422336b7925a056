"""The estate file's JSON Schema: the single definition of its shape.

``drcheck schema estate`` prints it, ``drcheck validate`` checks against it, and
``drcheck.inputs.estate`` parses documents that passed it into frozen specs.
"""

from __future__ import annotations

from typing import Any

from drcheck.inputs.durations import DURATION_PATTERN
from drcheck.inputs.throughput import THROUGHPUT_PATTERN
from drcheck.shared.model import FactKey

API_VERSION = "drcheck/v1"

LOCATION_FIELDS = (
    "provider",
    "account",
    "jurisdiction",
    "region",
    "metro",
    "campus",
    "building",
    "room",
    "rack",
    "datacenter",
)

_NAME = {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.:@/-]*$", "maxLength": 200}
_TIME = {
    "type": "string",
    "pattern": r"^\d{4}-\d{2}-\d{2}([T ]\d{2}:\d{2}(:\d{2}(\.\d+)?)?(Z|[+-]\d{2}:?\d{2})?)?$",
    "description": "ISO 8601 date or date-time; a time without zone is UTC",
}
LOCATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Declared failure domains; `datacenter` is looked up in the catalog "
    "(e.g. provider ovh, datacenter SBG2).",
    "additionalProperties": False,
    "properties": {
        **{k: {"type": "string", "minLength": 1} for k in LOCATION_FIELDS},
        "coordinates": {
            "type": "object",
            "additionalProperties": False,
            "required": ["lat", "lon"],
            "properties": {
                "lat": {"type": "number", "minimum": -90, "maximum": 90},
                "lon": {"type": "number", "minimum": -180, "maximum": 180},
            },
        },
    },
}
THROUGHPUT_SCHEMA: dict[str, Any] = {
    "description": "Restore throughput from this place, e.g. `200 MB/s`, `1 Gbit/s` "
    "(an integer is bytes per second); `drcheck brief` assumes 100 MB/s when none is "
    "declared, and says so",
    "oneOf": [{"type": "string", "pattern": THROUGHPUT_PATTERN},
              {"type": "integer", "minimum": 1}],
}
FACTS_SCHEMA: dict[str, Any] = {
    "type": "object",
    "description": "Facts a probe would otherwise find, declared by hand.",
    "additionalProperties": False,
    "properties": {
        FactKey.IMMUTABLE.value: {"type": "boolean"},
        FactKey.RETENTION_DAYS.value: {"type": "integer", "minimum": 0},
        FactKey.OFFLINE.value: {"type": "boolean"},
        FactKey.ENCRYPTED.value: {"type": "boolean"},
        FactKey.NEWEST_RESTORE_POINT.value: _TIME,
        FactKey.LAST_RESTORE_TEST.value: _TIME,
        FactKey.EXPIRATION_DAYS.value: {"type": "integer", "minimum": 0},
        FactKey.BYTES.value: {"type": "integer", "minimum": 0},
        FactKey.RESTORE_THROUGHPUT.value: THROUGHPUT_SCHEMA,
    },
}
_REPLICA_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "name": _NAME,
        "host": _NAME,
        "bucket": _NAME,
        "medium": _NAME,
        "path": {"type": "string", "minLength": 1},
        "prefix": {"type": "string"},
        "facts": FACTS_SCHEMA,
    },
    "oneOf": [
        {"required": [kind], "not": {"anyOf": [{"required": [other]} for other in
                                                 ("host", "bucket", "medium") if other != kind]}}
        for kind in ("host", "bucket", "medium")
    ],
    "description": "a replica names exactly one of host, bucket or medium",
}
CRITICALITIES = ("low", "medium", "high", "critical")
SPECIAL_CATEGORIES = (
    "racial-or-ethnic-origin", "political-opinions", "religious-or-philosophical-beliefs",
    "trade-union-membership", "genetic", "biometric", "health", "sex-life-or-orientation",
)
"""GDPR Art. 9(1): the special categories of personal data."""
_DURATION = {"type": "string", "pattern": DURATION_PATTERN,
             "description": "a duration, e.g. 15m, 4h, 1d12h"}
_TEXT = {"type": "string", "minLength": 1, "maxLength": 500}
_COUNT = {"type": "integer", "minimum": 0}
PERSONAL_DATA_SCHEMA: dict[str, Any] = {
    "description": "The personal data the dataset holds (GDPR Art. 4(1)); `false` when it "
    "holds none. Absent means not declared, which drcheck never reads as none.",
    "type": ["object", "boolean"],
    "if": {"type": "boolean"}, "then": {"const": False},
    "additionalProperties": False,
    "anyOf": [{"required": ["categories"]}, {"required": ["special_categories"]}],
    "properties": {
        "categories": {
            "type": "array", "items": _TEXT, "uniqueItems": True,
            "description": "ordinary categories, e.g. identity, contact, payment, location, "
            "online-identifiers",
        },
        "special_categories": {
            "type": "array", "items": {"enum": list(SPECIAL_CATEGORIES)}, "uniqueItems": True,
            "description": "GDPR Art. 9(1) special categories, kept apart: their loss is "
            "taken as high risk (Art. 34)",
        },
    },
}
BUSINESS_PROPERTIES: dict[str, Any] = {
    "rpo": {**_DURATION, "description": "recovery point objective: the most data (as "
            "time) the business accepts to lose, e.g. 24h"},
    "rto": {**_DURATION, "description": "recovery time objective: the longest the "
            "business accepts to wait for a restore, e.g. 4h"},
    "services": {"type": "array", "items": _TEXT, "uniqueItems": True,
                 "description": "services that stop when this dataset is gone"},
    "owner": {**_TEXT, "description": "who answers for the dataset (a person or team)"},
    "customers": {**_COUNT, "description": "how many customers the dataset serves"},
    "personal_data": PERSONAL_DATA_SCHEMA,
    "subjects": {**_COUNT, "description": "how many data subjects' records it holds"},
}
_CONTACT = {
    "type": "object",
    "additionalProperties": False,
    "required": ["role"],
    "properties": {"role": _TEXT, "name": _TEXT, "email": _TEXT, "phone": _TEXT},
}
ORGANISATION_SCHEMA: dict[str, Any] = {
    "type": "object",
    "additionalProperties": False,
    "description": "The organisation behind the estate: what `drcheck brief` needs to say "
    "which notification duties a loss triggers (facts, not legal advice).",
    "properties": {
        "name": _TEXT,
        "sector": {**_TEXT, "description": "e.g. retail, banking, health, energy"},
        "nis2": {"enum": ["essential", "important", "none"],
                 "description": "NIS2 (Directive (EU) 2022/2555) entity type"},
        "dora_financial_entity": {"type": "boolean", "description": "a financial entity "
                                  "under DORA (Regulation (EU) 2022/2554) Art. 2"},
        "jurisdiction": {"type": "string", "pattern": "^[A-Z]{2}$",
                         "description": "ISO 3166-1 country of the main establishment, "
                         "e.g. FR (selects the lead supervisory authority)"},
        "supervisory_authority": {**_TEXT, "description": "the lead GDPR supervisory "
                                  "authority, when known (overrides the jurisdiction's)"},
        "contacts": {"type": "array", "items": _CONTACT,
                     "description": "who to call, by role (dpo, ciso, incident, legal…)"},
    },
}
ESTATE_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://drcheck.dev/schemas/estate.json",
    "title": "drcheck estate",
    "type": "object",
    "additionalProperties": False,
    "required": ["apiVersion", "kind", "datasets"],
    "properties": {
        "apiVersion": {"const": API_VERSION},
        "kind": {"const": "Estate"},
        "metadata": {
            "type": "object",
            "additionalProperties": False,
            "properties": {
                "name": {"type": "string"},
                "owner": {"type": "string"},
                "description": {"type": "string"},
            },
        },
        "organisation": ORGANISATION_SCHEMA,
        "hosts": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": _NAME,
                    "address": {"type": "string", "minLength": 1},
                    "port": {"type": "integer", "minimum": 1, "maximum": 65535},
                    "user": {"type": "string", "minLength": 1},
                    "key_file": {"type": "string", "minLength": 1},
                    "proxy_jump": {"type": "string", "minLength": 1},
                    "root": {
                        "type": "string",
                        "description": "Read the host's files under this directory "
                        "(a mounted image, a test tree)",
                    },
                    "probe": {"type": "boolean", "default": True},
                    "location": LOCATION_SCHEMA,
                    FactKey.RESTORE_THROUGHPUT.value: THROUGHPUT_SCHEMA,
                },
            },
        },
        "host_locations": {
            "type": "array",
            "description": "Hostname or address patterns → location, applied to probed hosts "
            "(a regex; named groups such as (?P<datacenter>...) fill location fields)",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["match"],
                "properties": {
                    "match": {"type": "string", "minLength": 1},
                    "on": {"enum": ["hostname", "address", "any"], "default": "any"},
                    "location": LOCATION_SCHEMA,
                },
            },
        },
        "buckets": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name"],
                "properties": {
                    "name": _NAME,
                    "bucket": {"type": "string", "description": "Bucket name when it differs"},
                    "endpoint": {"type": "string", "minLength": 1},
                    "provider": {"type": "string", "minLength": 1},
                    "region": {"type": "string", "minLength": 1},
                    "account": {"type": "string", "minLength": 1},
                    "profile": {"type": "string", "minLength": 1},
                    "addressing_style": {"enum": ["auto", "path", "virtual"]},
                    "probe": {"type": "boolean", "default": True},
                    "location": LOCATION_SCHEMA,
                    "facts": FACTS_SCHEMA,
                },
            },
        },
        "media": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "type", "location"],
                "properties": {
                    "name": _NAME,
                    "type": {"enum": ["tape", "removable-disk", "optical", "other"]},
                    "location": LOCATION_SCHEMA,
                    "facts": FACTS_SCHEMA,
                },
            },
        },
        "datasets": {
            "type": "array",
            "minItems": 1,
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["name", "primary"],
                "properties": {
                    "name": _NAME,
                    "criticality": {"enum": list(CRITICALITIES)},
                    "labels": {
                        "type": "object",
                        "additionalProperties": {"type": ["string", "number", "boolean"]},
                    },
                    "primary": _REPLICA_SCHEMA,
                    "copies": {"type": "array", "items": _REPLICA_SCHEMA},
                    "facts": {
                        "type": "object",
                        "additionalProperties": False,
                        "properties": {FactKey.LAST_RESTORE_TEST.value: _TIME,
                                       FactKey.BYTES.value: {"type": "integer",
                                                             "minimum": 0}},
                    },
                    **BUSINESS_PROPERTIES,
                },
            },
        },
    },
}
