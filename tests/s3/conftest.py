"""Fixtures for the object-storage probe: a real moto S3 server on 127.0.0.1 and its buckets.

The server starts once per session (a server that cannot start fails the tests loudly).
Credentials are fake and come from the environment; the secret key is a planted, distinctive
value that the tests look for in every report and log line.
"""

from __future__ import annotations

import logging
import os
import socket
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from datetime import datetime, timezone
from typing import Any

import boto3
import pytest
from botocore.config import Config

from drcheck.inputs.estate import BucketSpec
from drcheck.probes.s3 import S3Probe, S3Settings, S3Target
from tests.s3.faults import FaultProxy

PLANTED_SECRET = "drcheckPLANTEDsecret/0xDEADBEEF+k3y9Zq"
PLANTED_KEY_ID = "AKIADRCHECKPLANTED77"


@dataclass
class World:
    """The server URL, an admin client, and what the fixture built (for assertions)."""

    url: str
    admin: Any
    uploaded: dict[str, datetime] = field(default_factory=dict)
    now: datetime = field(default_factory=lambda: datetime.now(timezone.utc))

    def client(self, region: str = "us-east-1") -> Any:
        """A client for building fixtures in ``region``."""
        return boto3.client("s3", endpoint_url=self.url, region_name=region,
                            config=Config(s3={"addressing_style": "path"}))

    def spec(self, name: str, **kw: Any) -> BucketSpec:
        """A bucket spec reached at the loopback server."""
        kw.setdefault("endpoint", self.url)
        kw.setdefault("provider", "aws")
        kw.setdefault("addressing_style", "path")
        return BucketSpec(name=kw.pop("alias", name), origin=f"test:{name}", bucket=name, **kw)

    def probe(self, **kw: Any) -> S3Probe:
        """A probe whose clock is fixed at ``now`` and whose timeouts are short."""
        kw.setdefault("read_timeout", 2.0)
        kw.setdefault("connect_timeout", 1.0)
        kw.setdefault("max_attempts", 2)
        return S3Probe(S3Settings(now=lambda: self.now, **kw))

    def target(self, name: str, *prefixes: str, **kw: Any) -> S3Target:
        """An ``S3Target`` for bucket ``name``."""
        return S3Target(self.spec(name, **kw), tuple(prefixes))


