"""The JUnit report is written as it is made; it must be exactly what ElementTree with
``ET.indent`` writes for the same elements (the reference below), escaping included."""

from __future__ import annotations

import xml.etree.ElementTree as ET
from dataclasses import replace

from drcheck.report.junit import CHILD, JunitReporter, _counts, _details
from drcheck.report.rules import rule_index
from drcheck.report.sarif import split_origin
from drcheck.shared.model import AuditResult, Status


def _reference(result: AuditResult) -> str:
    rules = rule_index(result)
    totals = _counts(list(result.findings))
    del totals["skipped"]
    root = ET.Element("testsuites", {"name": "drcheck", **totals})
    for policy in result.policies:
        own = sorted((f for f in result.findings if f.policy == policy),
                     key=lambda f: (f.rule_id, f.dataset))
        suite = ET.SubElement(root, "testsuite", {
            "name": policy, **_counts(own), "timestamp": result.evaluated_at.rstrip("Z")})
        for f in own:
            rule = rules.get((f.policy, f.rule_id))
            attrs = {"classname": f"{f.policy}.{f.rule_id}", "name": f"{f.rule_id} {f.dataset}",
                     "time": "0"}
            where = split_origin(rule.origin) if rule else None
            if where is not None:
                attrs["file"] = where[0]
                if where[1] is not None:
                    attrs["line"] = str(where[1])
            case = ET.SubElement(suite, "testcase", attrs)
            tag = CHILD.get(f.status)
            if tag == "skipped":
                ET.SubElement(case, tag, {"message": f.waiver or "waived"})
            elif tag is not None:
                prefix = "could not tell: " if f.status is Status.UNKNOWN else ""
                child = ET.SubElement(case, tag, {"message": prefix + f.message,
                                                  "type": f.severity.value})
                child.text = _details(f)
    ET.indent(root)
    return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
        root, encoding="unicode") + "\n"


def test_streamed_junit_is_what_elementtree_writes(rich_result: AuditResult) -> None:
    assert {f.status for f in rich_result.findings} >= {Status.FAIL, Status.PASS}
    assert JunitReporter().render(rich_result) == _reference(rich_result)


def test_hostile_text_is_escaped_as_elementtree_escapes_it(rich_result: AuditResult) -> None:
    nasty = 'a & b <c> "d" \'e\'\r\n\tf ]]> é'
    findings = tuple(replace(f, message=nasty + f.message, dataset=nasty + f.dataset,
                             waiver=nasty if f.status is Status.WAIVED else f.waiver)
                     for f in rich_result.findings)
    for result in (replace(rich_result, findings=findings),
                   replace(rich_result, policies=(*rich_result.policies, "empty")),
                   replace(rich_result, policies=())):
        assert JunitReporter().render(result) == _reference(result)
