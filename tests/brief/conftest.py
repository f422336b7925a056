"""Helpers for the brief tests: run ``drcheck brief`` in-process on real estate files."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from typer.testing import CliRunner, Result

from drcheck.cli import app

ROOT = Path(__file__).resolve().parents[2]
SBG2 = "examples/ovh-sbg2/estate.yaml"
GEO = "examples/georedundant/estate.yaml"
NOW = ["--now", "2026-11-23T06:00:00Z", "--offline"]
INCIDENT = "2021-03-10T00:47:00+01:00"


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Example paths are relative to the repository root, as in the docs."""
    monkeypatch.chdir(ROOT)
    yield


def run(*args: str) -> Result:
    """``drcheck ARGS`` with stdout and stderr kept apart."""
    return CliRunner().invoke(app, list(args), catch_exceptions=False)


def brief_json(*args: str) -> dict[str, Any]:
    """``drcheck brief ARGS -f json`` parsed."""
    res = run("brief", *args, "-f", "json", *NOW)
    assert res.exit_code == 0, res.output
    data: dict[str, Any] = json.loads(res.stdout)
    return data


def duty(data: dict[str, Any], duty_id: str, loss: int = 0) -> dict[str, Any]:
    """One duty of one loss of a JSON brief."""
    found: dict[str, Any] = next(d for d in data["losses"][loss]["duties"]
                                 if d["id"] == duty_id)
    return found
