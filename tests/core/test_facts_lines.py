"""Facts files read one dataset line at a time (``facts.lines``), against the whole-document
readers: the same snapshot from a file the writer laid out, and no line read at all from
any other layout or an edited file, which the whole-document readers then judge."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import orjson
import pytest

from drcheck.facts import lines, reader, stored
from drcheck.facts.assemble import build_snapshot
from drcheck.facts.compact import expand
from drcheck.facts.snapshot import load_snapshot, snapshot_from_dict, snapshot_to_json
from drcheck.inputs.estate_check import load_estate
from drcheck.shared.errors import ConfigError
from drcheck.shared.model import Snapshot
from tests.core.builders import NOW

ROOT = Path(__file__).resolve().parents[2]
FIRST_DATASET = '    {"copies":'


def _written(tmp_path: Path, n: int = 30) -> tuple[Snapshot, str]:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    estate = tmp_path / "estate.yaml"
    estate.write_text(generate(n, seed=5), encoding="utf-8")
    snapshot = build_snapshot(load_estate(str(estate)), [], NOW)
    return snapshot, snapshot_to_json(snapshot)


def _whole(text: str) -> Snapshot:
    """What the whole-document reader makes of the same text."""
    return reader.read(orjson.loads(text))


def test_a_written_file_is_read_line_by_line_to_the_snapshot_of_the_whole_readers(
        tmp_path: Path) -> None:
    snapshot, text = _written(tmp_path)
    got = lines.read_lines(text.encode())
    assert got is not None
    assert got.datasets == len(snapshot.datasets) == 30
    assert got.digest == json.loads(text)["digest"]
    assert got.snapshot == _whole(text) == snapshot_from_dict(expand(json.loads(text)))
    assert got.snapshot == snapshot


def test_a_file_with_no_dataset_reads_line_by_line(tmp_path: Path) -> None:
    snapshot, _ = _written(tmp_path, 3)
    empty = Snapshot(collected_at=snapshot.collected_at, datasets=(), sources=snapshot.sources)
    text = snapshot_to_json(empty)
    got = lines.read_lines(text.encode())
    assert (got is not None and got.datasets == 0) or '"datasets": []' in text
    assert load_snapshot_text(tmp_path, text) == _whole(text)


def load_snapshot_text(tmp_path: Path, text: str) -> Snapshot:
    path = tmp_path / "facts.json"
    path.write_text(text, encoding="utf-8")
    return load_snapshot(str(path))


def _edit_first_dataset(text: str, old: str, new: str) -> str:
    out = text.splitlines()
    at = next(i for i, line in enumerate(out) if line.startswith(FIRST_DATASET))
    assert old in out[at]
    out[at] = out[at].replace(old, new, 1)
    return "\n".join(out) + "\n"


@pytest.mark.parametrize("layout", ["indented otherwise", "a spaced-out line",
                                    "a second datasets key"])
def test_any_other_layout_of_the_same_content_is_read_whole(tmp_path: Path, layout: str) -> None:
    snapshot, text = _written(tmp_path)
    if layout == "indented otherwise":
        other = json.dumps(json.loads(text), indent=1)
    elif layout == "a spaced-out line":
        other = _edit_first_dataset(text, '{"copies":', '{"copies": ')
    else:  # a whole parse reads the last ``datasets``: the line reader must not read the first
        other = text.replace('\n  "version": 3\n}', '\n  "datasets": [],\n  "version": 3\n}')
        assert other != text
    assert lines.read_lines(other.encode()) is None
    if layout == "a second datasets key":  # the whole readers see no dataset: digest differs
        with pytest.raises(ConfigError, match="digest"):
            load_snapshot_text(tmp_path, other)
    else:
        assert load_snapshot_text(tmp_path, other) == snapshot


def test_an_edited_line_is_not_read_and_the_full_checks_say_why(tmp_path: Path) -> None:
    _, text = _written(tmp_path)
    edited = _edit_first_dataset(text, '"criticality":"', '"criticality":"x')  # digest kept
    assert lines.read_lines(edited.encode()) is None
    with pytest.raises(ConfigError, match="digest does not match"):
        load_snapshot_text(tmp_path, edited)


def test_a_duplicated_key_in_a_line_is_left_to_the_whole_readers(tmp_path: Path) -> None:
    """Not the writer's bytes, so not read by line; a whole parse keeps the last value, as
    the standard reader does, so the content and its digest are unchanged."""
    snapshot, text = _written(tmp_path)
    edited = _edit_first_dataset(text, '{"copies":', '{"copies":[],"copies":')
    assert lines.read_lines(edited.encode()) is None
    assert load_snapshot_text(tmp_path, edited) == snapshot


def test_a_trailing_comma_after_the_last_dataset_is_invalid_json_not_a_short_read(
        tmp_path: Path) -> None:
    _, text = _written(tmp_path)
    out = text.splitlines()
    last = max(i for i, line in enumerate(out) if line.startswith(FIRST_DATASET))
    out[last] += ","
    edited = "\n".join(out) + "\n"
    assert lines.read_lines(edited.encode()) is None
    with pytest.raises(ConfigError, match="invalid JSON"):
        load_snapshot_text(tmp_path, edited)


def test_a_report_embeds_the_proven_lines_without_parsing_them_again(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    snapshot, text = _written(tmp_path)
    path = tmp_path / "facts.json"
    path.write_text(text, encoding="utf-8")
    loaded = load_snapshot(str(path), keep_source=True)
    checked: list[bytes] = []
    real = stored._item

    def counting(line: memoryview) -> memoryview | None:
        checked.append(bytes(line))
        return real(line)

    monkeypatch.setattr(stored, "_item", counting)
    document = stored.stored_document(loaded)
    assert document is not None
    assert not [line for line in checked if line.startswith(b'{"copies":')]
    embedded = [orjson.loads(bytes(v)) for v in document["datasets"].items]
    assert embedded == json.loads(text)["datasets"]
