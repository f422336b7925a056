"""Estate plus probe reports → facts snapshot: resolve locations, merge facts, add found copies.

This is where a declared ``datacenter: SBG2``, an endpoint host ``s3.sbg.io.cloud.ovh.net``
and a probed ``LocationConstraint`` become typed failure-domain claims, each keeping its
source. Precedence for copy facts: a known probed value beats a declaration, a declaration
beats an unknown probed value. Pure apart from the catalog (read-only data).
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field, replace
from datetime import datetime

from drcheck.inputs.durations import format_time
from drcheck.inputs.estate import BucketSpec, DatasetSpec, DeclaredLocation, Estate, ReplicaSpec
from drcheck.locations.catalog import Catalog, CatalogEntry
from drcheck.locations.claims import datacenter_claims, field_claims, prefixed
from drcheck.probes.base import BucketTarget, DiscoveredCopy, ProbeReport
from drcheck.shared.gcpause import paused_gc
from drcheck.shared.ids import AssetId
from drcheck.shared.model import (
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
    Unattributed,
    new_dataset,
    new_evidence,
    new_replica,
)


@dataclass
class _Asset:
    """A resolved asset while the snapshot is being built."""

    id: str
    kind: ReplicaKind
    claims: list[Claim]
    coordinates: Coordinates | None = None
    facts: dict[str, Evidence] = field(default_factory=dict)
    path_facts: dict[str, dict[str, Evidence]] = field(default_factory=dict)
    _location: Location | None = None
    _facts_at: dict[str | None, dict[str, Evidence]] = field(default_factory=dict)

    def location(self, at: str) -> Location:
        """The asset's location, one shared object for every replica on the asset.

        Claims with no time of their own are stamped ``at``.
        """
        if self._location is None:
            stamped = (c if c.observed_at else Claim(c.kind, c.value, c.source, c.origin, at,
                                                     c.uncertain) for c in self.claims)
            self._location = Location(tuple(dict.fromkeys(stamped)), self.coordinates)
        return self._location

    def facts_at(self, path: str | None, at: str) -> dict[str, Evidence]:
        """The asset's facts for a replica at ``path`` (its own facts overlaid by the path's),
        stamped ``at``: worked out once per path with facts of its own, and once for every
        other path (a bucket's replicas each have a prefix of their own, and most prefixes
        no fact: they share the asset's records, as a facts file's shared entries do)."""
        key: str | None = path or ""
        if key not in self.path_facts:
            key = None
        found = self._facts_at.get(key)
        if found is None:
            own = {} if key is None else self.path_facts[key]
            found = self._facts_at[key] = stamped(merge_facts(self.facts, own), at)
        return found


def _catalog_claims(entry: CatalogEntry, why: str, observed_at: str | None = None) -> tuple[
    list[Claim], Coordinates | None
]:
    origin = f"catalog:{entry.key} via {why}"
    return list(entry.claims(origin, observed_at)), entry.coordinates(origin)


def declared_claims(loc: DeclaredLocation | None, catalog: Catalog) -> tuple[
    list[Claim], Coordinates | None
]:
    """Claims from a declared location, expanded through the catalog where it knows more."""
    if loc is None:
        return [], None
    fields, at = loc.fields, loc.origin_of
    provider = fields.get("provider")
    claims = field_claims(fields, Source.DECLARED, at)
    coords = (Coordinates(loc.coordinates[0], loc.coordinates[1], Source.DECLARED,
                          at("coordinates")) if loc.coordinates else None)
    entry = None
    if "datacenter" in fields:
        more, entry = datacenter_claims(catalog, provider, fields["datacenter"],
                                        Source.DECLARED, at("datacenter"))
        claims += more
    if entry is None and provider and "region" in fields:
        entry = catalog.by_region(provider, fields["region"])
        if entry is not None:
            claims += _catalog_claims(entry, at("region"))[0]
    if entry is not None and coords is None:
        coords = entry.coordinates(f"catalog:{entry.key} via {loc.origin}")
    return claims, coords


def _endpoint_claims(endpoint: str | None, provider: str | None, region: str | None,
                     catalog: Catalog, why: str) -> tuple[list[Claim], Coordinates | None]:
    claims: list[Claim] = []
    coords = None
    if endpoint:
        match = catalog.by_endpoint(endpoint)
        if match is not None and match.entry is not None:
            claims, coords = _catalog_claims(match.entry, f"endpoint {endpoint}")
        elif match is not None:
            claims.append(Claim(DomainKind.PROVIDER, match.provider, Source.CATALOG,
                                f"catalog: endpoint {endpoint}"))
    if provider and region:
        entry = catalog.by_region(provider, region)
        if entry is not None:
            more, more_coords = _catalog_claims(entry, why)
            claims += more
            coords = coords or more_coords
    return claims, coords


def _bucket_asset(spec: BucketSpec, catalog: Catalog) -> _Asset:
    claims, coords = declared_claims(spec.location, catalog)
    more, more_coords = _endpoint_claims(spec.endpoint, spec.provider, spec.region, catalog,
                                         f"{spec.origin} (provider {spec.provider}, region "
                                         f"{spec.region})")
    claims += more
    provider = spec.provider or next((c.value for c in claims
                                      if c.kind is DomainKind.PROVIDER), None)
    if spec.account:
        claims.append(Claim(DomainKind.ACCOUNT, prefixed(provider, spec.account),
                            Source.DECLARED, spec.origin))
    claims.append(Claim(DomainKind.HOST, spec.asset_id, Source.DECLARED, spec.origin))
    return _Asset(spec.asset_id, ReplicaKind.BUCKET, claims, coords or more_coords,
                  dict(spec.facts))


def resolve_assets(estate: Estate, catalog: Catalog) -> dict[str, _Asset]:
    """Every declared asset with its declared and catalog claims."""
    assets: dict[str, _Asset] = {}
    for host in estate.hosts:
        claims, coords = declared_claims(host.location, catalog)
        claims.append(Claim(DomainKind.HOST, host.asset_id, Source.DECLARED, host.origin))
        assets[host.asset_id] = _Asset(host.asset_id, ReplicaKind.HOST, claims, coords,
                                       dict(host.facts))
    for bucket in estate.buckets:
        assets[bucket.asset_id] = _bucket_asset(bucket, catalog)
    for medium in estate.media:
        claims, coords = declared_claims(medium.location, catalog)
        claims.append(Claim(DomainKind.HOST, medium.asset_id, Source.DECLARED, medium.origin))
        assets[medium.asset_id] = _Asset(medium.asset_id, ReplicaKind.MEDIUM, claims, coords,
                                         dict(medium.facts))
    return assets


def _expand_probed(claim: Claim, catalog: Catalog) -> tuple[list[Claim], Coordinates | None]:
    """A probed region or building claim in the catalog's ids, plus what the catalog knows
    about that place (other domains and coordinates)."""
    entry = None
    if claim.kind is DomainKind.REGION and ":" in claim.value:
        provider, region = claim.value.split(":", 1)
        entry = catalog.by_region(provider, region)
    elif claim.kind is DomainKind.BUILDING:
        provider, _, code = claim.value.rpartition(":")
        entry = catalog.by_datacenter(provider or None, code)
    if entry is None:
        return [claim], None
    canonical = entry.region if claim.kind is DomainKind.REGION else entry.building
    own = replace(claim, value=canonical) if canonical else claim
    more, coords = _catalog_claims(entry, claim.origin, claim.observed_at)
    return [own, *(c for c in more if c.kind is not claim.kind)], coords


def stamped(facts: Mapping[str, Evidence], at: str) -> dict[str, Evidence]:
    """``facts`` with every fact that has no time of its own observed ``at``."""
    return {k: ev if ev.observed_at else new_evidence(ev.value, ev.source, ev.origin, at, ev.reason)
            for k, ev in facts.items()}


def merge_facts(base: Mapping[str, Evidence], new: Mapping[str, Evidence]) -> dict[str, Evidence]:
    """Overlay ``new`` on ``base``: a known value wins over an unknown; probed over declared."""
    out = dict(base)
    for key, ev in new.items():
        old = out.get(key)
        if old is None or not old.known or (ev.known and ev.source is Source.PROBED):
            out[key] = ev
    return out


def _apply_report(assets: dict[str, _Asset], report: ProbeReport, catalog: Catalog) -> None:
    asset = assets.get(report.subject)
    if asset is None:
        kind = ReplicaKind.HOST if report.subject.startswith("host:") else ReplicaKind.BUCKET
        asset = assets[report.subject] = _Asset(report.subject, kind, [Claim(
            DomainKind.HOST, report.subject, Source.PROBED, f"{report.probe} probe",
            report.observed_at)])
    for claim in report.claims:
        claims, coords = _expand_probed(claim, catalog)
        asset.claims += claims
        asset.coordinates = asset.coordinates or coords
    asset.facts = merge_facts(asset.facts, report.facts)
    for path, facts in report.path_facts.items():
        asset.path_facts[path] = merge_facts(asset.path_facts.get(path, {}), facts)


def _target_asset(found: DiscoveredCopy, subject: _Asset, assets: dict[str, _Asset],
                  catalog: Catalog) -> tuple[str, str | None]:
    """The asset id (created if new) and path a discovered copy points at."""
    if found.local_path is not None:
        return subject.id, found.local_path
    if found.host is not None:
        asset_id = f"host:{found.host}"
        if asset_id not in assets:
            claims = [Claim(DomainKind.HOST, asset_id, Source.PROBED, found.origin)]
            service = catalog.by_ssh_host(found.host)
            if service is not None:
                claims.append(Claim(DomainKind.PROVIDER, service.provider, Source.CATALOG,
                                    f"catalog: backup service host {found.host}"))
            assets[asset_id] = _Asset(asset_id, ReplicaKind.HOST, claims)
        return asset_id, found.prefix
    target = found.bucket or BucketTarget(name="unknown")
    asset_id = f"bucket:{target.name}"
    if asset_id not in assets:
        claims, coords = _endpoint_claims(target.endpoint, target.provider, target.region,
                                          catalog, found.origin)
        if target.account:
            claims.append(Claim(DomainKind.ACCOUNT, prefixed(target.provider, target.account),
                                Source.PROBED, found.origin))
        claims.append(Claim(DomainKind.HOST, asset_id, Source.PROBED, found.origin))
        assets[asset_id] = _Asset(asset_id, ReplicaKind.BUCKET, claims, coords)
    return asset_id, found.prefix


def _under(path: str | None, root: str | None) -> bool:
    """Whether a copy of ``root`` holds the dataset at ``path`` (path at or below root)."""
    if root is None or root.rstrip("/") == "":
        return True
    if path is None:
        return False
    top, here = root.rstrip("/"), path.rstrip("/") or "/"
    return here == top or here.startswith(top + "/")


def _replica(spec_name: str, role: str, dataset: str, asset: _Asset, path: str | None,
             facts: Mapping[str, Evidence], origin: str, at: str) -> Replica:
    """A replica's record: the asset's facts for its path overlaid by its own (stamping
    commutes with the overlay, which looks only at known and source)."""
    merged = merge_facts(asset.facts_at(path, at), stamped(facts, at))
    return new_replica(
        id=f"{dataset}/{role}/{spec_name}" if role == "copy" else f"{dataset}/primary",
        name=spec_name,
        role=role,
        kind=asset.kind,
        asset=asset.id,
        path=path,
        location=asset.location(at),
        facts=dict(sorted(merged.items())),
        origin=origin,
    )


_Finders = Mapping[str, Sequence[tuple[int, ProbeReport]]]


def _finders(reports: Sequence[ProbeReport]) -> dict[str, list[tuple[int, ProbeReport]]]:
    """The reports that found copies, by the asset they probed, with their place in
    ``reports`` (a dataset looks only at its own assets' reports, in report order)."""
    out: dict[str, list[tuple[int, ProbeReport]]] = {}
    for i, rep in enumerate(reports):
        if rep.discovered:
            out.setdefault(rep.subject, []).append((i, rep))
    return out


def _discovered_for(replicas: Iterable[ReplicaSpec], finders: _Finders) -> list[
    tuple[ProbeReport, DiscoveredCopy]
]:
    wanted = [(r.asset_id, r.path) for r in replicas]
    reports = sorted((found for subject in {a for a, _ in wanted}
                      for found in finders.get(subject, ())), key=lambda pair: pair[0])
    return [(rep, found) for _, rep in reports for found in rep.discovered
            if found.unattributed is None
            and any(a == rep.subject and _under(p, found.source_path) for a, p in wanted)]


def _dataset(spec: DatasetSpec, assets: dict[str, _Asset], finders: _Finders,
             catalog: Catalog, at: str) -> Dataset:
    """One dataset: declared replicas, then every copy a probe found for them."""
    primary = _replica(AssetId(spec.primary.asset_id).name, "primary", spec.name,
                       assets[spec.primary.asset_id], spec.primary.path, spec.primary.facts,
                       spec.primary.origin, at)
    copies = [_replica(c.name, "copy", spec.name, assets[c.asset_id], c.path, c.facts,
                       c.origin, at) for c in spec.copies]
    seen = {(c.asset, c.path) for c in copies} | {(primary.asset, primary.path)}
    for report, found in _discovered_for((spec.primary, *spec.copies), finders):
        asset_id, path = _target_asset(found, assets[report.subject], assets, catalog)
        if (asset_id, path) not in seen:
            seen.add((asset_id, path))
            copies.append(_replica(found.name, "copy", spec.name, assets[asset_id], path,
                                   found.facts, found.origin, at))
    return new_dataset(spec.name, primary, tuple(copies), dict(spec.labels), spec.criticality,
                   stamped(spec.facts, at), spec.origin, spec.business)


def assemble(estate: Estate, reports: Sequence[ProbeReport], catalog: Catalog,
             collected_at: str) -> Snapshot:
    """The facts snapshot of an estate, given whatever the probes reported."""
    with paused_gc():
        return _assemble(estate, reports, catalog, collected_at)


def _assemble(estate: Estate, reports: Sequence[ProbeReport], catalog: Catalog,
              collected_at: str) -> Snapshot:
    assets = resolve_assets(estate, catalog)
    for report in sorted(reports, key=lambda r: r.subject):
        _apply_report(assets, report, catalog)
    finders = _finders(reports)
    datasets = [_dataset(spec, assets, finders, catalog, collected_at)
                for spec in estate.datasets]
    issues: list[ProbeIssue] = [i for r in reports for i in r.issues]
    return Snapshot(
        collected_at=collected_at,
        datasets=tuple(datasets),
        sources={"estate": estate.path, "estate_sha256": estate.digest},
        issues=tuple(sorted(issues, key=lambda i: (i.subject, i.code, i.reason))),
        probes=tuple(sorted({r.probe for r in reports})),
        details={r.subject: dict(r.details) for r in sorted(reports, key=lambda r: r.subject)},
        organisation=estate.organisation,
        unattributed=tuple(Unattributed(r.subject, c.name, c.tool, c.origin, c.unattributed)
                           for r in sorted(reports, key=lambda r: r.subject)
                           for c in r.discovered if c.unattributed is not None),
    )


def build_snapshot(estate: Estate, reports: Sequence[ProbeReport], now: datetime) -> Snapshot:
    """The facts snapshot of ``estate`` from declarations, the catalog and probe reports."""
    return assemble(estate, reports, Catalog.default(), format_time(now))
