"""Fixtures for the importer tests: paths to the Terraform, Ansible and ssh_config inputs."""

from __future__ import annotations

from pathlib import Path

import pytest

FIXTURES = Path(__file__).parent / "fixtures"
EXAMPLES = Path(__file__).parents[2] / "examples" / "terraform"


@pytest.fixture
def fixtures() -> Path:
    """The directory of the importer fixtures."""
    return FIXTURES


@pytest.fixture
def examples() -> Path:
    """examples/terraform."""
    return EXAMPLES
