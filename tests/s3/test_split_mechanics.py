"""The machinery under a shared first wave, with real forks and no server: outcomes streamed
back and counted, verdicts passed on, and every way a worker can fail (raise, die, go
silent) ending in bounded time with what it did report. The end-to-end proof against a
real server is test_shared_wave.py; these pin each failure a server cannot produce.
"""

from __future__ import annotations

import os
import signal
import threading
import time
from collections.abc import Iterator

import pytest

from drcheck.probes import s3_split
from drcheck.probes.s3 import S3Probe
from drcheck.probes.s3_client import (
    CallResult,
    ClientKey,
    ClientPool,
    S3Settings,
    Verdict,
    credential_scope,
)
from drcheck.probes.s3_split import (
    Send,
    Shares,
    Tell,
    concurrencies,
    fork_shares,
    read_verdicts,
)
from drcheck.shared.forked import WorkerError
from tests.s3.conftest import World

SUBJECTS = [f"bucket:b{i:03d}" for i in range(120)]
KEY = ClientKey("http://127.0.0.1:9", "gra", None, "path")
SCOPE = credential_scope(KEY)


@pytest.fixture(autouse=True)
def forks_allowed(monkeypatch: pytest.MonkeyPatch) -> None:
    """Fork here as a drcheck process of its own would, into two processes."""
    monkeypatch.setattr(s3_split, "worth_a_fork", lambda: True)
    monkeypatch.setenv("DRCHECK_JOBS", "2")


def _counted(split: Shares) -> list[int]:
    seen: list[int] = []
    lock = threading.Lock()

    def advance(count: int) -> None:
        with lock:
            seen.append(count)

    split.follow(advance, lambda _verdict: None)
    return seen


def test_concurrency_is_shared_out_never_exceeded() -> None:
    assert concurrencies(32, 2) == [16, 16]
    assert concurrencies(32, 3) == [12, 10, 10]
    assert concurrencies(5, 3) == [3, 1, 1]
    for total in range(2, 40):
        for count in range(2, min(total, 5) + 1):
            got = concurrencies(total, count)
            assert sum(got) == total and min(got) >= 1 and len(got) == count


def test_a_small_wave_or_one_call_in_flight_stays_in_one_process() -> None:
    def never(share: range, concurrency: int, verdicts: int, send: Send,
             tell: Tell) -> None:
        raise AssertionError("forked")

    with fork_shares(SUBJECTS[:s3_split.FORK_FROM - 1], 32, 5.0, never) as split:
        assert split is None
    with fork_shares(SUBJECTS, 1, 5.0, never) as split:
        assert split is None


def test_outcomes_come_back_by_index_and_are_counted() -> None:
    def work(share: range, concurrency: int, verdicts: int, send: Send,
             tell: Tell) -> None:
        for index in reversed(share):  # any order: the parent files them by index
            send(index, (SUBJECTS[index], concurrency, os.getpid()))

    with fork_shares(SUBJECTS, 32, 5.0, work) as split:
        assert split is not None and split.processes == 2 and split.concurrency == 16
        assert split.covers(SUBJECTS) and not split.covers(SUBJECTS[1:])
        counted = _counted(split)
        got = split.outcomes()
    rest = range(len(split.first), len(SUBJECTS))
    assert sorted(got) == list(rest) and len(split.first) == 60
    assert {got[i][0] for i in rest} == {SUBJECTS[i] for i in rest}
    assert {got[i][1] for i in rest} == {16}
    assert {got[i][2] for i in rest} != {os.getpid()}  # another process did it
    assert sum(counted) == len(rest)


def test_a_worker_that_raises_is_a_bug_of_drchecks() -> None:
    def work(share: range, concurrency: int, verdicts: int, send: Send,
             tell: Tell) -> None:
        send(share.start, "first")
        raise KeyError("the probe's own bug")

    with fork_shares(SUBJECTS, 32, 5.0, work) as split:
        assert split is not None
        with pytest.raises(WorkerError, match="KeyError: .the probe's own bug"):
            split.outcomes()


