"""The console blocks of docs/evidence.md and docs/scale.md run as written (docs convention:
``$ `` lines are commands run with bash from the repository root, the lines after them
expected output in order, ``# exit N`` the expected exit status)."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
EXIT = re.compile(r"\s+# exit (\d+)$")


def commands(doc: Path) -> list[tuple[str, list[str]]]:
    out: list[tuple[str, list[str]]] = []
    for block in re.findall(r"```console\n(.*?)```", doc.read_text(), re.S):
        for line in block.splitlines():
            if line.startswith("$ "):
                out.append((line[2:], []))
            elif out:
                out[-1][1].append(line)
    return out


@pytest.mark.parametrize("name", ["evidence.md", "scale.md"])
def test_console_blocks_run_as_written(name: str) -> None:
    env = {**os.environ, "PATH": f"{Path(sys.executable).parent}:{os.environ['PATH']}"}
    steps = commands(ROOT / "docs" / name)
    assert steps
    for command, expected in steps:
        match = EXIT.search(command)
        want = int(match.group(1)) if match else 0
        run = command[:match.start()] if match else command
        done = subprocess.run(["bash", "-c", run], cwd=ROOT, env=env, capture_output=True,
                              text=True, timeout=300, check=False)
        output = done.stdout + done.stderr
        assert done.returncode == want, f"{command}\n{output}"
        pos = 0
        for line in expected:
            if not line.strip() or line.strip() == "...":
                continue
            found = output.find(line.rstrip(), pos)
            assert found >= 0, f"{command}: expected {line!r} in\n{output}"
            pos = found + len(line.rstrip())
