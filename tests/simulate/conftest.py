"""Fixtures for the what-if simulation tests."""

from __future__ import annotations

import pytest

from drcheck.evaluate.base import Context
from tests.core.builders import NOW


@pytest.fixture
def ctx() -> Context:
    """A context at the fixed test time."""
    return Context(now=NOW)
