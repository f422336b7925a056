"""The estate file's JSON Schema: the single definition of its shape.

``drcheck schema estate`` prints it, ``drcheck validate`` checks against it, and
``drcheck.estate`` parses documents that passed it into frozen specs.
"""

from __future__ import annotations

from typing import Any

from drcheck.model import FactKey

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
                        "properties": {FactKey.LAST_RESTORE_TEST.value: _TIME},
                    },
                },
            },
        },
    },
}
