"""The quick paths of estate reading give exactly the answers of the thorough ones: origins
read off the position tree, the path-free walks over clean documents, the collector held off
while reading, and the generated benchmark estate that the catalog knows in full."""

from __future__ import annotations

import gc
import json
import math
import sys
from pathlib import Path
from typing import Any

import pytest

from drcheck.inputs.bounds import MAX_DEPTH, _walk, tree_problems
from drcheck.inputs.catalog_check import catalog_warnings
from drcheck.inputs.documents import Document, parse_text, paused_gc, sub_marks
from drcheck.inputs.estate import parse_estate
from drcheck.inputs.estate_check import check_estate
from drcheck.inputs.validation import time_problems
from drcheck.inputs.yamlerrors import limits_from_env
from drcheck.inputs.yamlevents import read_events
from drcheck.inputs.yamlfast import read_fast
from drcheck.shared.errors import Problem
from tests.core.builders import all_paths

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "benchmarks"))
from gen_estate import CATALOG, _locations, generate  # noqa: E402


def _marks_of(doc: Document, path: tuple[Any, ...]) -> Any:
    marks = doc.marks
    for part in path:
        marks = sub_marks(marks, part)
    return marks


ODD_YAML = """kind: Estate
datasets:
  - name: a
    primary: {host: h, path: /x}
    copies:
    - name: c
      bucket: b
      facts:
        newest_restore_point: 2026-11-23T01:00:00Z
organisation:
  contacts:
    - {role: dpo, email: dpo@example.org, phone: +33 1}
"""


@pytest.mark.parametrize("reader", [read_fast, read_events], ids=["fast", "libyaml"])
def test_origins_from_the_position_tree_equal_where_of_the_path(reader: Any) -> None:
    text = generate(60, seed=5) + ODD_YAML.replace("kind: Estate\n", "extra:\n  k: 1\n").replace(
        "datasets:", "more:")
    doc = Document("e.yaml", *reader(text, limits_from_env()))
    paths = all_paths(doc.data)
    assert len(paths) > 1500
    for path in paths:
        assert doc.where_at(_marks_of(doc, path)) == doc.where(path), path
    # children that do not exist answer with the nearest ancestor, like line_of
    for path in [("datasets", 0, "nothing"), ("datasets", 0, "copies", 99, "name"),
                 ("datasets", "x"), ("metadata", 3), ("nowhere", 0, "deeper")]:
        assert doc.where_at(_marks_of(doc, path)) == doc.where(path), path
    bare = Document("b.yaml", {"datasets": []})
    assert bare.where_at(_marks_of(bare, ("datasets", 0))) == "b.yaml" == bare.where(
        ("datasets", 0))


def test_parsed_estate_origins_name_the_lines_of_the_declarations() -> None:
    text = generate(40, seed=8)
    doc = parse_text(text, "g.yaml")
    assert check_estate(doc) == []
    estate = parse_estate(doc)
    lines = text.split("\n")
    for i, ds in enumerate(estate.datasets):
        assert ds.origin == doc.where(("datasets", i))
        assert lines[int(ds.origin.split(":")[1]) - 1].strip() == f"- name: {ds.name}"
        for j, copy in enumerate(ds.copies):
            assert copy.origin == doc.where(("datasets", i, "copies", j))
            for key, evidence in copy.facts.items():
                at = doc.where(("datasets", i, "copies", j, "facts", key))
                assert evidence.origin == at
                assert lines[int(at.split(":")[1]) - 1].strip().startswith(f"{key}: ")
    for k, host in enumerate(estate.hosts):
        assert host.location is not None
        for name in host.location.fields:
            assert host.location.origin_of(name) == doc.where(("hosts", k, "location", name))


def _nested(depth: int, leaf: Any) -> Any:
    value = leaf
    for i in range(depth):
        value = [value] if i % 2 else {"k": value}
    return value


def _slow_tree_problems(data: Any) -> list[str]:
    """What tree_problems found before its quick walk: every path, checked one by one."""
    found = []
    for path, value in _walk(data):
        if len(path) > MAX_DEPTH:
            found.append(f"{path[:MAX_DEPTH]} deep")
            break
        if isinstance(value, float) and not math.isfinite(value):
            found.append(f"{path} {value!r}")
    return found


@pytest.mark.parametrize("depth", [MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1, MAX_DEPTH + 2])
@pytest.mark.parametrize("leaf", [1, "x", [], {}, float("nan"), float("-inf"), 2.5])
def test_quick_tree_walk_finds_what_the_path_walk_finds(depth: int, leaf: Any) -> None:
    data = {"a": [1, {"b": 2.0}], "deep": _nested(depth, leaf)}

    def make(path: tuple[Any, ...], message: str) -> Problem:
        return Problem("d", None, None, str(path), message)

    got = [f"{p.path} {'deep' if 'nested' in p.message else p.message.split()[0]}"
           for p in tree_problems(data, make)]
    assert got == _slow_tree_problems(data)


