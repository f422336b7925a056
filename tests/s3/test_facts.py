"""The probe over HTTP against moto's S3 server: every fact of every fixture bucket."""

from __future__ import annotations

from collections.abc import Mapping

import pytest

from drcheck.probes.base import ProbeReport
from drcheck.shared.model import DomainKind, Evidence, Source
from tests.s3.conftest import World

pytestmark = pytest.mark.integration


def _by_subject(reports: list[ProbeReport]) -> dict[str, ProbeReport]:
    subjects = [r.subject for r in reports]
    assert len(subjects) == len(set(subjects)), subjects
    return {r.subject: r for r in reports}


def _value(facts: Mapping[str, Evidence], key: str) -> object:
    ev = facts[key]
    assert ev.source is Source.PROBED
    return ev.value


@pytest.fixture(scope="module")
def reports(world: World) -> dict[str, ProbeReport]:
    """One probe run over every healthy fixture bucket."""
    probe = world.probe()
    return _by_subject(probe.collect([
        world.target("paris-db", "db/", "tmp"),
        world.target("frankfurt-logs", "logs/"),
        world.target("virginia-pg", "pg"),
        world.target("sbg-backup", "restic", provider="ovh"),
        world.target("moved-bucket", region="eu-west-1"),
        world.target("borg-repo", "b"),
    ]))


def _iso(world: World, key: str) -> str:
    return world.uploaded[key].strftime("%Y-%m-%dT%H:%M:%SZ")


def test_locked_bucket_facts(reports: dict[str, ProbeReport]) -> None:
    """Object lock with 30 days default retention, AES256, versioning and its details."""
    rep = reports["bucket:paris-db"]
    assert _value(rep.facts, "immutable") is True
    assert _value(rep.facts, "retention_days") == 30
    assert _value(rep.facts, "encrypted") is True
    assert rep.facts["immutable"].origin == "s3:GetObjectLockConfiguration"
    assert rep.details["object_lock"] == {"enabled": True, "mode": "GOVERNANCE", "days": 30}
    assert rep.details["versioning"] == {"status": "Enabled", "mfa_delete": "Disabled"}
    assert rep.details["encryption"] == [
        {"algorithm": "AES256", "kms_key": False, "bucket_key": False}]
    assert rep.issues == ()


def test_unversioned_bucket_lock_is_implied_not_observed(reports: dict[str, ProbeReport]
                                                          ) -> None:
    """moto: a bucket whose versioning was never enabled is not asked for object lock or
    replication; the known negatives quote GetBucketVersioning and say why."""
    rep = reports["bucket:virginia-pg"]
    assert rep.details["versioning"] == {"status": "Disabled", "mfa_delete": "Disabled"}
    assert (_value(rep.facts, "immutable"), _value(rep.facts, "retention_days")) == (False, 0)
    assert rep.facts["immutable"].origin == "s3:GetBucketVersioning"
    assert "S3 refuses object lock without it" in str(rep.facts["immutable"].reason)
    assert rep.details["implied"] == {
        "GetObjectLockConfiguration": "GetObjectLockConfiguration not asked: implied by "
        "GetBucketVersioning, versioning was never enabled and S3 refuses object lock "
        "without it",
        "GetBucketReplication": "GetBucketReplication not asked: implied by "
        "GetBucketVersioning, versioning was never enabled and S3 refuses replication "
        "without it"}
    assert rep.details["replication"] == [] and rep.discovered == ()


def test_region_claim_from_location_constraint(reports: dict[str, ProbeReport]) -> None:
    """Each bucket gets one probed REGION claim from GetBucketLocation."""
    expected = {
        "bucket:paris-db": "aws:eu-west-3",
        "bucket:frankfurt-logs": "aws:eu-central-1",
        "bucket:virginia-pg": "aws:us-east-1",  # LocationConstraint None on AWS
        "bucket:replica-ok": "aws:eu-west-1",
    }
    for subject, region in expected.items():
        (claim,) = reports[subject].claims
        assert claim.kind is DomainKind.REGION
        assert (claim.value, claim.source, claim.origin) == (
            region, Source.PROBED, "s3:GetBucketLocation")
    assert reports["bucket:virginia-pg"].details["location"] == {
        "provider": "aws", "endpoint_host": "127.0.0.1", "endpoint_region": None,
        "location_constraint": None, "api_region": "us-east-1", "declared_region": None,
        "error": None}