@pytest.fixture(scope="session", autouse=True)
def fake_credentials(tmp_path_factory: pytest.TempPathFactory) -> Iterator[None]:
    """Fake credentials in the environment, no config files, no ambient endpoint."""
    empty = tmp_path_factory.mktemp("aws") / "none"
    empty.write_text("")
    wanted = {
        "AWS_ACCESS_KEY_ID": PLANTED_KEY_ID,
        "AWS_SECRET_ACCESS_KEY": PLANTED_SECRET,
        "AWS_DEFAULT_REGION": "us-east-1",
        "AWS_CONFIG_FILE": str(empty),
        "AWS_SHARED_CREDENTIALS_FILE": str(empty),
        "AWS_EC2_METADATA_DISABLED": "true",
    }
    dropped = ("AWS_PROFILE", "AWS_SESSION_TOKEN", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3")
    saved = {k: os.environ.get(k) for k in (*wanted, *dropped)}
    os.environ.update(wanted)
    for key in dropped:
        os.environ.pop(key, None)
    yield
    for key, value in saved.items():
        if value is None:
            os.environ.pop(key, None)
        else:
            os.environ[key] = value


@pytest.fixture(scope="session")
def moto_url() -> Iterator[str]:
    """moto's S3 server on 127.0.0.1 on a free port; fails (never skips) if it cannot start."""
    from moto.server import ThreadedMotoServer

    logging.getLogger("werkzeug").setLevel(logging.ERROR)
    server = ThreadedMotoServer(ip_address="127.0.0.1", port=0, verbose=False)
    try:
        server.start()
        host, port = server.get_host_and_port()
    except Exception as exc:  # pragma: no cover - a loud failure is the point
        pytest.fail(f"moto S3 server could not start on 127.0.0.1: {exc!r}")
    assert host == "127.0.0.1"
    yield f"http://127.0.0.1:{port}"
    server.stop()


def _put(world: World, region: str, bucket: str, key: str, body: bytes = b"x") -> None:
    world.client(region).put_object(Bucket=bucket, Key=key, Body=body)
    head = world.admin.head_object(Bucket=bucket, Key=key)
    world.uploaded[f"{bucket}/{key}"] = head["LastModified"]


def _bucket(world: World, name: str, region: str, *, lock: bool = False,
            versioned: bool = False, constraint: str | None = None) -> Any:
    client = world.client(region)
    args: dict[str, Any] = {"Bucket": name}
    where = constraint if constraint is not None else region
    if where != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": where}
    if lock:
        args["ObjectLockEnabledForBucket"] = True
    client.create_bucket(**args)
    if versioned and not lock:
        client.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    return client


def _paris(world: World) -> None:
    """eu-west-3, object lock 30 days, AES256, lifecycle, restic layout under db/."""
    c = _bucket(world, "paris-db", "eu-west-3", lock=True)
    c.put_object_lock_configuration(Bucket="paris-db", ObjectLockConfiguration={
        "ObjectLockEnabled": "Enabled",
        "Rule": {"DefaultRetention": {"Mode": "GOVERNANCE", "Days": 30}}})
    c.put_bucket_encryption(Bucket="paris-db", ServerSideEncryptionConfiguration={"Rules": [
        {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    c.put_bucket_lifecycle_configuration(Bucket="paris-db", LifecycleConfiguration={"Rules": [
        {"ID": "db-90", "Status": "Enabled", "Filter": {"Prefix": "db/"},
         "Expiration": {"Days": 90}},
        {"ID": "tmp-1", "Status": "Enabled", "Filter": {"Prefix": "tmp/"},
         "Expiration": {"Days": 1}},
        {"ID": "old-off", "Status": "Disabled", "Filter": {"Prefix": ""},
         "Expiration": {"Days": 2}}]})
    for key in ("db/config", "db/data/00/aa", "db/snapshots/1111"):
        _put(world, "eu-west-3", "paris-db", key)
    time.sleep(1.1)  # LastModified has whole seconds
    _put(world, "eu-west-3", "paris-db", "db/snapshots/2222")
    _put(world, "eu-west-3", "paris-db", "db/data/01/bb", b"y" * 100)  # data is not a snapshot


def _replicating(world: World) -> None:
    """eu-central-1 source replicating logs/ to an existing and to a deleted bucket."""
    _bucket(world, "replica-ok", "eu-west-1", lock=True)
    _bucket(world, "gone-bucket", "eu-west-1", versioned=True)
    world.client("eu-west-1").delete_bucket(Bucket="gone-bucket")
    c = _bucket(world, "frankfurt-logs", "eu-central-1", versioned=True)
    c.put_bucket_replication(Bucket="frankfurt-logs", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication",
        "Rules": [
            {"ID": "to-ok", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": "logs/"},
             "DeleteMarkerReplication": {"Status": "Disabled"},
             "Destination": {"Bucket": "arn:aws:s3:::replica-ok", "Account": "210987654321"}},
            {"ID": "to-gone", "Status": "Enabled", "Priority": 2, "Filter": {"Prefix": "logs/"},
             "DeleteMarkerReplication": {"Status": "Disabled"},
             "Destination": {"Bucket": "arn:aws:s3:::gone-bucket"}},
            {"ID": "off", "Status": "Disabled", "Priority": 3, "Filter": {"Prefix": "x/"},
             "DeleteMarkerReplication": {"Status": "Disabled"},
             "Destination": {"Bucket": "arn:aws:s3:::never-probed"}}]})
    for i in range(7):
        _put(world, "eu-central-1", "frankfurt-logs", f"logs/{i:02d}.log", b"z" * (10 + i))


def _others(world: World) -> None:
    """us-east-1 pgBackRest, OVH sbg, a declared/actual mismatch, a long listing, borg."""
    _bucket(world, "virginia-pg", "us-east-1")
    for key in ("pg/backup/main/backup.info", "pg/archive/main/000001"):
        _put(world, "us-east-1", "virginia-pg", key)
    _bucket(world, "sbg-backup", "us-east-1", constraint="sbg")
    _put(world, "us-east-1", "sbg-backup", "restic/snapshots/abcd")
    _bucket(world, "moved-bucket", "eu-west-3")
    c = _bucket(world, "many-keys", "us-west-2")
    for i in range(23):
        c.put_object(Bucket="many-keys", Key=f"k/{i:03d}", Body=b"")
    _bucket(world, "borg-repo", "us-east-1")
    for key in ("b/config", "b/data/0/1", "b/index.5", "b/hints.5", "b/integrity.5"):
        _put(world, "us-east-1", "borg-repo", key)
    for name in ("denied-bucket", "slow-bucket", "stalled-bucket", "garbled-bucket",
                 "garbled-later"):
        _bucket(world, name, "us-east-1")
    c = _bucket(world, "denied-src", "us-east-1", versioned=True)
    c.put_bucket_replication(Bucket="denied-src", ReplicationConfiguration={
        "Role": "arn:aws:iam::123456789012:role/replication",
        "Rules": [{"ID": "to-denied", "Status": "Enabled", "Priority": 1, "Filter": {},
                   "DeleteMarkerReplication": {"Status": "Disabled"},
                   "Destination": {"Bucket": "arn:aws:s3:::denied-bucket"}}]})


def build_world(url: str) -> World:
    """Every fixture bucket, built on the S3 server at ``url``."""
    admin = boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                         config=Config(s3={"addressing_style": "path"}))
    built = World(url, admin)
    _paris(built)
    _replicating(built)
    _others(built)
    return built


@pytest.fixture(scope="session")
def world(moto_url: str) -> World:
    """Every fixture bucket, built once."""
    return build_world(moto_url)


@pytest.fixture(scope="session")
def proxy(world: World) -> Iterator[FaultProxy]:
    """The fault-injecting proxy in front of the server."""
    running = FaultProxy(world.url).start()
    running.rules.update({"denied-bucket": "403", "slow-bucket": "503",
                          "stalled-bucket": "stall", "garbled-bucket": "garbled",
                          "garbled-later": "garbled-later"})
    yield running
    running.stop()


@pytest.fixture
def closed_port() -> int:
    """A loopback port nothing listens on."""
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@pytest.fixture(scope="module")
def seaweed(tmp_path_factory: pytest.TempPathFactory, world: World) -> Iterator[str]:
    """A SeaweedFS server on loopback with the planted credentials as its only identity
    (one per module that asks for it)."""
    from tests.s3.seaweed_server import serve

    yield from serve(tmp_path_factory.mktemp("seaweed"), PLANTED_KEY_ID, PLANTED_SECRET)
