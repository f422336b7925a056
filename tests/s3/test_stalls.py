"""No S3 server can stall an audit: delays, a body that stops, a body that trickles forever,
a reset and a server that never reads, through an asyncio proxy in front of moto."""

from __future__ import annotations

import time
from collections.abc import Iterator

import pytest

from drcheck.probes.base import ProbeReport
from tests.s3.conftest import World
from tests.s3.faults import StreamFaults

pytestmark = pytest.mark.integration

DEADLINE = 3.0
MARGIN = 3.0


@pytest.fixture(scope="module")
def streams(world: World) -> Iterator[StreamFaults]:
    proxy = StreamFaults(world.url, delay=0.2, interval=0.3).start()
    proxy.rules.update({"paris-db": "delay", "body-stops": "stall-body", "trickles": "trickle",
                        "resets": "reset", "never-reads": "no-read"})
    try:
        yield proxy
    finally:
        proxy.stop()


def probe(world: World, streams: StreamFaults, *names: str,
          deadline: float = DEADLINE) -> tuple[list[ProbeReport], float]:
    """Probe buckets through the proxy (``paris-db`` directly unless it is alone)."""
    started = time.monotonic()
    direct = len(names) > 1
    reports = world.probe(read_timeout=1.0, connect_timeout=1.0, max_attempts=1,
                          bucket_deadline=deadline).collect(
        [world.target(n, endpoint=world.url if direct and n == "paris-db" else streams.url)
         for n in names])
    return reports, time.monotonic() - started


def reason(report: ProbeReport) -> str:
    assert report.issues, report
    return "; ".join(f"{i.code}: {i.reason}" for i in report.issues)


def test_a_delay_below_the_timeouts_is_just_slow(world: World, streams: StreamFaults) -> None:
    # every call waits 0.2 s and this bucket needs about ten: a loaded machine can take
    # longer than DEADLINE, which is not what this test is about
    (report,), _ = probe(world, streams, "paris-db", deadline=30.0)
    assert report.issues == ()
    assert report.facts["immutable"].value is True


@pytest.mark.parametrize(("bucket", "deadline", "expected"), [
    # the read timeout (1 s a wait, botocore may try twice) ends these before a 6 s deadline
    ("body-stops", 6.0, "timeout: GetBucketLocation: ReadTimeoutError: Read timeout"),
    ("never-reads", 6.0, "timeout: GetBucketLocation: ReadTimeoutError: Read timeout"),
    # a byte every 0.3 s never trips the read timeout: only the per-bucket deadline ends it
    ("trickles", DEADLINE, f"timeout: timed out after {DEADLINE:.1f} s during "
                           "GetBucketLocation (per-bucket deadline)"),
])
def test_stalls_end_as_unknown_within_the_deadline(world: World, streams: StreamFaults,
                                                   bucket: str, deadline: float,
                                                   expected: str) -> None:
    (report,), took = probe(world, streams, bucket, deadline=deadline)
    assert reason(report).startswith(expected)
    assert report.facts.get("immutable") is None or report.facts["immutable"].value is None
    assert took < deadline + MARGIN


def test_a_reset_is_a_reasoned_issue(world: World, streams: StreamFaults) -> None:
    (report,), took = probe(world, streams, "resets")
    assert "GetBucketLocation" in reason(report)
    assert took < DEADLINE + MARGIN


def test_the_rest_of_the_audit_completes(world: World, streams: StreamFaults) -> None:
    names = ["trickles", "body-stops", "never-reads", "resets", "paris-db"]
    reports, took = probe(world, streams, *names)
    by = {r.subject: r for r in reports}
    assert set(by) == {f"bucket:{n}" for n in names}
    assert by["bucket:paris-db"].issues == ()
    assert by["bucket:paris-db"].facts["immutable"].value is True
    assert all(by[f"bucket:{n}"].issues for n in names[:-1])
    assert took < DEADLINE + MARGIN  # side by side: the slowest bucket sets the pace
