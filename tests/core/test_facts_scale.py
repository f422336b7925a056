"""Facts file version 3 at scale: size per dataset, the fast reader, the schema it obeys."""

from __future__ import annotations

import io
import json
import sys
from dataclasses import replace
from pathlib import Path

import orjson
from jsonschema import Draft202012Validator

from drcheck.facts import reader
from drcheck.facts.assemble import build_snapshot
from drcheck.facts.compact import canonical_digest, spooled_document
from drcheck.facts.schema import FACTS_SCHEMA
from drcheck.facts.snapshot import (
    load_snapshot,
    share_facts,
    snapshot_to_dict,
    snapshot_to_document,
    snapshot_to_json,
)
from drcheck.inputs.estate_check import load_estate
from drcheck.shared.json_stream import Spooled
from drcheck.shared.model import Evidence, Snapshot, Source
from tests.core.builders import NOW
from tests.layout import records

ROOT = Path(__file__).resolve().parents[2]
DATASETS = 400


def _generated(tmp_path: Path, n: int) -> Path:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    path = tmp_path / "estate.yaml"
    path.write_text(generate(n, seed=7), encoding="utf-8")
    return path


def test_generated_facts_file_is_small_valid_and_read_fast(tmp_path: Path) -> None:
    snap = build_snapshot(load_estate(str(_generated(tmp_path, DATASETS))), [], NOW)
    text = snapshot_to_json(snap)
    raw = text.encode("utf-8")
    whole = json.dumps(snapshot_to_dict(snap), indent=2)
    # version 2 wrote ~12.8 KB per dataset; the compact form stays under 2 KB
    assert len(raw) / DATASETS < 2000, len(raw) / DATASETS
    assert len(raw) * 5 < len(whole)
    doc = json.loads(text)
    Draft202012Validator(FACTS_SCHEMA).validate(doc)
    # the typed reader accepts what drcheck wrote (no fall-back to the slow checks) ...
    fast = reader.read(orjson.loads(raw))
    assert fast == snap
    # ... and the file reads back to the same snapshot and the same bytes
    path = tmp_path / "facts.json"
    path.write_bytes(raw)
    again = load_snapshot(str(path))
    assert again == snap and snapshot_to_json(again) == text
    # the whole form converts to the same document
    assert share_facts(snapshot_to_dict(snap)) == snapshot_to_document(snap)


def test_reader_refuses_what_the_schema_refuses(tmp_path: Path) -> None:
    snap = build_snapshot(load_estate(str(_generated(tmp_path, 20))), [], NOW)
    base = snapshot_to_document(snap)
    asset = base["datasets"][0]["primary"]["asset"]
    edits = [
        lambda d: d["datasets"][0]["primary"].update(role="tertiary"),
        lambda d: d["datasets"][0]["primary"].update(extra=1),
        lambda d: d["datasets"][0]["labels"].update(tier=3),
        lambda d: d["locations"][asset]["claims"][0].update(kind="galaxy"),
        lambda d: d["locations"][asset]["claims"][0].update(uncertain="no"),
        lambda d: d["datasets"][0]["facts"].update(x={"value": [1], "origin": "o"}),
        lambda d: d["datasets"][0]["facts"].update(x="F1"),
        lambda d: d["datasets"][0]["primary"]["facts"].update(x="F99999"),
        lambda d: d["datasets"][0]["primary"].update(location="nowhere"),
        lambda d: d.update(version=True),
        lambda d: d.update(extra=1),
        lambda d: d["datasets"][0]["facts"].update(
            newest_restore_point={"value": "2026-02-30", "origin": "o"}),
    ]
    for edit in edits:
        doc = json.loads(json.dumps(base))
        edit(doc)
        try:
            reader.read(doc)
        except reader.Refused:
            continue
        raise AssertionError(f"the fast reader accepted {doc['datasets'][0]}")


def _spooled(s: Snapshot) -> tuple[dict[str, object], list[bytes]]:
    """``spooled_document(s)``: its fields, and the records its spool was given."""
    body = io.BytesIO()
    spool = Spooled(body, 0)
    head = spooled_document(s, spool)
    assert head["datasets"] is spool
    spool.flush()
    lines = body.getvalue().split(b",\n  ") if spool.count else []
    return {k: v for k, v in head.items() if k != "datasets"}, [line.strip() for line in lines]


def test_spooled_document_is_the_document_with_its_datasets_encoded(tmp_path: Path) -> None:
    """The streaming writers' form: same fields, each dataset its compact record, same digest
    (hashed part by part), also when orjson refuses a value (an integer beyond 64 bits)."""
    snap = build_snapshot(load_estate(str(_generated(tmp_path, 40))), [], NOW)
    first = snap.datasets[0]
    big = replace(first.primary, facts={**first.primary.facts,
                                        "size_bytes": Evidence(2**70, Source.DECLARED, "x")})
    for s in (snap, replace(snap, datasets=(replace(first, primary=big), *snap.datasets[1:]))):
        whole = snapshot_to_document(replace(s))  # a fresh snapshot: no digest cached
        head, lines = _spooled(replace(s))
        assert head == {k: v for k, v in whole.items() if k != "datasets"}
        assert [json.loads(line) for line in lines] == whole["datasets"]
        # the first snapshot hashed part by part, the second by the standard encoder
        assert head["digest"] == canonical_digest(whole)
        assert snapshot_to_json(replace(s)) == records(whole)
