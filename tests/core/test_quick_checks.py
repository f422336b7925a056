"""The quick checks a valid document goes through answer as the slow ones: the one-walk scan
(numbers, nesting, timestamp texts), the compiled type lists and references."""

from __future__ import annotations

import math
import random
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from drcheck.inputs.bounds import MAX_DEPTH, _walk, scan
from drcheck.inputs.documents import parse_text
from drcheck.inputs.estate_check import check_estate
from drcheck.inputs.schemacheck import compile_check
from drcheck.inputs.validation import TIME_KEYS, _stamps

LEAVES: list[Any] = [1, "x", None, True, 2.5, float("nan"), float("inf"), [], {},
                     "2026-11-23", {"value": "2026-01-01"}, {"value": 3}]


def _tree(rng: random.Random, depth: int) -> Any:
    if depth <= 0 or rng.random() < 0.3:
        return rng.choice(LEAVES)
    keys = ["a", "b", *TIME_KEYS]
    if rng.random() < 0.6:
        return {rng.choice(keys): _tree(rng, depth - 1) for _ in range(rng.randrange(1, 4))}
    return [_tree(rng, depth - 1) for _ in range(rng.randrange(1, 3))]


def _deep(depth: int, leaf: Any) -> Any:
    node = leaf
    for _ in range(depth):
        node = {"n": node}
    return node


def _slow_clean(data: Any) -> bool:
    for path, value in _walk(data):
        if len(path) > MAX_DEPTH or (isinstance(value, float) and not math.isfinite(value)):
            return False
    return True


@pytest.mark.parametrize("seed", range(6))
def test_scan_answers_as_the_path_walk_and_finds_every_stamp(seed: int) -> None:
    rng = random.Random(seed)
    for _ in range(400):
        data = _tree(rng, rng.randrange(1, 6))
        if rng.random() < 0.1:
            data = _deep(rng.choice([MAX_DEPTH - 1, MAX_DEPTH, MAX_DEPTH + 1]),
                         rng.choice(LEAVES))
        clean, stamps = scan(data, TIME_KEYS)
        assert clean == _slow_clean(data), data
        if clean:
            assert stamps >= _stamps(data, TIME_KEYS), data


@pytest.mark.parametrize("names", [["string", "number", "boolean"], ["integer", "null"],
                                   ["number", "string"], ["boolean", "integer"],
                                   ["object", "array"], ["integer", "string"]])
def test_type_lists_agree_with_jsonschema(names: list[str]) -> None:
    schema = {"type": names}
    check, validator = compile_check(schema), Draft202012Validator(schema)
    for value in [0, 1, -3, 2.5, True, False, None, "", "x", [], {}, [1], {"a": 1}]:
        assert check(value) == validator.is_valid(value), value


def test_undeclared_replicas_are_named_in_order_once_any_is_found() -> None:
    text = ("apiVersion: drcheck/v1\nkind: Estate\nhosts:\n  - name: h\nbuckets:\n"
            "  - name: b\ndatasets:\n  - name: ok\n    primary: {host: h, path: /x}\n"
            "    copies:\n      - {bucket: b}\n  - name: bad\n    primary: {host: nope, path: /y}\n"
            "    copies:\n      - {bucket: b}\n      - {bucket: gone}\n      - {host: h}\n")
    problems = check_estate(parse_text(text, "e.yaml"))
    assert [(p.line, p.path) for p in problems] == [
        (13, "$.datasets[1].primary.host"), (16, "$.datasets[1].copies[1].bucket")]
    assert "bucket 'gone' is not declared under buckets (declared: b)" in problems[1].message


def test_a_location_repeated_on_many_hosts_is_warned_at_each() -> None:
    from drcheck.inputs.catalog_check import catalog_warnings

    hosts = "".join(f"  - name: h{i}\n    location: {{provider: ovh, datacenter: {dc}}}\n"
                    for i, dc in enumerate(["SBG9", "GRA2", "SBG9", "SBG9"]))
    text = f"apiVersion: drcheck/v1\nkind: Estate\nhosts:\n{hosts}datasets: []\n"
    warnings = catalog_warnings(parse_text(text, "e.yaml"))
    assert [(w.line, w.path) for w in warnings] == [
        (5, "$.hosts[0].location.datacenter"), (9, "$.hosts[2].location.datacenter"),
        (11, "$.hosts[3].location.datacenter")]
    assert len({w.message for w in warnings}) == 1 and "'SBG9'" in warnings[0].message


def test_a_file_digest_is_that_of_its_text(tmp_path: Any) -> None:
    import hashlib

    from drcheck.inputs.documents import load_file

    text = "\ufeffa: é\nb: [1, 2]\n"
    path = tmp_path / "d.yaml"
    path.write_bytes(text.encode("utf-8"))
    doc = load_file(path)
    assert doc.digest == parse_text(text, str(path)).digest == hashlib.sha256(
        text.encode("utf-8")).hexdigest()
    assert doc.data == {"a": "é", "b": [1, 2]}
