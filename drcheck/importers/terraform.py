"""Estates from ``terraform show -json``: a plan's planned state, or current state.

``estate_from_plan`` and ``estate_from_state`` return an ``Estate`` whose buckets, hosts and
media are the resources drcheck understands, named by their resource address
(``module.x.aws_s3_bucket.b["eu"]`` → ``module.x.aws_s3_bucket.b/eu``) with that address as
origin, and whose datasets are the explicit links: a replication rule (source bucket =
primary, destination = copy) and a backup selection (selected resource = primary, the vaults
= copies). A mapping file adds the rest. Values known only after apply stay unknown.
"""

from __future__ import annotations

import hashlib
import os
from collections.abc import Mapping
from dataclasses import dataclass, field, replace
from pathlib import Path
from typing import Any

from drcheck.importers.mapping import ImportResult, apply_mapping, load_mapping
from drcheck.importers.terraform_backup import backups
from drcheck.importers.terraform_cloud import CloudCopies, cloud_buckets, database_backups
from drcheck.importers.terraform_compute import (
    HOST_TYPES,
    OVH_STORAGE,
    SCW_BUCKET,
    host_spec,
    ovh_bucket_spec,
    scw_bucket_spec,
)
from drcheck.importers.terraform_config import Context, as_dict, as_list
from drcheck.importers.terraform_json import (
    TfResource,
    check_format,
    load_json,
    plan_resources,
    state_resources,
)
from drcheck.importers.terraform_links import Graph, asset_name, s3_arn_bucket
from drcheck.importers.terraform_s3 import (
    BUCKET,
    UNKNOWN_AFTER_APPLY,
    Attached,
    attach_split_resources,
    bucket_spec,
    origin_of,
)
from drcheck.inputs.estate import BucketSpec, DatasetSpec, Estate, HostSpec, MediumSpec, ReplicaSpec
from drcheck.shared.errors import UsageError
from drcheck.shared.ids import AssetId

REPLICATION = "aws_s3_bucket_replication_configuration"


@dataclass
class _Build:
    file: str
    graph: Graph
    buckets: dict[str, BucketSpec] = field(default_factory=dict)
    hosts: dict[str, HostSpec] = field(default_factory=dict)
    media: dict[str, MediumSpec] = field(default_factory=dict)
    copies: dict[str, list[ReplicaSpec]] = field(default_factory=dict)
    origins: dict[str, str] = field(default_factory=dict)
    notes: list[str] = field(default_factory=list)
    aliases: dict[str, str] = field(default_factory=dict)

    def asset_of(self, address: str) -> str | None:
        """The asset id of a resource address, if it became an asset."""
        return self.aliases.get(address)


def _assets(build: _Build) -> None:
    attached = attach_split_resources(build.graph)
    for res in build.graph.resources:
        if res.type == BUCKET:
            spec, notes = bucket_spec(res, attached.get(res.address, Attached()), build.file)
            build.buckets[res.address] = spec
        elif res.type in (OVH_STORAGE, SCW_BUCKET):
            make = ovh_bucket_spec if res.type == OVH_STORAGE else scw_bucket_spec
            spec, notes = make(res, build.file)
            build.buckets[res.address] = spec
        elif res.type in HOST_TYPES:
            host, notes = host_spec(res, build.file)
            build.hosts[res.address] = host
            build.aliases[res.address] = host.asset_id
            build.notes.extend(notes)
            continue
        else:
            continue
        build.aliases[res.address] = spec.asset_id
        build.notes.extend(notes)


def _replication_rules(res: TfResource) -> list[tuple[tuple[str | int, ...], Mapping[str, Any]]]:
    """(path of the rule, rule) for the split resource and for the inline v3 block."""
    if res.type == REPLICATION:
        return [(("rule", i), r) for i, r in enumerate(as_list(res.get("rule")))
                if isinstance(r, dict)]
    return [(("replication_configuration", 0, "rules", i), r)
            for i, r in enumerate(as_list(res.get("replication_configuration", 0, "rules")))
            if isinstance(r, dict)]


def _external_bucket(build: _Build, name: str, res: TfResource, account: Any,
                     provider: str | None, region: str | None = None) -> BucketSpec:
    """A replication destination the file does not manage; S3 replication stays on the
    source's service, so the provider is the source's."""
    key = f"external:{provider}:{region}:{name}"
    if key not in build.buckets:
        build.buckets[key] = BucketSpec(
            name=asset_name(name), origin=origin_of(build.file, res), bucket=name,
            provider=provider, region=region, probe=False,
            account=account if isinstance(account, str) and account else None)
        if region is None:
            build.notes.append(f"{res.address}: destination bucket {name} is not in the "
                               "file; its region is unknown")
    return build.buckets[key]


