"""One bucket, probed: the calls in order, and the ``ProbeReport`` they add up to.

The first call (GetBucketLocation) doubles as the existence check: after a fatal answer (no
such bucket, endpoint down, TLS failure) nothing else is attempted. A bucket whose versioning
was never enabled can have neither object lock nor replication (S3 refuses both), so those two
calls are skipped for it and recorded as known negatives implied by GetBucketVersioning (the
facts quote that call and say why; ``details["implied"]`` lists the calls not made).
"""

from __future__ import annotations

import time
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import cast

from botocore.exceptions import BotoCoreError

from drcheck.inputs.durations import format_time
from drcheck.inputs.estate import BucketSpec
from drcheck.locations.endpoints import endpoint_host
from drcheck.probes.base import BucketTarget, DiscoveredCopy, ProbeReport
from drcheck.probes.s3_client import (
    BucketCalls,
    CallResult,
    ClientKey,
    ClientPool,
    S3Settings,
    env_endpoint,
)
from drcheck.probes.s3_config import (
    WEAK_NONCURRENT_DAYS,
    ReplicationRule,
    applies,
    encryption_facts,
    evidence,
    expiration_fact,
    lifecycle_details,
    lock_facts,
    noncurrent_fact,
    replication_rules,
    versioning_details,
)
from drcheck.probes.s3_freshness import path_freshness
from drcheck.probes.s3_location import (
    HostResolver,
    LocationView,
    location_issues,
    location_view,
    region_claims,
)
from drcheck.shared.model import Evidence, FactKey, ProbeIssue

PROBE = "s3"


@dataclass(frozen=True)
class S3Target:
    """A bucket to probe: its estate spec and the dataset prefixes that live in it.

    ``client_region`` overrides the region the client signs with (a replication destination
    is reached with its source's client); ``replicated_from`` names the source bucket's asset
    id for a destination the probe discovered.
    """

    spec: BucketSpec
    prefixes: tuple[str, ...] = ()
    client_region: str | None = None
    replicated_from: str | None = None
    not_visible: str | None = None  # why the source's credentials may not see it

    @property
    def subject(self) -> str:
        """``bucket:NAME``, the report subject."""
        return self.spec.asset_id

    def client_key(self) -> ClientKey:
        """The key of the shared client this bucket is read through."""
        spec = self.spec
        return ClientKey(spec.endpoint, self.client_region or spec.region, spec.profile,
                         spec.addressing_style)


@dataclass
class BucketOutcome:
    """A bucket's report and the replication destinations to probe next."""

    report: ProbeReport
    follow: list[S3Target] = field(default_factory=list)


def declared_region(spec: BucketSpec) -> str | None:
    """The region the estate declares for a bucket (``region`` or ``location.region``)."""
    if spec.region:
        return spec.region
    return spec.location.fields.get("region") if spec.location else None


def _implied(operation: str, feature: str) -> CallResult:
    """The known "not configured" answer of a call not made because versioning was never
    enabled on the bucket: S3 refuses ``feature`` on such a bucket."""
    return CallResult(operation, absent=True, implied_by="GetBucketVersioning",
                      reason=f"{operation} not asked: implied by GetBucketVersioning, "
                      f"versioning was never enabled and S3 refuses {feature} without it")


def _implied_details(results: Mapping[str, CallResult]) -> dict[str, str]:
    """``details["implied"]``: each call not made, with the reason its answer is known."""
    return {r.operation: str(r.reason) for r in results.values() if r.implied_by}


def _config_calls(calls: BucketCalls, skip_lock_and_replication: bool) -> dict[str, CallResult]:
    """Versioning was read already; read lock, encryption, lifecycle and replication."""
    name, client = calls.bucket, calls.client
    out = {
        "encryption": calls.call("GetBucketEncryption",
                                 lambda: client.get_bucket_encryption(Bucket=name)),
        "lifecycle": calls.call("GetBucketLifecycleConfiguration",
                                lambda: client.get_bucket_lifecycle_configuration(Bucket=name)),
    }
    if skip_lock_and_replication:
        out["lock"] = _implied("GetObjectLockConfiguration", "object lock")
        out["replication"] = _implied("GetBucketReplication", "replication")
        return out
    out["lock"] = calls.call("GetObjectLockConfiguration",
                             lambda: client.get_object_lock_configuration(Bucket=name))
    out["replication"] = calls.call("GetBucketReplication",
                                    lambda: client.get_bucket_replication(Bucket=name))
    return out


