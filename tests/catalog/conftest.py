"""Fixtures for the catalog tests: the shipped catalog and a CLI runner."""

from __future__ import annotations

import pytest
from typer.testing import CliRunner

from drcheck.locations.catalog import Catalog


@pytest.fixture(scope="session")
def catalog() -> Catalog:
    """The catalog shipped in the package."""
    return Catalog.default()


@pytest.fixture()
def runner() -> CliRunner:
    """A typer CLI runner that keeps stdout and stderr apart."""
    return CliRunner()
