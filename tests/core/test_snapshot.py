"""Facts snapshots: lossless round trip, schema errors with lines, tamper detection."""

from __future__ import annotations

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest

from drcheck.facts.assemble import build_snapshot
from drcheck.facts.snapshot import (
    content_digest,
    load_snapshot,
    snapshot_from_dict,
    snapshot_to_dict,
    snapshot_to_document,
    snapshot_to_json,
)
from drcheck.inputs.estate_check import load_estate
from drcheck.shared.errors import ConfigError, Problem
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
    data = snapshot_to_document(snap)
    data["locations"][data["datasets"][0]["copies"][0]["asset"]]["claims"][0]["value"] = \
        "elsewhere"
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data))
    with pytest.raises(ConfigError, match="digest does not match"):
        load_snapshot(str(path))


def _refusals(tmp_path: Path, estate: str, edit: Callable[[dict[str, Any]], None],
              redigest: bool = True) -> list[Problem]:
    """The problems ``load_snapshot`` words for an example's facts document after ``edit``
    (its digest made to match again unless ``redigest`` is false)."""
    snap = build_snapshot(load_estate(str(EX / estate / "estate.yaml")), [], NOW)
    data = snapshot_to_document(snap)
    edit(data)
    if redigest:
        data["digest"] = content_digest(data)
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data, indent=1))
    with pytest.raises(ConfigError) as err:
        load_snapshot(str(path))
    return list(err.value.problems)


def test_schema_error_names_line_and_path(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["datasets"][0]["primary"]["kind"] = "mainframe"

    (problem,) = _refusals(tmp_path, "ovh-sbg2", edit, redigest=False)
    assert problem.path == "$.datasets[0].primary.kind" and problem.line is not None
    assert "'mainframe' is not allowed" in problem.message


def test_truncated_json_is_a_clear_error(tmp_path: Path) -> None:
    path = tmp_path / "facts.json"
    path.write_text('{"format": "drcheck/facts",\n "version": ')
    with pytest.raises(ConfigError, match="invalid JSON"):
        load_snapshot(str(path))


def _version2(snap_dict: dict[str, object]) -> dict[str, object]:
    """A version 2 file as drcheck wrote it before version 3: the whole form, its own digest."""
    old = {**snap_dict, "version": 2}
    old["digest"] = content_digest(old)
    return old


def test_version_2_files_still_load(tmp_path: Path) -> None:
    snap = build_snapshot(load_estate(str(EX / "georedundant" / "estate.yaml")), [], NOW)
    path = tmp_path / "facts-v2.json"
    path.write_text(json.dumps(_version2(snapshot_to_dict(snap)), indent=2))
    again = load_snapshot(str(path))
    assert again == snap
    assert json.loads(snapshot_to_json(again))["version"] == 3


def test_version_2_errors_keep_their_words(tmp_path: Path) -> None:
    snap = build_snapshot(load_estate(str(EX / "ovh-sbg2" / "estate.yaml")), [], NOW)
    old = _version2(snapshot_to_dict(snap))
    old["datasets"][0]["copies"][0]["location"]["claims"][0]["kind"] = "galaxy"  # type: ignore[index]
    path = tmp_path / "facts-v2.json"
    path.write_text(json.dumps(old, indent=1))
    with pytest.raises(ConfigError) as err:
        load_snapshot(str(path))
    (problem,) = err.value.problems
    assert problem.path == "$.datasets[0].copies[0].location.claims[0].kind"
    assert problem.line is not None and "'galaxy' is not allowed" in problem.message


def test_version_3_is_compact_and_one_record_per_line() -> None:
    snap = build_snapshot(load_estate(str(EX / "georedundant" / "estate.yaml")), [], NOW)
    text = snapshot_to_json(snap)
    doc = json.loads(text)
    assert doc["version"] == 3 and doc["digest"] == content_digest(doc)
    assert len(text) * 2 < len(json.dumps(snapshot_to_dict(snap), indent=2))
    lines = text.splitlines()
    assert sum(1 for line in lines if line.startswith('    {"')) == len(doc["datasets"])
    assets = {r["asset"] for d in doc["datasets"] for r in (d["primary"], *d["copies"])}
    assert set(doc["locations"]) == assets


def test_dangling_location_is_named(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["datasets"][0]["copies"][0]["location"] = "host:nowhere"

    (problem,) = _refusals(tmp_path, "ovh-sbg2", edit)
    assert problem.path == "$.datasets[0].copies[0].location" and problem.line is not None
    assert "'host:nowhere' names no entry of locations" in problem.message


def test_bad_timestamp_in_a_shared_fact_is_refused(tmp_path: Path) -> None:
    def edit(data: dict[str, Any]) -> None:
        data["shared"]["F900"] = {"value": "2026-02-30T00:00:00Z", "origin": "hand"}
        data["datasets"][0]["copies"][0]["facts"]["newest_restore_point"] = "F900"

    problems = _refusals(tmp_path, "georedundant", edit)
    assert [p.path for p in problems] == [
        "$.datasets[0].copies[0].facts.newest_restore_point.value"]
    assert "not a real date-time" in problems[0].message


def test_integer_beyond_64_bits_survives_the_round_trip(tmp_path: Path) -> None:
    snap = build_snapshot(load_estate(str(EX / "georedundant" / "estate.yaml")), [], NOW)
    data = snapshot_to_document(snap)
    data["datasets"][0]["facts"]["bytes"] = {"value": 2 ** 70, "origin": "hand"}
    data["digest"] = content_digest(data)
    path = tmp_path / "facts.json"
    path.write_text(json.dumps(data))
    again = load_snapshot(str(path))
    assert again.datasets[0].facts["bytes"].value == 2 ** 70
