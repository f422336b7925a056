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
from drcheck.facts.partial_schema import PARTIAL_SCHEMA
from drcheck.facts.shared_facts import expand_facts
from drcheck.inputs.bounds import load_json, read_text
from drcheck.inputs.documents import Document, parse_text
from drcheck.inputs.validation import sanity_problems, schema_problems
from drcheck.shared.errors import ConfigError, Problem
from drcheck.shared.jsontext import pretty
from drcheck.shared.model import (
    Business,
    Claim,
    Contact,
    Coordinates,
    Dataset,
    DomainKind,
    Evidence,
    Location,
    Organisation,
    PersonalData,
    ProbeIssue,
    Replica,
    ReplicaKind,
    Snapshot,
    Source,
    Unattributed,
)

FORMAT = "drcheck/facts"
VERSION = 2
"""Version 2 adds ``unattributed`` copies, ``collections`` (runner, shard, selection per probe
run) and ``partial`` (a shard's estate and raw reports); version 1 files still load."""
READABLE_VERSIONS = (1, 2)

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
FACTS_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "$id": "https://drcheck.dev/schemas/facts.json",
    "title": "drcheck facts snapshot",
    "type": "object",
    "additionalProperties": False,
    "required": ["format", "version", "collected_at", "datasets", "digest"],
    "properties": {
        "format": {"const": FORMAT},
        "version": {"enum": list(READABLE_VERSIONS)},
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


def _business(b: Business) -> dict[str, Any]:
    pd = b.personal_data
    return {"rpo": b.rpo, "rto": b.rto, "services": list(b.services), "owner": b.owner,
            "customers": b.customers, "subjects": b.subjects, "origin": b.origin,
            "personal_data": None if pd is None else {
                "categories": list(pd.categories),
                "special_categories": list(pd.special_categories)}}


def _organisation(o: Organisation) -> dict[str, Any]:
    return {"name": o.name, "sector": o.sector, "nis2": o.nis2,
            "dora_financial_entity": o.dora_financial_entity, "jurisdiction": o.jurisdiction,
            "supervisory_authority": o.supervisory_authority, "origin": o.origin,
            "contacts": [{"role": c.role, "name": c.name, "email": c.email, "phone": c.phone}
                         for c in o.contacts]}


def _dataset(d: Dataset) -> dict[str, Any]:
    out = {
        "name": d.name, "criticality": d.criticality, "labels": dict(sorted(d.labels.items())),
        "origin": d.origin, "facts": {k: _evidence(v) for k, v in sorted(d.facts.items())},
        "primary": _replica(d.primary), "copies": [_replica(c) for c in d.copies],
    }
    if d.business is not None:  # absent when undeclared: older snapshots keep their digest
        out["business"] = _business(d.business)
    return out


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
        "datasets": [_dataset(d) for d in s.datasets],
        "issues": [{"subject": i.subject, "probe": i.probe, "code": i.code, "reason": i.reason,
                    "observed_at": i.observed_at, "security": i.security} for i in s.issues],
        "details": {k: dict(v) for k, v in sorted(s.details.items())},
        "unattributed": [{"subject": u.subject, "name": u.name, "tool": u.tool,
                          "origin": u.origin, "reason": u.reason} for u in s.unattributed],
    }
    if s.organisation is not None:
        body["organisation"] = _organisation(s.organisation)
    if s.collections:
        body["collections"] = [dict(c) for c in s.collections]
    if s.partial is not None:
        body["partial"] = dict(s.partial)
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


def _business_from(raw: Mapping[str, Any] | None) -> Business | None:
    if raw is None:
        return None
    pd = raw.get("personal_data")
    return Business(
        rpo=raw.get("rpo"), rto=raw.get("rto"), services=tuple(raw.get("services", ())),
        owner=raw.get("owner"), customers=raw.get("customers"), subjects=raw.get("subjects"),
        origin=raw.get("origin", ""),
        personal_data=None if pd is None else PersonalData(
            tuple(pd["categories"]), tuple(pd["special_categories"])))


def _organisation_from(raw: Mapping[str, Any] | None) -> Organisation | None:
    if raw is None:
        return None
    return Organisation(
        name=raw.get("name"), sector=raw.get("sector"), nis2=raw.get("nis2"),
        dora_financial_entity=raw.get("dora_financial_entity"),
        jurisdiction=raw.get("jurisdiction"),
        supervisory_authority=raw.get("supervisory_authority"), origin=raw.get("origin", ""),
        contacts=tuple(Contact(c["role"], c.get("name"), c.get("email"), c.get("phone"))
                       for c in raw.get("contacts", ())))


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
            business=_business_from(d.get("business")),
        ) for d in data["datasets"]),
        sources=dict(data.get("sources", {})),
        issues=tuple(ProbeIssue(i["subject"], i["probe"], i["code"], i["reason"],
                                i.get("observed_at"), bool(i.get("security", False)))
                     for i in data.get("issues", [])),
        probes=tuple(data.get("probes", [])),
        details=dict(data.get("details", {})),
        organisation=_organisation_from(data.get("organisation")),
        unattributed=tuple(Unattributed(u["subject"], u["name"], u["tool"], u["origin"],
                                        u["reason"]) for u in data.get("unattributed", [])),
        collections=tuple(data.get("collections", [])),
        partial=data.get("partial"),
    )


def _embedded_facts(path: str, shared: dict[str, Any]) -> Any:
    """The facts snapshot a result document (``--format json``) embeds, expanded."""
    try:
        return expand_facts(shared)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigError([Problem(path, None, None, "$.facts", "the result document's facts "
                                   f"are incomplete ({type(exc).__name__}: {exc})")]) from None


def load_snapshot(path: str, partial_ok: bool = False) -> Snapshot:
    """Read, validate and verify a facts file (or the facts a JSON report embeds); any
    problem is a ``ConfigError`` (exit 2).

    A shard's snapshot (``partial``) is refused unless ``partial_ok``: its datasets are not
    assembled until ``drcheck merge`` has every shard.
    """
    text = read_text(path)
    data = load_json(text, path)
    if isinstance(data, dict) and data.get("format") == "drcheck/result" \
            and isinstance(data.get("facts"), dict):
        data = _embedded_facts(path, data["facts"])
    doc = Document(path, data)
    problems = schema_problems(doc, FACTS_SCHEMA) or sanity_problems(doc)
    if problems:
        located = parse_text(text, path)
        raise ConfigError(schema_problems(located, FACTS_SCHEMA) or sanity_problems(located))
    if content_digest(data) != data["digest"]:
        raise ConfigError([Problem(path, None, None, "$.digest", "digest does not match the "
                                   "content: the file was edited or truncated after it was "
                                   "written")], hint="re-run drcheck probe to write it again")
    if "partial" in data and not partial_ok:
        raise ConfigError([Problem(path, None, None, "$.partial", "a shard's snapshot (written "
                                   "with --shard or --only) holds raw probe reports, not "
                                   "assembled datasets")],
                          hint="merge every shard first: drcheck merge facts-*.json -o facts.json")
    snapshot = snapshot_from_dict(data)
    if data.get("drcheck_version") == __version__:  # written back the same: same digest
        object.__setattr__(snapshot, "_digest", data["digest"])
    return snapshot
