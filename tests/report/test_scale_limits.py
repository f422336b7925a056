"""Report size limits on a generated estate: SARIF stays within GitHub's results-per-run limit
(folded per rule, with a note) and still validates; the JSON report's bytes per dataset."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from jsonschema import Draft4Validator
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.report import sarif

ROOT = Path(__file__).resolve().parents[2]
SCHEMA_PATH = ROOT / "tests" / "schemas" / "sarif-schema-2.1.0.json"
NOW = "2026-11-23T06:00:00Z"
PACKS = ["-p", "sbg2", "-p", "3-2-1-1-0", "-p", "bsi-georedundancy"]


@pytest.fixture(scope="module")
def estate(tmp_path_factory: pytest.TempPathFactory) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    path = tmp_path_factory.mktemp("scale") / "estate.yaml"
    path.write_text(generate(300, seed=5), encoding="utf-8")
    return path


def _audit(estate: Path, fmt: str, out: Path) -> None:
    result = CliRunner().invoke(app, ["audit", "--offline", str(estate), *PACKS, "-f", fmt,
                                      "-o", str(out), "--now", NOW])
    assert result.exit_code == 1, result.output  # the generated estate has failures


def test_sarif_results_are_capped_and_folded_per_rule(estate: Path, tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    full = tmp_path / "full.sarif"
    _audit(estate, "sarif", full)
    everything = json.loads(full.read_text())["runs"][0]["results"]
    limit = len(everything) // 3
    monkeypatch.setattr(sarif, "MAX_RESULTS", limit)
    capped_path = tmp_path / "capped.sarif"
    _audit(estate, "sarif", capped_path)
    doc = json.loads(capped_path.read_text())
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) <= limit
    folded = [r for r in results if r["properties"]["status"] == "folded"]
    assert folded and len({r["ruleId"] for r in folded}) == len(folded)
    listed = len(results) - len(folded)
    assert listed + sum(r["properties"]["folded"] for r in folded) == len(everything)
    notes = run["invocations"][0]["toolExecutionNotifications"]
    assert any(n["descriptor"]["id"] == "results-capped" for n in notes)
    rank = {"critical": 0, "high": 1, "medium": 2, "low": 3, "info": 4}
    kept_worst = max(rank[r["properties"]["severity"]] for r in results
                     if r["properties"]["status"] != "folded")
    by_print = {r["partialFingerprints"][sarif.FINGERPRINT_KEY]: r for r in everything}
    listed_prints = {r["partialFingerprints"][sarif.FINGERPRINT_KEY] for r in results}
    dropped = [r for k, r in by_print.items() if k not in listed_prints]
    assert kept_worst <= min(rank[r["properties"]["severity"]] for r in dropped)
    schema = json.loads(SCHEMA_PATH.read_text(encoding="utf-8"))
    errors = list(Draft4Validator(schema).iter_errors(doc))
    assert errors == []


def test_sarif_of_the_generated_estate_is_within_githubs_limits(estate: Path,
                                                                tmp_path: Path) -> None:
    import gzip

    out = tmp_path / "r.sarif"
    _audit(estate, "sarif", out)
    doc = json.loads(out.read_text())
    run = doc["runs"][0]
    results = run["results"]
    assert len(results) <= sarif.MAX_RESULTS == 25_000
    # GitHub's other documented upload limits: 10 MB gzip-compressed per file, 20 runs,
    # 25,000 rules per run, 20 tags per rule, 1,000 locations per result; the file size is
    # judged at the cap (a run never holds more results than MAX_RESULTS)
    assert len(doc["runs"]) <= 20 and len(run["tool"]["driver"]["rules"]) <= 25_000
    assert all(len(r["properties"]["tags"]) <= 20 for r in run["tool"]["driver"]["rules"])
    assert all(len(r["locations"]) <= 1000 for r in results)
    packed = len(gzip.compress(out.read_bytes()))
    assert packed / len(results) * sarif.MAX_RESULTS < 10 * 1024 * 1024


def test_json_report_bytes_per_dataset(estate: Path, tmp_path: Path) -> None:
    out = tmp_path / "r.json"
    _audit(estate, "json", out)
    # 3,000 bytes per dataset is 30 MB at 10k; sharing only improves with size (a bucket or
    # backup host serves more datasets), so the bound at 300 holds at 10k as well
    assert out.stat().st_size / 300 < 3000


def _prom_series(estate: Path, tmp_path: Path) -> dict[str, int]:
    from prometheus_client.parser import text_string_to_metric_families

    out = tmp_path / "m.prom"
    _audit(estate, "prometheus", out)
    return {fam.name: len(fam.samples)
            for fam in text_string_to_metric_families(out.read_text())}


def test_prometheus_cardinality_follows_problems_not_estate_size(
        estate: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    default = _prom_series(estate, tmp_path)
    assert default["drcheck_datasets"] == 2
    assert 0 < default["drcheck_dataset_score"] < 300  # only datasets that need attention
    assert default["drcheck_rule_findings"] <= 3 * 25  # bounded by rules x statuses
    monkeypatch.setenv("DRCHECK_PROMETHEUS_DATASETS", "all")
    everything = _prom_series(estate, tmp_path)
    assert everything["drcheck_dataset_score"] == 300
    assert everything["drcheck_newest_restore_point_age_seconds"] > \
        default["drcheck_newest_restore_point_age_seconds"]


def test_junit_of_the_generated_estate_validates(estate: Path, tmp_path: Path) -> None:
    import xmlschema

    out = tmp_path / "r.xml"
    _audit(estate, "junit", out)
    schema = xmlschema.XMLSchema(str(ROOT / "tests" / "schemas" / "junit-10.xsd"))
    assert [str(e.reason) for e in schema.iter_errors(str(out))] == []
