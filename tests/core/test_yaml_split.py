"""The fast reader on two cores reads exactly what one reader reads, or declines.

Every cut is read by a real forked worker (recorded), and compared with one ``read_fast`` of
the whole text: data, types and every position (``repr`` tells 1 from 1.0 from True). Where
the halves could join wrong, the cut must decline, and the whole text is read as before.
"""

from __future__ import annotations

import os
import random
import sys
from pathlib import Path
from typing import Any

import pytest

from drcheck.inputs import documents, yamlsplit
from drcheck.inputs.documents import parse_text
from drcheck.inputs.yamlerrors import Limits, YamlProblem, limits_from_env
from drcheck.inputs.yamlfast import read_fast
from drcheck.inputs.yamlinline import Unsupported
from drcheck.inputs.yamlsplit import read_shared
from drcheck.shared.errors import ConfigError
from tests.core.test_yamlfast_shapes import _mutated

ROOT = Path(__file__).resolve().parents[2]
LIMITS = limits_from_env()


def _estate(datasets: int, seed: int = 3) -> str:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    return generate(datasets, seed=seed)


@pytest.fixture
def cuts(monkeypatch: pytest.MonkeyPatch, fork_log: list[range]) -> list[range]:
    """Any text is cut (no size floor), forking beside the runner's threads."""
    monkeypatch.setattr(yamlsplit, "SPLIT_FROM", 1)
    monkeypatch.setattr(yamlsplit, "worth_a_fork", lambda: True)
    return fork_log


def _whole(text: str, limits: Limits = LIMITS) -> Any:
    """What one reader makes of ``text``: its reading, or the refusal."""
    try:
        return read_fast(text, limits)
    except (Unsupported, YamlProblem) as exc:
        return exc


def test_a_generated_estate_is_cut_at_a_dataset_and_joined(cuts: list[range]) -> None:
    text = _estate(120)
    at, line = yamlsplit._cut(text) or (0, 0)
    assert at >= len(text) // 2 and text[at:].startswith("  - name: ds-")
    assert text.count("\n", 0, at) + 1 == line
    shared = read_shared(text, LIMITS)
    assert cuts == [range(1)]
    assert shared is not None and repr(shared) == repr(_whole(text))
    assert len(shared[0]["datasets"]) == 120


def test_bent_estates_read_shared_are_read_as_one_reader_reads_them(
        cuts: list[range]) -> None:
    lines = _estate(6, seed=11).split("\n")
    rng = random.Random(13)
    joined = declined = 0
    for _ in range(250):
        text = "\n".join(_mutated(rng, lines))
        shared = read_shared(text, LIMITS)
        if shared is None:
            declined += 1
            continue
        joined += 1
        assert repr(shared) == repr(_whole(text)), text
    assert joined > 40 and declined > 10  # both roads were taken
    assert len(cuts) > joined  # every cut read by a real worker


def test_keys_after_the_list_are_joined_in_order(cuts: list[range]) -> None:
    text = _estate(40) + "media:\n  - name: tape-1\n    location: {provider: ovh}\nextra: 1\n"
    shared = read_shared(text, LIMITS)
    assert shared is not None and list(shared[0])[-3:] == ["datasets", "media", "extra"]
    assert repr(shared) == repr(_whole(text))


def _read_yaml(text: str, limits: Limits) -> Any:
    """``read_yaml``'s answer: the reading, or the problem as (line, column, message)."""
    try:
        return repr(documents.read_yaml(text, limits))
    except YamlProblem as exc:
        return (exc.line, exc.column, exc.message)


def _declined(text: str, limits: Limits = LIMITS) -> None:
    """``text`` is cut, the cut declines, and ``read_yaml`` answers as without a cut."""
    assert yamlsplit._cut(text) is not None
    assert read_shared(text, limits) is None
    got = _read_yaml(text, limits)
    with pytest.MonkeyPatch.context() as patch:
        patch.setattr(yamlsplit, "SPLIT_FROM", 1 << 62)
        assert got == _read_yaml(text, limits)


def test_a_key_both_halves_hold_declines(cuts: list[range]) -> None:
    text = _estate(40) + "hosts:\n  - {name: again, address: 192.0.2.9}\n"
    _declined(text)
    assert isinstance(_whole(text), YamlProblem)  # one reader: a duplicate key


def test_a_value_across_the_cut_declines(cuts: list[range]) -> None:
    text = _estate(40)
    at, _ = yamlsplit._cut(text) or (0, 0)
    line_end = text.index("\n", at)
    _declined(text[:at] + '    note: "opened\n' + text[at:line_end] + ' closed"' + text[line_end:])


def test_a_list_after_the_datasets_holding_the_cut_declines(cuts: list[range]) -> None:
    text = _estate(4) + "media:\n" + "".join(
        f"  - name: tape-{i}\n    location: {{provider: ovh}}\n" for i in range(400))
    at, _ = yamlsplit._cut(text) or (0, 0)
    assert text[at:].startswith("  - name: tape-")
    _declined(text)


def test_the_node_cap_holds_over_both_halves(cuts: list[range]) -> None:
    text = _estate(40)
    at, _ = yamlsplit._cut(text) or (0, 0)
    halves = [yamlsplit._read(text[:at], LIMITS, 1),
              yamlsplit._read("datasets:\n" + text[at:], LIMITS, 1)]
    counts = [half[2] for half in halves if half is not None]
    total = sum(counts) - 1  # the tail's own datasets: line is not the file's
    capped = Limits(LIMITS.max_bytes, max_entries=total - 1)
    assert len(counts) == 2 and max(counts) < total - 1  # each half alone is within it
    _declined(text, capped)
    assert isinstance(_whole(text, capped), YamlProblem)


def test_a_tab_or_a_second_document_in_the_tail_declines(cuts: list[range]) -> None:
    text = _estate(40)
    _declined(text + "extra:\t1\n")
    _declined(text + "---\nkind: Estate\n")


def test_problems_in_the_tail_keep_their_lines(cuts: list[range],
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    text = _estate(40)
    at, line = yamlsplit._cut(text) or (0, 0)
    lines = text.split("\n")
    bad = len(lines) - 5
    lines[bad] = "       " + lines[bad].lstrip(" ")  # an indentation that opens no block
    text = "\n".join(lines)
    with pytest.raises(ConfigError) as shared:
        parse_text(text, "estate.yaml")
    assert cuts == [range(1)]  # the cut was read, and declined
    monkeypatch.setattr(yamlsplit, "worth_a_fork", lambda: False)
    with pytest.raises(ConfigError) as alone:
        parse_text(text, "estate.yaml")
    assert cuts == [range(1)]
    assert shared.value.problems == alone.value.problems
    reported = shared.value.problems[0].line
    assert reported is not None and line < reported <= bad + 1


def test_a_worker_ending_without_a_result_leaves_the_whole_read(
        cuts: list[range], monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()

    def dies(*args: Any) -> Any:
        if os.getpid() != parent:
            os._exit(9)
        raise AssertionError("the tail is read in the worker only")

    monkeypatch.setattr(yamlsplit, "_tail", dies)
    text = _estate(40)
    assert read_shared(text, LIMITS) is None
    assert cuts == [range(1)]
    assert repr(documents.read_yaml(text, LIMITS)) == repr(_whole(text))