def test_quick_tree_walk_on_scalars_and_many_problems() -> None:
    def make(path: tuple[Any, ...], message: str) -> Problem:
        return Problem("d", None, None, str(path), message)

    assert [p.message for p in tree_problems(float("inf"), make)] == [
        "inf is not a finite number"]
    assert tree_problems(3, make) == [] and tree_problems([], make) == []
    assert len(tree_problems([float("nan")] * 500, make)) == 50


def test_time_problems_are_found_once_per_text_and_pinned_to_each_place() -> None:
    text = ("kind: Estate\nfacts:\n  last_restore_test: 2026-11-01\nother:\n"
            "  - newest_restore_point: '2026-02-30'\n  - newest_restore_point: '2026-02-30'\n"
            "  - newest_restore_point: {value: '1960-01-01', source: x}\n")
    problems = time_problems(parse_text(text, "t.yaml"))
    assert [(p.line, p.path) for p in problems] == [
        (5, "$.other[0].newest_restore_point"), (6, "$.other[1].newest_restore_point"),
        (7, "$.other[2].newest_restore_point.value")]
    assert time_problems(parse_text("a:\n  newest_restore_point: 2026-01-01\n", "t")) == []


def test_paused_gc_restores_the_collector_as_it_found_it() -> None:
    assert gc.isenabled()
    with paused_gc():
        assert not gc.isenabled()
        with paused_gc():
            assert not gc.isenabled()
        assert not gc.isenabled()
    assert gc.isenabled()
    with pytest.raises(ValueError), paused_gc():
        raise ValueError("boom")
    assert gc.isenabled()
    gc.disable()
    try:
        with paused_gc():
            pass
        assert not gc.isenabled()
    finally:
        gc.enable()


def test_every_location_of_the_generated_estate_is_in_the_catalog() -> None:
    entries = json.loads(CATALOG.read_text(encoding="utf-8"))["entries"]
    locations = _locations(entries)
    assert {"provider": "scaleway", "region": "dedibox:dc2"} in locations
    lines = ["apiVersion: drcheck/v1", "kind: Estate", "hosts:"]
    for i, loc in enumerate(locations):
        lines += [f"  - name: h{i}", "    probe: false", "    location:"]
        lines += [f"      {k}: {v}" for k, v in loc.items()]
    lines += ["datasets:", "  - name: d", "    primary: {host: h0, path: /x}"]
    doc = parse_text("\n".join(lines) + "\n", "loc.yaml")
    assert check_estate(doc) == []
    assert [str(w) for w in catalog_warnings(doc)] == []


def test_flow_mapping_with_at_signs_is_read_fast_and_a_leading_one_is_not() -> None:
    text = "contacts:\n  - {role: dpo, email: dpo@example.org, x: a&b*c!d%e}\n"
    data, _ = read_fast(text, limits_from_env())
    assert data == read_events(text, limits_from_env())[0]
    assert data["contacts"][0]["email"] == "dpo@example.org"
    with pytest.raises(Exception, match="@"):
        parse_text("contacts:\n  - {email: @example.org}\n", "at.yaml")


EXCLUSIVE = {"oneOf": [
    {"required": [k], "not": {"anyOf": [{"required": [o]} for o in "abc" if o != k]}}
    for k in "abc"]}
NEAR_MISSES = [
    {"oneOf": [{"required": ["a"], "not": {"anyOf": [{"required": ["b"]}]}},
               {"required": ["b"], "not": {"anyOf": [{"required": ["c"]}]}}]},
    {"oneOf": [{"required": ["a"]}, {"required": ["b"]}]},
    {"oneOf": [{"required": ["a"], "not": {"anyOf": [{"required": ["b"]}]}},
               {"required": ["b"], "not": {"anyOf": [{"required": ["a"]}]}},
               {"type": "object"}]},
    {"oneOf": [{"type": "string"}, {"type": "string", "minLength": 2}, {"const": 1}]},
]


@pytest.mark.parametrize("schema", [EXCLUSIVE, *NEAR_MISSES])
def test_one_of_shortcuts_agree_with_jsonschema(schema: dict[str, Any]) -> None:
    from jsonschema import Draft202012Validator

    from drcheck.inputs.schemacheck import _exclusive_keys, compile_check

    assert (_exclusive_keys(schema["oneOf"]) is not None) == (schema is EXCLUSIVE)
    check = compile_check(schema)
    validator = Draft202012Validator(schema)
    values: list[Any] = [None, 1, "x", "xy", [], ["a"], {}, {"z": 1}]
    values += [dict.fromkeys(keys, 1) for keys in ("a", "b", "c", "ab", "ac", "bc", "abc", "az")]
    for value in values:
        assert check(value) == validator.is_valid(value), value


def test_an_in_process_audit_leaves_the_collector_alone(tmp_path: Path) -> None:
    from datetime import datetime, timezone

    from drcheck.cli.common import gather
    from drcheck.shared.gcpause import is_own_process

    estate = tmp_path / "estate.yaml"
    estate.write_text(generate(20, seed=2), encoding="utf-8")
    frozen = gc.get_freeze_count()
    got = gather(estate, None, True, datetime(2026, 11, 23, tzinfo=timezone.utc))
    assert got.estate == "bench-20" and not is_own_process()
    assert gc.get_freeze_count() == frozen and gc.isenabled()