def test_a_worker_that_dies_leaves_what_it_reported() -> None:
    def work(share: range, concurrency: int, verdicts: int, send: Send,
             tell: Tell) -> None:
        for index in share[:5]:
            send(index, index)
        os._exit(9)  # killed by the kernel, say

    with fork_shares(SUBJECTS, 32, 5.0, work) as split:
        assert split is not None
        got = split.outcomes()
    assert got == {i: i for i in range(60, 65)}


def test_a_silent_worker_is_killed_within_the_idle_limit() -> None:
    def work(share: range, concurrency: int, verdicts: int, send: Send,
             tell: Tell) -> None:
        send(share.start, "one")
        time.sleep(600)

    start = time.monotonic()
    with fork_shares(SUBJECTS, 32, 0.5, work) as split:
        assert split is not None
        _counted(split)
        got = split.outcomes()
    assert got == {60: "one"}
    assert time.monotonic() - start < 10


def test_verdicts_reach_every_worker_as_they_happen() -> None:
    def work(share: range, concurrency: int, verdicts: int, send: Send,
             tell: Tell) -> None:
        heard: list[object] = []
        done = threading.Event()

        def learn(verdict: object) -> None:
            heard.append(verdict)
            if len(heard) == 2:
                done.set()

        threading.Thread(target=read_verdicts, args=(verdicts, learn), daemon=True).start()
        send(share.start, "listening")
        done.wait(10)
        send(share.start + 1, list(heard))

    refused = CallResult("GetBucketLocation", error="InvalidAccessKeyId",
                         code="invalid-credentials", reason="refused")
    told = [Verdict("refused", KEY, refused), Verdict("dead", "http://127.0.0.1:9", refused)]
    with fork_shares(SUBJECTS, 32, 5.0, work) as split:
        assert split is not None
        arrived = threading.Event()
        split.follow(lambda _n: arrived.set(), lambda _verdict: None)
        assert arrived.wait(10)
        for verdict in told:
            split.tell(verdict)
        got = split.outcomes()
    assert got[61] == told


@pytest.fixture
def pool() -> Iterator[ClientPool]:
    yield ClientPool(S3Settings(connect_timeout=0.5))


def test_an_expected_verdict_holds_calls_and_a_refusal_stops_them(pool: ClientPool) -> None:
    pool.expect([SCOPE])
    out: list[bool] = []
    waiter = threading.Thread(target=lambda: out.append(pool.admit(KEY, time.monotonic() + 5)))
    waiter.start()
    time.sleep(0.1)
    assert out == []  # held: the other process is vetting this credential
    refused = CallResult("GetBucketLocation", error="InvalidAccessKeyId",
                         code="invalid-credentials", reason="refused there")
    pool.learn(Verdict("refused", SCOPE, refused))
    waiter.join(5)
    assert out == [False] and pool.refused(KEY) == refused


def test_a_vetted_verdict_lets_calls_go(pool: ClientPool) -> None:
    pool.expect([SCOPE])
    pool.learn(Verdict("vetted", SCOPE, None))
    start = time.monotonic()
    assert pool.admit(KEY) is False and time.monotonic() - start < 0.2


def test_a_verdict_that_never_comes_holds_one_wait_then_this_pool_vets(
        pool: ClientPool) -> None:
    pool.expect([SCOPE])
    start = time.monotonic()
    assert pool.admit(KEY) is False  # waited the connect timeout for the other process
    assert 0.4 < time.monotonic() - start < 2
    assert pool.admit(KEY) is True  # now this pool's own first call vets it
    pool.learn(Verdict("released", SCOPE, None))  # a late word does not undo that:
    start = time.monotonic()
    assert pool.admit(KEY) is False  # the next call waits for our own vetting call
    assert time.monotonic() - start > 0.4
    pool.settle(KEY, CallResult("GetBucketLocation", data={}))
    start = time.monotonic()
    assert pool.admit(KEY) is False and time.monotonic() - start < 0.2