def _unfollowed(build: _Build, res: TfResource, path: tuple[str | int, ...], what: str) -> None:
    refs = res.refs.get(".".join(str(p) for p in path), ())
    if res.is_unknown(*path) and not refs:
        build.notes.append(f"{res.address}: {what} {UNKNOWN_AFTER_APPLY}")
    elif refs:
        build.notes.append(f"{res.address}: {what} is {refs[0]}, which drcheck cannot "
                           "follow (a module output or an ambiguous instance); declare the "
                           "copy in a mapping file")
    else:
        build.notes.append(f"{res.address}: {what} not set")


def _destination(build: _Build, res: TfResource, source: TfResource,
                 path: tuple[str | int, ...], rule: Mapping[str, Any]) -> BucketSpec | None:
    dest_path = (*path, "destination", 0, "bucket")
    link = build.graph.follow(res, dest_path, (BUCKET,))
    if link.target is not None:
        return build.buckets.get(link.target.address)
    dest = as_dict((as_list(rule.get("destination")) or [{}])[0])
    account = dest.get("account") or dest.get("account_id")
    if link.value:
        provider = build.buckets[source.address].provider
        return _external_bucket(build, s3_arn_bucket(link.value), res, account, provider)
    _unfollowed(build, res, dest_path, "replication destination")
    return None


def _add_copy(build: _Build, source: TfResource, dest: BucketSpec | HostSpec,
              origin: str) -> None:
    build.copies.setdefault(source.address, []).append(
        ReplicaSpec(name=f"replica@{dest.name}", asset_id=dest.asset_id, origin=origin))
    build.origins.setdefault(source.address, origin)


def _replications(build: _Build) -> None:
    for res in build.graph.of_type(REPLICATION, BUCKET):
        source = res if res.type == BUCKET else build.graph.follow(res, ("bucket",),
                                                                   (BUCKET,)).target
        if source is None or not _replication_rules(res):
            continue
        for path, rule in _replication_rules(res):
            if rule.get("status") == "Disabled":
                build.notes.append(f"{res.address}: rule {rule.get('id') or path[-1]} is "
                                   "disabled; not a copy")
                continue
            dest = _destination(build, res, source, path, rule)
            if dest is not None:
                _add_copy(build, source, dest, origin_of(build.file, res))


def _ovh_replications(build: _Build) -> None:
    """``ovh_cloud_project_storage`` replication rules: destination name and region."""
    for res in build.graph.of_type(OVH_STORAGE):
        for rule in as_list(res.get("replication", "rules")):
            if not isinstance(rule, dict) or str(rule.get("status", "")).lower() == "disabled":
                continue
            dest = as_dict(rule.get("destination"))
            name, region = dest.get("name"), dest.get("region")
            if not isinstance(name, str) or not name:
                build.notes.append(f"{res.address}: replication destination "
                                   f"{UNKNOWN_AFTER_APPLY}")
                continue
            region = region.lower() if isinstance(region, str) else None
            target = next((b for a, b in build.buckets.items() if b.provider == "ovh"
                           and b.bucket == name and b.region in (region, None)
                           and not a.startswith("external:")), None)
            _add_copy(build, res, target or _external_bucket(
                build, name, res, res.get("service_name"), "ovh", region),
                origin_of(build.file, res))


def _db_replicas(build: _Build) -> None:
    """``aws_db_instance`` read replicas: ``replicate_source_db`` = primary, replica = copy."""
    for res in build.graph.of_type("aws_db_instance"):
        if res.get("replicate_source_db") is None and "replicate_source_db" not in res.refs:
            continue
        link = build.graph.follow(res, ("replicate_source_db",), ("aws_db_instance",))
        if link.target is None:
            build.notes.append(f"{res.address}: replica of {link.value or 'a database'} "
                               "not in the file; left out")
            continue
        _add_copy(build, link.target, build.hosts[res.address], origin_of(build.file, res))


def _datasets(build: _Build) -> list[DatasetSpec]:
    out: list[DatasetSpec] = []
    for address, copies in build.copies.items():
        asset = build.asset_of(address)
        if asset is None:
            continue
        origin = build.origins[address]
        unique: dict[tuple[str, str | None], ReplicaSpec] = {}
        for copy in copies:
            unique.setdefault((copy.asset_id, copy.path), copy)
        out.append(DatasetSpec(
            name=AssetId(asset).name,
            primary=ReplicaSpec(name="primary", asset_id=asset, origin=origin_of(build.file,
                                build.graph.by_address[address])),
            copies=tuple(unique.values()),
            origin=origin,
        ))
    return out


