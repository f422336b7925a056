"""One watchdog thread that enforces every host's deadlines by closing what it waits on.

paramiko has calls that wait without a timeout (``exec_command`` and ``invoke_subsystem``
wait on an event, ``SFTPClient.from_transport`` reads the version with none, ``auth``
waits per key). Rather than trust each call, every wait on a peer runs inside
``HostGuard.phase(name)``: when the phase's time (``min(phase start + limit, host
deadline)``) is up, the watchdog closes the phase's channel, or the host's sockets and
transports, which wakes the waiting call with an error. ``phase`` then raises
``ProbeFailure("peer-timeout", "timed out after 2.0 s during sftp-start")``.
"""

from __future__ import annotations

import heapq
import itertools
import logging
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager

from drcheck.probes.ssh.failure import ProbeFailure

log = logging.getLogger(__name__)

Closer = Callable[[], object]
GRACE = 1.0
"""paramiko's own timeouts are set this much later than the watchdog's, so ours fire first."""


class _Alarm:
    """One armed phase: when it is due and what to close then."""

    def __init__(self, due: float, fire: Callable[[], None]) -> None:
        self.due = due
        self.fire = fire
        self.cancelled = False
        self.fired = False


class Watchdog:
    """A single daemon thread serving every host's alarms (started on first use)."""

    def __init__(self) -> None:
        """No thread until the first alarm."""
        self._cond = threading.Condition()
        self._heap: list[tuple[float, int, _Alarm]] = []
        self._ids = itertools.count()
        self._thread: threading.Thread | None = None

    def arm(self, due: float, fire: Callable[[], None]) -> _Alarm:
        """Call ``fire`` (in its own thread) at monotonic time ``due`` unless cancelled."""
        alarm = _Alarm(due, fire)
        with self._cond:
            heapq.heappush(self._heap, (due, next(self._ids), alarm))
            if self._thread is None:
                self._thread = threading.Thread(target=self._loop, name="drcheck-watchdog",
                                                daemon=True)
                self._thread.start()
            self._cond.notify()
        return alarm

    def cancel(self, alarm: _Alarm) -> bool:
        """Disarm; True when it had already fired (its close is then under way)."""
        with self._cond:
            alarm.cancelled = True
            return alarm.fired

    def _loop(self) -> None:
        while True:
            with self._cond:
                while not self._heap or self._heap[0][2].cancelled or \
                        self._heap[0][0] > time.monotonic():
                    if self._heap and self._heap[0][2].cancelled:
                        heapq.heappop(self._heap)
                        continue
                    wait = self._heap[0][0] - time.monotonic() if self._heap else None
                    self._cond.wait(wait)
                _, _, alarm = heapq.heappop(self._heap)
                alarm.cancelled = alarm.fired = True
            # closing can block (a transport joins its thread): never in the watchdog itself
            threading.Thread(target=alarm.fire, name="drcheck-watchdog-close",
                             daemon=True).start()


WATCHDOG = Watchdog()


class HostGuard:
    """One host's deadline and per-phase limit, and the things to close when time is up."""

    def __init__(self, deadline: float, limit: float, watchdog: Watchdog = WATCHDOG) -> None:
        """``deadline``: monotonic end of the whole host; ``limit``: seconds per phase."""
        self.deadline = deadline
        self.limit = limit
        self._dog = watchdog
        self._closers: list[Closer] = []
        self._lock = threading.Lock()
        self.expired: str | None = None

    def on_expiry(self, closer: Closer) -> None:
        """Close this (a socket, a transport) when any phase of the host runs out of time."""
        with self._lock:
            self._closers.append(closer)

    def remaining(self) -> float:
        """Seconds left before the per-host deadline."""
        return self.deadline - time.monotonic()

    def budget(self, limit: float | None = None) -> float:
        """The time a phase starting now may take (its limit, capped by the deadline)."""
        return min(self.limit if limit is None else limit, self.remaining())

    @contextmanager
    def phase(self, name: str, limit: float | None = None,
              closer: Closer | None = None) -> Iterator[float]:
        """Run a wait on the peer; yields its budget in seconds.

        When the budget runs out, ``closer`` (default: everything of the host) is closed
        and the phase raises ``ProbeFailure("peer-timeout", …)``, whatever the call raised.
        """
        if self.expired is not None:
            raise ProbeFailure("peer-timeout", self.expired)
        budget = self.budget(limit)
        if budget <= 0:
            raise ProbeFailure("deadline-exceeded", f"per-host deadline passed before {name}")
        started = time.monotonic()
        alarm = self._dog.arm(started + budget, lambda: self._close(closer))
        try:
            yield budget
        except BaseException as exc:
            if self._dog.cancel(alarm):
                raise self._timed_out(name, budget, started, closer is None) from exc
            raise
        if self._dog.cancel(alarm):
            raise self._timed_out(name, budget, started, closer is None)

    def _timed_out(self, name: str, budget: float, started: float,
                   whole: bool) -> ProbeFailure:
        why = " (the per-host deadline)" if started + budget >= self.deadline - 1e-3 else ""
        reason = f"timed out after {budget:.1f} s during {name}{why}"
        if whole:
            self.expired = reason
        return ProbeFailure("peer-timeout", reason)

    def close_all(self) -> None:
        """Close everything registered (used on expiry and when the host is done)."""
        self._close(None)

    def _close(self, closer: Closer | None) -> None:
        with self._lock:
            targets = [closer] if closer is not None else list(reversed(self._closers))
        for close in targets:
            _quietly(close)


def _quietly(close: Closer) -> None:
    """Close one thing; a close that fails must not hide the timeout."""
    try:
        close()
    except Exception as exc:
        log.debug("closing after a timeout failed: %s", type(exc).__name__)
