"""Item 8 on moto: short-lived noncurrent versions are weak protection, and a replication
destination in another account is invisible to the source's credentials, not missing."""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from drcheck.evaluate.base import Context
from drcheck.evaluate.rules.collection import CollectionIssuesRule
from drcheck.shared.model import Dataset, FactKey, Location, Replica, ReplicaKind, Status
from tests.s3.conftest import World

pytestmark = pytest.mark.integration


def dataset_on(asset: str) -> Dataset:
    """A dataset with its primary on ``asset`` and no copies."""
    primary = Replica(id="d/primary", name="p", role="primary", kind=ReplicaKind.BUCKET,
                      asset=asset, path=None, location=Location(()))
    return Dataset("d", primary, ())


def _versioned(world: World, name: str, noncurrent_days: int) -> None:
    client = world.client("eu-west-1")
    client.create_bucket(Bucket=name,
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [
        {"ID": "old-versions", "Status": "Enabled", "Filter": {"Prefix": ""},
         "NoncurrentVersionExpiration": {"NoncurrentDays": noncurrent_days}}]})


def test_noncurrent_versions_expiring_within_days_are_weak(world: World) -> None:
    _versioned(world, "weak-versions", 3)
    _versioned(world, "kept-versions", 90)
    reports = {r.subject: r for r in world.probe().collect(
        [world.target("weak-versions"), world.target("kept-versions")])}
    weak, kept = reports["bucket:weak-versions"], reports["bucket:kept-versions"]
    assert weak.facts[FactKey.NONCURRENT_EXPIRATION_DAYS.value].value == 3
    (issue,) = [i for i in weak.issues if i.code == "weak-versioning"]
    assert "after 3 days" in issue.reason
    assert kept.facts[FactKey.NONCURRENT_EXPIRATION_DAYS.value].value == 90
    assert not [i for i in kept.issues if i.code == "weak-versioning"]
    # and it is a finding: the collection-issues rule fails on it by default
    ctx = Context(now=datetime.now(timezone.utc), issues={"bucket:weak-versions": (issue,)})
    outcome = CollectionIssuesRule().check(dataset_on("bucket:weak-versions"), {}, ctx)
    assert outcome.status is Status.FAIL and "weak-versioning" in outcome.message


def test_destination_in_another_account_is_not_visible_not_dangling(world: World) -> None:
    client = world.client("eu-west-1")
    client.create_bucket(Bucket="xacct-src",
                         CreateBucketConfiguration={"LocationConstraint": "eu-west-1"})
    client.put_bucket_versioning(Bucket="xacct-src", VersioningConfiguration={"Status": "Enabled"})
    client.put_bucket_replication(Bucket="xacct-src", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication",
        "Rules": [{"ID": "to-partner", "Status": "Enabled", "Priority": 1, "Filter": {},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::partner-vault",
                                   "Account": "999999999999"}}]})
    reports = {r.subject: r for r in world.probe().collect([world.target("xacct-src")])}
    codes = [i.code for i in reports["bucket:xacct-src"].issues]
    assert "dangling-replication" not in codes
    (issue,) = [i for i in reports["bucket:xacct-src"].issues
                if i.code == "replication-destination-not-visible"]
    assert "account 999999999999" in issue.reason and "not visible" in issue.reason


def test_declared_destination_that_is_gone_is_still_dangling(world: World) -> None:
    reports = {r.subject: r for r in world.probe().collect([world.target("frankfurt-logs")])}
    codes = [i.code for i in reports["bucket:frankfurt-logs"].issues]
    assert "dangling-replication" in codes  # same account, no Account field: it is gone
