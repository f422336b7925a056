"""Facts snapshots: lossless round trip, schema errors with lines, tamper detection."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drcheck.facts.assemble import build_snapshot
from drcheck.facts.snapshot import (
    load_snapshot,
    snapshot_from_dict,
    snapshot_to_dict,
    snapshot_to_json,
)
from drcheck.inputs.estate_check import load_estate
from drcheck.shared.errors import ConfigError
from tests.core.builders import NOW

EX = Path(__file__).resolve().parents[2] / "examples"


def test_round_trip_is_lossless(tmp_path: Path) -> None:
    snap = build_snapshot(load_estate(str(EX / "georedundant" / "estate.yaml")), [], NOW)
    path = tmp_path / "facts.json"
    path.write_text(snapshot_to_json(snap))
    again = load_snapshot(str(path))
    assert again == snapshot_from_dict(snapshot_to_dict(snap))
    assert snapshot_to_json(again) == path.read_text()


def test_tampered_snapshot_is_refused(tmp_path: Path) -> None:
    snap = build_snapshot(load_estate(str(EX / "ovh-sbg2" / "estate.yaml")), [], NOW)
    data = snapshot_to_dict(snap)
    data["datasets"][0]["copies"][0]["location"]["claims"][0]["value"] = "elsewhere"
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="digest does not match"):
        load_snapshot(str(path))


def test_schema_error_names_line_and_path(tmp_path: Path) -> None:
    snap = build_snapshot(load_estate(str(EX / "ovh-sbg2" / "estate.yaml")), [], NOW)
    data = snapshot_to_dict(snap)
    data["datasets"][0]["primary"]["kind"] = "mainframe"
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data, indent=1))
    with pytest.raises(ConfigError) as err:
        load_snapshot(str(path))
    (problem,) = err.value.problems
    assert problem.path == "$.datasets[0].primary.kind" and problem.line is not None
    assert "'mainframe' is not allowed" in problem.message


def test_truncated_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text('{"format": "drcheck/facts",\n "version": ')
    with pytest.raises(ConfigError, match="invalid JSON"):
        load_snapshot(str(path))
