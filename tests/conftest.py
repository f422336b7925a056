"""Suite-wide settings: progress lines off unless a test asks for them.

Progress goes to stderr once a stage runs longer than a couple of seconds; on a loaded
machine any probe can, and many tests assert what stderr holds. Tests of progress itself set
``DRCHECK_PROGRESS`` (or pass a mode) explicitly.
"""

from __future__ import annotations

import os
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
