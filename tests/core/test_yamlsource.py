"""The input reader: both YAML readers agree, hostile inputs are refused fast, errors point
at the cause in plain words."""

from __future__ import annotations

import os
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

import pytest

from drcheck.inputs.documents import Document, load_file, parse_text, read_input
from drcheck.inputs.yamlerrors import Limits, YamlProblem, limits_from_env
from drcheck.inputs.yamlevents import read_events
from drcheck.inputs.yamlfast import read_fast
from drcheck.inputs.yamlinline import Unsupported
from drcheck.shared.errors import ConfigError, UsageError
from tests.core.builders import all_paths

ROOT = Path(__file__).resolve().parents[2]
YAML_FILES = sorted([*ROOT.glob("examples/*/*.yaml"), *ROOT.glob("drcheck/packs/*.yaml"),
                     *ROOT.glob("tests/importers/fixtures/**/*.yml")])


@pytest.mark.parametrize("path", YAML_FILES, ids=lambda p: str(p.relative_to(ROOT)))
def test_fast_and_full_readers_agree_on_data_and_every_position(path: Path) -> None:
    text = path.read_text(encoding="utf-8")
    full = Document(str(path), *read_events(text, limits_from_env()))
    try:
        fast = Document(str(path), *read_fast(text, limits_from_env()))
    except Unsupported:  # outside the fast subset: the full reader alone reads it
        assert parse_text(text, str(path)).data == full.data
        return
    assert fast.data == full.data
    for p in all_paths(full.data):
        assert fast.line_of(p) == full.line_of(p), p


def test_generated_estate_is_read_by_the_fast_reader() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    text = generate(200, seed=3)
    data, marks = read_fast(text, limits_from_env())
    full = Document("e", *read_events(text, limits_from_env()))
    fast = Document("e", data, marks)
    assert fast.data == full.data
    for p in all_paths(full.data)[::7]:
        assert fast.line_of(p) == full.line_of(p), p


def _problem(text: str) -> str:
    with pytest.raises(ConfigError) as info:
        parse_text(text, "in.yaml")
    return str(info.value.problems[0])


def test_dedented_list_item_is_named_on_its_own_line_with_a_caret() -> None:
    text = ("datasets:\n  - name: a\n    copies:\n      - name: x\n        bucket: b\n"
            "     - name: y\n")
    message = _problem(text)
    assert message.startswith("in.yaml:6:6: bad indentation: this line starts at column 6")
    assert "    6 |      - name: y\n      |      ^" in message


def test_libyaml_errors_are_told_in_plain_words() -> None:
    assert "the file ends inside a value opened on line 1" in _problem("a: 'x\n")
    assert "quote the value if it contains ': '" in _problem("a: b: c\n")
    assert "not closed with ']'" in _problem("a: [1, 2\n")


def test_duplicate_keys_and_calendar_dates_are_errors_in_both_readers() -> None:
    assert "in.yaml:2:1: duplicate key 'a': already set on line 1" in _problem("a: 1\na: 2\n")
    assert "duplicate key 'a'" in _problem("x: &x 1\na: 1\na: *x\n")
    assert "is not a calendar date" in _problem("d: 2026-02-30\n")


def test_tags_construct_no_object() -> None:
    doc = parse_text("a: !!python/object/apply:os.system ['true']\nb: !Ref x\nc: !!int '3'\n",
                     "in.yaml")
    assert doc.data == {"a": ["true"], "b": "x", "c": 3}


def _timed_problem(text: str) -> tuple[float, str]:
    start = time.monotonic()
    message = _problem(text)
    return time.monotonic() - start, message


def test_billion_laughs_is_refused_fast() -> None:
    lines = ['a0: &a0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]']
    lines += [f"a{i}: &a{i} [" + ", ".join([f"*a{i - 1}"] * 9) + "]" for i in range(1, 10)]
    took, message = _timed_problem("\n".join(lines) + "\n")
    assert "aliases expand to more than" in message and message.startswith("in.yaml:")
    assert took < 2


