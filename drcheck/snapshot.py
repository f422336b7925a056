"""The facts snapshot on disk: versioned, schema-checked JSON that can be re-evaluated offline.

``snapshot_to_json`` and ``snapshot_from_json`` are exact inverses; the document carries a
sha256 digest of its own canonical content so tampering or truncation is caught on load.
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from typing import Any

from drcheck import __version__
from drcheck.errors import ConfigError, Problem
from drcheck.jsontext import pretty
from drcheck.model import (
    Claim,
    Coordinates,
    Dataset,
    DomainKind,
    Evidence,
    Location,
    ProbeIssue,
    Replica,
    ReplicaKind,
    Snapshot,
    Source,
)
from drcheck.validation import schema_problems
from drcheck.yamlsource import Document, parse_text, read_input

FORMAT = "drcheck/facts"
VERSION = 1

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
        "lat": {"type": "number"},
        "lon": {"type": "number"},
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
FACTS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://drcheck.dev/schemas/facts.json",
    "title": "drcheck facts snapshot",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "version", "collected_at", "datasets", "digest"],
    "properties": {
        "format": {"const": FORMAT},
        "version": {"const": VERSION},
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
        "details": {"type": "object"},
    },
}


def _evidence(ev: Evidence) -> dict[str, Any]:
    return {"value": ev.value, "source": ev.source.value, "origin": ev.origin,
            "observed_at": ev.observed_at, "reason": ev.reason}


def _claim(c: Claim) -> dict[str, Any]:
    return {"kind": c.kind.value, "value": c.value, "source": c.source.value,
            "origin": c.origin, "observed_at": c.observed_at, "uncertain": c.uncertain}


def _replica(r: Replica) -> dict[str, Any]:
    coords = r.location.coordinates
    return {
        "id": r.id, "name": r.name, "role": r.role, "kind": r.kind.value, "asset": r.asset,
        "path": r.path, "origin": r.origin,
        "location": {
            "claims": [_claim(c) for c in r.location.claims],
            "coordinates": None if coords is None else {
                "lat": coords.lat, "lon": coords.lon, "source": coords.source.value,
                "origin": coords.origin, "uncertain": coords.uncertain},
        },
        "facts": {k: _evidence(v) for k, v in sorted(r.facts.items())},
    }


def content_digest(body: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of a snapshot document without its ``digest`` field."""
    canonical = json.dumps({k: v for k, v in body.items() if k != "digest"}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def snapshot_to_dict(s: Snapshot) -> dict[str, Any]:
    """The JSON-ready document of a snapshot, digest included."""
    body: dict[str, Any] = {
        "format": FORMAT,
        "version": VERSION,
        "drcheck_version": __version__,
        "collected_at": s.collected_at,
        "sources": dict(sorted(s.sources.items())),
        "probes": list(s.probes),
        "datasets": [{
            "name": d.name, "criticality": d.criticality, "labels": dict(sorted(d.labels.items())),
            "origin": d.origin, "facts": {k: _evidence(v) for k, v in sorted(d.facts.items())},
            "primary": _replica(d.primary), "copies": [_replica(c) for c in d.copies],
        } for d in s.datasets],
        "issues": [{"subject": i.subject, "probe": i.probe, "code": i.code, "reason": i.reason,
                    "observed_at": i.observed_at, "security": i.security} for i in s.issues],
        "details": {k: dict(v) for k, v in sorted(s.details.items())},
    }
    cached = s.__dict__.get("_digest")  # known when loaded from a verified file
    body["digest"] = cached if isinstance(cached, str) else content_digest(body)
    object.__setattr__(s, "_digest", body["digest"])
    return body


def snapshot_digest(s: Snapshot) -> str:
    """The ``sha256:…`` digest of a snapshot's canonical content, computed once per snapshot.

    Every report that quotes the facts it rests on (JSON, HTML, SARIF, history) asks for it;
    serialising 100k datasets once per format would be the slowest part of writing them.
    """
    cached = s.__dict__.get("_digest")
    if cached is None:
        cached = str(snapshot_to_dict(s)["digest"])
        object.__setattr__(s, "_digest", cached)
    return str(cached)


def snapshot_to_json(s: Snapshot) -> str:
    """The snapshot as pretty, key-sorted JSON text ending in a newline."""
    return pretty(snapshot_to_dict(s))


def _ev(raw: Mapping[str, Any]) -> Evidence:
    return Evidence(raw["value"], Source(raw["source"]), raw["origin"], raw.get("observed_at"),
                    raw.get("reason"))


def _location(loc: Mapping[str, Any]) -> Location:
    coords = loc.get("coordinates")
    return Location(
        tuple(Claim(DomainKind(c["kind"]), c["value"], Source(c["source"]), c["origin"],
                    c.get("observed_at"), bool(c.get("uncertain", False)))
              for c in loc["claims"]),
        None if coords is None else Coordinates(coords["lat"], coords["lon"],
                                                Source(coords["source"]), coords["origin"],
                                                bool(coords.get("uncertain", False))),
    )


def _rep(raw: Mapping[str, Any], locations: dict[bytes, Location]) -> Replica:
    import orjson  # C encoder: this key is only compared, never written or digested

    key = orjson.dumps(raw["location"], option=orjson.OPT_SORT_KEYS)
    if key not in locations:
        locations[key] = _location(raw["location"])
    return Replica(
        id=raw["id"], name=raw["name"], role=raw["role"], kind=ReplicaKind(raw["kind"]),
        asset=raw["asset"], path=raw.get("path"), origin=raw.get("origin", ""),
        location=locations[key], facts={k: _ev(v) for k, v in raw["facts"].items()},
    )


def snapshot_from_dict(data: Mapping[str, Any]) -> Snapshot:
    """Rebuild a ``Snapshot`` from a document that passed the schema.

    Replicas with identical locations share one ``Location`` object (memory, and the
    per-location claim index is built once).
    """
    locations: dict[bytes, Location] = {}
    return Snapshot(
        collected_at=data["collected_at"],
        datasets=tuple(Dataset(
            name=d["name"], primary=_rep(d["primary"], locations),
            copies=tuple(_rep(c, locations) for c in d["copies"]), labels=dict(d.get("labels", {})),
            criticality=d.get("criticality", "medium"),
            facts={k: _ev(v) for k, v in d.get("facts", {}).items()}, origin=d.get("origin", ""),
        ) for d in data["datasets"]),
        sources=dict(data.get("sources", {})),
        issues=tuple(ProbeIssue(i["subject"], i["probe"], i["code"], i["reason"],
                                i.get("observed_at"), bool(i.get("security", False)))
                     for i in data.get("issues", [])),
        probes=tuple(data.get("probes", [])),
        details=dict(data.get("details", {})),
    )


def _embedded_facts(path: str, shared: dict[str, Any]) -> Any:
    """The facts snapshot a result document (``--format json``) embeds, expanded."""
    from drcheck.report.shared_facts import expand_facts

    try:
        return expand_facts(shared)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigError([Problem(path, None, None, "$.facts", "the result document's facts "
                                   f"are incomplete ({type(exc).__name__}: {exc})")]) from None


def load_snapshot(path: str) -> Snapshot:
    """Read, validate and verify a facts file (or the facts a JSON report embeds); any
    problem is a ``ConfigError`` (exit 2)."""
    text = read_input(path)
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError([Problem(path, exc.lineno, exc.colno, "", f"invalid JSON: {exc.msg}")
                           ]) from None
    if isinstance(data, dict) and data.get("format") == "drcheck/result" \
            and isinstance(data.get("facts"), dict):
        data = _embedded_facts(path, data["facts"])
    doc = Document(path, data)
    problems = schema_problems(doc, FACTS_SCHEMA)
    if problems:
        located = parse_text(text, path)
        raise ConfigError(schema_problems(located, FACTS_SCHEMA))
    if content_digest(data) != data["digest"]:
        raise ConfigError([Problem(path, None, None, "$.digest", "digest does not match the "
                                   "content: the file was edited or truncated after it was "
                                   "written")], hint="re-run drcheck probe to write it again")
    snapshot = snapshot_from_dict(data)
    if data.get("drcheck_version") == __version__:  # written back the same: same digest
        object.__setattr__(snapshot, "_digest", data["digest"])
    return snapshot
