"""JUnit XML has the structure GitLab documents: testsuites > testsuite > testcase."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from pathlib import Path

import junitparser
import xmlschema

from drcheck.report.junit import JunitReporter
from drcheck.shared.model import AuditResult, Status


def test_structure_and_counts(rich_result: AuditResult) -> None:
    root = ET.fromstring(JunitReporter().render(rich_result))
    assert root.tag == "testsuites"
    suites = root.findall("testsuite")
    assert [s.get("name") for s in suites] == list(rich_result.policies)
    total = 0
    for suite in suites:
        cases = suite.findall("testcase")
        total += len(cases)
        assert int(suite.get("tests", "-1")) == len(cases)
        for tag, attr in (("failure", "failures"), ("error", "errors"), ("skipped", "skipped")):
            assert int(suite.get(attr, "-1")) == sum(1 for c in cases if c.find(tag) is not None)
        for case in cases:
            assert case.get("name") and case.get("classname")
            assert len(list(case)) <= 1
    assert total == len(rich_result.findings) == int(root.get("tests", "-1"))


def test_status_elements(rich_result: AuditResult) -> None:
    root = ET.fromstring(JunitReporter().render(rich_result))
    cases = {c.get("name"): c for c in root.iter("testcase")}
    for f in rich_result.findings:
        case = cases[f"{f.rule_id} {f.dataset}"]
        child = next(iter(case), None)
        expected = {Status.FAIL: "failure", Status.UNKNOWN: "error", Status.WAIVED: "skipped",
                    Status.PASS: None}[f.status]
        assert (child.tag if child is not None else None) == expected
        if f.status is Status.WAIVED:
            assert child is not None and "W-2026-001" in (child.get("message") or "")
        if f.status is Status.FAIL:
            assert child is not None and child.get("type") == f.severity.value
            assert f.fingerprint in (child.text or "")


def test_cases_point_at_the_policy_file_that_defines_the_rule() -> None:
    from tests.report.conftest import audit

    result = audit("examples/paris-metro/estate.yaml", ("examples/paris-metro/policy.yaml",))
    root = ET.fromstring(JunitReporter().render(result))
    cases = list(root.iter("testcase"))
    assert cases and all(c.get("file") == "examples/paris-metro/policy.yaml" for c in cases)
    assert all(int(c.get("line", "0")) > 1 for c in cases)


def test_testsuites_root_has_no_skipped_attribute(rich_result: AuditResult) -> None:
    """The common JUnit XSD (Jenkins xunit junit-10) allows no skipped on <testsuites>."""
    root = ET.fromstring(JunitReporter().render(rich_result))
    assert "skipped" not in root.attrib
    assert all("skipped" in s.attrib for s in root.findall("testsuite"))


SCHEMA = Path(__file__).resolve().parents[1] / "schemas" / "junit-10.xsd"


def test_validates_against_the_jenkins_xunit_junit_10_schema(rich_result: AuditResult,
                                                             tmp_path: Path) -> None:
    schema = xmlschema.XMLSchema(str(SCHEMA))
    text = JunitReporter().render(rich_result)
    errors = [str(e.reason) for e in schema.iter_errors(text)]
    assert errors == []
    # the schema is strict: an attribute it does not define makes the document invalid
    broken = text.replace("<testsuites ", '<testsuites skipped="1" ', 1)
    assert broken != text and not schema.is_valid(broken)


def test_junitparser_reads_the_same_counts(rich_result: AuditResult, tmp_path: Path) -> None:
    out = tmp_path / "r.xml"
    out.write_text(JunitReporter().render(rich_result), encoding="utf-8")
    xml = junitparser.JUnitXml.fromfile(str(out))
    suites = list(xml)
    assert [s.name for s in suites] == list(rich_result.policies)
    by_status = {s: sum(f.status is s for f in rich_result.findings) for s in Status}
    assert sum(s.tests for s in suites) == len(rich_result.findings)
    assert sum(s.failures for s in suites) == by_status[Status.FAIL]
    assert sum(s.errors for s in suites) == by_status[Status.UNKNOWN]
    assert sum(s.skipped for s in suites) == by_status[Status.WAIVED]
    kinds = {type(r).__name__ for s in suites for case in s for r in case.result}
    assert kinds <= {"Failure", "Error", "Skipped"} and "Failure" in kinds
