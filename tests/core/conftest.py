"""Fixtures for the core tests."""

from __future__ import annotations

from typing import Any

import pytest

from drcheck.evaluate.base import Context
from drcheck.shared import forked
from tests.core.builders import NOW


@pytest.fixture
def ctx() -> Context:
    """A context at the fixed test time."""
    return Context(now=NOW)


@pytest.fixture
def fork_log(monkeypatch: pytest.MonkeyPatch) -> list[range]:
    """Every worker ``drcheck.shared.forked`` forks from now on, by its share: a test that
    means to fork proves it did."""
    made: list[range] = []
    real = forked._fork

    def recorded(work: Any, share: range) -> Any:
        made.append(share)
        return real(work, share)

    monkeypatch.setattr(forked, "_fork", recorded)
    return made
