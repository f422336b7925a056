"""S3 buckets from Terraform: where they are, and what their configuration declares.

Reads ``aws_s3_bucket`` (with the inline blocks of AWS provider v3) and the split resources
of v4+ (``aws_s3_bucket_versioning``, ``_object_lock_configuration``,
``_lifecycle_configuration``, ``_server_side_encryption_configuration``), and the location
from the provider block: a custom ``endpoints { s3 = … }`` names OVH, Scaleway and friends;
an endpoint drcheck does not recognise (MinIO) leaves the location unknown, never guessed.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass, field
from typing import Any

from drcheck.importers.endpoints import s3_location
from drcheck.importers.terraform_json import TfResource
from drcheck.importers.terraform_links import Graph, asset_name
from drcheck.inputs.estate import BucketSpec
from drcheck.shared.model import Evidence, FactKey, Source

BUCKET = "aws_s3_bucket"
SPLIT_TYPES = (
    "aws_s3_bucket_versioning",
    "aws_s3_bucket_object_lock_configuration",
    "aws_s3_bucket_lifecycle_configuration",
    "aws_s3_bucket_server_side_encryption_configuration",
    "aws_s3_bucket_replication_configuration",
)
UNKNOWN_AFTER_APPLY = "known only after apply"
AWS_REGION = re.compile(r"^[a-z]{2}(?:-gov|-iso[a-z]*)?-[a-z]+-\d+$")


@dataclass(frozen=True)
class Placement:
    """Provider, region and endpoint of a bucket, with the reasons for what is unknown."""

    provider: str | None
    region: str | None
    endpoint: str | None
    notes: tuple[str, ...] = ()


def origin_of(file: str, res: TfResource) -> str:
    """``plan.json:module.x.aws_s3_bucket.b["eu"]``: the origin of everything read from res."""
    return f"{file}:{res.address}"


def placement(res: TfResource) -> Placement:
    """Where the provider configuration of ``res`` puts an S3 bucket."""
    conf = res.provider
    if conf.s3_endpoint:
        found = s3_location(conf.s3_endpoint)
        if found:
            return Placement(found[0], found[1], conf.s3_endpoint)
        return Placement(None, None, conf.s3_endpoint, (
            f"custom S3 endpoint {conf.s3_endpoint} names no known provider region: "
            "declare its location in a mapping file",))
    if "endpoints.s3" in conf.unknown:
        return Placement(None, None, None, (
            f"provider {conf.key}: the S3 endpoint is not a constant, location unknown",))
    region = res.get("region")
    if not (isinstance(region, str) and region and not res.is_unknown("region")):
        region = conf.region
    if region and not AWS_REGION.match(region):
        return Placement(None, None, None, (
            f"region {region!r} is no AWS region, so the provider must use a custom S3 "
            "endpoint this file does not show: location unknown (import the plan, or pass "
            "its configuration with --config)",))
    if region:
        return Placement("aws", region, None)
    why = "not a constant" if "region" in conf.unknown else "not set"
    return Placement("aws", None, None, (f"provider {conf.key}: region {why}, region unknown",))


def _fact(value: Any, origin: str, reason: str | None = None) -> Evidence:
    return Evidence(value, Source.DECLARED, origin, reason=reason)


def _blocks(value: Any) -> list[Mapping[str, Any]]:
    """A nested block list (``[{...}]``) as a list of mappings, dropping anything else."""
    return [b for b in value if isinstance(b, dict)] if isinstance(value, list) else []


def _retention_days(rule_blocks: Any) -> int | None:
    for rule in _blocks(rule_blocks):
        for ret in _blocks(rule.get("default_retention")):
            days, years = ret.get("days"), ret.get("years")
            if isinstance(days, int) and days > 0:
                return days
            if isinstance(years, int) and years > 0:
                return years * 365
    return None


def _lock_facts(bucket: TfResource, locks: list[TfResource], file: str) -> dict[str, Evidence]:
    """Object lock: immutable (and retention) from the split resource or the inline block."""
    for lock in locks:
        origin = origin_of(file, lock)
        if lock.is_unknown("rule"):
            return {FactKey.IMMUTABLE.value: _fact(None, origin, UNKNOWN_AFTER_APPLY)}
        days = _retention_days(lock.get("rule"))
        facts = {FactKey.IMMUTABLE.value: _fact(days is not None, origin)}
        if days is not None:
            facts[FactKey.RETENTION_DAYS.value] = _fact(days, origin)
        return facts
    origin = origin_of(file, bucket)
    for block in _blocks(bucket.get("object_lock_configuration")):
        days = _retention_days(block.get("rule"))
        if block.get("object_lock_enabled") == "Enabled" and days is not None:
            return {FactKey.IMMUTABLE.value: _fact(True, origin),
                    FactKey.RETENTION_DAYS.value: _fact(days, origin)}
    enabled = bucket.get("object_lock_enabled")
    if bucket.is_unknown("object_lock_enabled") or (
            enabled is None and bucket.is_unknown("object_lock_configuration")):
        return {FactKey.IMMUTABLE.value: _fact(None, origin, UNKNOWN_AFTER_APPLY)}
    why = "object lock enabled without a default retention" if enabled is True else None
    return {FactKey.IMMUTABLE.value: _fact(False, origin, why)}


def _expiration_days(rules: Any, enabled_key: str) -> int | None:
    found: list[int] = []
    for rule in _blocks(rules):
        if rule.get(enabled_key) in (False, "Disabled"):
            continue
        found.extend(exp["days"] for exp in _blocks(rule.get("expiration"))
                     if isinstance(exp.get("days"), int) and exp["days"] > 0)
    return min(found) if found else None


def _lifecycle_facts(bucket: TfResource, rules: list[TfResource], file: str) -> (
    dict[str, Evidence]
):
    """The shortest current-version expiration of the enabled lifecycle rules."""
    for res in rules:
        origin = origin_of(file, res)
        if res.is_unknown("rule"):
            return {FactKey.EXPIRATION_DAYS.value: _fact(None, origin, UNKNOWN_AFTER_APPLY)}
        days = _expiration_days(res.get("rule"), "status")
        if days is not None:
            return {FactKey.EXPIRATION_DAYS.value: _fact(days, origin)}
    days = _expiration_days(bucket.get("lifecycle_rule"), "enabled")
    if days is not None:
        return {FactKey.EXPIRATION_DAYS.value: _fact(days, origin_of(file, bucket))}
    return {}


def _sse_rules(value: Any) -> list[Mapping[str, Any]]:
    return [d for rule in _blocks(value)
            for d in _blocks(rule.get("apply_server_side_encryption_by_default"))]


def _encryption_facts(bucket: TfResource, sse: list[TfResource], where: Placement,
                      file: str) -> dict[str, Evidence]:
    """Encryption at rest from a server-side encryption configuration (or AWS's default)."""
    for res in sse:
        if _sse_rules(res.get("rule")) or res.is_unknown("rule"):
            return {FactKey.ENCRYPTED.value: _fact(True, origin_of(file, res))}
    origin = origin_of(file, bucket)
    for block in _blocks(bucket.get("server_side_encryption_configuration")):
        if _sse_rules(block.get("rule")):
            return {FactKey.ENCRYPTED.value: _fact(True, origin)}
    if where.provider == "aws" and where.endpoint is None:
        return {FactKey.ENCRYPTED.value: _fact(
            True, origin, "AWS S3 encrypts every new object with SSE-S3 since 2023-01-05")}
    return {}


@dataclass
class Attached:
    """The split configuration resources that name one bucket."""

    by_type: dict[str, list[TfResource]] = field(default_factory=dict)

    def of(self, type_: str) -> list[TfResource]:
        """The attached resources of one type."""
        return self.by_type.get(type_, [])


def attach_split_resources(graph: Graph) -> dict[str, Attached]:
    """Split S3 configuration resources grouped by the address of the bucket they configure."""
    out: dict[str, Attached] = {}
    for res in graph.of_type(*SPLIT_TYPES):
        link = graph.follow(res, ("bucket",), (BUCKET,))
        if link.target is not None:
            out.setdefault(link.target.address, Attached()).by_type.setdefault(
                res.type, []).append(res)
    return out


def bucket_name(res: TfResource) -> str | None:
    """The bucket's real name when known before apply."""
    name = res.get("bucket")
    return name if isinstance(name, str) and name and not res.is_unknown("bucket") else None


def bucket_spec(res: TfResource, attached: Attached, file: str) -> tuple[BucketSpec, list[str]]:
    """A ``BucketSpec`` for one ``aws_s3_bucket`` and the notes on what stays unknown."""
    where = placement(res)
    notes = [f"{res.address}: {n}" for n in where.notes]
    real = bucket_name(res)
    if real is None:
        notes.append(f"{res.address}: bucket name {UNKNOWN_AFTER_APPLY}")
    facts: dict[str, Evidence] = {}
    facts.update(_lock_facts(res, attached.of(SPLIT_TYPES[1]), file))
    facts.update(_lifecycle_facts(res, attached.of(SPLIT_TYPES[2]), file))
    facts.update(_encryption_facts(res, attached.of(SPLIT_TYPES[3]), where, file))
    spec = BucketSpec(
        name=asset_name(res.address),
        origin=origin_of(file, res),
        bucket=real or asset_name(res.address),
        endpoint=where.endpoint,
        provider=where.provider,
        region=where.region,
        probe=False,
        facts=facts,
    )
    return spec, notes
