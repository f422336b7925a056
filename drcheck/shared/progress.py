"""Progress of long stages (probing hosts and buckets, evaluating rules) on stderr.

On a terminal: one line redrawn in place with a bar (``ssh [#####.....] 12/50 hosts``).
Elsewhere (CI logs, a redirected stderr): a plain line now and then (``ssh: 12/50 hosts,
8 s``) and one when the stage ends, so a log shows that a long run is alive. A stage that
ends before the first report is due prints nothing, so short runs stay quiet. ``--quiet``
(or ``DRCHECK_PROGRESS=off``) silences it; ``DRCHECK_PROGRESS=plain|bar`` forces a style
and ``DRCHECK_PROGRESS_INTERVAL`` (seconds) sets how often plain lines appear.

stdout never carries progress: it is the report's.
"""

from __future__ import annotations

import os
import sys
import threading
import time
from collections.abc import Callable
from typing import TextIO

BAR_WIDTH = 20
BAR_DELAY = 0.3
"""A bar appears only once a stage has run this long (seconds)."""
PLAIN_FIRST = 2.0
PLAIN_EVERY = 10.0
"""Plain mode: the first line after PLAIN_FIRST seconds, then one every PLAIN_EVERY."""

_settings: dict[str, str | None] = {"mode": None}


def configure(mode: str | None) -> None:
    """Set the style for this process: ``off``, ``plain``, ``bar``, or None (auto)."""
    _settings["mode"] = mode


def _mode(stream: TextIO) -> str:
    chosen = _settings["mode"] or os.environ.get("DRCHECK_PROGRESS", "").strip().lower()
    if chosen in ("off", "plain", "bar"):
        return chosen
    isatty = getattr(stream, "isatty", None)
    return "bar" if isatty is not None and isatty() else "plain"


def _interval() -> tuple[float, float]:
    raw = os.environ.get("DRCHECK_PROGRESS_INTERVAL")
    try:
        every = float(raw) if raw is not None else None
    except ValueError:
        every = None
    if every is None or not every >= 0:
        return PLAIN_FIRST, PLAIN_EVERY
    return every, every


class Progress:
    """Count one stage's finished items and report them on stderr (thread-safe)."""

    def __init__(self, stage: str, total: int, unit: str, *, stream: TextIO | None = None,
                 mode: str | None = None, eager: bool = False,
                 clock: Callable[[], float] = time.monotonic) -> None:
        """``eager`` reports from the first item on (a caller that asked for progress)."""
        self.stage, self.total, self.unit = stage, total, unit
        self._stream = stream or sys.stderr
        self._mode = mode or _mode(self._stream)
        self._clock = clock
        self._start = clock()
        self._first, self._every = _interval()
        delay = BAR_DELAY if self._mode == "bar" else self._first
        self._next = self._start + (0.0 if eager else delay)
        self._count = 0
        self._shown = False
        self._lock = threading.Lock()

    def advance(self, count: int = 1) -> None:
        """Count ``count`` more finished items; report when one is due."""
        with self._lock:
            self._count += count
            if self._mode == "off" or self.total <= 0:
                return
            now = self._clock()
            if now >= self._next:
                self._show(now)
                self._next = now + (0.1 if self._mode == "bar" else self._every)

    def grow(self, count: int) -> None:
        """The stage found ``count`` more items to do (replication destinations)."""
        with self._lock:
            self.total += count

    def done(self) -> None:
        """End the stage: a last line if anything was shown (or the stage was long)."""
        with self._lock:
            if self._mode == "off" or self.total <= 0:
                return
            now = self._clock()
            if self._shown or now >= self._next:
                self._show(now, final=True)
                if self._mode == "bar":
                    self._stream.write("\n")
                    self._stream.flush()

    def _show(self, now: float, final: bool = False) -> None:
        elapsed = now - self._start
        if self._mode == "bar":
            filled = BAR_WIDTH * self._count // max(1, self.total)
            bar = "#" * filled + "." * (BAR_WIDTH - filled)
            line = (f"\r{self.stage} [{bar}] {self._count}/{self.total} {self.unit} "
                    f"{elapsed:.0f}s")
        else:
            state = "done in" if final else "so far"
            line = (f"{self.stage}: {self._count}/{self.total} {self.unit}, "
                    f"{state} {elapsed:.0f}s\n")
        self._stream.write(line)
        self._stream.flush()
        self._shown = True
