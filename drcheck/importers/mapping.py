"""The small mapping file that completes an imported estate: datasets and locations.

An importer only infers a dataset where the source makes the link explicit (a replication
rule, a backup selection). The mapping file names the rest by the importer's own words — a
Terraform resource address, an inventory host name — and can declare the location of
assets the source cannot place (a MinIO behind a custom endpoint)::

    datasets:
      - name: orders
        primary: aws_db_instance.orders
        copies: [aws_s3_bucket.dumps, {resource: 'module.dr.aws_s3_bucket.b["eu"]'}]
        criticality: high
        labels: {team: payments}
    locations:
      aws_s3_bucket.minio: {provider: onprem, campus: hq}
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from typing import Any

from jsonschema import Draft202012Validator

from drcheck.inputs.bounds import read_text, tree_problems
from drcheck.inputs.documents import Document, parse_text
from drcheck.inputs.estate import (
    CRITICALITIES,
    LOCATION_SCHEMA,
    DatasetSpec,
    DeclaredLocation,
    Estate,
    ReplicaSpec,
)
from drcheck.shared.errors import ConfigError
from drcheck.shared.ids import AssetId

_REF = {
    "oneOf": [
        {"type": "string", "minLength": 1},
        {
            "type": "object",
            "additionalProperties": False,
            "required": ["resource"],
            "properties": {
                "resource": {"type": "string", "minLength": 1},
                "path": {"type": "string", "minLength": 1},
                "name": {"type": "string", "minLength": 1},
            },
        },
    ]
}
MAPPING_SCHEMA: dict[str, Any] = {
    "$schema": "https://json-schema.org/draft/2020-12/schema",
    "title": "drcheck import mapping",
    "type": "object",
    "additionalProperties": False,
    "properties": {
        "datasets": {
            "type": "array",
            "items": {
                "type": "object",
                "additionalProperties": False,
                "required": ["primary"],
                "properties": {
                    "name": {"type": "string", "pattern": r"^[A-Za-z0-9][A-Za-z0-9_.:@/-]*$"},
                    "primary": _REF,
                    "copies": {"type": "array", "items": _REF},
                    "criticality": {"enum": list(CRITICALITIES)},
                    "labels": {"type": "object",
                               "additionalProperties": {"type": ["string", "number", "boolean"]}},
                },
            },
        },
        "locations": {"type": "object", "additionalProperties": LOCATION_SCHEMA},
    },
}


@dataclass
class ImportResult:
    """An imported estate, the notes on what stayed unknown, and the name → asset id map
    (resource addresses, inventory names) a mapping file resolves against."""

    estate: Estate
    notes: list[str] = field(default_factory=list)
    aliases: Mapping[str, str] = field(default_factory=dict)


def load_mapping(path: str | os.PathLike[str]) -> Document:
    """Read and validate a mapping file; every problem is reported with file:line."""
    doc = parse_text(read_text(path), os.fspath(path))
    validator = Draft202012Validator(MAPPING_SCHEMA)
    problems = tree_problems(doc.data, doc.problem) or [
        doc.problem(tuple(e.absolute_path), e.message)
        for e in validator.iter_errors(doc.data if doc.data is not None else {})]
    if problems:
        raise ConfigError(problems, hint="see docs/importers.md for the mapping file format")
    return doc


def _resolve(doc: Document, aliases: Mapping[str, str], ref: str, at: tuple[Any, ...]) -> str:
    if ref in aliases:
        return aliases[ref]
    if ref in aliases.values():
        return ref
    raise ConfigError([doc.problem(at, f"{ref!r} names nothing in the imported estate")],
                      hint="use a resource address or host name the importer read, or "
                      "kind:name (bucket:logs)")


def _replica(doc: Document, aliases: Mapping[str, str], raw: Any, at: tuple[Any, ...],
             default: str) -> ReplicaSpec:
    ref = raw if isinstance(raw, str) else str(raw["resource"])
    asset = _resolve(doc, aliases, ref, at)
    path = None if isinstance(raw, str) else raw.get("path")
    name = default if isinstance(raw, str) else str(raw.get("name") or default)
    return ReplicaSpec(name=name, asset_id=asset, origin=doc.where(at), path=path)


def _merge(doc: Document, aliases: Mapping[str, str], raw: Mapping[str, Any], i: int,
           found: DatasetSpec | None) -> DatasetSpec:
    at: tuple[Any, ...] = ("datasets", i)
    primary = _replica(doc, aliases, raw["primary"], at + ("primary",), "primary")
    copies = list(found.copies) if found else []
    have = {(c.asset_id, c.path) for c in copies}
    for j, item in enumerate(raw.get("copies") or []):
        rep = _replica(doc, aliases, item, at + ("copies", j), "")
        rep = replace(rep, name=rep.name or AssetId(rep.asset_id).name)
        if (rep.asset_id, rep.path) not in have:
            have.add((rep.asset_id, rep.path))
            copies.append(rep)
    labels = {str(k): str(v).lower() if isinstance(v, bool) else str(v)
              for k, v in (raw.get("labels") or {}).items()}
    base = found or DatasetSpec(name=AssetId(primary.asset_id).name, primary=primary,
                                copies=(), origin=doc.where(at))
    return replace(
        base,
        name=str(raw.get("name") or base.name),
        primary=replace(base.primary, path=primary.path) if found else primary,
        copies=tuple(copies),
        labels={**base.labels, **labels},
        criticality=str(raw.get("criticality") or base.criticality),
    )


def _relocate(doc: Document, aliases: Mapping[str, str], estate: Estate) -> Estate:
    """Apply ``locations``: the declared location replaces what the importer found."""
    where: dict[str, DeclaredLocation] = {}
    for ref, raw in (doc.data.get("locations") or {}).items():
        asset = _resolve(doc, aliases, ref, ("locations", ref))
        coords = raw.get("coordinates")
        where[asset] = DeclaredLocation(
            fields={k: str(v) for k, v in raw.items() if k != "coordinates"},
            coordinates=(float(coords["lat"]), float(coords["lon"])) if coords else None,
            origin=doc.where(("locations", ref)))
    return replace(
        estate,
        hosts=tuple(replace(h, location=where.get(h.asset_id, h.location)) for h in estate.hosts),
        buckets=tuple(replace(b, location=where.get(b.asset_id, b.location))
                      for b in estate.buckets),
        media=tuple(replace(m, location=where.get(m.asset_id, m.location)) for m in estate.media),
    )


def _known_only(doc: Document, aliases: Mapping[str, str]) -> Document:
    """The mapping without the datasets, copies and locations that name unknown resources."""
    known = set(aliases) | set(aliases.values())

    def ok(raw: Any) -> bool:
        return _ref_of(raw) in known

    data = dict(doc.data)
    data["locations"] = {k: v for k, v in (data.get("locations") or {}).items() if k in known}
    data["datasets"] = [
        {**d, "copies": [c for c in d.get("copies") or [] if ok(c)]}
        for d in data.get("datasets") or [] if ok(d["primary"])
    ]
    return replace(doc, data=data)


def apply_mapping(estate: Estate, doc: Document, aliases: Mapping[str, str],
                  strict: bool = True) -> Estate:
    """The estate completed by a mapping document; ``aliases`` maps source names to asset ids.

    A mapped dataset whose primary an inferred dataset already has updates it (name, labels,
    criticality, extra copies); any other mapped dataset is added. ``strict=False`` skips
    entries naming resources the estate lacks (a baseline before the resource existed).
    """
    if not isinstance(doc.data, dict):
        return estate
    if not strict:
        doc = _known_only(doc, aliases)
    estate = _relocate(doc, aliases, estate)
    datasets = {d.primary.asset_id: d for d in estate.datasets}
    order = list(datasets)
    for i, raw in enumerate(doc.data.get("datasets") or []):
        asset = _resolve(doc, aliases, _ref_of(raw["primary"]), ("datasets", i, "primary"))
        if asset not in datasets:
            order.append(asset)
        datasets[asset] = _merge(doc, aliases, raw, i, datasets.get(asset))
    names = [datasets[a].name for a in order]
    dupes = sorted({n for n in names if names.count(n) > 1})
    if dupes:
        raise ConfigError([doc.problem(("datasets",), f"dataset name {dupes[0]!r} is used "
                                       "twice")])
    return replace(estate, datasets=tuple(datasets[a] for a in order))


def _ref_of(raw: Any) -> str:
    return raw if isinstance(raw, str) else str(raw["resource"])

