"""JUnit XML that GitLab and Jenkins render: a suite per policy, a case per (rule, dataset).

A failed finding is a ``<failure>``, a finding that could not be told an ``<error>`` (the
check could not run to a verdict), a waived one ``<skipped>`` with the waiver's reason; a
passed finding is an empty test case. Counts on every suite and on ``<testsuites>``.
"""

from __future__ import annotations

import io
from typing import BinaryIO

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


_ATTR = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;",
                       "\r": "&#13;", "\n": "&#10;", "\t": "&#09;"})
_TEXT = str.maketrans({"&": "&amp;", "<": "&lt;", ">": "&gt;"})


def _attr(text: str) -> str:
    """An attribute value escaped as ElementTree escapes it (one pass in C)."""
    return text.translate(_ATTR)


def _cdata(text: str) -> str:
    return text.translate(_TEXT)


def _tag(name: str, attrs: dict[str, str]) -> str:
    return "<" + name + "".join(f' {k}="{_attr(v)}"' for k, v in attrs.items())


def _case(f: Finding, where: tuple[str, int | None] | None) -> str:
    """One ``<testcase>`` element, laid out as ``ET.indent`` lays it out inside a suite."""
    attrs = {"classname": f"{f.policy}.{f.rule_id}", "name": f"{f.rule_id} {f.dataset}",
             "time": "0"}
    if where is not None:
        attrs["file"] = where[0]
        if where[1] is not None:
            attrs["line"] = str(where[1])
    head = _tag("testcase", attrs)
    tag = CHILD.get(f.status)
    if tag is None:
        return head + " />"
    if tag == "skipped":
        child = _tag(tag, {"message": f.waiver or "waived"}) + " />"
    else:
        prefix = "could not tell: " if f.status is Status.UNKNOWN else ""
        child = (_tag(tag, {"message": prefix + f.message, "type": f.severity.value}) + ">"
                 + _cdata(_details(f)) + f"</{tag}>")
    return head + ">\n      " + child + "\n    </testcase>"


def _counts(findings: list[Finding]) -> dict[str, str]:
    def n(status: Status) -> str:
        return str(sum(1 for f in findings if f.status is status))

    return {"tests": str(len(findings)), "failures": n(Status.FAIL),
            "errors": n(Status.UNKNOWN), "skipped": n(Status.WAIVED), "time": "0"}


class JunitReporter(Reporter):
    """The result as JUnit XML (what ``ElementTree`` with ``ET.indent`` writes, written as
    it is made: a suite of 100k datasets is a million test cases)."""

    name = "junit"
    shows_passes = False  # a passing testcase carries no message

    def render(self, result: AuditResult) -> str:
        """JUnit XML text with an XML declaration."""
        out = io.BytesIO()
        self.write(result, out)
        return out.getvalue().decode("utf-8")

    def write(self, result: AuditResult, out: BinaryIO) -> None:
        """The XML, one suite at a time, each test case as it is made."""
        rules = rule_index(result)
        totals = _counts(list(result.findings))
        del totals["skipped"]  # <testsuites> has no skipped attribute in the common JUnit XSD
        root = _tag("testsuites", {"name": "drcheck", **totals})
        out.write(b'<?xml version="1.0" encoding="UTF-8"?>\n')
        if not result.policies:
            out.write((root + " />\n").encode("utf-8"))
            return
        out.write((root + ">").encode("utf-8"))
        for policy in result.policies:
            out.write(_suite(result, policy, rules).encode("utf-8"))
        out.write(b"\n</testsuites>\n")


def _suite(result: AuditResult, policy: str, rules: dict[tuple[str, str], RuleRef]) -> str:
    own = sorted((f for f in result.findings if f.policy == policy),
                 key=lambda f: (f.rule_id, f.dataset))
    head = "\n  " + _tag("testsuite", {
        "name": policy, **_counts(own), "timestamp": result.evaluated_at.rstrip("Z")})
    if not own:
        return head + " />"
    where: dict[str, tuple[str, int | None] | None] = {}
    cases = []
    for f in own:
        if f.rule_id not in where:
            rule = rules.get((f.policy, f.rule_id))
            where[f.rule_id] = split_origin(rule.origin) if rule else None
        cases.append(_case(f, where[f.rule_id]))
    return head + ">\n    " + "\n    ".join(cases) + "\n  </testsuite>"
