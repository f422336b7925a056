"""The audit command's outputs: several reports at once, stdout = report only, exit gating."""

from __future__ import annotations

import json
from pathlib import Path
from typing import BinaryIO

import pytest
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.report.result_reader import facts_of
from tests.report.cli_helpers import NOW_ARGS, OVH, run


def test_several_reports_written_and_stdout_is_the_report(tmp_path: Path) -> None:
    res = run("audit", OVH, "-f", "json", "-r", f"sarif:{tmp_path}/out.sarif",
              "-r", f"junit:{tmp_path}/junit.xml", "-r", f"prometheus:{tmp_path}/m.prom",
              "-r", f"html:{tmp_path}/r.html", *NOW_ARGS)
    assert res.exit_code == 1
    assert json.loads(res.stdout)["score"] == 40
    assert res.stderr == ""
    for name in ("out.sarif", "junit.xml", "m.prom", "r.html"):
        assert (tmp_path / name).stat().st_size > 100
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
    assert "drcheck_audit_duration_seconds" in (tmp_path / "m.prom").read_text()


def test_repeated_format_goes_to_stdout_in_order() -> None:
    res = run("audit", OVH, "-f", "markdown", "-f", "csv", *NOW_ARGS)
    assert res.stdout.index("## drcheck") < res.stdout.index('"fingerprint"')


def test_output_errors_are_usage_errors(tmp_path: Path) -> None:
    assert run("audit", OVH, "-r", "pdf:x.pdf", *NOW_ARGS).exit_code == 2
    both = run("audit", OVH, "-f", "json", "-f", "csv", "-o", str(tmp_path / "x"), *NOW_ARGS)
    assert both.exit_code == 2 and "--report" in both.stderr
    same = run("audit", OVH, "-r", f"json:{tmp_path}/a", "-r", f"csv:{tmp_path}/a", *NOW_ARGS)
    assert same.exit_code == 2


def test_nothing_is_written_when_the_audit_fails(tmp_path: Path) -> None:
    res = run("audit", str(tmp_path / "missing.yaml"), "-r", f"json:{tmp_path}/r.json",
              "--history", str(tmp_path / "h.db"), *NOW_ARGS)
    assert res.exit_code == 2
    assert list(tmp_path.iterdir()) == []


def test_soft_fail_exits_0_and_says_what_would_fail() -> None:
    res = run("audit", OVH, "--soft-fail", *NOW_ARGS)
    assert res.exit_code == 0
    assert "soft-fail: would have exited 1 (findings)" in res.stderr
    assert "DR-SBG2-01" in res.stderr
    assert "soft-fail" not in res.stdout


def test_fail_on_threshold() -> None:
    assert run("audit", OVH, "--fail-on", "critical", *NOW_ARGS).exit_code == 1
    ok = run("audit", "examples/georedundant/estate.yaml", "--fail-on", "critical", *NOW_ARGS)
    assert ok.exit_code == 0


def test_json_facts_reproduce_the_report_byte_for_byte(tmp_path: Path) -> None:
    first = run("audit", OVH, "-p", "sbg2", "-p", "3-2-1-1-0", "-f", "json", *NOW_ARGS)
    doc = json.loads(first.stdout)
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(facts_of(doc), indent=2), encoding="utf-8")
    report = tmp_path / "report.json"
    report.write_text(first.stdout, encoding="utf-8")
    for source in (facts, report):  # the facts file, or the report that embeds them
        again = run("audit", "--facts", str(source), "-p", "sbg2", "-p", "3-2-1-1-0", "-f",
                    "json", "--now", "2026-11-23T06:00:00Z")
        assert again.exit_code == first.exit_code
        assert again.stdout == first.stdout
    assert doc["facts_digest"] == doc["facts"]["digest"] == facts_of(doc)["digest"]


def test_a_report_failing_mid_write_leaves_no_file_and_prints_nothing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from drcheck.report.sarif import SarifReporter

    def broken(self: SarifReporter, result: object, out: BinaryIO) -> None:
        out.write(b'{"half": ')
        raise RuntimeError("renderer bug")

    monkeypatch.setattr(SarifReporter, "write", broken)
    res = CliRunner().invoke(app, ["audit", OVH, "-f", "json", "-r",
                                   f"csv:{tmp_path}/r.csv", "-r", f"sarif:{tmp_path}/r.sarif",
                                   *NOW_ARGS])
    assert res.exit_code == 4  # drcheck's own bug
    assert res.stdout == ""
    assert list(tmp_path.iterdir()) == []  # neither the finished csv nor the half sarif


def test_large_reports_stream_into_place_whole(tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    res = run("audit", OVH, "-f", "json", "-o", str(out), *NOW_ARGS)
    stdout = run("audit", OVH, "-f", "json", *NOW_ARGS).stdout
    assert res.exit_code == 1 and out.read_text() == stdout
    assert json.loads(stdout)["format"] == "drcheck/result"
    assert not [p for p in tmp_path.iterdir() if p.name.startswith(".")]
