"""Faults become issues and unknown facts with reasons, never exceptions: 403, 503, a stalled
endpoint, a closed port, a TLS handshake against a plain-HTTP server."""

from __future__ import annotations

import time

import pytest

from drcheck.probes.base import ProbeReport
from tests.s3.conftest import World
from tests.s3.faults import FaultProxy

pytestmark = pytest.mark.integration


def _only(reports: list[ProbeReport], subject: str) -> ProbeReport:
    (found,) = [r for r in reports if r.subject == subject]
    return found


def test_access_denied(world: World, proxy: FaultProxy) -> None:
    """403 AccessDenied on every call: each fact unknown with the reason, one issue."""
    (rep,) = world.probe().collect([world.target("denied-bucket", "x/", endpoint=proxy.url)])
    assert [i.code for i in rep.issues] == ["access-denied"]
    assert "GetBucketLocation: AccessDenied: Access Denied" in rep.issues[0].reason
    for key in ("immutable", "retention_days", "encrypted"):
        assert rep.facts[key].value is None
        assert "AccessDenied" in str(rep.facts[key].reason)
    assert rep.path_facts["x/"]["newest_restore_point"].value is None
    assert rep.claims == ()


def test_throttled(world: World, proxy: FaultProxy) -> None:
    """503 SlowDown, retried up to the cap, then ``throttled`` with the reason."""
    before = proxy.hits.get("slow-bucket", 0)
    (rep,) = world.probe(max_attempts=2).collect(
        [world.target("slow-bucket", endpoint=proxy.url)])
    assert {i.code for i in rep.issues} == {"throttled"}
    assert "SlowDown" in rep.issues[0].reason
    assert rep.facts["encrypted"].value is None
    calls = proxy.hits["slow-bucket"] - before
    assert calls <= 3  # one call, capped retries (botocore adds one probe); then left alone


@pytest.mark.parametrize(("bucket", "code", "said"), [
    # botocore's GetBucketLocation handler parses the body itself and raises ParseError
    ("garbled-bucket", "probe-error", "GetBucketLocation: malformed answer from the endpoint"),
    # its response parsers turn a bad body into an error answer ("500")
    ("garbled-later", "s3-error", "GetBucketVersioning: 500"),
])
def test_a_garbled_answer_is_the_peers_failure_not_a_bug(world: World, proxy: FaultProxy,
                                                         bucket: str, code: str,
                                                         said: str) -> None:
    """XML cut off half way: the bucket is unknown with the reason, and the run goes on
    (no exit 4: the peer failed, not drcheck)."""
    reports = world.probe(max_attempts=1).collect(
        [world.target(bucket, endpoint=proxy.url), world.target("paris-db")])
    rep = _only(reports, f"bucket:{bucket}")
    assert [i.code for i in rep.issues] == [code]
    assert said in rep.issues[0].reason
    assert rep.facts.get("immutable") is None or rep.facts["immutable"].value is None
    assert _only(reports, "bucket:paris-db").issues == ()


def test_stalled_endpoint_times_out(world: World, proxy: FaultProxy) -> None:
    """A server that never answers hits the read timeout: ``timeout``, within budget."""
    start = time.monotonic()
    (rep,) = world.probe(read_timeout=0.5, max_attempts=1).collect(
        [world.target("stalled-bucket", endpoint=proxy.url)])
    assert {i.code for i in rep.issues} == {"timeout"}
    assert "ReadTimeoutError" in rep.issues[0].reason
    assert time.monotonic() - start < 10


def test_dead_endpoint(world: World, closed_port: int) -> None:
    """Nothing listens: ``unreachable`` after the first call, no further attempts."""
    url = f"http://127.0.0.1:{closed_port}"
    (rep,) = world.probe(max_attempts=1).collect([world.target("paris-db", "db/", endpoint=url)])
    assert [i.code for i in rep.issues] == ["unreachable"]
    assert rep.facts["immutable"].value is None
    assert "skipped after" in str(rep.facts["immutable"].reason)
    assert rep.path_facts["db/"]["newest_restore_point"].value is None


def test_tls_error(world: World) -> None:
    """HTTPS against the plain-HTTP server fails the handshake: ``tls-error``."""
    url = world.url.replace("http://", "https://")
    (rep,) = world.probe(max_attempts=1).collect([world.target("paris-db", endpoint=url)])
    assert [i.code for i in rep.issues] == ["tls-error"]


def test_unreadable_replication_destination(world: World, proxy: FaultProxy) -> None:
    """A destination the credentials cannot read: copy reported, destination access-denied."""
    reports = world.probe().collect([world.target("denied-src", "", endpoint=proxy.url)])
    source = _only(reports, "bucket:denied-src")
    assert [c.bucket.name for c in source.discovered if c.bucket] == ["denied-bucket"]
    assert not [i for i in source.issues if i.code == "dangling-replication"]
    dest = _only(reports, "bucket:denied-bucket")
    assert [i.code for i in dest.issues] == ["access-denied"]
    assert dest.facts["immutable"].value is None


def test_one_bad_bucket_does_not_sink_the_others(world: World, proxy: FaultProxy,
                                                 closed_port: int) -> None:
    """Healthy buckets are fully probed alongside denied, throttled and dead ones."""
    dead = f"http://127.0.0.1:{closed_port}"
    reports = world.probe(max_attempts=1).collect([
        world.target("denied-bucket", endpoint=proxy.url),
        world.target("slow-bucket", endpoint=proxy.url),
        world.target("paris-db", "db/"),
        world.target("virginia-pg", "pg", endpoint=dead),
    ])
    assert len(reports) == 4
    assert _only(reports, "bucket:paris-db").facts["immutable"].value is True
    assert _only(reports, "bucket:paris-db").issues == ()


def test_dead_endpoint_is_tried_once(world: World, closed_port: int) -> None:
    """After an endpoint is found unreachable, its other buckets fail fast without a call."""
    url = f"http://127.0.0.1:{closed_port}"
    names = ["paris-db", "virginia-pg", "borg-repo", "many-keys"]
    reports = world.probe(max_attempts=1, concurrency=1).collect(
        [world.target(n, endpoint=url) for n in names])
    assert all([i.code for i in r.issues] == ["unreachable"] for r in reports)
    skipped = [r for r in reports if "not attempted, endpoint down" in r.issues[0].reason]
    assert len(skipped) == len(names) - 1
