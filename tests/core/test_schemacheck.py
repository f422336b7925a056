"""The compiled schema check agrees with jsonschema: valid exactly when jsonschema finds no
error, on real documents and on many mutations of them."""

from __future__ import annotations

import copy
import random
from pathlib import Path
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from drcheck.cli.schemas import SCHEMAS
from drcheck.inputs.documents import load_file
from drcheck.inputs.schemacheck import compile_check

ROOT = Path(__file__).resolve().parents[2]
DOCS = [("estate", p) for p in sorted(ROOT.glob("examples/*/estate.yaml"))] + [
    ("policy", p) for p in sorted(ROOT.glob("drcheck/packs/*.yaml"))]
ODD_VALUES: list[Any] = [None, True, 0, -1, 1.5, "", "x y", "2026-13-45", [], {}, ["a"],
                         {"zz": 1}, 70000, "campus"]


def _spots(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    out = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            out += _spots(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += _spots(v, path + (i,))
    return out


def _mutate(data: Any, rng: random.Random) -> Any:
    doc = copy.deepcopy(data)
    path = rng.choice(_spots(doc)[1:])
    parent = doc
    for part in path[:-1]:
        parent = parent[part]
    action = rng.randrange(3)
    if action == 0:
        parent[path[-1]] = rng.choice(ODD_VALUES)
    elif action == 1 and isinstance(parent, dict):
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[rng.choice(["extra", "name", "kind", "host", "bucket"])] = rng.choice(ODD_VALUES)
    return doc


@pytest.mark.parametrize(("kind", "path"), DOCS, ids=lambda x: getattr(x, "name", x))
def test_compiled_check_agrees_with_jsonschema(kind: str, path: Path) -> None:
    schema = SCHEMAS[kind]()
    check, validator = compile_check(schema), Draft202012Validator(schema)
    data = load_file(path).data
    assert check(data) and not list(validator.iter_errors(data))
    rng = random.Random(path.name)
    for _ in range(300):
        mutated = _mutate(data, rng)
        assert check(mutated) == (not list(validator.iter_errors(mutated))), mutated
