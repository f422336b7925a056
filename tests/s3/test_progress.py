"""The S3 probe reports progress on stderr (plain lines when stderr is not a terminal)."""

from __future__ import annotations

import re
from datetime import timedelta
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck.cli import app
from tests.s3.conftest import World
from tests.s3.test_end_to_end import ESTATE

pytestmark = pytest.mark.integration


def test_s3_probe_and_evaluation_progress_in_a_log(world: World, tmp_path: Path,
                                                    monkeypatch: pytest.MonkeyPatch) -> None:
    path = tmp_path / "estate.yaml"
    path.write_text(ESTATE.format(url=world.url))
    now = (world.now + timedelta(hours=1)).strftime("%Y-%m-%dT%H:%M:%SZ")
    monkeypatch.setenv("DRCHECK_PROGRESS", "plain")
    monkeypatch.setenv("DRCHECK_PROGRESS_INTERVAL", "0")
    result = CliRunner().invoke(app, ["audit", str(path), "--now", now])
    assert result.exit_code == 1, result.stderr
    lines = [re.sub(r"\d+s$", "Ns", line) for line in result.stderr.splitlines()]
    assert "s3: 1/1 buckets probed, so far Ns" in lines  # elapsed seconds vary with load
    assert "s3: 1/1 buckets probed, done in Ns" in lines
    assert "evaluate: 5/5 rule checks, done in Ns" in lines
    assert "s3:" not in result.stdout and "evaluate:" not in result.stdout
    quiet = CliRunner().invoke(app, ["--quiet", "audit", str(path), "--now", now])
    assert quiet.exit_code == 1
    assert quiet.stderr == ""
