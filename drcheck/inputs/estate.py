"""The estate file: hosts, buckets, media and datasets, as the user declares them.

``ESTATE_SCHEMA`` (in ``drcheck.inputs.estate_schema``) is the single definition of the file's
shape; ``parse_estate`` turns a validated document into frozen specs that the probes
and ``drcheck.facts.assemble`` consume. Nothing here touches the network or the catalog.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from functools import lru_cache
from typing import Any

from drcheck.inputs.documents import Document, paused_gc, sub_marks
from drcheck.inputs.durations import format_time, parse_time
from drcheck.inputs.estate_schema import (
    API_VERSION,
    CRITICALITIES,
    ESTATE_SCHEMA,
    FACTS_SCHEMA,
    LOCATION_FIELDS,
    LOCATION_SCHEMA,
)
from drcheck.inputs.throughput import parse_throughput
from drcheck.shared.ids import AssetId
from drcheck.shared.model import (
    Business,
    Contact,
    Evidence,
    FactKey,
    Organisation,
    PersonalData,
    Source,
    new_evidence,
)
from drcheck.shared.quickbuild import builder

__all__ = [
    "API_VERSION",
    "CRITICALITIES",
    "ESTATE_SCHEMA",
    "FACTS_SCHEMA",
    "LOCATION_FIELDS",
    "LOCATION_SCHEMA",
    "BucketSpec",
    "DatasetSpec",
    "DeclaredLocation",
    "Estate",
    "HostSpec",
    "LocationPattern",
    "MediumSpec",
    "ReplicaSpec",
    "parse_estate",
]

@dataclass(frozen=True)
class DeclaredLocation:
    """Failure domains and coordinates written in the estate, keyed by field name."""

    fields: Mapping[str, str]
    coordinates: tuple[float, float] | None
    origin: str
    field_origins: Mapping[str, str] = field(default_factory=dict)

    def origin_of(self, name: str) -> str:
        """``file:line`` of one declared field (the block's line when unknown)."""
        return self.field_origins.get(name, self.origin)


@dataclass(frozen=True)
class LocationPattern:
    """A hostname/address regex whose match places a probed host (``host_locations``)."""

    match: str
    on: str
    fields: Mapping[str, str]
    origin: str


@dataclass(frozen=True)
class HostSpec:
    """A host to audit, and how to reach it over SSH."""

    name: str
    origin: str
    address: str | None = None
    port: int | None = None
    user: str | None = None
    key_file: str | None = None
    proxy_jump: str | None = None
    root: str | None = None
    probe: bool = True
    location: DeclaredLocation | None = None
    location_patterns: tuple[LocationPattern, ...] = ()
    facts: Mapping[str, Evidence] = field(default_factory=dict)

    @property
    def asset_id(self) -> AssetId:
        """``host:NAME``."""
        return AssetId.of("host", self.name)


@dataclass(frozen=True)
class BucketSpec:
    """An object-storage bucket and how to reach it over the S3 API."""

    name: str
    origin: str
    bucket: str
    endpoint: str | None = None
    provider: str | None = None
    region: str | None = None
    account: str | None = None
    profile: str | None = None
    addressing_style: str | None = None
    probe: bool = True
    location: DeclaredLocation | None = None
    facts: Mapping[str, Evidence] = field(default_factory=dict)

    @property
    def asset_id(self) -> AssetId:
        """``bucket:NAME``."""
        return AssetId.of("bucket", self.name)


@dataclass(frozen=True)
class MediumSpec:
    """An offline medium (tape vault, removable disk) at a declared location."""

    name: str
    type: str
    origin: str
    location: DeclaredLocation
    facts: Mapping[str, Evidence] = field(default_factory=dict)

    @property
    def asset_id(self) -> AssetId:
        """``medium:NAME``."""
        return AssetId.of("medium", self.name)


@dataclass(frozen=True, slots=True)
class ReplicaSpec:
    """Where the primary or a copy of a dataset lives, as declared."""

    name: str
    asset_id: str
    origin: str
    path: str | None = None
    facts: Mapping[str, Evidence] = field(default_factory=dict)


@dataclass(frozen=True, slots=True)
class DatasetSpec:
    """A dataset as declared: its primary, its copies, labels and criticality."""

    name: str
    primary: ReplicaSpec
    copies: tuple[ReplicaSpec, ...]
    origin: str
    labels: Mapping[str, str] = field(default_factory=dict)
    criticality: str = "medium"
    facts: Mapping[str, Evidence] = field(default_factory=dict)
    business: Business | None = None


_replica_spec, _dataset_spec = builder(ReplicaSpec), builder(DatasetSpec)
"""The specs' constructors, the quick way (``quickbuild``): a 100k estate declares 400k
replicas."""


@dataclass(frozen=True)
class Estate:
    """A whole estate file, parsed."""

    name: str
    path: str
    hosts: tuple[HostSpec, ...]
    buckets: tuple[BucketSpec, ...]
    media: tuple[MediumSpec, ...]
    datasets: tuple[DatasetSpec, ...]
    digest: str = ""
    organisation: Organisation | None = None

    def asset_ids(self) -> set[AssetId]:
        """Every declared asset id."""
        return (
            {h.asset_id for h in self.hosts}
            | {b.asset_id for b in self.buckets}
            | {m.asset_id for m in self.media}
        )


@lru_cache(maxsize=1 << 16)
def _normalised(value: str) -> str:
    """An ISO date or date-time as a UTC ``YYYY-MM-DDTHH:MM:SSZ`` string (cached: an estate
    repeats its timestamps, one per copy, few distinct minutes)."""
    return format_time(parse_time(value))


_TIME_FACTS = (FactKey.NEWEST_RESTORE_POINT.value, FactKey.LAST_RESTORE_TEST.value)
_THROUGHPUT = FactKey.RESTORE_THROUGHPUT.value


def _declared_facts(doc: Document, raw: Mapping[str, Any] | None, marks: Any) -> dict[
    str, Evidence
]:
    """Declared facts of one block; ``marks``: the block's node in the position tree."""
    facts: dict[str, Evidence] = {}
    declared = Source.DECLARED
    for key, value in (raw or {}).items():
        if key in _TIME_FACTS:
            value = _normalised(str(value))
        elif key == _THROUGHPUT and isinstance(value, str):
            value = parse_throughput(value)
        facts[key] = new_evidence(value, declared, doc.where_at(sub_marks(marks, key)))
    return facts


def _location(doc: Document, raw: Mapping[str, Any] | None, marks: Any) -> (
    DeclaredLocation | None
):
    if not raw:
        return None
    coords = raw.get("coordinates")
    return DeclaredLocation(
        fields={k: str(raw[k]) for k in LOCATION_FIELDS if k in raw},
        coordinates=(float(coords["lat"]), float(coords["lon"])) if coords else None,
        origin=doc.where_at(marks),
        field_origins={k: doc.where_at(sub_marks(marks, k)) for k in raw},
    )


def _replica(doc: Document, raw: Mapping[str, Any], marks: Any, default: str) -> ReplicaSpec:
    for kind in ("host", "bucket", "medium"):
        if kind in raw:
            target = AssetId.of(kind, str(raw[kind]))
            break
    where = raw.get("path", raw.get("prefix"))
    return _replica_spec(
        name=str(raw.get("name") or default),
        asset_id=target,
        origin=doc.where_at(marks),
        path=str(where) if where is not None else None,
        facts=_declared_facts(doc, raw.get("facts"), sub_marks(marks, "facts")),
    )


def _dataset(doc: Document, raw: Mapping[str, Any], marks: Any) -> DatasetSpec:
    copy_marks = sub_marks(marks, "copies")
    copies = tuple(
        _replica(doc, c, sub_marks(copy_marks, j), _default_copy_name(c))
        for j, c in enumerate(raw.get("copies") or [])
    )
    return _dataset_spec(
        name=str(raw["name"]),
        primary=_replica(doc, raw["primary"], sub_marks(marks, "primary"), "primary"),
        copies=copies,
        origin=doc.where_at(marks),
        labels={str(k): str(v).lower() if isinstance(v, bool) else str(v)
                for k, v in (raw.get("labels") or {}).items()},
        criticality=str(raw.get("criticality", "medium")),
        facts=_declared_facts(doc, raw.get("facts"), sub_marks(marks, "facts")),
        business=_business(doc, raw, marks),
    )


_BUSINESS_KEYS = ("rpo", "rto", "services", "owner", "customers", "personal_data", "subjects")


def _personal_data(raw: Any) -> PersonalData | None:
    if raw is None:
        return None
    if raw is False:
        return PersonalData()
    return PersonalData(tuple(str(c) for c in raw.get("categories") or ()),
                        tuple(str(c) for c in raw.get("special_categories") or ()))


def _business(doc: Document, raw: Mapping[str, Any], marks: Any) -> Business | None:
    """The business and legal facts of a dataset; None when it declares none."""
    if not any(k in raw for k in _BUSINESS_KEYS):
        return None
    where = next(doc.where_at(sub_marks(marks, k)) for k in _BUSINESS_KEYS if k in raw)
    return Business(
        rpo=raw.get("rpo"), rto=raw.get("rto"),
        services=tuple(str(s) for s in raw.get("services") or ()),
        owner=raw.get("owner"), customers=raw.get("customers"),
        personal_data=_personal_data(raw.get("personal_data")),
        subjects=raw.get("subjects"), origin=where,
    )


def _organisation(doc: Document) -> Organisation | None:
    raw = doc.data.get("organisation")
    return None if raw is None else organisation_of(raw, doc.where(("organisation",)))


def organisation_of(raw: Mapping[str, Any], origin: str) -> Organisation:
    """The ``organisation`` mapping (estate or facts document, both checked) as the model's
    record; ``origin`` says where it was declared."""
    return Organisation(
        name=raw.get("name"), sector=raw.get("sector"), nis2=raw.get("nis2"),
        dora_financial_entity=raw.get("dora_financial_entity"),
        jurisdiction=raw.get("jurisdiction"),
        supervisory_authority=raw.get("supervisory_authority"),
        contacts=tuple(Contact(str(c["role"]), c.get("name"), c.get("email"), c.get("phone"))
                       for c in raw.get("contacts") or ()),
        origin=origin,
    )


def _default_copy_name(raw: Mapping[str, Any]) -> str:
    target = str(raw.get("host") or raw.get("bucket") or raw.get("medium"))
    where = raw.get("path") or raw.get("prefix")
    return f"{target}:{where}" if where else target


def _host_patterns(doc: Document) -> tuple[LocationPattern, ...]:
    return tuple(
        LocationPattern(
            match=str(p["match"]),
            on=str(p.get("on", "any")),
            fields={k: str(v) for k, v in (p.get("location") or {}).items()
                    if k in LOCATION_FIELDS},
            origin=doc.where(("host_locations", i)),
        )
        for i, p in enumerate(doc.data.get("host_locations") or [])
    )


def _section(doc: Document, name: str) -> list[tuple[Any, Any]]:
    """The items of a top-level list with their position-tree nodes."""
    marks = sub_marks(doc.marks, name)
    return [(item, sub_marks(marks, i)) for i, item in enumerate(doc.data.get(name) or [])]


def _hosts(doc: Document) -> tuple[HostSpec, ...]:
    patterns = _host_patterns(doc)
    return tuple(
        HostSpec(
            name=str(h["name"]),
            origin=doc.where_at(at),
            address=h.get("address"),
            port=h.get("port"),
            user=h.get("user"),
            key_file=h.get("key_file"),
            proxy_jump=h.get("proxy_jump"),
            root=h.get("root"),
            probe=bool(h.get("probe", True)),
            location=_location(doc, h.get("location"), sub_marks(at, "location")),
            location_patterns=patterns,
            facts=_declared_facts(doc, {_THROUGHPUT: h[_THROUGHPUT]} if _THROUGHPUT in h
                                  else None, at),
        )
        for h, at in _section(doc, "hosts")
    )


def _buckets(doc: Document) -> tuple[BucketSpec, ...]:
    return tuple(
        BucketSpec(
            name=str(b["name"]),
            origin=doc.where_at(at),
            bucket=str(b.get("bucket") or b["name"]),
            endpoint=b.get("endpoint"),
            provider=b.get("provider"),
            region=b.get("region"),
            account=b.get("account"),
            profile=b.get("profile"),
            addressing_style=b.get("addressing_style"),
            probe=bool(b.get("probe", True)),
            location=_location(doc, b.get("location"), sub_marks(at, "location")),
            facts=_declared_facts(doc, b.get("facts"), sub_marks(at, "facts")),
        )
        for b, at in _section(doc, "buckets")
    )


def _media(doc: Document) -> tuple[MediumSpec, ...]:
    return tuple(
        MediumSpec(
            name=str(m["name"]),
            type=str(m["type"]),
            origin=doc.where_at(at),
            location=_location(doc, m["location"], sub_marks(at, "location"))
            or DeclaredLocation({}, None, doc.where_at(at)),
            facts=_declared_facts(doc, m.get("facts"), sub_marks(at, "facts")),
        )
        for m, at in _section(doc, "media")
    )


def parse_estate(doc: Document) -> Estate:
    """Build an ``Estate`` from a document already validated against ``ESTATE_SCHEMA``.

    Origins (``file:line``) are read off the position tree while walking it beside the data,
    not looked up from the root for every value (100k datasets have a million of them).
    """
    with paused_gc():
        data = doc.data
        datasets = tuple(_dataset(doc, d, at) for d, at in _section(doc, "datasets"))
        meta = data.get("metadata") or {}
        return Estate(
            name=str(meta.get("name") or doc.name_hint),
            path=doc.path,
            hosts=_hosts(doc),
            buckets=_buckets(doc),
            media=_media(doc),
            datasets=datasets,
            digest=doc.digest,
            organisation=_organisation(doc),
        )
