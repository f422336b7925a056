"""SARIF: valid against the vendored OASIS 2.1.0 schema, with what GitHub code scanning needs."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft4Validator

from drcheck.report.sarif import FINGERPRINT_KEY, SarifReporter, split_origin
from drcheck.shared.model import AuditResult, Status

SCHEMA_PATH = Path(__file__).resolve().parents[1] / "schemas" / "sarif-schema-2.1.0.json"


@pytest.fixture(scope="module")
def validator() -> Draft4Validator:
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    Draft4Validator.check_schema(schema)
    return Draft4Validator(schema, format_checker=Draft4Validator.FORMAT_CHECKER)


def _sarif(result: AuditResult) -> dict[str, Any]:
    doc: dict[str, Any] = json.loads(SarifReporter().render(result))
    return doc


def test_validates_against_the_sarif_schema(rich_result: AuditResult,
                                            validator: Draft4Validator) -> None:
    errors = [f"{list(e.absolute_path)}: {e.message}"
              for e in validator.iter_errors(_sarif(rich_result))]
    assert errors == []


def test_the_vendored_schema_rejects_a_bad_log(rich_result: AuditResult,
                                               validator: Draft4Validator) -> None:
    doc = _sarif(rich_result)
    doc["runs"][0]["results"][0]["level"] = "critical"
    assert not validator.is_valid(doc)


def test_results_carry_fingerprints_locations_and_rules(rich_result: AuditResult) -> None:
    run = _sarif(rich_result)["runs"][0]
    rules = run["tool"]["driver"]["rules"]
    shown = [f for f in rich_result.findings if f.status is not Status.PASS]
    assert [r["partialFingerprints"][FINGERPRINT_KEY] for r in run["results"]] == [
        f.fingerprint for f in shown]
    origin = rich_result.snapshot.datasets[0].origin
    path, line = split_origin(origin) or ("", None)
    for res in run["results"]:
        assert rules[res["ruleIndex"]]["id"] == res["ruleId"]
        phys = res["locations"][0]["physicalLocation"]
        assert phys["artifactLocation"]["uri"] == path == "examples/ovh-sbg2/estate.yaml"
        assert phys["region"]["startLine"] == line
    for rule in rules:
        assert rule["help"]["text"] and rule["shortDescription"]["text"]
        assert rule["properties"]["security-severity"]


def test_status_mapping(rich_result: AuditResult) -> None:
    results = _sarif(rich_result)["runs"][0]["results"]
    by_status = {r["properties"]["status"]: r for r in results}
    assert by_status["unknown"]["kind"] == "review" and by_status["unknown"]["level"] == "none"
    assert by_status["fail"]["kind"] == "fail" and by_status["fail"]["level"] == "error"
    waived = by_status["waived"]
    assert waived["suppressions"][0]["kind"] == "external"
    assert "W-2026-001" in waived["suppressions"][0]["justification"]


def test_probe_issues_are_tool_notifications(rich_result: AuditResult) -> None:
    inv = _sarif(rich_result)["runs"][0]["invocations"][0]
    notes = inv["toolExecutionNotifications"]
    assert [n["descriptor"]["id"] for n in notes] == ["unreachable"]
    assert "host:backup-1" in notes[0]["message"]["text"]


def test_rule_origin_from_a_policy_file_is_a_related_location() -> None:
    from tests.report.conftest import audit

    result = audit("examples/paris-metro/estate.yaml", ("examples/paris-metro/policy.yaml",))
    res = _sarif(result)["runs"][0]["results"][0]
    related = res["relatedLocations"][0]["physicalLocation"]
    assert related["artifactLocation"]["uri"] == "examples/paris-metro/policy.yaml"
    assert related["region"]["startLine"] > 1
