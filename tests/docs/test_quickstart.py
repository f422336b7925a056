"""The README's quickstart as a new user runs it: the first command in a fresh virtual
environment made from a clean copy of the tree, and the test command identical to what CI
runs (``.ci/run`` must run exactly the README's test command)."""

from __future__ import annotations

import os
import re
import subprocess
from pathlib import Path

import pytest

from tests.docs.console import copy_tree

ROOT = Path(__file__).resolve().parents[2]


def _quickstart() -> list[str]:
    text = (ROOT / "README.md").read_text(encoding="utf-8")
    start = text.index("## Quickstart")
    section = text[start:text.index("\n## ", start + 3)]
    blocks = re.findall(r"```sh\n(.*?)\n```", section, re.S)
    assert len(blocks) == 2, blocks  # two commands, one per block
    return [b.strip() for b in blocks]


def test_ci_runs_exactly_the_readme_test_command() -> None:
    _, test_command = _quickstart()
    ci = (ROOT / ".ci" / "run").read_text(encoding="utf-8").splitlines()
    assert ci[-1] == test_command
    assert "python3 -m venv .venv" in test_command  # PEP 668: never the system Python
    assert test_command.startswith("bash .ci/install-deps && ")


def test_install_deps_names_what_the_tests_run() -> None:
    script = (ROOT / ".ci" / "install-deps").read_text(encoding="utf-8")
    for package in ("openssh-server", "openssh-client", "chromium", "cron", "git",
                    "python3-venv", "restic", "borgbackup", "rclone", "pgbackrest"):
        assert f"={package}" in script or f"({package})" in script, package


@pytest.mark.integration
def test_the_first_command_works_in_a_fresh_venv_from_a_clean_copy(tmp_path: Path) -> None:
    first, _ = _quickstart()
    assert first.startswith("python3 -m venv .venv && .venv/bin/pip install . && ")
    tree = copy_tree(ROOT, tmp_path / "clone")
    env = {"PATH": "/usr/local/bin:/usr/bin:/bin", "HOME": str(tmp_path),
           "LANG": "C.UTF-8", **{k: v for k, v in os.environ.items()
                                 if k.startswith(("PIP_", "http", "HTTP", "no_proxy"))}}
    ran = subprocess.run(["bash", "-c", first], cwd=tree, env=env, capture_output=True,
                         text=True, timeout=900, check=False)
    assert ran.returncode == 1, ran.stdout[-3000:] + ran.stderr[-3000:]  # SBG2 fails
    assert ("score 40/100 · 2 failed · 0 unknown · 0 waived · 3 passed · policies: sbg2"
            in ran.stdout), ran.stdout[-3000:]
    assert (tree / ".venv" / "bin" / "drcheck").exists()
