"""Every output format renders the same result, deterministically, matching its golden file."""

from __future__ import annotations

from collections.abc import Callable

import pytest

from drcheck.report import REPORTERS, OutputFormat, ReportOptions, reporter_for
from drcheck.shared.model import AuditResult

SUFFIX = {OutputFormat.TABLE: "txt", OutputFormat.JSON: "json", OutputFormat.SARIF: "sarif",
          OutputFormat.JUNIT: "xml", OutputFormat.CSV: "csv", OutputFormat.HTML: "html",
          OutputFormat.MARKDOWN: "md", OutputFormat.PROMETHEUS: "prom"}


def test_every_format_has_a_reporter_and_a_golden_suffix() -> None:
    assert set(REPORTERS) == set(OutputFormat)
    assert set(SUFFIX) == set(OutputFormat)
    for fmt, cls in REPORTERS.items():
        assert cls.name == fmt.value


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_every_format_renders_deterministically(fmt: OutputFormat,
                                                rich_result: AuditResult) -> None:
    options = ReportOptions(framework="nist-800-53")
    first = reporter_for(fmt, options).render(rich_result)
    assert first.strip()
    assert first.endswith("\n")
    assert reporter_for(fmt, options).render(rich_result) == first


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_golden(fmt: OutputFormat, rich_result: AuditResult,
                golden: Callable[[str, str], None]) -> None:
    text = reporter_for(fmt, ReportOptions(framework="nist-800-53")).render(rich_result)
    golden(f"{fmt.value}/ovh-sbg2.{SUFFIX[fmt]}", text)


@pytest.mark.parametrize("fmt", list(OutputFormat))
def test_field_names_are_shared(fmt: OutputFormat, rich_result: AuditResult) -> None:
    """The fingerprint, rule id and dataset of every non-passing finding appear in every
    format that lists findings (prometheus aggregates, so it is exempt)."""
    if fmt is OutputFormat.PROMETHEUS:
        return
    text = reporter_for(fmt).render(rich_result)
    for f in rich_result.findings:
        if f.status.value != "pass":
            assert f.rule_id in text
            assert f.dataset in text
