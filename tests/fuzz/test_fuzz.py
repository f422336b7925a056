"""Property-based fuzzing of every input kind: whatever the file, drcheck answers with exit
0–3 and a message, never exit 4, a traceback or a hang.

Two sources of inputs: documents drawn from each kind's own JSON Schema (``strategies``),
and mutations of the valid files the project ships (examples and test fixtures): a scalar
swapped for a hostile value (NaN, 1e999, 2026-02-30, an alias, a tag), a line dropped,
doubled or cut. Each input goes through the real CLI in-process (typer's runner), with the
command a user would run on that kind of file. Hypothesis runs derandomized and without a
database, so CI sees the same examples every time; the budgets keep the whole module well
under two minutes.
"""

from __future__ import annotations

import json
import math
import re
import shutil
import tempfile
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.facts.snapshot import content_digest
from tests.fuzz import strategies
from tests.hostile.corpus import COMMANDS, ESTATE, NOW, PLAN

ROOT = Path(__file__).resolve().parents[2]
FUZZ = settings(derandomize=True, database=None, deadline=None, max_examples=25,
                suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large,
                                       HealthCheck.filter_too_much])
RUNNER = CliRunner()
HOSTILE = [".nan", ".inf", "-.inf", "NaN", "Infinity", "1e999", "-1", "0",
           "9" * 40, "2026-02-30", "2026-13-45T00:00:00Z", "9999-12-31T23:59:59Z",
           "0001-01-01T00:00:00Z", "2026-11-23T01:15:00+99:99",
           "1000000000000000000000000000000d", "~", "[]", "{}", '""', "&a x", "*a",
           "!!binary AAAA", "!!python/object/apply:os.system [true]", "{a: [", "'",
           "web[0:99999999]", "é\t", "true", "-", "? x", "|", "%YAML 1.1"]
JSON_HOSTILE: list[Any] = [math.nan, math.inf, -math.inf, 10 ** 40, -1, 0, "", None, True,
                           [], {}, "2026-02-30", "9999-12-31T23:59:59Z",
                           "0001-01-01T00:00:00Z", "1000000000000000000000000000000d",
                           json.loads("[" * 70 + "]" * 70)]
TEXT_SEEDS: list[tuple[str, Path]] = [
    ("estate", ROOT / "examples" / "georedundant" / "estate.yaml"),
    ("estate", ROOT / "examples" / "ovh-sbg2" / "estate.yaml"),
    ("estate", ROOT / "examples" / "paris-metro" / "estate.yaml"),
    ("estate", ROOT / "tests" / "importers" / "fixtures" / "plan_full.estate.yaml"),
    ("policy", ROOT / "policies" / "3-2-1-1-0.yaml"),
    ("policy", ROOT / "examples" / "georedundant" / "survive.yaml"),
    ("waivers", ROOT / "tests" / "report" / "fixtures" / "waivers.yaml"),
    ("ansible", ROOT / "tests" / "importers" / "fixtures" / "ansible" / "hosts.ini"),
    ("ansible", ROOT / "tests" / "importers" / "fixtures" / "ansible" / "hosts.yml"),
]
JSON_SEEDS: list[tuple[str, Path]] = [
    ("terraform", ROOT / "examples" / "terraform" / "plan.json"),
    ("terraform", ROOT / "examples" / "terraform" / "state.json"),
    ("terraform", ROOT / "tests" / "importers" / "fixtures" / "plan_full.json"),
]


def answer(kind: str, path: Path) -> None:
    """Run the command for ``kind`` on ``path``; assert an exit 0–3 answer without a trace."""
    argv = [str(path) if a == "{file}" else a for a in COMMANDS[kind]]
    result = RUNNER.invoke(app, argv, catch_exceptions=True)
    text = result.output
    assert result.exit_code in (0, 1, 2, 3), f"{kind} exit {result.exit_code}: {text[-3000:]}"
    assert result.exception is None or isinstance(result.exception, SystemExit), repr(
        result.exception)
    assert "Traceback" not in text, text[-3000:]
    if result.exit_code == 2:
        assert "error:" in text, text[-3000:]


def write_and_answer(kind: str, name: str, text: str) -> None:
    """Write ``text`` to a scratch file named ``name`` and ``answer`` it."""
    folder = Path(tempfile.mkdtemp(prefix="drcheck-fuzz-"))
    try:
        path = folder / name
        path.write_text(text, encoding="utf-8")
        answer(kind, path)
    finally:
        shutil.rmtree(folder, ignore_errors=True)


def _json(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False)


SCHEMA_KINDS: dict[str, tuple[Callable[[], st.SearchStrategy[Any]], str, int]] = {
    "estate": (strategies.estates, "estate.yaml", 15),
    "policy": (strategies.policies, "policy.yaml", 20),
    "waivers": (strategies.waivers, "waivers.yaml", 12),
    "mapping": (strategies.mappings, "mapping.yaml", 15),
    "facts": (strategies.facts, "facts.json", 6),
}


@pytest.mark.parametrize("kind", sorted(SCHEMA_KINDS))
def test_documents_from_the_schema(kind: str) -> None:
    make, name, examples = SCHEMA_KINDS[kind]

    @settings(FUZZ, max_examples=examples)
    @given(make())
    def check(doc: Any) -> None:
        write_and_answer(kind, name, _json(doc))

    check()