def test_deep_nesting_is_refused_without_recursion_error() -> None:
    took, message = _timed_problem("a: " + "[" * 20000 + "]" * 20000 + "\n")
    assert "nested deeper than" in message and took < 2
    block = "".join(" " * i + "- \n" for i in range(0, 400, 2))
    assert "nested deeper than" in _problem(block)


def test_special_and_oversized_files_are_refused(tmp_path: Path) -> None:
    with pytest.raises(UsageError, match="not a regular file"):
        read_input("/dev/zero")
    fifo = tmp_path / "fifo"
    os.mkfifo(fifo)
    start = time.monotonic()
    with pytest.raises(UsageError, match="not a regular file"):
        read_input(fifo)
    assert time.monotonic() - start < 2
    big = tmp_path / "big.yaml"
    big.write_text("a: 1\n" * 300_000)
    env = {**os.environ, "DRCHECK_MAX_INPUT_MB": "1"}
    result = subprocess.run([sys.executable, "-m", "drcheck", "validate", str(big)],
                            capture_output=True, text=True, env=env, timeout=60)
    assert result.returncode == 2
    assert "more than the 1 MiB drcheck reads; raise the limit" in result.stderr


def test_many_keys_are_bounded() -> None:
    limits = Limits(max_bytes=1 << 20, max_entries=1000)
    text = "".join(f"k{i}: 1\n" for i in range(1001))
    with pytest.raises(YamlProblem, match="more than 1000 entries"):
        read_fast(text, limits)
    flow = "{" + ", ".join(f"k{i}: 1" for i in range(1001)) + "}\n"
    with pytest.raises(YamlProblem, match="more than 1000 values"):
        read_events(flow, limits)


def test_positions_survive_for_where_and_problem(tmp_path: Path) -> None:
    path = tmp_path / "e.yaml"
    path.write_text("kind: Estate\ndatasets:\n  - name: a\n    copies:\n    - {bucket: b}\n")
    doc = load_file(path)
    assert doc.where(("datasets", 0, "copies", 0, "bucket")) == f"{path}:5"
    assert doc.line_of(("datasets", 0, "copies", 0, "bucket")) == (5, 8)
    assert doc.line_of(("datasets", 0, "nothing", 3)) == (3, 5)
    assert doc.problem(("datasets", 0), "x").path == "$.datasets[0]"


WORDS = ["a", "b c", "yes", "no", "on", "1.0", "0x1F", "0o17", "1_000", "+1", "-1", ".5", "~",
         "null", "true", "False", "2026-11-23", "2026-11-23T01:15:00Z", "2026-1-5",
         "2026-11-23 01:15:00", "x#y", "http://a:b", "a: b", "- x", "#c", "'q'", '"d"', "",
         "é", "12:30", "1e3", ".inf", "name", "[x]", "{y}", "a,b", "*s", "&t", "!u", "%v"]


def _random_value(rng: Any, depth: int) -> Any:
    roll = rng.random()
    if depth > 3 or roll < 0.45:
        return rng.choice([*WORDS, 0, 7, -3, 1.5, True, None])
    if roll < 0.75:
        return {rng.choice(WORDS[:20] + ["k1", "k2", "k3"]): _random_value(rng, depth + 1)
                for _ in range(rng.randrange(1, 4))}
    return [_random_value(rng, depth + 1) for _ in range(rng.randrange(1, 4))]


def test_fast_reader_matches_libyaml_on_random_documents() -> None:
    import random

    import yaml

    rng = random.Random(12)
    fast_count = 0
    for i in range(1200):
        data = {f"root{i}": _random_value(rng, 0), "other": _random_value(rng, 1)}
        text = yaml.safe_dump(data, default_flow_style=rng.choice([False, None]),
                              sort_keys=False, allow_unicode=True, indent=rng.choice([2, 4]))
        full = Document("r", *read_events(text, limits_from_env()))
        try:
            fast = Document("r", *read_fast(text, limits_from_env()))
        except Unsupported:
            continue
        fast_count += 1
        assert fast.data == full.data, text
        for p in all_paths(full.data):
            assert fast.line_of(p) == full.line_of(p), (text, p)
    assert fast_count > 120  # a good share of them are in the fast subset