def test_ovh_sbg_naming(reports: dict[str, ProbeReport]) -> None:
    """A bucket whose estate names provider ovh and that the API places in sbg → ovh:sbg."""
    rep = reports["bucket:sbg-backup"]
    assert [c.value for c in rep.claims] == ["ovh:sbg"]
    assert rep.details["location"]["location_constraint"] == "sbg"  # type: ignore[index]
    assert rep.issues == ()


def test_declared_region_disagreeing_is_a_finding(reports: dict[str, ProbeReport]) -> None:
    """Declared eu-west-1, the API says eu-west-3: the claim is the API's, plus an issue."""
    rep = reports["bucket:moved-bucket"]
    assert [c.value for c in rep.claims] == ["aws:eu-west-3"]
    (issue,) = rep.issues
    assert issue.code == "location-mismatch"
    assert "GetBucketLocation says eu-west-3" in issue.reason
    assert "declared says eu-west-1" in issue.reason


def test_lifecycle_expiration_per_prefix(reports: dict[str, ProbeReport]) -> None:
    """The shortest enabled expiration touching each prefix; disabled rules do not count."""
    rep = reports["bucket:paris-db"]
    assert _value(rep.facts, "expiration_days") == 1  # tmp/ rule touches the tmp prefix
    assert _value(rep.path_facts["db/"], "expiration_days") == 90
    assert _value(rep.path_facts["tmp"], "expiration_days") == 1
    rules = rep.details["lifecycle"]
    assert isinstance(rules, list)
    assert [(r["id"], r["status"], r["prefix"], r["expiration_days"]) for r in rules] == [
        ("db-90", "Enabled", "db/", 90), ("tmp-1", "Enabled", "tmp/", 1),
        ("old-off", "Disabled", "", 2)]
    assert "expiration_days" not in reports["bucket:virginia-pg"].facts  # no lifecycle at all


def test_restic_freshness_reads_snapshots_only(world: World,
                                              reports: dict[str, ProbeReport]) -> None:
    """restic: the newest file under snapshots/, not the newer data pack."""
    rep = reports["bucket:paris-db"]
    assert _value(rep.path_facts["db/"], "newest_restore_point") == _iso(
        world, "paris-db/db/snapshots/2222")
    fresh = rep.details["freshness"]["db/"]  # type: ignore[index]
    assert fresh["layout"] == "restic"
    assert fresh["newest_key"] == "db/snapshots/2222"
    assert fresh["objects"] == 2
    basis = rep.path_facts["db/"]["restore_point_basis"]  # restic tag also writes there
    assert basis.value == "proxy" and "restic tag" in str(basis.reason)


def test_pgbackrest_and_borg_markers(world: World, reports: dict[str, ProbeReport]) -> None:
    """pgBackRest: backup.info via HeadObject; borg: index/hints markers."""
    pg = reports["bucket:virginia-pg"]
    point = pg.path_facts["pg"]["newest_restore_point"]
    assert point.value == _iso(world, "virginia-pg/pg/backup/main/backup.info")
    assert point.origin == "s3:HeadObject"
    assert pg.details["freshness"]["pg"]["layout"] == "pgbackrest"  # type: ignore[index]
    borg = reports["bucket:borg-repo"]
    assert borg.details["freshness"]["b"]["layout"] == "borg"  # type: ignore[index]
    assert borg.details["freshness"]["b"]["objects"] == 2  # type: ignore[index]
    assert _value(borg.path_facts["b"], "newest_restore_point") == _iso(
        world, "borg-repo/b/hints.5")
    assert [_value(r.path_facts[p], "restore_point_basis") for r, p in
            ((pg, "pg"), (borg, "b"))] == ["proxy", "proxy"]  # rewritten by expire, prune


def test_generic_listing_counts_bytes(world: World, reports: dict[str, ProbeReport]) -> None:
    """No known layout: a complete listing gives the newest key, the count and the bytes."""
    rep = reports["bucket:frankfurt-logs"]
    facts = rep.path_facts["logs/"]
    assert _value(facts, "bytes") == sum(10 + i for i in range(7))
    newest = max(v for k, v in world.uploaded.items() if k.startswith("frankfurt-logs/"))
    assert _value(facts, "newest_restore_point") == newest.strftime("%Y-%m-%dT%H:%M:%SZ")
    fresh = rep.details["freshness"]["logs/"]  # type: ignore[index]
    assert (fresh["layout"], fresh["objects"], fresh["listing_truncated"]) == (
        "listing", 7, False)
    assert rep.facts["bytes"].value is None and rep.facts["bytes"].reason
    assert "restore_point_basis" not in facts  # plain objects: written when copied


