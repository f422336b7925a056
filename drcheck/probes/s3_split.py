"""A large first wave of buckets probed by several processes at once.

Most of what the probe spends per bucket is its own CPU: botocore builds, signs and parses
every request, about 15 ms of CPU for a bucket's five calls on a slow core. One Python
process runs that on one core at a time (the GIL), so with a thousand buckets behind 30 ms
of latency the process, not the network, sets the pace. From ``FORK_FROM`` buckets, before
any thread or client exists, ``fork_shares`` cuts the first wave into contiguous shares and
forks a worker for each share but the first, which the process probes itself.

What one process guarantees, several do too:

- No more calls are in flight than one process would make: the concurrency is shared out
  (``concurrencies``).
- A refused credential costs one call: the process holding a credential's first bucket in
  the wave vets it. Every pool hands on each verdict it reaches (credential vetted, refused
  or released untried, endpoint condemned) as it happens: the process's go to the workers
  (``Shares.tell``), a worker's to the process, which learns them and passes them to the
  other workers (``Shares.follow``). Calls with a credential vetted elsewhere wait for its
  verdict, bounded as a thread's wait is (``ClientPool.expect``).
- Reports come back in target order, so the facts file is the one a single process
  writes. Each worker streams one record per bucket as it finishes (the process's progress
  counts them); nothing a worker sends is ever executed, it is the parent's own code's
  pickled output on a private pipe.
- No worker can stall the probe: a worker silent for longer than a bucket may take
  (``idle_limit``) is killed, and the process probes itself the buckets it did not report,
  as it does those of a worker that died.
- A worker that raises is drcheck's own bug (``WorkerError``, exit 4), as in one process.

Only where ``worth_a_fork`` allows it (a drcheck process of its own, one thread, more than
one CPU or ``DRCHECK_JOBS``, memory room); ``DRCHECK_JOBS=1`` never forks.
"""

from __future__ import annotations

import os
import pickle
import select
import signal
import struct
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, NoReturn

from drcheck.shared.forked import (
    WorkerError,
    affordable,
    jobs_wanted,
    run_child,
    shares,
    worth_a_fork,
)

FORK_FROM = 100
"""The fewest buckets a first wave shares out: below, forking costs more than it saves."""

LEAST_SHARE = 50
"""The fewest buckets of a share."""

_HEADER = struct.Struct("!I")


def _framed(value: Any) -> bytes:
    """``value`` pickled behind its length: one record of a pipe between the processes."""
    data = pickle.dumps(value, pickle.HIGHEST_PROTOCOL)
    return _HEADER.pack(len(data)) + data


class _Records:
    """The records of a pipe, from its bytes as they come (``_framed``'s inverse)."""

    def __init__(self) -> None:
        self._pending = b""

    def feed(self, chunk: bytes) -> Iterator[Any]:
        """Every whole record ``chunk`` completes, in order."""
        self._pending += chunk
        while len(self._pending) >= _HEADER.size:
            (size,) = _HEADER.unpack_from(self._pending)
            end = _HEADER.size + size
            if len(self._pending) < end:
                return
            record, self._pending = self._pending[_HEADER.size:end], self._pending[end:]
            yield pickle.loads(record)

Send = Callable[[int, Any], None]
"""How a worker hands over the outcome of the target at an index of the wave."""

Tell = Callable[[Any], None]
"""How a worker hands over a verdict of its own pool (the process passes it on)."""

Work = Callable[[range, int, int, Send, Tell], None]
"""A worker's job: probe ``share`` of the wave with ``concurrency`` threads, learning the
other processes' verdicts from the descriptor given, handing each outcome to ``send`` and
each verdict of its own to ``tell``."""

Hear = Callable[[Any], None]
"""What the process does with a verdict a worker reached (learns it, as its pool's own)."""


