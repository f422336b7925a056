"""Passes left unexplained change nothing any chosen report shows.

An audit whose reports never say why a check passed (JSON, SARIF, Markdown, Prometheus, the
table without passes) lets the rules stop at a pass's verdict: no message, no evidence. This
is proved two ways on random estates (every rule type, missing and conflicting claims,
unknown facts) and on a generated realistic one: the findings differ only there, and every
report that says it does not read passes gives the same bytes either way. A report that does
read them (CSV, HTML, JUnit, the table with passes) must say so, and the CLI then explains.
"""

from __future__ import annotations

import csv
import io
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.evaluate.engine import evaluate
from drcheck.evaluate.policy import Policy, resolve_policies
from drcheck.facts.assemble import build_snapshot
from drcheck.inputs.estate_check import load_estate
from drcheck.report import OutputFormat, ReportOptions, reporter_for
from drcheck.report.table import TableReporter
from drcheck.shared.model import AuditResult, Snapshot, Status
from tests.core.builders import NOW
from tests.core.test_eval_shortcuts import _estate

ROOT = Path(__file__).resolve().parents[2]
PACKS = ["sbg2", "3-2-1-1-0", "bsi-georedundancy"]
EVERY_RULE = """apiVersion: drcheck/v1
kind: Policy
metadata: {name: every-rule}
rules:
  - {id: R1, type: min-copies, title: t, severity: high, params: {min: 2, count_primary: true}}
  - {id: R2, type: separation, title: t, severity: high,
     params: {kinds: [provider, campus], min_copies: 2}}
  - {id: R3, type: max-age, title: t, severity: medium, params: {max_age: 72h}}
  - {id: R4, type: distinct-domains, title: t, severity: low, params: {kind: metro, min: 2}}
  - {id: R5, type: min-distance, title: t, severity: low, params: {km: 100, min_copies: 2}}
  - {id: R6, type: survives, title: t, severity: high, params: {kinds: [campus, building]}}
  - {id: R7, type: restore-tested, title: t, severity: low, params: {max_age: 400d}}
  - {id: R8, type: immutable-copy, title: t, severity: low, params: {min_retention_days: 10}}
  - {id: R9, type: encrypted, title: t, severity: low, params: {min_copies: 1}}
  - {id: R10, type: consistent-location, title: t, severity: low}
"""


@pytest.fixture(scope="module")
def policies(tmp_path_factory: pytest.TempPathFactory) -> list[Policy]:
    path = tmp_path_factory.mktemp("policy") / "every-rule.yaml"
    path.write_text(EVERY_RULE, encoding="utf-8")
    return resolve_policies([*PACKS, str(path)])


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> Snapshot:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    path = tmp_path_factory.mktemp("generated") / "estate.yaml"
    path.write_text(generate(400, seed=9), encoding="utf-8")
    return build_snapshot(load_estate(str(path)), [], NOW)


def _both(snapshot: Snapshot, policies: list[Policy]) -> tuple[AuditResult, AuditResult]:
    return (evaluate(snapshot, policies, NOW),
            evaluate(snapshot, policies, NOW, explain_passes=False))


def _snapshots(generated: Snapshot) -> list[Snapshot]:
    """Random estates, a small one (the HTML report shows its passes) and a generated one."""
    return [_estate(300, seed) for seed in (1, 2, 3)] + [_estate(40, 4), generated]


def test_findings_differ_only_in_a_passes_message_and_evidence(
        policies: list[Policy], generated: Snapshot) -> None:
    for snapshot in _snapshots(generated):
        full, lean = _both(snapshot, policies)
        assert len(full.findings) == len(lean.findings)
        assert (full.scores, full.score) == (lean.scores, lean.score)
        bare = 0
        for f, g in zip(full.findings, lean.findings, strict=True):
            if f.status is Status.PASS and g != f:  # a rule may still explain a pass
                bare += 1
                assert replace(f, message="", evidence=()) == g
            else:
                assert f == g
        assert bare > len(full.findings) // 4  # the estates do pass many checks
        assert any(f.status is Status.PASS and f.evidence for f in full.findings)


@pytest.mark.parametrize("fmt", list(OutputFormat), ids=lambda f: f.value)
def test_a_report_that_does_not_read_passes_is_the_same_either_way(
        fmt: OutputFormat, policies: list[Policy], generated: Snapshot) -> None:
    reporter = reporter_for(fmt, ReportOptions(framework="nist-800-53"))
    differs = False
    for snapshot in _snapshots(generated):
        full, lean = (replace(r, rules=()) for r in _both(snapshot, policies))
        differs |= reporter.render(full) != reporter.render(lean)
    # a report that says it never reads passes gives the same bytes; one that says it does
    # shows them (so the claim is not merely cautious)
    assert differs is reporter.reads_pass_explanations()


def test_the_table_reads_passes_only_when_it_lists_them() -> None:
    assert not TableReporter().reads_pass_explanations()
    assert TableReporter(show_passed=True).reads_pass_explanations()
    assert TableReporter(ReportOptions(show_passed=True)).reads_pass_explanations()


def _csv_pass_messages(text: str) -> list[str]:
    return [row["message"] for row in csv.DictReader(io.StringIO(text))
            if row["status"] == "pass"]


def test_the_cli_explains_passes_when_any_report_reads_them(tmp_path: Path) -> None:
    estate = str(ROOT / "examples" / "georedundant" / "estate.yaml")
    args = ["audit", "--offline", estate, "--now", "2026-11-23T06:00:00Z"]
    alone = CliRunner().invoke(app, [*args, "-f", "json", "-o", str(tmp_path / "a.json")])
    both = CliRunner().invoke(app, [*args, "-f", "json", "-o", str(tmp_path / "b.json"),
                                    "-r", f"csv:{tmp_path / 'b.csv'}"])
    assert alone.exit_code == both.exit_code
    assert (tmp_path / "a.json").read_bytes() == (tmp_path / "b.json").read_bytes()
    messages = _csv_pass_messages((tmp_path / "b.csv").read_text(encoding="utf-8"))
    assert messages and all(messages)
