"""The JSON result validates against its published schema; metrics follow the text format;
exit codes treat waived and baselined findings as non-gating."""

from __future__ import annotations

import json
import re
from dataclasses import replace

from jsonschema import Draft202012Validator

from drcheck.cli.pipeline import exit_code
from drcheck.report.json_report import JsonReporter
from drcheck.report.prometheus import PrometheusReporter
from drcheck.report.schema import result_schema
from drcheck.shared.errors import ExitCode
from drcheck.shared.model import AuditResult, Severity, Status

SAMPLE = re.compile(r'^[a-z_]+(\{([a-z_]+="([^"\\]|\\.)*",?)+\})? -?[0-9.e+]+$')


def test_json_validates_against_the_result_schema(rich_result: AuditResult) -> None:
    doc = json.loads(JsonReporter().render(rich_result))
    errors = [e.message for e in Draft202012Validator(result_schema()).iter_errors(doc)]
    assert errors == []
    assert doc["baseline"]["fixed"][0]["rule_id"] == "DR-SBG2-02"
    assert [w["id"] for w in doc["waivers"] if w["expired"]] == ["W-2026-002"]


def test_prometheus_text_format(rich_result: AuditResult) -> None:
    lines = PrometheusReporter().render(rich_result).splitlines()
    families = set()
    for line in lines:
        if line.startswith("# TYPE "):
            families.add(line.split()[2])
        elif not line.startswith("# HELP "):
            assert SAMPLE.match(line), line
            assert line.split("{")[0].split()[0] in families
    assert {"drcheck_score", "drcheck_dataset_score", "drcheck_findings",
            "drcheck_newest_restore_point_age_seconds", "drcheck_audit_duration_seconds",
            "drcheck_audit_timestamp_seconds"} <= families
    assert "drcheck_audit_duration_seconds 1.25" in lines


def test_prometheus_escapes_label_values(rich_result: AuditResult) -> None:
    odd = replace(rich_result.scores[0], dataset='a"b\\c\nd')
    text = PrometheusReporter().render(replace(rich_result, scores=(odd,)))
    assert 'dataset="a\\"b\\\\c\\nd"' in text


def test_exit_code_ignores_waived_and_baselined(rich_result: AuditResult) -> None:
    assert exit_code(rich_result, Severity.LOW) is ExitCode.FINDINGS
    bad = [f.fingerprint for f in rich_result.findings if f.status is Status.FAIL]
    accepted = replace(rich_result, baselined=tuple(bad))
    assert exit_code(accepted, Severity.LOW) is ExitCode.INCOMPLETE
    unknown = [f.fingerprint for f in rich_result.findings if f.status is Status.UNKNOWN]
    assert exit_code(replace(accepted, baselined=tuple(bad + unknown)),
                     Severity.LOW) is ExitCode.OK
    only_waived = replace(rich_result, findings=tuple(
        f for f in rich_result.findings if f.status in (Status.WAIVED, Status.PASS)))
    assert exit_code(only_waived, Severity.INFO) is ExitCode.OK
