"""Run buckets side by side, each under a per-bucket deadline that no server can stretch.

botocore's ``connect_timeout`` and ``read_timeout`` bound each wait for a byte, not a
whole call: a server that trickles a body one byte at a time stays under the read timeout
forever. So every bucket runs in a daemon worker, and the collector stops waiting for it at
its deadline: the bucket becomes unknown ("timed out after 60.0 s during ListObjectsV2"),
a fresh worker takes over the remaining buckets, and the stuck thread (a daemon, which never
holds up the process's exit) is abandoned with its socket.
"""

from __future__ import annotations

import queue
import threading
import time
from collections.abc import Callable, Sequence
from typing import TypeVar

T = TypeVar("T")
R = TypeVar("R")


def bounded_map(run: Callable[[T], R], items: Sequence[T], workers: int, deadline: float,
                expired: Callable[[T, float], R]) -> list[R]:
    """``[run(item) …]`` in order, using at most ``workers`` live threads; an item still
    running ``deadline`` seconds after it started is ``expired(item, deadline)`` instead."""
    todo: queue.SimpleQueue[int] = queue.SimpleQueue()
    for index in range(len(items)):
        todo.put(index)
    results: dict[int, R] = {}
    raised: list[BaseException] = []
    started: dict[int, float] = {}
    cond = threading.Condition()

    def worker() -> None:
        while True:
            try:
                index = todo.get_nowait()
            except queue.Empty:
                return
            with cond:
                started[index] = time.monotonic()
            try:
                out = run(items[index])
            except BaseException as exc:  # ``run`` keeps peer failures; this is a bug: re-raised
                with cond:
                    raised.append(exc)
                    cond.notify_all()
                return
            with cond:
                results.setdefault(index, out)
                started.pop(index, None)  # only buckets in flight are watched
                cond.notify_all()

    def spawn() -> None:
        threading.Thread(target=worker, name="drcheck-s3", daemon=True).start()

    for _ in range(max(1, min(workers, len(items)))):
        spawn()
    with cond:
        while len(results) < len(items):
            if raised:
                raise raised[0]
            now = time.monotonic()
            late = [i for i, t0 in started.items() if now >= t0 + deadline]
            for index in late:
                del started[index]
                results[index] = expired(items[index], deadline)
                spawn()  # the stuck worker is abandoned; the rest go on without it
            due = [t0 + deadline for t0 in started.values()]
            cond.wait(max(0.02, min(due) - now) if due else 0.5)
    return [results[i] for i in range(len(items))]
