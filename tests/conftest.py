"""Suite-wide settings: progress lines off unless a test asks for them, and no logging
handler left bound to a stream a test has closed.

Progress goes to stderr once a stage runs longer than a couple of seconds; on a loaded
machine any probe can, and many tests assert what stderr holds. Tests of progress itself set
``DRCHECK_PROGRESS`` (or pass a mode) explicitly.
"""

from __future__ import annotations

import logging
import os
import sys
from collections.abc import Iterator

import pytest


@pytest.fixture(autouse=True, scope="session")
def _no_progress_by_default() -> Iterator[None]:
    saved = os.environ.get("DRCHECK_PROGRESS")
    os.environ.setdefault("DRCHECK_PROGRESS", "off")
    yield
    if saved is None:
        os.environ.pop("DRCHECK_PROGRESS", None)
    else:
        os.environ["DRCHECK_PROGRESS"] = saved


@pytest.fixture(autouse=True)
def _no_handler_outlives_its_stream() -> Iterator[None]:
    """Remove the root handler a CLI test's ``logging.basicConfig`` bound to the runner's
    stderr: that stream is closed when the test ends, and a later log line (a paramiko
    transport thread finishing in another test) would be written to it and fail there."""
    before = set(logging.root.handlers)
    yield
    for handler in list(logging.root.handlers):
        if handler not in before and type(handler) is logging.StreamHandler \
                and handler.stream is not sys.__stderr__:
            logging.root.removeHandler(handler)
