"""Running ``drcheck`` in-process for the reporter tests."""

from __future__ import annotations

from typer.testing import CliRunner, Result

from drcheck.cli import app

OVH = "examples/ovh-sbg2/estate.yaml"
NOW_ARGS = ["--now", "2026-11-23T06:00:00Z", "--offline"]


def run(*args: str) -> Result:
    """``drcheck ARGS`` with stdout and stderr kept apart."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)
