"""Write an imported ``Estate`` as an estate YAML document that ``ESTATE_SCHEMA`` accepts.

Unknown facts (value None) are left out, since the estate file has no way to say "unknown"
other than silence; the importer's notes become comments at the top of the document, so a
reviewer sees what could not be established and why.
"""

from __future__ import annotations

import io
from collections.abc import Iterable, Mapping
from typing import Any

from jsonschema import Draft202012Validator
from ruamel.yaml import YAML

from drcheck.inputs.estate import (
    API_VERSION,
    ESTATE_SCHEMA,
    BucketSpec,
    DatasetSpec,
    DeclaredLocation,
    Estate,
    HostSpec,
    MediumSpec,
    ReplicaSpec,
)
from drcheck.shared.ids import AssetId
from drcheck.shared.model import Evidence


def _facts(facts: Mapping[str, Evidence]) -> dict[str, Any]:
    return {k: e.value for k, e in facts.items() if e.value is not None}


def _location(loc: DeclaredLocation | None) -> dict[str, Any]:
    if loc is None:
        return {}
    out: dict[str, Any] = dict(loc.fields)
    if loc.coordinates is not None:
        out["coordinates"] = {"lat": loc.coordinates[0], "lon": loc.coordinates[1]}
    return out


def _compact(raw: Mapping[str, Any]) -> dict[str, Any]:
    """Drop keys whose value is None or empty, keep ``False`` and ``0``."""
    return {k: v for k, v in raw.items() if v is not None and v != {} and v != ""}


def _host(h: HostSpec) -> dict[str, Any]:
    return _compact({"name": h.name, "address": h.address, "port": h.port, "user": h.user,
                     "key_file": h.key_file, "proxy_jump": h.proxy_jump, "root": h.root,
                     "probe": h.probe, "location": _location(h.location)})


def _bucket(b: BucketSpec) -> dict[str, Any]:
    return _compact({"name": b.name, "bucket": b.bucket if b.bucket != b.name else None,
                     "endpoint": b.endpoint, "provider": b.provider, "region": b.region,
                     "account": b.account, "profile": b.profile,
                     "addressing_style": b.addressing_style, "probe": b.probe,
                     "location": _location(b.location), "facts": _facts(b.facts)})


def _medium(m: MediumSpec) -> dict[str, Any]:
    return _compact({"name": m.name, "type": m.type, "facts": _facts(m.facts)}) | {
        "location": _location(m.location)}


def _replica(r: ReplicaSpec, default_name: str) -> dict[str, Any]:
    asset = AssetId(r.asset_id)
    kind, name = asset.kind, asset.name
    where = "prefix" if kind == "bucket" else "path"
    return _compact({"name": r.name if r.name != default_name else None, kind: name,
                     where: r.path, "facts": _facts(r.facts)})


def _dataset(d: DatasetSpec) -> dict[str, Any]:
    def default(r: ReplicaSpec) -> str:
        target = AssetId(r.asset_id).name
        return f"{target}:{r.path}" if r.path else target

    return _compact({
        "name": d.name,
        "criticality": d.criticality if d.criticality != "medium" else None,
        "labels": dict(d.labels),
        "primary": _replica(d.primary, "primary"),
        "copies": [_replica(c, default(c)) for c in d.copies] or None,
        "facts": _facts(d.facts),
    })


def estate_document(estate: Estate, description: str | None = None) -> dict[str, Any]:
    """The estate as plain data in the estate file's shape."""
    doc: dict[str, Any] = {
        "apiVersion": API_VERSION,
        "kind": "Estate",
        "metadata": _compact({"name": estate.name, "description": description}),
    }
    sections = {"hosts": [_host(h) for h in estate.hosts],
                "buckets": [_bucket(b) for b in estate.buckets],
                "media": [_medium(m) for m in estate.media]}
    doc.update({key: items for key, items in sections.items() if items})
    doc["datasets"] = [_dataset(d) for d in estate.datasets]
    return doc


def schema_errors(doc: Mapping[str, Any]) -> list[str]:
    """Why ``doc`` does not validate against ``ESTATE_SCHEMA`` (empty when it does)."""
    validator = Draft202012Validator(ESTATE_SCHEMA)
    return [f"$.{'.'.join(str(p) for p in e.absolute_path)}: {e.message}"
            for e in validator.iter_errors(doc)]


def dump_yaml(doc: Mapping[str, Any], notes: Iterable[str] = ()) -> str:
    """YAML text for ``doc``, preceded by one comment line per note."""
    yaml = YAML(typ="rt")
    yaml.default_flow_style = False
    buf = io.StringIO()
    yaml.dump(dict(doc), buf)
    header = "".join(f"# {line}\n" for note in notes for line in note.splitlines())
    return header + buf.getvalue()
