"""The credential gate of the S3 client pool: the first call made with a credential goes
alone, the others wait for its answer (bounded), so a refused credential costs one call.

Thread timing only, no server: the end-to-end proof (one request at the proxy with 32
workers) is in test_seaweedfs.py.
"""

from __future__ import annotations

import threading
import time

from drcheck.probes.s3_client import CallResult, ClientKey, ClientPool, S3Settings

KEY = ClientKey("http://127.0.0.1:9", "gra", None, "path")
OTHER_REGION = ClientKey("http://127.0.0.1:9", "sbg", None, "path")


def _waiter(pool: ClientPool, key: ClientKey, out: list[tuple[bool, float]]) -> threading.Thread:
    def run() -> None:
        start = time.monotonic()
        out.append((pool.admit(key), time.monotonic() - start))

    thread = threading.Thread(target=run, daemon=True)
    thread.start()
    return thread


def test_first_call_vets_and_the_rest_wait_for_it() -> None:
    pool = ClientPool(S3Settings(connect_timeout=30.0))
    assert pool.admit(KEY) is True  # this call vets the credential
    out: list[tuple[bool, float]] = []
    waiter = _waiter(pool, OTHER_REGION, out)  # same endpoint and profile: same credential
    time.sleep(0.3)
    assert out == []  # still held
    pool.settle(KEY, CallResult("GetBucketLocation", data={}))
    waiter.join(5)
    assert [admitted for admitted, _ in out] == [False]
    assert pool.admit(KEY) is False  # vetted: nobody waits any more


def test_a_refusal_releases_every_waiter_to_its_known_answer() -> None:
    pool = ClientPool(S3Settings(connect_timeout=30.0))
    assert pool.admit(KEY) is True
    out: list[tuple[bool, float]] = []
    waiters = [_waiter(pool, KEY, out) for _ in range(8)]
    time.sleep(0.2)
    refused = CallResult("GetBucketLocation", error="InvalidAccessKeyId",
                         code="invalid-credentials", reason="GetBucketLocation: refused")
    pool.mark_refused(KEY, refused)
    pool.settle(KEY, refused)
    for waiter in waiters:
        waiter.join(5)
    assert [admitted for admitted, _ in out] == [False] * 8
    assert pool.refused(KEY) == refused


def test_an_unanswered_first_call_lets_the_next_one_try() -> None:
    """A transport failure says nothing of the credential: the next call vets it."""
    pool = ClientPool(S3Settings(connect_timeout=30.0))
    assert pool.admit(KEY) is True
    out: list[tuple[bool, float]] = []
    waiter = _waiter(pool, KEY, out)
    time.sleep(0.2)
    pool.settle(KEY, CallResult("GetBucketLocation", error="EndpointConnectionError",
                                code="unreachable", reason="down"))
    waiter.join(5)
    assert [admitted for admitted, _ in out] == [True]


def test_a_held_first_call_holds_the_others_no_longer_than_the_connect_timeout() -> None:
    pool = ClientPool(S3Settings(connect_timeout=0.5))
    assert pool.admit(KEY) is True  # never settled: a server holding the first call
    out: list[tuple[bool, float]] = []
    waiter = _waiter(pool, KEY, out)
    waiter.join(10)
    ((admitted, waited),) = out
    assert admitted is False
    assert 0.4 <= waited < 5.0  # the bound, with room for a loaded machine
    # and a bucket deadline shorter than that bound wins
    out.clear()
    start = time.monotonic()
    assert pool.admit(KEY, until=start + 0.1) is False
    assert time.monotonic() - start < 0.45


def test_no_key_means_no_gate() -> None:
    pool = ClientPool(S3Settings())
    assert pool.admit(None) is False
    pool.settle(None, None)