def build_estate(resources: list[TfResource], file: str, digest: str = "") -> ImportResult:
    """The estate a list of resources describes (no mapping applied)."""
    build = _Build(file=file, graph=Graph(resources))
    _assets(build)
    _replications(build)
    _ovh_replications(build)
    _db_replicas(build)
    result = backups(build.graph, file)
    cloud = CloudCopies()
    for address, spec in cloud_buckets(build.graph.resources, file, cloud).items():
        build.buckets[address] = spec
        build.aliases[address] = spec.asset_id
    database_backups(build.graph.resources, file, cloud)
    build.buckets.update(cloud.buckets)
    for found in (result, cloud):
        build.notes.extend(found.notes)
        build.media.update(found.media)
        for address, copies in found.copies.items():
            build.copies.setdefault(address, []).extend(copies)
            build.origins.setdefault(address, found.origins[address])
    estate = Estate(
        name=Path(file).stem,
        path=file,
        hosts=tuple(build.hosts.values()),
        buckets=tuple(build.buckets.values()),
        media=tuple(build.media.values()),
        datasets=tuple(_datasets(build)),
        digest=digest,
    )
    for asset_id in estate.asset_ids():
        build.aliases.setdefault(asset_id.name, asset_id)
    return ImportResult(estate, build.notes, build.aliases)


def _digest(path: str) -> str:
    try:
        return hashlib.sha256(Path(path).read_bytes()).hexdigest()
    except OSError:
        return ""


def import_terraform(path: str | os.PathLike[str], mapping: str | os.PathLike[str] | None = None,
                     config: str | os.PathLike[str] | None = None,
                     expect: str | None = None, strict: bool = True) -> ImportResult:
    """Import a plan or state JSON file (``expect`` = "plan"/"state" to insist on one).

    ``config`` is a plan JSON whose provider configuration resolves a state's resources
    (state output has no provider blocks, so custom S3 endpoints are invisible in it);
    ``strict=False`` lets the mapping name resources this file lacks.
    """
    file = os.fspath(path)
    data = load_json(file)
    kind = check_format(data, file)
    if expect and kind != expect:
        raise UsageError(f"{file}: this is Terraform {kind} JSON, expected {expect} JSON",
                         hint="plan: `terraform show -json tfplan`; state: `terraform show "
                         "-json` with no plan file")
    if kind == "plan":
        resources = plan_resources(data, file)
    else:
        ctx = Context.from_plan(_config_data(config))
        resources = state_resources(data, file, ctx)
    result = build_estate(resources, file, _digest(file))
    if mapping is not None:
        doc = load_mapping(mapping)
        result.estate = apply_mapping(result.estate, doc, result.aliases, strict)
    return result


def import_prior_state(plan: str | os.PathLike[str],
                       mapping: str | os.PathLike[str] | None = None) -> ImportResult:
    """The estate of the state a plan was computed against (its ``prior_state``).

    A plan of an empty state has no ``prior_state``: that is an empty estate, not an error.
    The plan's provider configuration applies; the mapping is read leniently.
    """
    file = os.fspath(plan)
    data = load_json(file)
    if check_format(data, file) != "plan":
        raise UsageError(f"{file}: this is Terraform state JSON, expected plan JSON")
    prior = data.get("prior_state") or {}
    resources = state_resources(prior, file, Context.from_plan(data), "$.prior_state")
    result = build_estate(resources, file, _digest(file))
    result.estate = replace(result.estate, name=f"{result.estate.name}-prior-state")
    if mapping is not None:
        result.estate = apply_mapping(result.estate, load_mapping(mapping), result.aliases,
                                      strict=False)
    return result


def _config_data(config: str | os.PathLike[str] | None) -> Mapping[str, Any] | None:
    if config is None:
        return None
    file = os.fspath(config)
    data = load_json(file)
    if check_format(data, file) != "plan":
        raise UsageError(f"{file}: --config needs plan JSON (it carries the configuration)")
    return data if isinstance(data, dict) else None


def estate_from_plan(path: str | os.PathLike[str],
                     mapping: str | os.PathLike[str] | None = None) -> Estate:
    """The estate a plan JSON would leave once applied."""
    return import_terraform(path, mapping, expect="plan").estate


def estate_from_state(path: str | os.PathLike[str],
                      mapping: str | os.PathLike[str] | None = None,
                      config: str | os.PathLike[str] | None = None) -> Estate:
    """The estate a state JSON describes; ``config`` (a plan JSON) supplies provider blocks."""
    return import_terraform(path, mapping, config, expect="state").estate
