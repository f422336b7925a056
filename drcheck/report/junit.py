"""JUnit XML that GitLab and Jenkins render: a suite per policy, a case per (rule, dataset).

A failed finding is a ``<failure>``, a finding that could not be told an ``<error>`` (the
check could not run to a verdict), a waived one ``<skipped>`` with the waiver's reason; a
passed finding is an empty test case. Counts on every suite and on ``<testsuites>``.
"""

from __future__ import annotations

import xml.etree.ElementTree as ET

from drcheck.report.base import Reporter
from drcheck.report.rules import rule_index
from drcheck.report.sarif import split_origin
from drcheck.shared.model import AuditResult, Finding, RuleRef, Status

CHILD = {Status.FAIL: "failure", Status.UNKNOWN: "error", Status.WAIVED: "skipped"}


def _details(f: Finding) -> str:
    lines = [f.message, f"severity: {f.severity.value}", f"fingerprint: {f.fingerprint}"]
    lines += [f"unknown: {u}" for u in f.unknowns]
    lines += [f"evidence: {e.subject} {e.key}={e.value!r} ({e.source.value}, {e.origin}"
              + (f", {e.observed_at}" if e.observed_at else "") + ")" for e in f.evidence]
    lines += [f"control: {fw} {', '.join(cs)}" for fw, cs in sorted(f.controls.items())]
    return "\n".join(lines)


def _case(suite: ET.Element, f: Finding, rule: RuleRef | None) -> None:
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


def _counts(findings: list[Finding]) -> dict[str, str]:
    def n(status: Status) -> str:
        return str(sum(1 for f in findings if f.status is status))

    return {"tests": str(len(findings)), "failures": n(Status.FAIL),
            "errors": n(Status.UNKNOWN), "skipped": n(Status.WAIVED), "time": "0"}


class JunitReporter(Reporter):
    """The result as JUnit XML."""

    name = "junit"

    def render(self, result: AuditResult) -> str:
        """JUnit XML text with an XML declaration."""
        rules = rule_index(result)
        totals = _counts(list(result.findings))
        del totals["skipped"]  # <testsuites> has no skipped attribute in the common JUnit XSD
        root = ET.Element("testsuites", {"name": "drcheck", **totals})
        for policy in result.policies:
            own = sorted((f for f in result.findings if f.policy == policy),
                         key=lambda f: (f.rule_id, f.dataset))
            suite = ET.SubElement(root, "testsuite", {
                "name": policy, **_counts(own), "timestamp": result.evaluated_at.rstrip("Z")})
            for f in own:
                _case(suite, f, rules.get((f.policy, f.rule_id)))
        ET.indent(root)
        return '<?xml version="1.0" encoding="UTF-8"?>\n' + ET.tostring(
            root, encoding="unicode") + "\n"
