"""Read the ``console`` blocks of the docs and run their commands as a reader would.

The convention (shared by every doc in README.md, docs/*.md and examples/*/README.md): in a
fenced block with info string ``console``, each line starting with ``$ `` is a command (a
trailing backslash continues it on the next line), and the lines after it, up to the next
``$ ``, are its expected output. Every non-empty expected line must appear in the output
(stdout and stderr together, trailing blanks ignored), in order; ``...`` marks an elision. A
command ending in ``# exit N`` must exit with N, any other with 0.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
from dataclasses import dataclass
from pathlib import Path

EXIT_MARK = re.compile(r"#\s*exit\s+(\d+)\s*$")
FENCE = re.compile(r"^(`{3,}|~{3,})\s*([\w-]*)")


@dataclass(frozen=True)
class Command:
    """One documented command: where it is written, what it runs, what it must print."""

    source: str
    line: int
    text: str
    exit_code: int
    expected: tuple[str, ...]


def _close_command(source: str, line: int, text: str, expected: list[str]) -> Command:
    match = EXIT_MARK.search(text)
    code = int(match.group(1)) if match else 0
    lines = tuple(e.rstrip() for e in expected if e.strip() and e.strip() != "...")
    return Command(source, line, text, code, lines)


def _block_commands(source: str, first: int, body: list[str]) -> list[Command]:
    commands: list[Command] = []
    current: list[str] | None = None
    start = first
    expected: list[str] = []
    for offset, raw in enumerate(body):
        continuing = current is not None and current[-1].endswith("\\") and not expected
        if continuing and current is not None:
            current.append(raw)
        elif raw.startswith("$ "):
            if current is not None:
                commands.append(_close_command(source, start, "\n".join(current), expected))
            current, start, expected = [raw[2:]], first + offset, []
        elif current is not None:
            expected.append(raw)
    if current is not None:
        commands.append(_close_command(source, start, "\n".join(current), expected))
    return commands


def console_commands(path: Path, root: Path) -> list[Command]:
    """Every command of every ``console`` block of one Markdown file, in order."""
    source = str(path.relative_to(root))
    lines = path.read_text(encoding="utf-8").splitlines()
    commands: list[Command] = []
    index = 0
    while index < len(lines):
        fence = FENCE.match(lines[index])
        if not fence:
            index += 1
            continue
        end = index + 1
        while end < len(lines) and not lines[end].startswith(fence.group(1)):
            end += 1
        if fence.group(2) == "console":
            commands += _block_commands(source, index + 2, lines[index + 1:end])
        index = end + 1
    return commands


def missing_output(expected: tuple[str, ...], output: str) -> str | None:
    """The first expected line not found (in order) in the output, or None when all are."""
    got = iter(line.rstrip() for line in output.splitlines())
    for want in expected:
        if not any(line == want for line in got):
            return want
    return None


def run_command(command: Command, cwd: Path, home: Path, bin_dir: Path,
                timeout: float = 300) -> tuple[int, str]:
    """Run one command with bash in ``cwd``; return its exit code and combined output."""
    env = {"PATH": f"{bin_dir}{os.pathsep}{os.environ.get('PATH', '/usr/bin:/bin')}",
           "HOME": str(home), "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8", "TERM": "dumb",
           "COLUMNS": "100", "TMPDIR": str(home)}
    proc = subprocess.run(["bash", "-c", command.text], cwd=cwd, env=env, timeout=timeout,
                          stdin=subprocess.DEVNULL, stdout=subprocess.PIPE,
                          stderr=subprocess.STDOUT, text=True, check=False)
    return proc.returncode, proc.stdout


def check_command(command: Command, cwd: Path, home: Path, bin_dir: Path) -> str | None:
    """What is wrong with one documented command when run, or None when it holds."""
    code, output = run_command(command, cwd, home, bin_dir)
    where = f"{command.source}:{command.line}: $ {command.text}"
    if code != command.exit_code:
        return f"{where}\n  exit {code}, documented {command.exit_code}\n{output}"
    missing = missing_output(command.expected, output)
    if missing is not None:
        return f"{where}\n  expected line not in output (in order): {missing!r}\n{output}"
    return None


def copy_tree(root: Path, dest: Path) -> Path:
    """A clean copy of the repository (no .git, venv or caches) to run documents in.

    Links are copied as links, never followed: the hostile corpus holds links to /dev/zero,
    which a following copy would read until the disk is full.
    """
    ignore = shutil.ignore_patterns(".git", ".venv", "*.egg-info", "__pycache__",
                                    ".mypy_cache", ".ruff_cache", ".pytest_cache", ".hypothesis",
                                    "out")
    shutil.copytree(root, dest, ignore=ignore, symlinks=True)
    return dest
