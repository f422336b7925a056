"""The fast reader's line shapes and quick paths: on estates bent in every small way, whatever
it reads is what libyaml reads (data and every position), and what it refuses is refused."""

from __future__ import annotations

import random
import sys
from pathlib import Path
from typing import Any

import pytest

from drcheck.inputs.documents import Document, parse_text
from drcheck.inputs.yamlerrors import Limits, YamlProblem, limits_from_env
from drcheck.inputs.yamlevents import read_events
from drcheck.inputs.yamlfast import _SHAPE_CACHE, Unsupported, read_fast
from drcheck.shared.errors import ConfigError
from tests.core.builders import all_paths

ROOT = Path(__file__).resolve().parents[2]

PIECES = ["- ", "-", "  ", " ", "#", " # c", ": ", ":", "'", '"', "{", "}", "[", "]", ",",
          "---", "a: b", "- a: b", "x", "1", ".inf", "null", "true", "~", "&a", "*a", "k:",
          "{a: b, c: d}", "{a: b, a: c}", "{a: b c, d: e}", "{a: b,c: d}", "{ a: b }",
          "{a: true}", "{a:b}", "{a: b #c}", "{a: /x, b: y-1}", "{a: 1}", "[1, x]", "é",
          "a:b", "@x", "'q''q'", "2026-11-23T01:15:00Z", "2026-02-30"]


def _mutated(rng: random.Random, lines: list[str]) -> list[str]:
    """``lines`` with one to three small edits: indentation, dashes, keys, values, comments."""
    lines = list(lines)
    for _ in range(rng.randrange(1, 4)):
        i = rng.randrange(len(lines))
        line = lines[i]
        indent = len(line) - len(line.lstrip(" "))
        edit = rng.randrange(7)
        if edit == 0:
            lines[i] = " " * rng.choice([1, 2, 4]) + line
        elif edit == 1:
            lines[i] = line[rng.choice([1, 2]):] if line.startswith("  ") else line
        elif edit == 2:
            lines.insert(i, rng.choice([line, "", "# c: d", "   ", "  # x: y"]))
        elif edit == 3:
            lines[i] = line + rng.choice([" ", "  ", " # c", ":", ": x"])
        elif edit == 4:
            at = rng.randrange(len(line) + 1)
            lines[i] = line[:at] + rng.choice(PIECES) + line[at:]
        elif edit == 5:
            key = line.partition(": ")[0]
            lines[i] = key + ": " + rng.choice([*PIECES, "", " v", "v "])
        else:
            body = line.lstrip(" ")
            lines[i] = " " * indent + (body[2:] if body.startswith("- ") else "- " + body)
    return lines


def _outcome(reader: Any, text: str, limits: Limits) -> tuple[Any, ...]:
    try:
        data, marks = reader(text, limits)
    except Unsupported:
        return ("unsupported",)
    except YamlProblem as exc:
        return ("refused", exc.message)
    except Exception as exc:  # libyaml's own syntax errors; from the fast reader, a bug
        if reader is read_fast:
            raise
        return ("refused", type(exc).__name__)
    doc = Document("e", data, marks)
    return ("read", data, [doc.line_of(p) for p in all_paths(data)])


def test_bent_estates_read_fast_are_read_alike_by_libyaml() -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    lines = generate(4, seed=5).split("\n")
    rng = random.Random(7)
    limits = limits_from_env()
    read = 0
    for _ in range(1500):
        text = "\n".join(_mutated(rng, lines))
        fast = _outcome(read_fast, text, limits)
        if fast[0] == "unsupported":
            continue
        full = _outcome(read_events, text, limits)
        if fast[0] == "read":
            read += 1
            assert full == fast, text
        else:  # what the fast reader refuses, the full reader refuses too
            assert full[0] == "refused", (text, fast)
    assert read > 300  # most bent estates stay in the fast subset


def test_a_line_shape_means_the_same_in_every_place_it_appears() -> None:
    text = ("a:\n  b: 1\n  c:\n    b: x y\n  - z\n")  # '  b' closes c's block, then a list
    with pytest.raises(ConfigError):
        parse_text(text, "s.yaml")
    text = ("items:\n- name: a\n  facts: {k: v, w: x}\n- name: b\n  facts:\n    k: v\n"
            "    w: x # note: x\n# name: c\nother:\n  true: 1\n  1: 2\n  k  : spaced\n")
    data, marks = read_fast(text, limits_from_env())
    full = Document("s", *read_events(text, limits_from_env()))
    assert data == full.data == {
        "items": [{"name": "a", "facts": {"k": "v", "w": "x"}},
                  {"name": "b", "facts": {"k": "v", "w": "x"}}],
        "other": {"True": 1, "1": 2, "k": "spaced"}}
    fast = Document("s", data, marks)
    assert [fast.line_of(p) for p in all_paths(data)] == [
        full.line_of(p) for p in all_paths(data)]


def test_shapes_beyond_the_cache_are_still_read() -> None:
    keys = [f"k{i:05d}" for i in range(_SHAPE_CACHE + 50)]
    text = "".join(f"# {k}: comment\n{k}: {i}\n" for i, k in enumerate(keys))
    text += "k00003: again\n"
    with pytest.raises(YamlProblem, match="duplicate key 'k00003'"):
        read_fast(text, limits_from_env())
    data, _ = read_fast(text[:text.rindex("k00003")], limits_from_env())
    assert list(data) == keys and data[keys[-1]] == len(keys) - 1


def test_words_and_cached_values_keep_their_meaning() -> None:
    text = "".join(f"k{i}: {v}\n" for i, v in enumerate(
        ["null", "true", "True", "x", "x", "/p", "a b", "1", "1", "2026-11-23", "x ", "~",
         "a #c", "a#c", "_u", "Null"]))
    data, _ = read_fast(text, limits_from_env())
    assert list(data.values()) == [None, True, True, "x", "x", "/p", "a b", 1, 1,
                                   "2026-11-23", "x", None, "a", "a#c", "_u", None]