def concurrencies(total: int, count: int) -> list[int]:
    """``total`` calls in flight shared over ``count`` processes, the first's first: each
    gets at least one, and together no more than ``total``."""
    each = max(1, total // count)
    return [total - each * (count - 1), *([each] * (count - 1))]


class _Worker:
    """One forked worker: its share, its pid, its record pipe and its verdict pipe."""

    def __init__(self, share: range, pid: int, records: int, verdicts: int) -> None:
        self.share, self.pid, self.records, self.verdicts = share, pid, records, verdicts
        self.outcomes: dict[int, Any] = {}
        self.failure: str | None = None
        self.reaped = False
        self.interrupted = False
        self._telling = threading.Lock()  # a verdict is never written to a closed pipe
        self.reader: threading.Thread | None = None

    def read(self, advance: Callable[[int], object], idle_limit: float,
             hear: Callable[[Any, _Worker], object] = lambda _v, _w: None) -> None:
        """Read the worker's records until it ends, fails or stays silent ``idle_limit``
        seconds (then it is killed): each outcome kept (the first per index) and counted,
        each verdict of the worker's passed to ``hear``."""
        records = _Records()
        fd, self.records = self.records, -1  # the file object below closes it
        with os.fdopen(fd, "rb", buffering=0) as pipe:
            while True:
                ready, _, _ = select.select([pipe], [], [], idle_limit)
                if not ready:  # silent too long: the caller probes what is missing
                    self.kill()
                    return
                chunk = pipe.read(1 << 16)
                if not chunk:
                    return
                for kind, index, value in records.feed(chunk):
                    if kind == "error":
                        self.failure = value
                        return
                    if kind == "verdict":
                        hear(value, self)
                    elif index in self.share and index not in self.outcomes:
                        self.outcomes[index] = value
                        advance(1)

    def tell(self, data: bytes) -> None:
        """Pass one verdict on, never blocking: a worker that has ended or stopped reading
        misses it (its calls then wait no longer than a thread's would). A record the pipe
        took only part of ends the channel, so the worker never reads half of one."""
        with self._telling:
            if self.verdicts < 0:
                return
            try:
                written = os.write(self.verdicts, data)
            except OSError:  # full (BlockingIOError: this one is dropped whole) or closed
                return
            if written < len(data):
                os.close(self.verdicts)
                self.verdicts = -1

    def kill(self) -> None:
        """Kill the worker (it may have ended already)."""
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)

    def reap(self) -> None:
        """Wait for the worker's end and close its pipes (once); note whether Ctrl-C
        ended it."""
        if not self.reaped:
            self.reaped = True
            with self._telling:
                for fd in (self.verdicts, self.records):
                    if fd >= 0:
                        with suppress(OSError):
                            os.close(fd)
                self.verdicts = self.records = -1
            with suppress(ChildProcessError):
                _, status = os.waitpid(self.pid, 0)
                self.interrupted = os.WIFSIGNALED(status) \
                    and os.WTERMSIG(status) == signal.SIGINT


class Shares:
    """The forked workers probing every share of a first wave but the first."""

    def __init__(self, subjects: tuple[str, ...], first: range, concurrency: int,
                 workers: Sequence[_Worker], idle_limit: float) -> None:
        """``subjects``: the wave's targets, in order; ``first`` and ``concurrency``: the
        process's own share and threads."""
        self.subjects, self.first, self.concurrency = subjects, first, concurrency
        self._workers, self._idle_limit = list(workers), idle_limit
        self._lock = threading.Lock()

    @property
    def processes(self) -> int:
        """The process and its workers."""
        return 1 + len(self._workers)

    def covers(self, subjects: Sequence[str]) -> bool:
        """Whether these are the workers of the wave of ``subjects``."""
        return tuple(subjects) == self.subjects

    def tell(self, verdict: object, source: _Worker | None = None) -> None:
        """Hand one verdict to every worker but ``source``, the one that reached it (None:
        the process's pool did); thread-safe."""
        record = _framed(verdict)
        with self._lock:
            for worker in self._workers:
                if worker is not source:
                    worker.tell(record)

    def follow(self, advance: Callable[[int], object], hear: Hear) -> None:
        """Start reading every worker's records: each outcome counted with ``advance``,
        each verdict a worker reached handed to ``hear`` and passed on to the others, so
        that whichever process vets a credential first, the others learn it."""

        def heard(verdict: Any, source: _Worker) -> None:
            hear(verdict)
            self.tell(verdict, source)

        for worker in self._workers:
            worker.reader = threading.Thread(target=worker.read, name="drcheck-s3-share",
                                             args=(advance, self._idle_limit, heard),
                                             daemon=True)
            worker.reader.start()

    def outcomes(self) -> dict[int, Any]:
        """Every outcome the workers handed over, by index in the wave, once all have
        ended (bounded: a silent worker is killed). Raises ``WorkerError`` for one that
        raised."""
        found: dict[int, Any] = {}
        for worker in self._workers:
            if worker.reader is None:
                worker.read(lambda _n: None, self._idle_limit)
            else:
                worker.reader.join()
            worker.reap()
            if worker.failure is not None:
                raise WorkerError(f"a forked S3 worker failed:\n{worker.failure}")
            if worker.interrupted:  # Ctrl-C: the command ends, nothing is probed again
                raise KeyboardInterrupt
            found.update(worker.outcomes)
        return found

    def stop(self) -> None:
        """Kill and reap every worker still running."""
        for worker in self._workers:
            if not worker.reaped:
                worker.kill()
                worker.reap()


