"""Every command shown in a ``console`` block of the docs runs as written and says what the
docs say it says (exit code and output lines), so the docs cannot rot unnoticed."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from tests.docs.console import (
    Command,
    check_command,
    console_commands,
    copy_tree,
    missing_output,
)

ROOT = Path(__file__).resolve().parents[2]
DOCS = sorted([ROOT / "README.md", *(ROOT / "docs").glob("*.md"),
               *(ROOT / "examples").glob("*/README.md")])
BIN = Path(sys.executable).parent


def _documented() -> list[Path]:
    return [doc for doc in DOCS if console_commands(doc, ROOT)]


def test_the_docs_show_runnable_commands() -> None:
    names = {str(doc.relative_to(ROOT)) for doc in _documented()}
    assert {"README.md", "docs/simulate.md", "docs/ci.md", "docs/init.md"} <= names, names
    assert sum(len(console_commands(doc, ROOT)) for doc in DOCS) >= 20


@pytest.mark.parametrize("doc", _documented(), ids=lambda p: str(p.relative_to(ROOT)))
def test_documented_commands_hold(doc: Path, tmp_path: Path) -> None:
    assert (BIN / "drcheck").exists(), f"drcheck is not installed next to {sys.executable}"
    tree = copy_tree(ROOT, tmp_path / "repo")
    home = tmp_path / "home"
    home.mkdir()
    problems = [problem for command in console_commands(doc, ROOT)
                if (problem := check_command(command, tree, home, BIN)) is not None]
    assert not problems, "\n\n".join(problems)


def _doc(tmp_path: Path, body: str) -> list[Command]:
    (tmp_path / "doc.md").write_text(body, encoding="utf-8")
    return console_commands(tmp_path / "doc.md", tmp_path)


def test_blocks_parse_commands_exit_codes_and_continuations(tmp_path: Path) -> None:
    commands = _doc(tmp_path, "text\n```console\n$ echo a \\\n  b  # exit 0\na b\n...\n"
                              "\n$ false  # exit 1\n```\n```sh\n$ not run\n```\n")
    assert [(c.line, c.text, c.exit_code, c.expected) for c in commands] == [
        (3, "echo a \\\n  b  # exit 0", 0, ("a b",)), (8, "false  # exit 1", 1, ())]


@pytest.mark.parametrize(("body", "complaint"), [
    ("$ echo one; exit 3  # exit 1\none\n", "exit 3, documented 1"),
    ("$ echo one\ntwo\n", "expected line not in output (in order): 'two'"),
    ("$ printf 'b\\na\\n'\na\n...\nb\n", "'b'"),
    ("$ drcheck audit examples/ovh-sbg2/estate.yaml --now 2026-11-23T06:00:00Z\n",
     "exit 1, documented 0"),
])
def test_a_wrong_exit_code_or_output_fails(tmp_path: Path, body: str, complaint: str) -> None:
    (command,) = _doc(tmp_path, f"```console\n{body}```\n")
    home = tmp_path / "home"
    home.mkdir()
    problem = check_command(command, ROOT, home, BIN)
    assert problem is not None and complaint in problem, problem


def test_output_lines_match_in_order_with_elisions() -> None:
    assert missing_output(("a", "c"), "a\nb\nc  \n") is None
    assert missing_output(("c", "a"), "a\nb\nc\n") == "a"
    assert missing_output(("a b",), "a b c\n") == "a b"
