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


# The SSH probe's real-sshd lab (one OpenSSH server per simulated host on 127.0.0.x), reused
# so an Ansible inventory can drive a real probe run.
from tests.ssh.conftest import ssh_lab  # noqa: E402, F401


@pytest.fixture()
def home(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty HOME so the user's own ~/.ssh never leaks into a test."""
    monkeypatch.setenv("HOME", str(tmp_path / "home"))
    (tmp_path / "home").mkdir()
    return tmp_path / "home"
