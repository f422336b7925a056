"""The three examples end to end through the CLI: verdicts, messages, exit codes, determinism."""

from __future__ import annotations

import json
from pathlib import Path

from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.report.result_reader import facts_of, findings_of

ROOT = Path(__file__).resolve().parents[2]
EX = ROOT / "examples"
NOW = ["--now", "2026-11-23T06:00:00Z", "--offline"]


def run(*args: str) -> tuple[int, str, str]:
    result = CliRunner().invoke(app, [*args])
    return result.exit_code, result.stdout, result.stderr


def findings(*args: str) -> dict[str, dict[str, object]]:
    code, out, _ = run("audit", *args, "--format", "json", *NOW)
    return {f["rule_id"]: f for f in findings_of(json.loads(out))}


def test_ovh_sbg2_fails_naming_campus_sbg_and_exits_1() -> None:
    code, out, err = run("audit", str(EX / "ovh-sbg2" / "estate.yaml"), *NOW)
    assert code == 1, err
    assert "campus ovh-sbg" in out and "leaves no copy" in out
    assert err == ""
    by_rule = findings(str(EX / "ovh-sbg2" / "estate.yaml"))
    campus = by_rule["DR-SBG2-01"]
    assert campus["status"] == "fail" and campus["severity"] == "critical"
    assert campus["shared_domains"] == [{"kind": "campus", "id": "ovh-sbg", "replicas": [
        "db-1", "nightly-sbg1", "s3-sbg"]}]
    origins = {e["subject"]: (e["source"], e["origin"]) for e in campus["evidence"]}
    assert origins["customer-db/copy/s3-sbg"] == (
        "catalog", "catalog:ovh/s3/sbg via endpoint https://s3.sbg.io.cloud.ovh.net")
    source, origin = origins["customer-db/primary"]
    assert source == "catalog" and origin.startswith("catalog:ovh/datacenter/sbg2 via ")
    assert origin.endswith("ovh-sbg2/estate.yaml:15")


def test_georedundant_passes_every_pack_and_exits_0() -> None:
    estate = str(EX / "georedundant" / "estate.yaml")
    code, out, err = run("audit", estate, *NOW)
    assert code == 0, out + err
    for pack in ("sbg2", "3-2-1-1-0", "bsi-georedundancy"):
        statuses = {f["status"] for f in findings(estate, "-p", pack).values()}
        assert statuses == {"pass"}, pack


def test_paris_metro_fails_only_the_metro_rule() -> None:
    by_rule = findings(str(EX / "paris-metro" / "estate.yaml"), "-p",
                       str(EX / "paris-metro" / "policy.yaml"))
    assert {k: v["status"] for k, v in by_rule.items()} == {"PM-01": "pass", "PM-02": "fail"}
    assert "metro paris" in str(by_rule["PM-02"]["message"])


def test_json_output_is_byte_identical_across_runs_and_via_facts(tmp_path: Path) -> None:
    estate = str(EX / "ovh-sbg2" / "estate.yaml")
    first = run("audit", estate, "--format", "json", *NOW)[1]
    second = run("audit", estate, "--format", "json", *NOW)[1]
    assert first == second
    facts = tmp_path / "facts.json"
    facts.write_text(json.dumps(facts_of(json.loads(first))))
    code, again, _ = run("audit", "--facts", str(facts), "--format", "json", "--now",
                         "2026-11-23T06:00:00Z")
    assert code == 1
    assert again == first


def test_output_file_is_written_and_stdout_stays_empty(tmp_path: Path) -> None:
    target = tmp_path / "out" / "report.json"
    code, out, _ = run("audit", str(EX / "georedundant" / "estate.yaml"), "-f", "json", "-o",
                       str(target), *NOW)
    assert code == 0 and out == ""
    assert json.loads(target.read_text())["score"] == 100


def test_fail_on_raises_the_bar() -> None:
    estate = str(EX / "ovh-sbg2" / "estate.yaml")
    assert run("audit", estate, "--fail-on", "critical", *NOW)[0] == 1


def test_unknown_evidence_exits_3(tmp_path: Path) -> None:
    path = tmp_path / "estate.yaml"
    path.write_text("""apiVersion: drcheck/v1
kind: Estate
hosts:
  - {name: db, location: {provider: ovh, datacenter: GRA1}}
  - {name: mystery}
datasets:
  - name: d
    primary: {host: db}
    copies: [{host: mystery, facts: {newest_restore_point: 2026-11-23T00:00:00Z}}]
""")
    code, out, _ = run("audit", str(path), *NOW)
    assert code == 3, out
    assert "UNKNOWN" in out and "campus not known" in out


def test_schema_command_prints_every_schema() -> None:
    for kind in ("estate", "policy", "facts", "result"):
        code, out, _ = run("schema", kind)
        assert code == 0 and json.loads(out)["$schema"].endswith("2020-12/schema")
    code, _, err = run("schema", "nope")
    assert code == 2 and "one of: estate" in err
