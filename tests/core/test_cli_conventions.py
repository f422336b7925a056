"""CLI conventions: --version, shell completion, plain help texts, truthful trust wording,
--quiet/--verbose, and progress that a terminal and a CI log can both show."""

from __future__ import annotations

import io
import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck import __version__
from drcheck.cli import app, cli_command
from drcheck.shared.progress import Progress

ROOT = Path(__file__).resolve().parents[2]
DRCHECK = str(Path(sys.executable).parent / "drcheck")
SBG2 = ROOT / "examples" / "ovh-sbg2" / "estate.yaml"
NOW = ["--now", "2026-11-23T06:00:00Z"]


@pytest.fixture(autouse=True)
def _auto_progress(monkeypatch: pytest.MonkeyPatch) -> None:
    """Each test starts from the default progress style: auto (the suite turns it off, and
    a -q run sets it to off)."""
    from drcheck.shared import progress

    monkeypatch.delenv("DRCHECK_PROGRESS", raising=False)
    progress.configure(None)


def _run(*args: str, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    base = {"PATH": os.environ["PATH"], "HOME": os.environ.get("HOME", "/root"),
            "COLUMNS": "80", "LANG": "C.UTF-8"}
    return subprocess.run([DRCHECK, *args], capture_output=True, text=True, check=False,
                          env={**base, **(env or {})}, stdin=subprocess.DEVNULL, timeout=120)


def test_version_option_and_command_agree() -> None:
    shown = _run("--version")
    assert (shown.returncode, shown.stdout) == (0, f"drcheck {__version__}\n")
    assert _run("version").stdout == f"{__version__}\n"


def test_shell_completion_script_and_answers() -> None:
    script = _run("--show-completion", "bash", env={"SHELL": "/bin/bash"})
    assert script.returncode == 0 and "_drcheck_completion" in script.stdout
    answer = _run(env={"_DRCHECK_COMPLETE": "complete_bash", "COMP_WORDS": "drcheck aud",
                       "COMP_CWORD": "1"})
    assert answer.stdout.split() == ["audit", "audit-plan"]


def _commands() -> list[list[str]]:
    group = cli_command()
    found: list[list[str]] = [[]]
    for name, command in group.commands.items():
        subs = getattr(command, "commands", None)
        found += [[name, sub] for sub in subs] if subs else [[name]]
    return found


@pytest.mark.parametrize("words", _commands(), ids=" ".join)
def test_help_texts_show_no_python_types(words: list[str]) -> None:
    shown = _run(*words, "--help")
    assert shown.returncode == 0, shown.stderr
    assert not re.search(r"<(bool|str|int|float|path|list\[[^>]*)>", shown.stdout), shown.stdout
    assert "[default: no-" not in shown.stdout
    assert "…" not in shown.stdout, shown.stdout  # nothing cut off at 80 columns


def test_trust_options_say_where_keys_are_recorded() -> None:
    text = " ".join(_run("probe", "--help").stdout.replace("│", " ").split())
    assert "record them in drcheck's own file: known_hosts in ~/.config/drcheck/" in text
    assert "never in ~/.ssh/known_hosts" in text
    assert "in --known-hosts instead" not in text


def test_quiet_drops_warnings_and_verbose_says_what_happens(tmp_path: Path) -> None:
    typo = tmp_path / "estate.yaml"
    typo.write_text(SBG2.read_text().replace("datacenter: SBG2", "datacenter: SBG9"))
    loud = CliRunner().invoke(app, ["audit", str(typo), *NOW])
    assert "warning: " in loud.stderr
    quiet = CliRunner().invoke(app, ["-q", "audit", str(typo), *NOW])
    assert quiet.exit_code == loud.exit_code == 3
    assert quiet.stderr == "" and quiet.stdout == loud.stdout
    told = _run("-v", "audit", str(SBG2), *NOW)
    assert told.returncode == 1
    assert "drcheck: INFO: estate " in told.stderr
    assert "drcheck: INFO: evaluated 5 rule checks" in told.stderr


def test_plain_progress_lines_in_a_log() -> None:
    ticks = iter([0.0, 1.0, 2.5, 3.0, 13.0, 14.0])
    stream = io.StringIO()
    progress = Progress("ssh", 4, "hosts probed", stream=stream, clock=lambda: next(ticks))
    for _ in range(4):
        progress.advance()
    progress.done()
    assert stream.getvalue().splitlines() == [
        "ssh: 2/4 hosts probed, so far 2s",   # first line after 2 s
        "ssh: 4/4 hosts probed, so far 13s",  # then every 10 s
        "ssh: 4/4 hosts probed, done in 14s"]


def test_short_stages_print_nothing() -> None:
    ticks = iter([0.0, 0.1, 0.2, 0.3])
    stream = io.StringIO()
    progress = Progress("s3", 2, "buckets probed", stream=stream, clock=lambda: next(ticks))
    progress.advance()
    progress.advance()
    progress.done()
    assert stream.getvalue() == ""


class _Terminal(io.StringIO):
    def isatty(self) -> bool:
        return True


def test_a_live_bar_on_a_terminal() -> None:
    ticks = iter([0.0, 0.5, 0.55, 0.7, 0.8])
    stream = _Terminal()
    progress = Progress("evaluate", 4, "rule checks", stream=stream, clock=lambda: next(ticks))
    for _ in range(3):
        progress.advance()
    progress.done()
    out = stream.getvalue()
    assert out.startswith("\revaluate [#####...............] 1/4 rule checks 0s")
    assert "\revaluate [###############.....] 3/4 rule checks 1s" in out
    assert out.endswith("\n") and "\n" not in out[:-1]


def test_quiet_silences_progress_and_auto_mode_follows_the_stream() -> None:
    from drcheck.shared import progress as module

    module.configure("off")
    try:
        stream = _Terminal()
        shown = Progress("ssh", 1, "hosts", stream=stream, eager=True)
        shown.advance()
        shown.done()
        assert stream.getvalue() == ""
    finally:
        module.configure(None)