def test_listing_budget_truncates(world: World) -> None:
    """Past the page budget the newest key seen is reported, flagged truncated, no bytes."""
    (rep,) = world.probe(listing_pages=2, page_size=5).collect([world.target("many-keys", "k")])
    fresh = rep.details["freshness"]["k"]  # type: ignore[index]
    assert (fresh["pages"], fresh["objects"], fresh["listing_truncated"]) == (2, 10, True)
    assert rep.path_facts["k"]["newest_restore_point"].value is not None
    assert "bytes" not in rep.path_facts["k"]
    (full,) = world.probe(page_size=5).collect([world.target("many-keys", "k")])
    assert full.details["freshness"]["k"]["objects"] == 23  # type: ignore[index]
    assert full.path_facts["k"]["bytes"].value == 0


def test_replication_is_followed(reports: dict[str, ProbeReport]) -> None:
    """Enabled rules become discovered copies; the existing destination is probed in turn."""
    rep = reports["bucket:frankfurt-logs"]
    found = {c.bucket.name: c for c in rep.discovered if c.bucket}
    assert set(found) == {"replica-ok", "gone-bucket"}  # the disabled rule is not a copy
    ok = found["replica-ok"]
    assert (ok.tool, ok.source_path, ok.prefix) == ("s3-replication", "logs/", "logs/")
    assert ok.bucket is not None and ok.bucket.account == "210987654321"
    assert ok.bucket.provider == "aws"
    rules = rep.details["replication"]
    assert isinstance(rules, list)
    assert [(r["id"], r["status"], r["destination_bucket"]) for r in rules] == [
        ("to-ok", "Enabled", "replica-ok"), ("to-gone", "Enabled", "gone-bucket"),
        ("off", "Disabled", "never-probed")]
    dest = reports["bucket:replica-ok"]
    assert [c.value for c in dest.claims] == ["aws:eu-west-1"]
    assert dest.details["versioning"] == {"status": "Enabled", "mfa_delete": "Disabled"}
    assert dest.details["object_lock"] == {"enabled": True, "mode": None, "days": None}
    assert _value(dest.facts, "immutable") is False  # lock without default retention
    assert dest.path_facts["logs/"]["newest_restore_point"].value is None  # moto copies nothing
    assert "bucket:never-probed" not in reports


def test_dangling_replication(reports: dict[str, ProbeReport]) -> None:
    """A destination that no longer exists: dangling on the source, no-such-bucket on it."""
    source = reports["bucket:frankfurt-logs"]
    dangling = [i for i in source.issues if i.code == "dangling-replication"]
    assert len(dangling) == 1 and "gone-bucket" in dangling[0].reason
    gone = reports["bucket:gone-bucket"]
    assert [i.code for i in gone.issues] == ["no-such-bucket"]
    assert gone.claims == ()
    assert gone.facts["immutable"].value is None
    assert "NoSuchBucket" in str(gone.facts["immutable"].reason)


def test_declared_destination_keeps_its_estate_name(world: World) -> None:
    """A destination the estate declares under another name is reported under that name."""
    reports = _by_subject(world.probe().collect([
        world.target("frankfurt-logs", "logs/"),
        world.target("replica-ok", alias="eu-replica"),
    ]))
    assert "bucket:replica-ok" not in reports
    names = {c.bucket.name for c in reports["bucket:frankfurt-logs"].discovered if c.bucket}
    assert names == {"eu-replica", "gone-bucket"}
    assert set(reports) == {"bucket:frankfurt-logs", "bucket:eu-replica", "bucket:gone-bucket"}


def test_follow_replication_can_be_turned_off(world: World) -> None:
    """``follow_replication=False`` still reports the copies but probes no destination."""
    reports = _by_subject(world.probe(follow_replication=False).collect(
        [world.target("frankfurt-logs", "logs/")]))
    assert set(reports) == {"bucket:frankfurt-logs"}
    assert len(reports["bucket:frankfurt-logs"].discovered) == 2


def test_observed_at_is_the_injected_clock(world: World,
                                           reports: dict[str, ProbeReport]) -> None:
    """Every report and fact carries the injected 'now'."""
    stamp = world.now.strftime("%Y-%m-%dT%H:%M:%SZ")
    for rep in reports.values():
        assert rep.observed_at == stamp
        assert all(ev.observed_at == stamp for ev in rep.facts.values())
