"""The JSON report is written as it is made (``evidence_refs.ModelIndex``, ``json_stream``)
and embeds the facts file's own compact document; every shortcut must give what the document
path gives: ``resolve`` over the snapshot document for every evidence id,
``jsontext.records`` for the layout, and facts that read back as the snapshot evaluated.
"""

from __future__ import annotations

import json
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from drcheck.facts.snapshot import snapshot_from_document, snapshot_to_dict
from drcheck.report.evidence_refs import ModelIndex, candidates, resolve, subject_index
from drcheck.report.fields import result_dict
from drcheck.report.json_report import JsonReporter
from drcheck.report.result_reader import facts_of
from drcheck.shared.json_stream import Encoded, write_records
from drcheck.shared.model import AuditResult, Evidence, Source
from tests.layout import records
from tests.report.conftest import audit

ROOT = Path(__file__).resolve().parents[2]
EXAMPLES = sorted(str(p.relative_to(ROOT)) for p in (ROOT / "examples").glob("*/estate.yaml"))
PACKS = ("sbg2", "3-2-1-1-0", "bsi-georedundancy")


@pytest.fixture(scope="module")
def generated(tmp_path_factory: pytest.TempPathFactory) -> AuditResult:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    path = tmp_path_factory.mktemp("gen") / "estate.yaml"
    path.write_text(generate(150, seed=3), encoding="utf-8")
    return audit(str(path), PACKS)


def _results(generated: AuditResult, rich_result: AuditResult) -> list[AuditResult]:
    return [generated, rich_result, *(audit(e, PACKS) for e in EXAMPLES)]


def _doc_path_id(item: dict[str, object], index: dict[str, dict[str, object]]) -> str | None:
    return next((i for i in candidates(item) if resolve(i, index) == item), None)


def test_embedded_facts_read_back_as_the_evaluated_snapshot(
        generated: AuditResult, rich_result: AuditResult) -> None:
    assert EXAMPLES  # the examples are found
    for result in _results(generated, rich_result):
        doc = json.loads(JsonReporter().render(result))
        assert facts_of(doc) == snapshot_to_dict(result.snapshot)


def test_facts_equal_in_python_but_not_in_json_stay_apart(rich_result: AuditResult) -> None:
    """``True`` and ``1`` are equal in Python, not in JSON: sharing facts by content must not
    turn one into the other."""
    snap = rich_result.snapshot
    first = snap.datasets[0]
    reps = first.replicas
    assert len(reps) >= 2
    true, one = (Evidence(v, Source.DECLARED, "x.yaml:1") for v in (True, 1))
    odd = [replace(r, facts={**r.facts, "flag": true if i % 2 else one,
                             "list": Evidence(["a"], Source.DECLARED, "@x:2")})
           for i, r in enumerate(reps)]
    dataset = replace(first, primary=odd[0], copies=tuple(odd[1:]))
    snapshot = replace(snap, datasets=(dataset, *snap.datasets[1:]))
    result = replace(rich_result, snapshot=snapshot)
    doc = json.loads(JsonReporter().render(result))
    back = snapshot_from_document(doc["facts"]).datasets[0].replicas
    flags = [r.facts["flag"].value for r in back]
    assert [type(v) for v in flags] == [int if i % 2 == 0 else bool for i in range(len(back))]
    assert flags == [1 if i % 2 == 0 else True for i in range(len(back))]


def test_every_evidence_id_is_the_one_the_document_resolves(
        generated: AuditResult, rich_result: AuditResult) -> None:
    checked = 0
    for result in _results(generated, rich_result):
        index = subject_index(snapshot_to_dict(result.snapshot))
        model = ModelIndex(result.snapshot)
        for f in result.findings:
            for e in f.evidence:
                item = {"subject": e.subject, "key": e.key, "value": e.value,
                        "source": e.source.value, "origin": e.origin,
                        "observed_at": e.observed_at}
                found = model.names((e.subject, e.key, e.value, e.source.value, e.origin,
                                     e.observed_at))
                assert found == _doc_path_id(item, index), item
                checked += 1
    assert checked > 1000


def test_streamed_report_is_the_records_layout_of_the_result_document(
        generated: AuditResult, rich_result: AuditResult) -> None:
    # the last: a fact orjson refuses (beyond 64 bits) makes the embedded datasets spooled
    # by the standard encoder instead, after a first attempt that stopped half way
    first = generated.snapshot.datasets[-1]
    big = replace(first.primary, facts={**first.primary.facts,
                                        "size_bytes": Evidence(2**70, Source.DECLARED, "x")})
    huge = replace(generated, snapshot=replace(
        generated.snapshot, datasets=(*generated.snapshot.datasets[:-1],
                                      replace(first, primary=big))))
    for result in (generated, rich_result, huge):
        assert JsonReporter().render(result) == records(result_dict(result))
    assert str(2**70) in JsonReporter().render(huge)


@pytest.mark.parametrize("doc", [
    {"a": [], "b": {}, "c": [1, {"x": [2]}], "d": {"e": ["s", "t\n"], "f": {"g": [1]}}},
    {"one": ["é", "a\"b"], "two": {"deep": {"deeper": []}}, "n": 2**70},
    [],
    {},
])
def test_stream_layout_matches_records(doc: object) -> None:
    out: list[bytes] = []
    write_records(doc, out.append)
    assert b"".join(out).decode() == records(doc)


def test_encoded_streams_lay_out_as_lists() -> None:
    doc = {"rows": [{"b": 1, "a": 2}, [3]], "none": [], "nest": {"rows": ["x", "y"]}}
    lazy = {"rows": Encoded.of(iter(doc["rows"])), "none": Encoded.of(iter([])),
            "nest": {"rows": Encoded.of(iter(["x", "y"]))}}
    out: list[bytes] = []
    write_records(lazy, out.append)
    assert b"".join(out).decode() == records(doc)
