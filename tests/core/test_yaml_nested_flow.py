"""One-line flow collections inside flow collections, read by the fast reader as libyaml reads
them: data, types and every position (``repr`` tells 1 from 1.0 from True), or left to it.

The shipped packs and examples are written that way (``params: {kinds: [campus]}``,
``location: {provider: ovh, datacenter: GRA1}``), so they must all stay on the fast path.
"""

from __future__ import annotations

import random
from pathlib import Path
from typing import Any

import pytest

from drcheck.inputs.yamlerrors import Limits, YamlProblem, limits_from_env
from drcheck.inputs.yamlevents import read_events
from drcheck.inputs.yamlfast import Unsupported, read_fast
from tests.core.test_yamlfast_shapes import _mutated

ROOT = Path(__file__).resolve().parents[2]
LIMITS = limits_from_env()
SHIPPED = sorted([*(ROOT / "drcheck" / "packs").glob("*.yaml"),
                  *(ROOT / "examples").glob("*/*.yaml")])


def _outcome(reader: Any, text: str, limits: Limits = LIMITS) -> tuple[str, str]:
    try:
        return "read", repr(reader(text, limits))
    except Unsupported:
        return "unsupported", ""
    except YamlProblem as exc:
        return "refused", exc.message
    except Exception as exc:  # libyaml's own syntax errors; from the fast reader, a bug
        if reader is read_fast:
            raise
        return "refused", type(exc).__name__


def _alike(text: str) -> str:
    """How the fast reader took ``text``; asserts it took it as libyaml does."""
    fast = _outcome(read_fast, text)
    if fast[0] == "read":
        assert _outcome(read_events, text) == fast, text
    elif fast[0] == "refused":  # what the fast reader refuses, libyaml refuses too
        assert _outcome(read_events, text)[0] == "refused", (text, fast)
    return fast[0]


@pytest.mark.parametrize("path", SHIPPED, ids=lambda p: f"{p.parent.name}/{p.name}")
def test_shipped_packs_and_examples_read_fast_as_libyaml_reads_them(path: Path) -> None:
    assert _alike(path.read_text(encoding="utf-8")) == "read"


WORDS = ["x", "ovh", "GRA1", "a b", "1", "-2", "1.5", "true", "null", "~", "2026-11-23",
         "2026-11-23T01:15:00Z", "2026-02-30", "a:b", "it's", "/p", ".inf", "CP-6(1)",
         "'q'", "'it''s'", '"d"', '"a,b]"', '"e\\"f"', '"bad\\q"', "", "a: b", "#c", "&a",
         "*a", "!t", "-", "? k"]


def _flow(rng: random.Random, depth: int) -> str:
    """A random one-line flow collection, mostly well formed, sometimes bent."""
    n = rng.randrange(4)
    items = []
    for _ in range(n):
        nest = depth < 4 and rng.random() < 0.35
        item = _flow(rng, depth + 1) if nest else rng.choice(WORDS)
        if rng.random() < 0.5:  # as a mapping's pair
            key = rng.choice(["k", "m", "name", "k", "1", "'q'", "[x]", "k ", "k:"])
            item = f"{key}{rng.choice([': ', ':', ': ', ' : ', ':  '])}{item}"
        items.append(item)
    body = rng.choice([", ", ",", " , ", ", "]).join(items)
    if rng.random() < 0.05:
        body += ","
    opener = rng.choice(["{", "[", "{", "["])
    closer = {"{": "}", "[": "]"}[opener] if rng.random() < 0.97 else rng.choice("]}")
    return opener + rng.choice(["", " "]) + body + rng.choice(["", " "]) + closer


def test_random_nested_flows_read_alike() -> None:
    rng = random.Random(29)
    seen = {"read": 0, "unsupported": 0, "refused": 0}
    for _ in range(8000):
        flow = _flow(rng, 1)
        text = rng.choice(["a: {}\n", "- {}\n", "a:\n  - {}\n", "a: {} # c\n"]).format(flow)
        seen[_alike(text)] += 1
    assert seen["read"] > 2000 and seen["unsupported"] > 800  # both roads were taken


def test_bent_packs_read_alike() -> None:
    rng = random.Random(31)
    read = 0
    for path in SHIPPED[:3]:
        lines = path.read_text(encoding="utf-8").split("\n")
        for _ in range(300):
            read += _alike("\n".join(_mutated(rng, lines))) == "read"
    assert read > 120  # a fifth of the bent packs stay in the fast subset


def test_nesting_beyond_the_fast_readers_depth_is_left_to_libyaml() -> None:
    assert _alike("a: " + "[" * 8 + "]" * 8 + "\n") == "read"
    assert _alike("a: " + "[" * 9 + "]" * 9 + "\n") == "unsupported"
    assert _outcome(read_fast, "a: " + "[" * 5000 + "]" * 5000 + "\n")[0] == "unsupported"


@pytest.mark.parametrize("flow", ["[", "{", "[x, [", "{k: [x, y], m: {", "[x, ", "{k: ",
                                  "[[x]", "{k: {m: n}", "[x] y", "{k: v} ]", "[}", "[, x]",
                                  "[ ,[x]]", "[x, , y]", "{, k: v}", "{]"])
def test_unclosed_or_trailed_flows_are_left_to_libyaml(flow: str) -> None:
    assert _alike(f"a: {flow}\n") == "unsupported"
    assert _alike(f"- {flow}\n") == "unsupported"
