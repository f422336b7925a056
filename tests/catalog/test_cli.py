"""``drcheck catalog``: what a query resolves to, on stdout; no match is a usage error."""

from __future__ import annotations

import json

import pytest
from typer.testing import CliRunner

from drcheck.cli import app


def _fields(stdout: str) -> list[tuple[str, str]]:
    """The field/value lines of a table report."""
    rows = []
    for line in stdout.splitlines():
        if line and not line.startswith(("==", " ")):
            field, _, value = line.partition(" ")
            rows.append((field, value.strip()))
    return rows


@pytest.mark.parametrize("query", ["s3.sbg.io.cloud.ovh.net", "ovh:SBG1"])
def test_endpoint_and_datacenter_name_the_same_campus(runner: CliRunner, query: str) -> None:
    result = runner.invoke(app, ["catalog", query])
    assert result.exit_code == 0, result.stderr
    fields = _fields(result.stdout)
    assert ("campus", "ovh-sbg") in fields
    assert ("metro", "strasbourg") in fields
    assert ("jurisdiction", "FR") in fields
    assert result.stderr == ""


def test_datacenter_block_names_the_building(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "ovh:SBG2"])
    assert result.exit_code == 0
    assert result.stdout.startswith("== ovh/datacenter/sbg2 ==\n")
    assert ("building", "ovh-sbg2") in _fields(result.stdout)
    assert ("coordinates", "48.58, 7.80 (city level)") in _fields(result.stdout)


def test_table_fits_in_80_columns(runner: CliRunner) -> None:
    for query in ["aws:eu-west-3", "metro:paris", "gcp:eur4", "storage.googleapis.com"]:
        result = runner.invoke(app, ["catalog", query])
        assert result.exit_code == 0, query
        assert max(len(line) for line in result.stdout.splitlines()) <= 80, query


def test_uncertain_rows_show_their_source_note(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "ovh:de"])
    assert result.exit_code == 0
    assert "uncertain     yes: physical site/AZ names inferred" in result.stdout
    certain = runner.invoke(app, ["catalog", "ovh:gra"])
    assert ("uncertain", "no") in _fields(certain.stdout)


def test_global_endpoint_names_only_the_provider(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "https://bucket.s3.amazonaws.com/key"])
    assert result.exit_code == 0
    assert ("provider", "aws") in _fields(result.stdout)
    assert "not in the host name" in result.stdout


def test_json_format(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "s3.sbg.io.cloud.ovh.net", "--format", "json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["query"] == "s3.sbg.io.cloud.ovh.net"
    assert document["endpoint"] is None
    [entry] = document["entries"]
    assert entry["key"] == "ovh/s3/sbg" and entry["campus"] == "ovh-sbg"
    assert "campus:ovh-sbg" in entry["claims"] and "metro:strasbourg" in entry["claims"]
    assert entry["buildings"] == [f"ovh-sbg{n}" for n in range(1, 6)]


def test_json_for_a_global_endpoint(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "storage.googleapis.com", "-f", "json"])
    assert result.exit_code == 0
    document = json.loads(result.stdout)
    assert document["endpoint"] == {"provider": "gcp", "entry": None, "regional": False}
    assert document["entries"] == []


@pytest.mark.parametrize("query", ["nothing-here", "minio.local:9000", "127.0.0.1", "ovh:SBG9"])
def test_no_match_is_a_usage_error(runner: CliRunner, query: str) -> None:
    result = runner.invoke(app, ["catalog", query])
    assert result.exit_code == 2
    assert result.stdout == ""
    assert "error: nothing in the catalog matches" in result.stderr
    assert "Traceback" not in result.stderr


def test_bad_format_is_a_usage_error(runner: CliRunner) -> None:
    result = runner.invoke(app, ["catalog", "ovh:sbg", "--format", "xml"])
    assert result.exit_code == 2
