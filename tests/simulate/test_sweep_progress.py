"""A long sweep says on stderr that it is alive, in batches, without changing its result."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.evaluate.base import Context
from drcheck.evaluate.survival.model import Bar
from drcheck.evaluate.survival.universe import Universe
from drcheck.shared.model import DomainKind
from drcheck.simulate.sweep import PROGRESS_EVERY, sweep
from tests.core.builders import ds, loc, rep

ROOT = Path(__file__).resolve().parents[2]
GEO = str(ROOT / "examples" / "georedundant" / "estate.yaml")
NOW = ["--now", "2026-11-23T06:00:00Z", "--offline"]


def test_progress_is_told_in_batches_and_sums_to_the_datasets(ctx: Context) -> None:
    one = ds(rep("db", loc(campus="a", provider="p"), role="primary"),
             rep("c0", loc(campus="b", provider="p")))
    datasets = [one] * (2 * PROGRESS_EVERY + 7)
    universe = Universe(datasets, (DomainKind.CAMPUS, DomainKind.PROVIDER))
    told: list[int] = []
    with_progress = sweep(datasets, universe, lambda _: Bar(), 1, ctx, told.append)
    assert told == [PROGRESS_EVERY, PROGRESS_EVERY, 7]
    assert with_progress == sweep(datasets, universe, lambda _: Bar(), 1, ctx)
    exact: list[int] = []
    sweep(datasets[:PROGRESS_EVERY], universe, lambda _: Bar(), 1, ctx, exact.append)
    assert exact == [PROGRESS_EVERY]  # no empty last batch


def test_the_cli_sweep_prints_plain_progress_on_stderr_only(
        monkeypatch: pytest.MonkeyPatch) -> None:
    quiet = CliRunner().invoke(app, ["--quiet", "simulate", GEO, *NOW])
    monkeypatch.setenv("DRCHECK_PROGRESS", "plain")
    monkeypatch.setenv("DRCHECK_PROGRESS_INTERVAL", "0")
    told = CliRunner().invoke(app, ["simulate", GEO, *NOW])
    assert told.exit_code == quiet.exit_code
    lines = [re.sub(r"\d+s$", "Ns", line) for line in told.stderr.splitlines()]
    assert any(re.fullmatch(r"simulate: (\d+)/\1 datasets swept, done in Ns", line)
               for line in lines), told.stderr
    assert told.stdout == quiet.stdout
    assert quiet.stderr == ""
