"""Hostile dataset names are shown, never executed: HTML is escaped, CSV cells are inert."""

from __future__ import annotations

import csv
import io
import re
from dataclasses import replace

from drcheck.cli.pipeline import run_audit
from drcheck.evaluate.policy import resolve_policies
from drcheck.facts.assemble import build_snapshot
from drcheck.inputs.estate_check import load_estate
from drcheck.report.csv_report import CsvReporter
from drcheck.report.html_report import HtmlReporter
from drcheck.report.markdown import MarkdownReporter
from drcheck.shared.model import AuditResult
from tests.report.conftest import NOW

SCRIPT = "<script>alert(1)</script>"
FORMULA = "=cmd|' /C calc'!A0"


def _hostile() -> AuditResult:
    """The OVH example with hostile dataset and copy names planted after validation.

    The estate schema already refuses such names; a facts file or an importer is another way
    in, so the reporters must be safe on their own.
    """
    snapshot = build_snapshot(load_estate("examples/ovh-sbg2/estate.yaml"), [], NOW)
    first = snapshot.datasets[0]
    hostile_copy = replace(first.copies[0], name="@SUM(1+1)")
    second = replace(first, name=FORMULA, copies=(hostile_copy, *first.copies[1:]))
    snapshot = replace(snapshot, datasets=(replace(first, name=SCRIPT), second))
    return run_audit(snapshot, resolve_policies(["sbg2"]), NOW)


def test_html_escapes_every_planted_value() -> None:
    page = HtmlReporter().render(_hostile())
    assert SCRIPT not in page
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in page
    assert re.findall(r"<script", page, re.IGNORECASE) == []
    assert "=cmd|&#x27; /C calc&#x27;!A0" in page


def test_csv_neutralises_formulas() -> None:
    text = CsvReporter().render(_hostile())
    rows = list(csv.reader(io.StringIO(text)))
    cells = [c for row in rows for c in row]
    assert "'" + FORMULA in cells
    assert FORMULA not in cells
    assert all(not c.startswith(("=", "+", "-", "@", "\t", "\r")) for c in cells)
    assert all(line.startswith('"') for line in text.splitlines())
    assert SCRIPT in cells


def test_markdown_escapes_html() -> None:
    text = MarkdownReporter().render(_hostile())
    assert SCRIPT not in text
    assert "&lt;script&gt;" in text


def test_html_is_self_contained(rich_result: AuditResult) -> None:
    page = HtmlReporter().render(rich_result)
    lowered = page.lower()
    for needle in ("<script", "<link", "<img", "<iframe", "src=", "url(", "@import"):
        assert needle not in lowered, needle
    assert page.count("<style>") == 1
    assert all(h.startswith("#") for h in re.findall(r'href="([^"]*)"', page))
