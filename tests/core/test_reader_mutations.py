"""The fast facts reader against the full checks, one edited value at a time.

``facts.reader.read`` builds the snapshot while it checks the document, field by field and
without the JSON Schema. Whatever it accepts, the full checks (schema, references, sanity)
must accept too, and the snapshot must be the one the slow way (``expand`` then
``snapshot_from_dict``) builds; whatever else it refuses (the full checks then word why).
Each case edits one value of a generated document: replaced by a value of another type, an
out-of-range number or a bad timestamp, removed, or given an unexpected sibling key.
"""

from __future__ import annotations

import copy
import json
import random
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from drcheck.facts import reader
from drcheck.facts.assemble import build_snapshot
from drcheck.facts.compact import expand
from drcheck.facts.snapshot import facts_problems, snapshot_from_dict, snapshot_to_document
from drcheck.inputs.documents import Document
from drcheck.inputs.estate_check import load_estate
from tests.core.builders import NOW

ROOT = Path(__file__).resolve().parents[2]
VALUES: list[Any] = [None, 0, 1, 1.5, True, False, "", "x", "copy", "primary", "host",
                     "F1", "@@x", "@:1", "2026-02-30T00:00:00Z", "2026-01-01", [], {}, [1],
                     {"value": 1}, 2.0 ** 70, -1000, 91, float("nan")]
KEYS = ["zz", "value", "source", "kind", "origin", "uncertain", "reason", "observed_at",
        "location", "id", "role", "name", "path", "lat"]


def _document(tmp_path: Path) -> dict[str, Any]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    estate = tmp_path / "estate@home.yaml"  # an "@" in the estate path: origins keep "@@"
    estate.write_text(generate(6, seed=3), encoding="utf-8")
    doc = snapshot_to_document(build_snapshot(load_estate(str(estate)), [], NOW))
    return dict(json.loads(json.dumps(doc)))  # as a file gives it: plain JSON types


def _paths(value: Any, at: tuple[Any, ...] = ()) -> Iterator[tuple[Any, ...]]:
    yield at
    items = value.items() if isinstance(value, dict) else enumerate(value) \
        if isinstance(value, list) else ()
    for key, item in items:
        yield from _paths(item, (*at, key))


def _edited(doc: dict[str, Any], path: tuple[Any, ...], rng: random.Random) -> Any:
    """A copy of ``doc`` with the value at ``path`` edited one way, or None."""
    out = copy.deepcopy(doc)
    parent = out
    for key in path[:-1]:
        parent = parent[key]
    action = rng.choice(("set", "set", "drop", "add"))
    if action == "set":
        parent[path[-1]] = rng.choice(VALUES)
    elif action == "drop":
        del parent[path[-1]]
    elif isinstance(parent[path[-1]], dict):
        parent[path[-1]][rng.choice(KEYS)] = rng.choice(VALUES)
    else:
        return None
    return out


def test_fast_reader_accepts_only_what_the_full_checks_accept(tmp_path: Path) -> None:
    doc = _document(tmp_path)
    assert reader.read(copy.deepcopy(doc)) == snapshot_from_dict(expand(copy.deepcopy(doc)))
    paths = [p for p in _paths(doc) if p and p[0] in ("datasets", "locations", "shared")]
    rng = random.Random(12)
    accepted = refused = 0
    for path in rng.sample(paths, min(len(paths), 700)):
        edited = _edited(doc, path, rng)
        if edited is None:
            continue
        try:
            fast = reader.read(copy.deepcopy(edited))
        except reader.Refused:
            refused += 1
            continue
        accepted += 1
        assert facts_problems(Document("facts.json", edited)) == [], path
        assert fast == snapshot_from_dict(expand(edited)), path
    assert accepted > 50 and refused > 200, (accepted, refused)


@pytest.mark.parametrize("estate", [None, "plain.yaml", "a@b.yaml"])
def test_origin_expander_matches_full(estate: str | None) -> None:
    from drcheck.facts.compact import Origins

    origins = Origins({"estate": estate} if estate else {})
    expand_origin = origins.expander()
    for text in ["", "x", "@:12", "@@:3", "catalog:ovh via @:4", "@@@:5", "a@b", "@:1 @:2",
                 "@@", "@"]:
        assert expand_origin(text) == origins.full(text), text
        assert origins.full(origins.short(text)) == text or origins.estate is None
