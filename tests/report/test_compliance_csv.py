"""Per-framework CSV exports: one file per framework, a row per control with requirement,
verdict, datasets, finding ids and evidence pointers, agreeing with the compliance view."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

from drcheck.report.compliance import control_rows
from drcheck.report.compliance_csv import COLUMNS, render_framework
from drcheck.report.result_reader import findings_of
from drcheck.shared.model import AuditResult, Status
from tests.report.cli_helpers import NOW_ARGS, OVH, run


def rows_of(text: str) -> list[dict[str, str]]:
    return list(csv.DictReader(io.StringIO(text)))


def test_one_csv_per_framework_agrees_with_the_view(tmp_path: Path) -> None:
    out = tmp_path / "csv"
    res = run("audit", OVH, "-p", "sbg2", "-p", "3-2-1-1-0", "--compliance-csv", str(out),
              "-f", "json", *NOW_ARGS)
    assert res.exit_code == 1, res.output
    names = sorted(p.name for p in out.iterdir())
    assert names == ["cnil.csv", "dora.csv", "iso-27001.csv", "nist-800-53.csv", "soc2.csv",
                     "veeam.csv"]
    result = json.loads(res.stdout)
    iso = rows_of((out / "iso-27001.csv").read_text())
    assert tuple(iso[0]) == COLUMNS
    by_control = {r["control"]: r for r in iso}
    a813 = by_control["A.8.13"]
    assert a813["framework"] == "ISO/IEC 27001:2022 Annex A"
    assert a813["requirement"].startswith("backup copies kept and regularly tested")
    assert a813["verdict"] == "fail" and a813["datasets"] == "customer-db"
    expected = {f["fingerprint"] for f in findings_of(result)
                if "A.8.13" in f["controls"].get("iso-27001", [])}
    assert set(a813["finding_ids"].split("; ")) == expected
    assert "location.campus (catalog: catalog:ovh/datacenter/sbg2" in a813["evidence"]
    assert a813["facts_digest"] == result["facts_digest"]


def test_verdicts_match_control_rows_and_cells_are_defused(rich_result: AuditResult) -> None:
    text = render_framework(rich_result, "nist-800-53")
    assert text.endswith("\r\n")
    rows = rows_of(text)
    view = control_rows(rich_result.findings, "nist-800-53", include_unmapped=False)
    assert [r["control"] for r in rows] == [v.control for v in view]
    assert [r["verdict"] for r in rows] == [v.status.value for v in view]
    assert any(v.status is Status.FAIL for v in view)
    assert not any(cell.startswith(("=", "+", "@")) for r in rows for cell in r.values())
