"""Run every hostile input through the real ``drcheck`` command and judge the outcome.

Shared by ``test_corpus.py`` and by hand (``python tests/hostile/corpus.py`` prints every
case with its exit code, time and first message line). ``DRCHECK_ROOT`` runs another
checkout's drcheck (``python -m drcheck`` from that directory) over the same corpus, which
is how the before/after table of the issue was made.
"""

from __future__ import annotations

import os
import resource
import subprocess
import sys
import time
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
ROOT = HERE.parents[1]
NOW = "2026-11-23T06:00:00Z"
ESTATE = str(ROOT / "examples" / "georedundant" / "estate.yaml")
PLAN = str(ROOT / "examples" / "terraform" / "plan.json")
FUTURE_POLICY = str(HERE / "future-policy.yaml")
AUDIT = ["audit", ESTATE, "--offline", "--now", NOW]
COMMANDS: dict[str, list[str]] = {
    "estate": ["audit", "{file}", "--offline", "--now", NOW],
    "policy": [*AUDIT, "-p", "{file}"],
    "waivers": [*AUDIT, "-w", "{file}"],
    "facts": ["audit", "--facts", "{file}", "--now", NOW],
    "baseline": [*AUDIT, "--baseline", "{file}"],
    "mapping": ["import", "terraform", PLAN, "-m", "{file}"],
    "terraform": ["import", "terraform", "{file}"],
    "ansible": ["import", "ansible", "{file}"],
    "sshconfig": ["import", "ssh-config", "{file}"],
}
"""Each input kind: the command that reads a file of that kind (``{file}`` is replaced)."""
MEMORY_LIMIT = 1 << 30
"""Address-space cap of each run (1 GiB): a runaway allocation fails instead of swapping."""
TIME_LIMIT = 5.0
"""Seconds a hostile case may take (the goal is 2 s; the margin is for a loaded machine)."""


@dataclass(frozen=True)
class Case:
    """One hostile input: its kind, file, the command reading it and the exit it must give."""

    kind: str
    path: Path
    argv: tuple[str, ...]
    expect: int

    @property
    def id(self) -> str:
        """``kind/file``."""
        return f"{self.kind}/{self.path.name}"


@dataclass(frozen=True)
class Outcome:
    """What one run gave."""

    code: int | None
    seconds: float
    stdout: str
    stderr: str
    cpu: float = 0.0
    """User plus system CPU seconds of the run (what a loaded machine does not inflate)."""

    @property
    def first_line(self) -> str:
        """The first line of stderr (or stdout), for the table."""
        text = self.stderr.strip() or self.stdout.strip()
        return text.splitlines()[0][:160] if text else ""


def command_for(kind: str, path: Path) -> tuple[list[str], int]:
    """The drcheck arguments reading ``path`` as ``kind`` and the exit code required."""
    if kind == "future":
        base = (["audit", "--facts", str(path)] if path.suffix == ".json"
                else ["audit", str(path), "--offline"])
        return ([*base, "--now", NOW, "-p", FUTURE_POLICY, "-f", "json"],
                0 if "within-skew" in path.name else 3)
    return [str(path) if a == "{file}" else a for a in COMMANDS[kind]], 2


def cases(base: Path = HERE) -> list[Case]:
    """Every committed corpus file as a case, sorted by kind and name."""
    out = []
    for kind in sorted([*COMMANDS, "future"]):
        for path in sorted((base / kind).iterdir()):
            argv, expect = command_for(kind, path)
            out.append(Case(kind, path, tuple(argv), expect))
    return out


def _limit() -> None:
    resource.setrlimit(resource.RLIMIT_AS, (MEMORY_LIMIT, MEMORY_LIMIT))


def run(argv: tuple[str, ...] | list[str], timeout: float = 60.0) -> Outcome:
    """``python -m drcheck ARGV`` under the memory cap; a hang past ``timeout`` is code None."""
    where = os.environ.get("DRCHECK_ROOT", str(ROOT))
    env = {k: v for k, v in os.environ.items() if k != "DRCHECK_DEBUG"}
    started = time.monotonic()
    before = resource.getrusage(resource.RUSAGE_CHILDREN)
    try:
        done = subprocess.run([sys.executable, "-m", "drcheck", *argv], cwd=where, env=env,
                              capture_output=True, text=True, timeout=timeout,
                              preexec_fn=_limit, stdin=subprocess.DEVNULL)
    except subprocess.TimeoutExpired as exc:
        return Outcome(None, time.monotonic() - started, str(exc.stdout or ""),
                       str(exc.stderr or ""))
    after = resource.getrusage(resource.RUSAGE_CHILDREN)
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return Outcome(done.returncode, time.monotonic() - started, done.stdout, done.stderr, cpu)


def main() -> None:
    """Print every case: id, expected code, code, wall and CPU seconds, first message line."""
    for case in cases():
        got = run(case.argv, timeout=float(os.environ.get("CORPUS_TIMEOUT", "60")))
        print(f"{case.id}\t{case.expect}\t{got.code}\t{got.seconds:.2f}\t{got.cpu:.2f}\t"
              f"{got.first_line}")


if __name__ == "__main__":
    main()
