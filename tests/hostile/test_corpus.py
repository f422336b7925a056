"""Every hostile input, through the real ``drcheck`` command: the right exit, a message that
names the file, no traceback, within the time limit and under a 1 GiB address-space cap.

The committed corpus is under ``tests/hostile/<kind>/`` (made by ``build_corpus.py``); the
cases too big to commit (a 60 MB file, 20,000-deep nesting, 200,000 keys) and FIFOs are made
here.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from tests.hostile.corpus import COMMANDS, TIME_LIMIT, Case, cases, command_for, run

CORPUS = cases()


def judge(case: Case) -> None:
    """Assert everything a hostile case must give."""
    got = run(case.argv, timeout=TIME_LIMIT + 1)
    both = got.stdout + got.stderr
    assert got.code == case.expect, f"{case.id}: exit {got.code}, wanted {case.expect}: " \
        f"{got.first_line}"
    assert "Traceback" not in both, both[-2000:]
    if case.expect == 2:
        assert got.stderr.startswith("error: "), got.stderr[:500]
        assert case.path.name in got.stderr, f"the message does not name the file: " \
            f"{got.stderr[:500]}"
    if case.kind == "future":
        said = "in the future" in got.stdout
        assert said == (case.expect == 3), got.stdout[-2000:]
    assert got.seconds < TIME_LIMIT, f"{case.id} took {got.seconds:.1f}s"


def test_corpus_is_large_and_covers_every_kind() -> None:
    kinds = {c.kind for c in CORPUS}
    assert kinds == {*COMMANDS, "future"}
    assert len(CORPUS) >= 60


@pytest.mark.parametrize("case", [
    pytest.param(c, id=c.id)
    for c in CORPUS])
def test_hostile_file(case: Case) -> None:
    judge(case)


def _generated(tmp: Path, kind: str, name: str, text: str) -> Case:
    path = tmp / name
    path.write_text(text, encoding="utf-8")
    argv, expect = command_for(kind, path)
    return Case(kind, path, tuple(argv), expect)


def _sixty_mb(kind: str) -> str:
    if kind in ("facts", "baseline", "terraform"):
        return '{"x": "' + "a" * (60 * 1024 * 1024) + '"}\n'
    return "# padding\n" * (6 * 1024 * 1024)


@pytest.mark.parametrize("kind", ["facts", "baseline", "terraform", "mapping", "ansible",
                                  "sshconfig"])
def test_sixty_megabytes_refused_by_the_size_cap(tmp_path: Path, kind: str) -> None:
    judge(_generated(tmp_path, kind, f"big-{kind}.input", _sixty_mb(kind)))


def test_sixty_megabyte_estate_refused(tmp_path: Path) -> None:
    judge(_generated(tmp_path, "estate", "big.yaml", _sixty_mb("estate")))


def test_twenty_thousand_deep_yaml_list_refused(tmp_path: Path) -> None:
    judge(_generated(tmp_path, "estate", "deep.yaml", "datasets: " + "[" * 20000
                     + "]" * 20000 + "\n"))


def test_two_hundred_thousand_keys_refused(tmp_path: Path) -> None:
    keys = "".join(f"k{i}: {i}\n" for i in range(200_000))
    judge(_generated(tmp_path, "estate", "keys.yaml", "apiVersion: drcheck/v1\n" + keys))


def _fifo(tmp: Path, kind: str) -> Case:
    path = tmp / f"fifo-{kind}"
    os.mkfifo(path)
    argv, expect = command_for(kind, path)
    return Case(kind, path, tuple(argv), expect)


@pytest.mark.parametrize("kind", ["facts", "baseline", "terraform", "mapping", "ansible",
                                  "sshconfig"])
def test_fifo_refused_without_blocking(tmp_path: Path, kind: str) -> None:
    judge(_fifo(tmp_path, kind))


@pytest.mark.parametrize("kind", ["estate", "policy", "waivers"])
def test_fifo_yaml_input_refused_without_blocking(tmp_path: Path, kind: str) -> None:
    judge(_fifo(tmp_path, kind))


def test_size_cap_can_be_raised(tmp_path: Path) -> None:
    """A 2 MiB Terraform file passes the cap at 3 MiB and is refused at 1 MiB."""
    plan = (Path(__file__).parents[2] / "examples" / "terraform" / "plan.json").read_text()
    padded = tmp_path / "plan.json"
    padded.write_text(plan.rstrip()[:-1] + ', "padding": "' + "p" * (2 << 20) + '"}\n')
    small = run(["--max-input-mb", "1", "import", "terraform", str(padded)])
    assert small.code == 2 and "larger than 1 MiB" in small.stderr, small.stderr
    assert "--max-input-mb" in small.stderr
    big = run(["--max-input-mb", "3", "import", "terraform", str(padded)])
    assert big.code == 0, big.stderr
    assert "aws_s3_bucket" in big.stdout or "buckets:" in big.stdout