def _fork(work: Work, share: range, concurrency: int) -> _Worker | None:
    """Fork one worker running ``work`` on ``share``; None when the system cannot."""
    try:
        records = os.pipe()
        verdicts = os.pipe()
    except OSError:
        return None
    try:
        pid = os.fork()
    except OSError:
        for fd in (*records, *verdicts):
            os.close(fd)
        return None
    if pid:
        os.close(records[1])
        os.close(verdicts[0])
        os.set_blocking(verdicts[1], False)  # a worker that stops reading never blocks us
        return _Worker(share, pid, records[0], verdicts[1])
    _worker_main(work, share, concurrency, records, verdicts)


def _worker_main(work: Work, share: range, concurrency: int, records: tuple[int, int],
                 verdicts: tuple[int, int]) -> NoReturn:
    """The worker: probe the share, streaming each outcome and verdict; a failure of
    ``work`` is drcheck's own bug, sent for the parent to raise (``run_child``)."""
    lock = threading.Lock()

    def send(index: int, value: Any, kind: str = "outcome") -> None:
        record = _framed((kind, index, value))
        with lock:
            _write_all(records[1], record)

    def body() -> None:
        os.close(records[0])
        os.close(verdicts[1])
        try:
            work(share, concurrency, verdicts[0], send, lambda v: send(-1, v, "verdict"))
        except BaseException:
            send(-1, traceback.format_exc(), "error")

    run_child(body)


def _write_all(fd: int, data: bytes) -> None:
    view = memoryview(data)
    while view:
        view = view[os.write(fd, view):]


def read_verdicts(fd: int, learn: Callable[[Any], object]) -> None:
    """In a worker: hand each verdict the process sends to ``learn`` until the pipe closes
    (run on a daemon thread; the worker's exit ends it)."""
    records = _Records()
    with suppress(OSError), os.fdopen(fd, "rb", buffering=0) as pipe:
        while chunk := pipe.read(1 << 16):
            for verdict in records.feed(chunk):
                learn(verdict)


@contextmanager
def fork_shares(subjects: Sequence[str], concurrency: int, idle_limit: float,
                work: Work) -> Iterator[Shares | None]:
    """Fork workers for every share of a wave of ``subjects`` but the first, each running
    ``work``; None when the wave stays in one process (too small, one CPU, no room, one
    call in flight, or no fork possible). Every worker is killed and reaped at the end."""
    if len(subjects) < FORK_FROM or concurrency < 2 or not worth_a_fork():
        yield None
        return
    count = min(affordable(jobs_wanted()), concurrency)
    cuts = shares(len(subjects), count, LEAST_SHARE)
    if len(cuts) < 2:
        yield None
        return
    threads = concurrencies(concurrency, len(cuts))
    workers = []
    for share, share_threads in zip(cuts[1:], threads[1:], strict=True):
        worker = _fork(work, share, share_threads)
        if worker is None:
            break
        workers.append(worker)
    if not workers:
        yield None
        return
    # shares whose fork failed are the process's to probe, as a dead worker's are
    split = Shares(tuple(subjects), cuts[0], threads[0], workers, idle_limit)
    try:
        yield split
    finally:
        split.stop()


def idle_limit(bucket_deadline: float, connect_timeout: float) -> float:
    """How long a worker may stay silent: a bucket's deadline, plus the wait for the first
    verdict, plus room for building its clients."""
    return bucket_deadline + connect_timeout + 10.0
