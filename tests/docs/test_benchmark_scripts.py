"""The whole-process benchmark the docs quote runs as documented, here on a small estate.

``benchmarks/run_all.sh`` takes half an hour; its table comes from ``whole_process.py``,
which is run here with 150 datasets against the installed console script: every command
row is there with figures (no limit hit), and the lines that make its figures comparable
(which script was timed, the machine's speed) are printed.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
SCRIPT = Path(sys.executable).parent / "drcheck"


def test_whole_process_benchmark_prints_every_row_with_figures() -> None:
    assert SCRIPT.exists(), f"no console script beside {sys.executable}"
    run = subprocess.run(
        [sys.executable, str(ROOT / "benchmarks" / "whole_process.py"), "--datasets", "150",
         "--repeat", "1", "--drcheck", str(SCRIPT), "--timeout", "120"],
        capture_output=True, text=True, timeout=600, cwd=ROOT)
    assert run.returncode == 0, run.stderr[-2000:]
    out = run.stdout
    assert f"Whole-process runs of {SCRIPT}" in out
    assert re.search(r"Machine speed: \d+\.\d\d s for ten million additions", out)
    for name in ("probe --offline (facts file)", "validate", "audit (YAML -> JSON)",
                 "audit --facts", "simulate --facts N-1"):
        row = re.search(rf"^\| 150 \(\d+ MB YAML\) \| {re.escape(name)} \| (\d+\.\d\d) \| "
                        r"(\d+\.\d\d) \| (\d+) \|", out, re.M)
        assert row, f"no row for {name}:\n{out}"
        assert float(row.group(1)) > 0 and int(row.group(3)) > 0
    assert "limit hit" not in out
    assert re.search(r"^\| - \| version \(start-up\) \| \d+\.\d\d \|", out, re.M)