def test_a_pool_tells_what_it_finds(pool: ClientPool) -> None:
    heard: list[Verdict] = []
    pool.share_with(heard.append)
    assert pool.admit(KEY) is True
    pool.settle(KEY, CallResult("GetBucketLocation", data={}))
    down = CallResult("GetBucketLocation", error="EndpointConnectionError", code="unreachable",
                      reason="down")
    pool.mark_dead("http://127.0.0.1:9", down)
    pool.share_with(None)
    pool.mark_dead("http://127.0.0.1:10", down)
    assert [(v.kind, v.key) for v in heard] == [
        ("vetted", SCOPE),
        ("dead", "http://127.0.0.1:9")]


def test_the_process_probes_what_a_dead_worker_did_not_report(
        world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """A worker that dies before reporting anything: the wave is still complete, each
    bucket's report the one a single process writes."""
    names = ["paris-db", "virginia-pg", "sbg-backup", "many-keys", "borg-repo", "moved-bucket"]
    targets = [world.target(n) for n in names]
    monkeypatch.setattr(s3_split, "FORK_FROM", 4)
    monkeypatch.setattr(s3_split, "LEAST_SHARE", 2)
    monkeypatch.setattr(S3Probe, "_probe_share", lambda *args: os._exit(1))
    probe = world.probe()
    with probe.share_out(targets) as shared:
        assert shared
        reports = probe.collect(targets)
    alone = world.probe().collect(targets)
    assert [r.subject for r in reports] == [f"bucket:{n}" for n in names]
    assert [(r.facts, r.issues) for r in reports] == [(r.facts, r.issues) for r in alone]


def test_ctrl_c_in_a_worker_ends_the_probe_instead_of_probing_again() -> None:
    def work(share: range, concurrency: int, verdicts: int, send: Send,
             tell: Tell) -> None:
        send(share.start, "one")
        os.kill(os.getpid(), signal.SIGINT)  # as the terminal sends it to the whole group
        time.sleep(30)

    with fork_shares(SUBJECTS, 32, 5.0, work) as split:
        assert split is not None
        with pytest.raises(KeyboardInterrupt):
            split.outcomes()


def test_telling_a_worker_that_does_not_listen_never_blocks() -> None:
    """Verdicts are written without blocking: a worker that stopped reading them (stuck,
    say) cannot hold up the bucket threads of the process that tell it."""

    def work(share: range, concurrency: int, verdicts: int, send: Send,
             tell: Tell) -> None:
        send(share.start, "deaf")
        time.sleep(3)

    big = Verdict("dead", "http://127.0.0.1:9" + "/x" * 500, None)
    with fork_shares(SUBJECTS, 32, 10.0, work) as split:
        assert split is not None
        start = time.monotonic()
        for _ in range(2000):  # about 2 MB: thirty times what a pipe holds
            split.tell(big)
        assert time.monotonic() - start < 2
        assert split.outcomes() == {60: "deaf"}


def test_a_workers_verdict_reaches_the_process_and_the_other_workers(
        monkeypatch: pytest.MonkeyPatch) -> None:
    """Whichever process vets a credential first, every other one learns its verdict: the
    first worker's refusal reaches the process and, passed on, the second worker."""
    monkeypatch.setenv("DRCHECK_JOBS", "3")
    monkeypatch.setattr(s3_split, "LEAST_SHARE", 40)  # shares from 0, 40 and 80
    refused = Verdict("refused", SCOPE, CallResult("GetBucketLocation", code="invalid-credentials",
                                                   error="InvalidAccessKeyId", reason="no"))

    def work(share: range, concurrency: int, verdicts: int, send: Send, tell: Tell) -> None:
        if share.start == 40:  # the first worker's share
            tell(refused)
            send(share.start, "told")
            time.sleep(1)  # its pipe stays open while the other reads
            return
        heard: list[object] = []
        done = threading.Event()
        threading.Thread(target=read_verdicts, daemon=True,
                         args=(verdicts, lambda v: (heard.append(v), done.set()))).start()
        done.wait(10)
        send(share.start, heard)

    process: list[object] = []
    with fork_shares(SUBJECTS, 32, 10.0, work) as split:
        assert split is not None and split.processes == 3
        split.follow(lambda _n: None, process.append)
        got = split.outcomes()
    assert process == [refused]
    assert got == {40: "told", 80: [refused]}
