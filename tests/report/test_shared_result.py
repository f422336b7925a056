"""The JSON report (result version 2) shares evidence instead of repeating it, and loses
nothing: every finding reads back whole, the embedded facts read back to the exact snapshot."""

from __future__ import annotations

import json
import subprocess
import sys
from dataclasses import replace
from pathlib import Path

import pytest
from jsonschema import Draft202012Validator

from drcheck.facts.assemble import build_snapshot
from drcheck.facts.shared_facts import expand_facts
from drcheck.facts.snapshot import (
    content_digest,
    load_snapshot,
    share_facts,
    snapshot_to_dict,
    snapshot_to_json,
)
from drcheck.facts.stored import stored_document
from drcheck.inputs.estate_check import load_estate
from drcheck.report.fields import finding_dict, lean_pass, result_dict
from drcheck.report.json_report import JsonReporter
from drcheck.report.result_reader import facts_of, findings_of
from drcheck.report.schema import result_schema
from drcheck.shared.model import AuditResult, Status
from tests.report.conftest import NOW, audit

ROOT = Path(__file__).resolve().parents[2]


def _generated(tmp_path: Path, n: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    path = tmp_path / "estate.yaml"
    path.write_text(generate(n, seed=11), encoding="utf-8")
    return path


def _whole(result: AuditResult) -> list[dict[str, object]]:
    out = []
    for f in result.findings:
        d = finding_dict(f)
        if f.status is Status.PASS:
            d["message"] = ""  # a passing finding keeps neither its message nor the
            d["evidence"] = []  # evidence (the facts it read are in the embedded snapshot)
        out.append(d)
    return out


def _key(d: dict[str, object]) -> str:
    return f"{d['policy']}/{d['rule_id']}/{d['dataset']}"


def test_every_finding_reads_back_whole(rich_result: AuditResult) -> None:
    doc = json.loads(JsonReporter().render(rich_result))
    assert doc["version"] == 2
    assert Draft202012Validator(result_schema()).is_valid(doc)
    expected = sorted(_whole(rich_result), key=_key)
    assert sorted(findings_of(doc), key=_key) == expected
    assert all(f["status"] != "pass" for f in doc["findings"])  # passes are listed by rule
    assert sum(map(len, doc["passed"].values())) == sum(map(lean_pass, rich_result.findings))


def test_generated_estate_round_trips_and_stays_lean(tmp_path: Path) -> None:
    estate = _generated(tmp_path, 200)
    result = audit(str(estate), ("sbg2", "3-2-1-1-0", "bsi-georedundancy"))
    doc = json.loads(JsonReporter().render(result))
    assert Draft202012Validator(result_schema()).is_valid(doc)
    facts = snapshot_to_dict(result.snapshot)
    assert facts_of(doc) == facts
    assert content_digest(facts_of(doc)) == doc["facts_digest"]
    assert sorted(findings_of(doc), key=_key) == sorted(_whole(result), key=_key)
    # a location is written once however many replicas live there
    assert len(doc["facts"]["locations"]) < sum(1 + len(d["copies"]) for d in facts["datasets"])
    # the rendering is deterministic
    assert JsonReporter().render(result) == JsonReporter().render(result)


@pytest.mark.parametrize("estate_path", ["dir/estate.yaml", "odd@dir/estate.yaml"])
def test_origins_with_at_signs_and_odd_paths_round_trip(tmp_path: Path,
                                                        estate_path: str) -> None:
    src = ROOT / "examples" / "ovh-sbg2" / "estate.yaml"
    target = tmp_path / estate_path
    target.parent.mkdir(parents=True)
    target.write_text(src.read_text(encoding="utf-8"), encoding="utf-8")
    doc = snapshot_to_dict(build_snapshot(load_estate(str(target)), [], NOW))
    first = doc["datasets"][0]
    first["origin"] = "@:literal @@ and @ " + first["origin"]  # text that looks like a mark
    first["primary"]["facts"]["x"] = {"value": 1, "source": "declared", "origin": "@",
                                      "observed_at": None, "reason": "why"}
    shared = share_facts(doc)
    assert shared["digest"] == content_digest(shared)  # the edited content's own digest
    assert expand_facts(shared) == {**doc, "digest": shared["digest"]}
    assert share_facts(expand_facts(shared)) == shared


def test_report_of_the_sample_is_smaller_than_its_v1_shape(rich_result: AuditResult) -> None:
    doc = result_dict(rich_result)
    v1_findings = len(json.dumps([finding_dict(f) for f in rich_result.findings]))
    assert len(json.dumps(doc["findings"])) + len(json.dumps(doc["passed"])) < v1_findings / 2


def test_result_document_written_before_facts_v3_still_reads() -> None:
    """A result document whose facts are in the shared form before version 3 (the golden
    report as it was then, kept as written) reads back to the snapshot the current report
    embeds, and its facts to the digest it recorded."""
    old = ROOT / "tests" / "report" / "fixtures" / "result-facts-v2.json"
    doc = json.loads(old.read_text(encoding="utf-8"))
    assert doc["facts"]["version"] == 2 and "shared" in doc["facts"]
    assert content_digest(facts_of(doc)) == doc["facts_digest"]
    current = load_snapshot(str(ROOT / "tests" / "golden" / "json" / "ovh-sbg2.json"))
    assert snapshot_to_dict(load_snapshot(str(old))) == snapshot_to_dict(current)


def _no_fresh_writing(*_args: object) -> None:
    raise AssertionError("the report wrote the facts anew")


def test_report_from_a_facts_file_embeds_its_lines_and_matches_a_fresh_writing(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A snapshot read from a file this version wrote embeds the file's dataset lines; the
    report is byte for byte the one written from the snapshot anew, and a file laid out any
    other way (same content, same digest) is written anew."""
    result = audit(str(_generated(tmp_path, 60)), ("sbg2", "3-2-1-1-0"))
    facts = tmp_path / "facts.json"
    facts.write_text(snapshot_to_json(result.snapshot), encoding="utf-8")
    assert stored_document(load_snapshot(str(facts))) is None  # kept only when asked
    loaded = load_snapshot(str(facts), keep_source=True)
    assert stored_document(loaded) is not None
    fresh = replace(result, snapshot=replace(loaded))  # a derived snapshot keeps no source
    assert stored_document(fresh.snapshot) is None
    expected = JsonReporter().render(fresh)
    with monkeypatch.context() as patched:  # the stored lines, not a new writing
        patched.setattr("drcheck.report.json_report.spooled_document", _no_fresh_writing)
        assert JsonReporter().render(replace(result, snapshot=loaded)) == expected
    # the same document indented otherwise: same digest, read fast, written anew
    facts.write_text(json.dumps(json.loads(facts.read_text()), indent=1), encoding="utf-8")
    other = load_snapshot(str(facts), keep_source=True)
    assert other == loaded and stored_document(other) is None
    assert JsonReporter().render(replace(result, snapshot=other)) == expected
    # one dataset or location line not in compact form: the whole document is written anew
    for first, spaced_out in (('    {"copies":', '    {"copies": '),
                              ('    "bucket:', '     "bucket:')):
        lines = snapshot_to_json(result.snapshot).splitlines()
        at = next(i for i, line in enumerate(lines) if line.startswith(first))
        lines[at] = lines[at].replace(first, spaced_out, 1)
        facts.write_text("\n".join(lines) + "\n", encoding="utf-8")
        spaced = load_snapshot(str(facts), keep_source=True)
        assert spaced == loaded and stored_document(spaced) is None
        assert JsonReporter().render(replace(result, snapshot=spaced)) == expected


def test_audit_of_a_facts_file_writes_the_report_an_audit_of_the_estate_writes(
        tmp_path: Path) -> None:
    """Whole processes, as a user runs them: the estate audited directly and through the
    facts file ``probe --offline`` wrote give the same JSON report, byte for byte (the one
    embeds the facts written anew, the other the facts file's own lines)."""
    estate = _generated(tmp_path, 80)
    now = ["--now", "2026-11-23T06:00:00Z"]
    packs = ["-p", "sbg2", "-p", "3-2-1-1-0", "-p", "bsi-georedundancy"]

    def drcheck(*args: str) -> None:
        done = subprocess.run([sys.executable, "-m", "drcheck", *args], capture_output=True,
                              text=True, timeout=120, check=False)
        assert done.returncode in (0, 1, 3), done.stderr

    drcheck("probe", "--offline", str(estate), "-o", str(tmp_path / "facts.json"), *now)
    drcheck("audit", "--offline", str(estate), *packs, "-f", "json",
            "-o", str(tmp_path / "direct.json"), *now)
    drcheck("audit", "--facts", str(tmp_path / "facts.json"), *packs, "-f", "json",
            "-o", str(tmp_path / "via-facts.json"), *now)
    direct = (tmp_path / "direct.json").read_bytes()
    assert json.loads(direct)["facts"]["datasets"]
    assert (tmp_path / "via-facts.json").read_bytes() == direct