def _issues(calls: BucketCalls, subject: str, at: str) -> list[ProbeIssue]:
    """One issue per failure code, its reasons joined; a fatal failure stands alone."""
    if calls.fatal is not None:
        failed = [calls.fatal]
    else:
        failed = [r for r in calls.results if r.code is not None]
    grouped: dict[str, list[str]] = {}
    for result in failed:
        grouped.setdefault(str(result.code), []).append(str(result.reason))
    return [ProbeIssue(subject, PROBE, code, "; ".join(reasons), at)
            for code, reasons in grouped.items()]


def _weak_versioning(versioning: Mapping[str, object] | None, facts: Mapping[str, Evidence],
                     subject: str, at: str) -> list[ProbeIssue]:
    """``weak-versioning`` when versions are kept but noncurrent ones expire within days."""
    days = facts.get(FactKey.NONCURRENT_EXPIRATION_DAYS.value)
    if versioning is None or versioning.get("status") != "Enabled" or days is None \
            or not isinstance(days.value, int) or days.value > WEAK_NONCURRENT_DAYS:
        return []
    return [ProbeIssue(subject, PROBE, "weak-versioning",
                       f"versioning is on but a lifecycle rule expires noncurrent versions "
                       f"after {days.value} days: an overwrite or encryption noticed later "
                       "than that cannot be undone", at)]


