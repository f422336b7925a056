"""The same probe against a second, independent S3 implementation: SeaweedFS (`weed mini`).

SeaweedFS differs from AWS the way real providers do: GetBucketLocation answers None for every
bucket (so no region claim may be guessed), there is no replication API, and ListBuckets needs
configured identities. The server is started with the safe flags only (loopback bind, no
telemetry, no admin UI, no WebDAV, no Iceberg/Lance ports); if it cannot start, the tests fail.
"""

from __future__ import annotations

from typing import Any

import boto3
import pytest

from drcheck.probes.base import ProbeReport
from drcheck.probes.s3 import S3Probe, S3Settings, S3Target, discover_buckets
from tests.s3.conftest import PLANTED_SECRET, World
from tests.s3.faults import FaultProxy

pytestmark = pytest.mark.integration


def _build(url: str) -> dict[str, Any]:
    c = boto3.client("s3", endpoint_url=url, region_name="us-east-1")
    c.create_bucket(Bucket="sw-locked", ObjectLockEnabledForBucket=True)
    c.put_object_lock_configuration(Bucket="sw-locked", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 7}}})
    c.put_bucket_encryption(Bucket="sw-locked", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    c.put_bucket_lifecycle_configuration(Bucket="sw-locked", LifecycleConfiguration={"Rules": [
        {"ID": "expire", "Status": "Enabled", "Filter": {"Prefix": "db/"},
         "Expiration": {"Days": 14}}]})
    for key in ("db/config", "db/snapshots/0001", "db/data/aa"):
        c.put_object(Bucket="sw-locked", Key=key, Body=b"x")
    c.create_bucket(Bucket="sw-plain")
    c.put_object(Bucket="sw-plain", Key="dump/a.sql", Body=b"abc")
    newest = c.head_object(Bucket="sw-locked", Key="db/snapshots/0001")["LastModified"]
    return {"newest": newest.strftime("%Y-%m-%dT%H:%M:%SZ")}


@pytest.fixture(scope="module")
def seaweed_reports(seaweed: str, world: World) -> tuple[dict[str, ProbeReport], dict[str, Any]]:
    """One probe run over the SeaweedFS buckets (the estate calls the provider ovh/gra)."""
    built = _build(seaweed)
    targets = [
        S3Target(world.spec("sw-locked", endpoint=seaweed, provider="ovh", region="gra"),
                 ("db/",)),
        S3Target(world.spec("sw-plain", endpoint=seaweed, provider="ovh"), ("dump",)),
        S3Target(world.spec("sw-missing", endpoint=seaweed, provider="ovh")),
    ]
    reports = S3Probe(S3Settings(now=lambda: world.now, read_timeout=5)).collect(targets)
    return {r.subject: r for r in reports}, built


def test_seaweed_lock_encryption_lifecycle(
        seaweed_reports: tuple[dict[str, ProbeReport], dict[str, Any]]) -> None:
    """Real object lock, encryption and lifecycle are read as on AWS."""
    reports, _ = seaweed_reports
    rep = reports["bucket:sw-locked"]
    assert rep.facts["immutable"].value is True
    assert rep.facts["retention_days"].value == 7
    assert rep.facts["encrypted"].value is True
    assert rep.path_facts["db/"]["expiration_days"].value == 14
    assert rep.details["versioning"] == {"status": "Enabled", "mfa_delete": "Disabled"}
    assert rep.details["replication"] == []  # no replication API: "not found"
    plain = reports["bucket:sw-plain"]
    assert plain.facts["immutable"].value is False
    assert plain.facts["encrypted"].value is False
    assert plain.path_facts["dump"]["bytes"].value == 3


def test_seaweed_location_is_never_guessed(
        seaweed_reports: tuple[dict[str, ProbeReport], dict[str, Any]]) -> None:
    """LocationConstraint None on a non-AWS provider: no region claim, no false mismatch."""
    reports, _ = seaweed_reports
    rep = reports["bucket:sw-locked"]
    assert rep.claims == ()
    location = rep.details["location"]
    assert isinstance(location, dict)
    assert (location["location_constraint"], location["api_region"],
            location["declared_region"]) == (None, None, "gra")
    assert not [i for i in rep.issues if i.code == "location-mismatch"]
    (issue,) = rep.issues  # the endpoint's silence is said, not papered over
    assert issue.code == "location-unknown" and "returned no location" in issue.reason


def test_seaweed_freshness_and_missing_bucket(
        seaweed_reports: tuple[dict[str, ProbeReport], dict[str, Any]]) -> None:
    """restic layout read on SeaweedFS; a missing bucket is no-such-bucket."""
    reports, built = seaweed_reports
    rep = reports["bucket:sw-locked"]
    assert rep.path_facts["db/"]["newest_restore_point"].value == built["newest"]
    assert rep.details["freshness"]["db/"]["layout"] == "restic"  # type: ignore[index]
    assert [i.code for i in reports["bucket:sw-missing"].issues] == ["no-such-bucket"]


def test_seaweed_discovery_and_secret(
        seaweed: str, seaweed_reports: tuple[dict[str, ProbeReport], dict[str, Any]]) -> None:
    """ListBuckets works with identities configured; the secret shows nowhere."""
    reports, _ = seaweed_reports
    assert {"sw-locked", "sw-plain"} <= {s.name for s in discover_buckets(seaweed)}
    assert PLANTED_SECRET not in repr(reports)


def test_seaweed_invalid_credential_stops_at_the_first_call(seaweed: str, world: World,
                                                            monkeypatch: pytest.MonkeyPatch
                                                            ) -> None:
    """A key SeaweedFS does not know: one reason, and no call after the first."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "UNKNOWNKEYDRCHECK01")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-drcheck")
    (rep,) = S3Probe(S3Settings(now=lambda: world.now, read_timeout=5)).collect(
        [S3Target(world.spec("sw-plain", endpoint=seaweed, provider="ovh"), ("dump",))])
    (issue,) = rep.issues
    assert issue.code == "invalid-credentials" and issue.reason.startswith("GetBucketLocation")
    assert rep.details["versioning"] is None and rep.details["lifecycle"] is None


def test_seaweed_discover_writes_its_endpoint(seaweed: str,
                                              seaweed_reports: tuple[dict[str, ProbeReport],
                                                                     dict[str, Any]]) -> None:
    found = {s.name: s for s in discover_buckets(seaweed)}
    assert found["sw-plain"].endpoint == seaweed
    assert found["sw-plain"].origin == f"s3:ListBuckets on {seaweed}"


@pytest.mark.parametrize("workers", [1, 32])
def test_seaweed_invalid_credential_stops_across_buckets(seaweed: str, world: World,
                                                         monkeypatch: pytest.MonkeyPatch,
                                                         workers: int) -> None:
    """A refused credential is refused for every bucket: after the first call proves it
    invalid, no call is made on any other bucket read with it (counted at a proxy), even
    with many workers starting at once (the others wait for the first answer)."""
    monkeypatch.setenv("AWS_ACCESS_KEY_ID", "UNKNOWNKEYDRCHECK02")
    monkeypatch.setenv("AWS_SECRET_ACCESS_KEY", "not-the-secret-drcheck-2")
    proxy = FaultProxy(seaweed, keep_host=True).start()
    try:
        names = ["sw-plain", "sw-locked", "sw-missing", "sw-other-1", "sw-other-2"]
        targets = [S3Target(world.spec(n, endpoint=proxy.url, provider="ovh"), ("dump",))
                   for n in names]
        reports = S3Probe(S3Settings(now=lambda: world.now, read_timeout=5,
                                     concurrency=workers)).collect(targets)
    finally:
        proxy.stop()
    assert sum(proxy.hits.values()) == 1
    assert len(reports) == len(names)
    for rep in reports:
        (issue,) = rep.issues
        assert issue.code == "invalid-credentials"
        assert issue.reason.startswith("GetBucketLocation")
        assert rep.details["versioning"] is None
    later = [r for r in reports if "the credential was refused" in r.issues[0].reason]
    assert len(later) == len(names) - 1
    assert "not-the-secret-drcheck-2" not in repr(reports)


def test_seaweed_calls_per_bucket(seaweed: str, world: World,
                                  seaweed_reports: tuple[dict[str, ProbeReport], dict[str, Any]]
                                  ) -> None:
    """Four calls for a bucket whose versioning was never enabled (S3 refuses object lock and
    replication there, so neither is asked), six for a versioned one; facts stay known."""
    proxy = FaultProxy(seaweed, keep_host=True).start()
    try:
        reports = S3Probe(S3Settings(now=lambda: world.now, read_timeout=5)).collect([
            S3Target(world.spec("sw-plain", endpoint=proxy.url, provider="ovh")),
            S3Target(world.spec("sw-locked", endpoint=proxy.url, provider="ovh"))])
    finally:
        proxy.stop()
    assert (proxy.hits["sw-plain"], proxy.hits["sw-locked"]) == (4, 6)
    by = {r.subject: r for r in reports}
    plain = by["bucket:sw-plain"]
    assert plain.details["versioning"] == {"status": "Disabled", "mfa_delete": "Disabled"}
    assert plain.facts["immutable"].value is False
    assert plain.details["replication"] == []
    locked = by["bucket:sw-locked"]
    assert locked.facts["immutable"].value is True
    # The skipped answers are implied, never passed off as an observation of their own.
    assert set(plain.details["implied"]) == {"GetObjectLockConfiguration",
                                             "GetBucketReplication"}
    for key in ("immutable", "retention_days"):
        fact = plain.facts[key]
        assert fact.origin == "s3:GetBucketVersioning"
        assert fact.reason is not None and "not asked: implied by GetBucketVersioning" in \
            fact.reason
        assert locked.facts[key].origin == "s3:GetObjectLockConfiguration"
        assert locked.facts[key].reason is None
    assert "implied" not in locked.details
