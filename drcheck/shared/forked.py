"""Share one pure computation over the machine's cores: forked workers, results in order.

Evaluation judges every dataset on its own, so a large estate can be judged in contiguous
shares at once: the process forks one worker per share but the first (the workers see the
parent's snapshot as it is, copy-on-write, nothing is sent to them), judges the first share
itself, then reads each worker's result from a pipe, in share order. The caller's answer is
therefore the same, byte for byte, as one process judging every share in turn.

Only in a drcheck process of its own (``gcpause.own_process``), where ``fork`` exists and no
other thread runs (a thread holding a lock at the fork would leave it held in the worker),
only for shares of ``least`` items or more (below that, forking costs more than it saves),
and only as many workers as the memory room holds copies of the process for (``affordable``;
by default, too, no more processes than copies fit in ``AUTO_MOST_TOTAL``).
``DRCHECK_JOBS`` sets the number of processes (1: never fork); by default, the CPUs this
process may run on, at most ``MOST_JOBS``.

``beside`` runs one computation in a single forked worker while the caller goes on (the
estate's check beside its parse, the second half of a large YAML text), when
``worth_a_fork`` says the same conditions hold.

A worker that fails with an exception is a bug of drcheck's, raised in the parent as
``WorkerError`` with the worker's traceback. A worker that ends without a result (killed by
the kernel for memory, say) leaves its share to the caller (``None`` in its place), so the
answer is still complete. A worker never outlives the block: one not read yet when the block
ends (the parent's own share raised) is killed and reaped.
"""

from __future__ import annotations

import os
import pickle
import signal
import threading
import traceback
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager, suppress
from typing import Any, NamedTuple, NoReturn, TypeVar

from drcheck.shared import headroom
from drcheck.shared.errors import UsageError
from drcheck.shared.gcpause import is_own_process

MOST_JOBS = 4
"""Processes by default at most: each worker's copy-on-write pages cost memory."""

AUTO_MOST_TOTAL = 9 * 2**30 // 5
"""1.8 GiB: unless ``DRCHECK_JOBS`` chose the number, no more processes than copies of this
one fit in it. Measured, a forked audit peaks at about 2.1 times what the process held when
it forked (summed PSS: 885 MiB held gave 1.90 GiB at 100k datasets from a facts file, 982
MiB gave 2.0 GiB from YAML), so this keeps a default run under 2 GiB."""


_T = TypeVar("_T")


class Jobs(NamedTuple):
    """How many processes to share a computation over, and whether the user chose it."""

    number: int
    chosen: bool


class WorkerError(RuntimeError):
    """A forked worker raised: drcheck's own bug, with the worker's traceback."""


def jobs_wanted() -> Jobs:
    """Processes to share a computation over: ``DRCHECK_JOBS`` (chosen), else the CPUs this
    process may use (at most ``MOST_JOBS``); 1 outside a drcheck process of its own."""
    raw = os.environ.get("DRCHECK_JOBS", "").strip()
    if raw:
        if not raw.isdigit() or int(raw) < 1:
            raise UsageError(f"DRCHECK_JOBS={raw!r}: expected a whole number of processes, "
                             "at least 1", hint="DRCHECK_JOBS=1 never forks")
        return Jobs(int(raw), True)
    if not is_own_process():
        return Jobs(1, False)
    return Jobs(max(1, min(MOST_JOBS, _cpus())), False)


def _cpus() -> int:
    """The CPUs this process may run on (all of the machine's where that cannot be asked)."""
    try:
        return len(os.sched_getaffinity(0))
    except AttributeError:  # no affinity call on this system (macOS)
        return os.cpu_count() or 1


def can_fork() -> bool:
    """Whether a fork is safe here: the system has it and this is the only thread."""
    return hasattr(os, "fork") and threading.active_count() == 1