NUMBER = r"(?<=[:=\[,] )-?\d+(\.\d+)?(?=[\s,\]}])"
DATE = r"\d{4}-\d{2}-\d{2}(T[\d:]+Z?)?"
WORD = r"(?<=[:=\[,] )[^\s,\]}#]+"
AIMED: list[tuple[str, list[str]]] = [
    (NUMBER, [".nan", ".inf", "-.inf", "1e999", "-1", "9" * 40, "0"]),
    (DATE, ["2026-02-30", "2026-13-45T00:00:00Z", "9999-12-31T23:59:59Z",
            "0001-01-01T00:00:00Z", '"2026-11-23T01:15:00+99:99"']),
    (r"(?<=[:=] )\d+[smhdw]\b", ["1000000000000000000000000000000d", "99999999999999w",
                                   "0s"]),
    (WORD, HOSTILE),
]
"""What to aim at in a text file (numbers, dates, durations, any scalar) and what to put
there."""


def _aimed(text: str, data: st.DataObject) -> str:
    pattern, values = data.draw(st.sampled_from(AIMED))
    spots = list(re.finditer(pattern, text))
    if not spots:
        return text
    spot = spots[data.draw(st.integers(0, len(spots) - 1))]
    return text[:spot.start()] + data.draw(st.sampled_from(values)) + text[spot.end():]


def _mutate_text(text: str, data: st.DataObject) -> str:
    """A number, date or scalar swapped for a hostile one, then up to two more mutations
    of any sort: another swap, a line dropped, doubled or inserted, the file cut short."""
    text = _aimed(text, data)
    for _ in range(data.draw(st.integers(0, 2))):
        lines = text.splitlines()
        op = data.draw(st.sampled_from(["aim", "aim", "aim", "drop", "double", "insert",
                                        "cut"]))
        at = data.draw(st.integers(0, max(0, len(lines) - 1)))
        if op == "aim":
            text = _aimed(text, data)
            continue
        if op == "cut":
            text = text[:data.draw(st.integers(0, len(text)))]
            continue
        if op == "drop" and lines:
            del lines[at]
        elif op == "double" and lines:
            lines.insert(at, lines[at])
        elif op == "insert":
            hostile = data.draw(st.sampled_from(HOSTILE))
            lines.insert(at, f"{' ' * data.draw(st.integers(0, 6))}x: {hostile}")
        text = "\n".join(lines) + "\n"
    return text


@pytest.mark.parametrize(("kind", "seed"), TEXT_SEEDS,
                         ids=[f"{k}-{p.name}" for k, p in TEXT_SEEDS])
def test_mutated_text_files(kind: str, seed: Path) -> None:
    text = seed.read_text(encoding="utf-8")

    @settings(FUZZ, max_examples=10)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        write_and_answer(kind, seed.name, _mutate_text(text, data))

    check()


def _leaves(node: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    if isinstance(node, dict):
        return [p for k, v in node.items() for p in _leaves(v, path + (k,))] or [path]
    if isinstance(node, list):
        return [p for i, v in enumerate(node) for p in _leaves(v, path + (i,))] or [path]
    return [path]


def _replace(node: Any, path: tuple[Any, ...], value: Any) -> Any:
    if not path:
        return value
    node[path[0]] = _replace(node[path[0]], path[1:], value)
    return node


def _mutate_json(data: Any, draw: st.DataObject) -> Any:
    leaves = _leaves(data)
    for _ in range(draw.draw(st.integers(1, 3))):
        path = leaves[draw.draw(st.integers(0, len(leaves) - 1))]
        data = _replace(data, path, draw.draw(st.sampled_from(JSON_HOSTILE)))
    return data




@pytest.mark.parametrize(("kind", "seed"), JSON_SEEDS,
                         ids=[f"{k}-{p.name}" for k, p in JSON_SEEDS])
def test_mutated_json_files(kind: str, seed: Path) -> None:
    original = seed.read_text(encoding="utf-8")

    @settings(FUZZ, max_examples=10)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        write_and_answer(kind, seed.name, _json(_mutate_json(json.loads(original), data)))

    check()


def test_mutated_facts_snapshots(tmp_path: Path) -> None:
    """Facts with hostile values, re-signed so the digest check is not what refuses them."""
    facts = tmp_path / "facts.json"
    done = RUNNER.invoke(app, ["probe", ESTATE, "--offline", "--now", NOW, "-o", str(facts)])
    assert done.exit_code == 0, done.output
    original = facts.read_text(encoding="utf-8")

    @settings(FUZZ, max_examples=25)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        body = _mutate_json(json.loads(original), data)
        if isinstance(body, dict):
            body["digest"] = content_digest(body)
        write_and_answer("facts", "facts.json", _json(body))

    check()


def test_mutated_mapping_files() -> None:
    mapping = (ROOT / "tests" / "importers" / "fixtures" / "ansible").parent
    seed = "datasets:\n  - name: orders\n    primary: aws_s3_bucket.backups\n" \
        "    copies: [aws_s3_bucket.replica_sbg]\n    labels: {team: a}\n" \
        "locations:\n  aws_s3_bucket.replica_sbg: {provider: ovh, coordinates: " \
        "{lat: 48.5, lon: 7.7}}\n"
    assert mapping.is_dir() and PLAN

    @settings(FUZZ, max_examples=25)
    @given(st.data())
    def check(data: st.DataObject) -> None:
        write_and_answer("mapping", "mapping.yaml", _mutate_text(seed, data))

    check()