class BucketProbe:
    """Reads one bucket through a shared ``ClientPool``; ``run`` never raises on S3 errors."""

    def __init__(self, pool: ClientPool, settings: S3Settings, resolver: HostResolver,
                 names: Mapping[tuple[str, str | None], str]) -> None:
        """``names`` maps (bucket, endpoint) of declared buckets to their estate names."""
        self.pool = pool
        self.settings = settings
        self.resolver = resolver
        self.names = names
        self.current: dict[str, str] = {}  # subject → the S3 call under way (for timeouts)

    def run(self, target: S3Target) -> BucketOutcome:
        """Probe ``target`` and return its report plus the destinations to follow."""
        spec = target.spec
        at = format_time(self.settings.now())
        try:
            client = self.pool.client(target.client_key())
        except BotoCoreError as exc:  # unknown profile, broken config file
            reason = self.pool.scrub(f"cannot build an S3 client: {type(exc).__name__}: {exc}")
            issue = ProbeIssue(target.subject, PROBE, "no-credentials", reason, at)
            return BucketOutcome(ProbeReport(PROBE, target.subject, at, issues=(issue,)))
        calls = BucketCalls(client, spec.bucket, self.pool, spec.endpoint or env_endpoint(),
                            on_call=lambda op: self.current.__setitem__(target.subject, op),
                            deadline=time.monotonic() + self.settings.bucket_deadline,
                            key=target.client_key())
        loc = calls.call("GetBucketLocation",
                         lambda: client.get_bucket_location(Bucket=spec.bucket))
        host = endpoint_host(spec.endpoint or env_endpoint())
        view = location_view(loc, host, spec.provider, declared_region(spec), self.resolver)
        ver = calls.call("GetBucketVersioning",
                         lambda: client.get_bucket_versioning(Bucket=spec.bucket))
        versioning = versioning_details(ver)
        never = versioning is not None and versioning["status"] == "Disabled"
        results = _config_calls(calls, skip_lock_and_replication=never)
        facts, details = self._facts(results, target.prefixes, at)
        details["versioning"] = versioning
        implied = _implied_details(results)
        if implied:
            details["implied"] = implied
        details["location"] = view.details()
        rules = replication_rules(results["replication"])
        details["replication"] = [r.details() for r in rules] if rules is not None else None
        path_facts = self._paths(calls, target, results, details, at)
        discovered, follow = self._replicas(target, view, rules or [], at)
        issues = location_issues(view, target.subject, at) + _issues(calls, target.subject, at)
        issues += _weak_versioning(versioning, facts, target.subject, at)
        report = ProbeReport(
            probe=PROBE, subject=target.subject, observed_at=at,
            claims=region_claims(view, at), facts=facts, path_facts=path_facts,
            details=details, discovered=tuple(discovered), issues=tuple(issues))
        return BucketOutcome(report, follow)

    def _facts(self, results: Mapping[str, CallResult], prefixes: Sequence[str],
               at: str) -> tuple[dict[str, Evidence], dict[str, object]]:
        """Asset-wide facts and the raw configuration details."""
        lock_detail, facts = lock_facts(results["lock"], at)
        enc_rules, encrypted = encryption_facts(results["encryption"], at)
        facts[FactKey.ENCRYPTED.value] = encrypted
        life = lifecycle_details(results["lifecycle"])
        details: dict[str, object] = {
            "object_lock": lock_detail, "encryption": enc_rules, "lifecycle": life}
        expiry = expiration_fact(life, prefixes, results["lifecycle"], at)
        if expiry is not None:
            facts[FactKey.EXPIRATION_DAYS.value] = expiry
        noncurrent = noncurrent_fact(life, prefixes, results["lifecycle"], at)
        if noncurrent is not None:
            facts[FactKey.NONCURRENT_EXPIRATION_DAYS.value] = noncurrent
        facts[FactKey.BYTES.value] = evidence(
            None, "ListObjectsV2", at, "S3 has no cheap bucket size; see the dataset prefixes")
        return facts, details

    def _paths(self, calls: BucketCalls, target: S3Target, results: Mapping[str, CallResult],
               details: dict[str, object], at: str) -> dict[str, dict[str, Evidence]]:
        """Freshness and expiration per dataset prefix."""
        out: dict[str, dict[str, Evidence]] = {}
        fresh: dict[str, object] = {}
        life = cast("list[dict[str, object]] | None", details["lifecycle"])  # parsed once
        for prefix in target.prefixes:
            facts, fresh[prefix] = path_freshness(calls, prefix, self.settings, at)
            expiry = expiration_fact(life, [prefix], results["lifecycle"], at)
            if expiry is not None:
                facts[FactKey.EXPIRATION_DAYS.value] = expiry
            out[prefix] = facts
        details["freshness"] = fresh
        return out

    def _replicas(self, target: S3Target, view: LocationView, rules: Sequence[ReplicationRule],
                  at: str) -> tuple[list[DiscoveredCopy], list[S3Target]]:
        """Discovered copies for enabled replication rules, and the destinations to probe."""
        discovered: list[DiscoveredCopy] = []
        follow: list[S3Target] = []
        for rule in rules:
            if rule.status != "Enabled" or not rule.destination:
                continue
            dest_spec = self._dest_spec(target, view, rule)
            covered = tuple(p for p in target.prefixes if applies(rule.prefix, p))
            where = BucketTarget(dest_spec.name, dest_spec.endpoint, dest_spec.provider,
                                 None, rule.account)
            discovered.extend(DiscoveredCopy(
                name=f"{dest_spec.name}:{path}" if path else dest_spec.name,
                tool="s3-replication", origin=f"s3:GetBucketReplication rule {rule.rule_id}",
                source_path=path, bucket=where, prefix=path) for path in covered or (rule.prefix,))
            follow.append(S3Target(dest_spec, covered, target.client_key().region,
                                   target.subject, self._foreign(target, rule)))
        return discovered, follow

    def _foreign(self, target: S3Target, rule: ReplicationRule) -> str | None:
        """Why a destination the estate does not declare may be invisible to the source's
        credentials (another account, another endpoint); None when it should be visible."""
        if any(bucket == rule.destination for bucket, _ in self.names):
            return None
        if rule.other_endpoint:
            return f"on another endpoint ({rule.arn})"
        if rule.account and rule.account != target.spec.account:
            return f"in account {rule.account}"
        return None

    def _dest_spec(self, target: S3Target, view: LocationView,
                   rule: ReplicationRule) -> BucketSpec:
        """A spec for a replication destination: same endpoint and credentials as its source."""
        spec = target.spec
        # An AWS regional endpoint would not reach a destination in another region: let
        # botocore resolve (and redirect) it. Any other provider: the source's endpoint.
        host = endpoint_host(spec.endpoint) or ""
        aws = host.endswith((".amazonaws.com", ".amazonaws.com.cn"))
        endpoint = None if aws else spec.endpoint
        declared = [n for (bucket, _), n in self.names.items() if bucket == rule.destination]
        name = self.names.get((rule.destination, spec.endpoint)) or (
            declared[0] if len(declared) == 1 else rule.destination)
        return BucketSpec(
            name=name, origin=f"{spec.asset_id} replication rule {rule.rule_id}",
            bucket=rule.destination, endpoint=endpoint, provider=view.provider,
            account=rule.account, profile=spec.profile, addressing_style=spec.addressing_style)