def affordable(jobs: Jobs) -> int:
    """``jobs.number``, fewer where memory is short: the room left (``headroom.room``) must
    hold a copy of this process for every worker, with as much again to spare, since a
    worker's pages are the parent's until either writes them, and reference counts write
    to every object read (measured: each side ends up with about all of it). Unless the
    user chose the number, no more processes than copies of this one fit in
    ``AUTO_MOST_TOTAL``: for a giant estate the copies cost more memory than the time
    saved is worth."""
    held = headroom.resident()
    if held is None:
        return jobs.number  # the system cannot say: trust the number
    count = jobs.number if jobs.chosen else min(jobs.number,
                                                max(1, AUTO_MOST_TOTAL // max(held, 1)))
    free = headroom.room()
    if free is None:
        return count
    return max(1, min(count, 1 + free // 2 // max(held, 1)))


def shares(total: int, jobs: int, least: int, lead: float = 0.0) -> list[range]:
    """``range(total)`` cut into at most ``jobs`` contiguous shares of ``least`` or more
    items each; one share when it cannot be cut. The first share (the parent's) weighs
    ``1 + lead`` against 1 for each of the others, the rest split evenly (sizes differ by
    one at most): ``lead`` is what a worker spends beyond its share's computation (handing
    its result over), which the parent spends computing instead."""
    count = max(1, min(jobs, total // max(least, 1)))
    if count == 1:
        return [range(total)]
    first = min(total - least * (count - 1), round(total * (1 + lead) / (count + lead)))
    size, extra = divmod(total - first, count - 1)
    out, start = [range(first)], first
    for i in range(count - 1):
        stop = start + size + (i < extra)
        out.append(range(start, stop))
        start = stop
    return out


class _Worker:
    """One forked worker: its pid and the read end of its result pipe; pid 0 when the fork
    failed, and the share is left to the caller."""

    def __init__(self, pid: int, fd: int) -> None:
        self.pid, self.fd = pid, fd
        self.done = pid == 0

    def result(self) -> Any:
        """The worker's result; None if it ended without one. Raises ``WorkerError``."""
        if self.done:
            return None
        with os.fdopen(self.fd, "rb") as pipe:
            data = pipe.read()
        _, status = os.waitpid(self.pid, 0)
        self.done = True
        if not (os.WIFEXITED(status) and os.WEXITSTATUS(status) == 0) or not data:
            return None
        kind, value = pickle.loads(data)
        if kind == "error":
            raise WorkerError(f"a forked worker failed:\n{value}")
        return value

    def stop(self) -> None:
        """Kill and reap the worker if its result was never read."""
        if self.done:
            return
        with suppress(ProcessLookupError):
            os.kill(self.pid, signal.SIGKILL)
        os.close(self.fd)
        os.waitpid(self.pid, 0)
        self.done = True


def _fork(work: Callable[[range], Any], share: range) -> _Worker:
    try:
        read_fd, write_fd = os.pipe()
    except OSError:  # out of descriptors: the caller computes the share
        return _Worker(0, -1)
    try:
        pid = os.fork()
    except OSError:  # out of processes or memory: likewise
        os.close(read_fd)
        os.close(write_fd)
        return _Worker(0, -1)
    if pid:
        os.close(write_fd)
        return _Worker(pid, read_fd)

    def body() -> None:
        os.close(read_fd)
        try:
            data = pickle.dumps(("ok", work(share)), pickle.HIGHEST_PROTOCOL)
        except BaseException:  # every failure goes back to the parent
            data = pickle.dumps(("error", traceback.format_exc()), pickle.HIGHEST_PROTOCOL)
        with os.fdopen(write_fd, "wb") as pipe:
            pipe.write(data)

    run_child(body)


def run_child(body: Callable[[], object]) -> NoReturn:
    """In a forked worker: run ``body``, then leave without running any cleanup (atexit
    handlers, buffered output and temporary files are the parent's). Ctrl-C ends the worker
    at once, as it ends the parent's wait (a parent that ignores SIGINT, started in the
    background or under nohup, has workers that do). ``body`` hands its result or its
    failure to the parent itself; an exception out of it (a broken pipe: the parent reads
    nothing) only sets the exit status."""
    code = 0
    try:
        if signal.getsignal(signal.SIGINT) is signal.default_int_handler:
            signal.signal(signal.SIGINT, signal.SIG_DFL)
        body()
    except BaseException:
        code = 1
    os._exit(code)


@contextmanager
def forked(rest: Sequence[range], work: Callable[[range], Any]) -> Iterator[
        Callable[[], Iterator[Any]]]:
    """Fork a worker computing ``work(share)`` for each share of ``rest``; the block gets a
    function yielding their results (or None: see the module's docstring) in share order.

    ``work`` runs in the worker on the state the parent had at the fork; its result must be
    picklable (plain tuples and strings are the fastest to hand over)."""
    workers: list[_Worker] = []
    try:
        for share in rest:
            workers.append(_fork(work, share))

        def results() -> Iterator[Any]:
            for worker in workers:
                yield worker.result()

        yield results
    finally:
        for worker in workers:
            worker.stop()


def worth_a_fork() -> bool:
    """Whether one forked worker may run beside this process now: a drcheck process of its
    own that may fork (``can_fork``), with ``DRCHECK_JOBS`` above 1 (by default, more than
    one CPU) and the memory room for it (``affordable``)."""
    if not (is_own_process() and can_fork()):
        return False
    jobs = jobs_wanted()
    return jobs.number > 1 and affordable(jobs) > 1


@contextmanager
def beside(work: Callable[[], _T]) -> Iterator[Callable[[], _T | None]]:
    """Run ``work()`` in one forked worker while the block goes on; the block gets a
    function returning its result (None if the worker ended without one; ``WorkerError``
    if it raised). The worker is killed and reaped if the block ends without asking."""
    with forked([range(1)], lambda _share: work()) as results:
        yield lambda: next(results())
