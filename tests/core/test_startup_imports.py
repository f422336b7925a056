"""Each command imports only what it needs: start-up is most of a small run's time.

Read from the interpreter's own account (``python -X importtime``) of a real process. The
heavy modules named here cost tens of milliseconds each (pydantic alone about 0.2 s, through
typer 0.29's parameter coercion); a command that does not use one must not load it.
"""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]
SMALL = str(ROOT / "examples" / "georedundant" / "estate.yaml")
NEVER_AT_START = {"pydantic", "tabulate", "boto3", "botocore", "paramiko"}


def _modules(*args: str) -> set[str]:
    """Every module a ``drcheck`` process with ``args`` imported, by full name."""
    run = subprocess.run([sys.executable, "-X", "importtime", "-m", "drcheck", *args],
                         capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert run.returncode in (0, 1), run.stderr[-2000:]
    found = re.findall(r"^import time:\s+\d+ \|\s+\d+ \|\s*([\w.]+)$", run.stderr, re.M)
    assert "drcheck.cli" in found  # the account was read
    return set(found)


def _imported(*args: str) -> set[str]:
    """The top-level packages of ``_modules``."""
    return {name.split(".")[0] for name in _modules(*args)}


@pytest.mark.parametrize("args", [["version"], ["validate", SMALL]], ids=" ".join)
def test_version_and_validate_load_no_heavy_library(args: list[str]) -> None:
    assert not _imported(*args) & (NEVER_AT_START | {"cryptography", "jsonschema"})


def test_an_offline_audit_to_json_loads_neither_probes_nor_table_nor_pydantic(
        tmp_path: Path) -> None:
    modules = _modules("audit", "--offline", SMALL, "-f", "json", "-o",
                       str(tmp_path / "r.json"), "--now", "2026-11-23T06:00:00Z")
    loaded = {name.split(".")[0] for name in modules}
    assert not loaded & NEVER_AT_START
    assert "orjson" in loaded  # what it does need is seen
    # nor the code that runs probes (their threads, shards, the runner's hostname)
    assert not modules & {"drcheck.facts.collect", "drcheck.facts.runs", "drcheck.facts.shards",
                          "concurrent.futures", "socket"}
    assert "drcheck.facts.assemble" in modules


def test_an_audit_of_a_facts_file_loads_no_probe_signing_history_or_estate_reader(
        tmp_path: Path) -> None:
    facts = tmp_path / "facts.json"
    made = subprocess.run([sys.executable, "-m", "drcheck", "probe", "--offline", SMALL, "-o",
                           str(facts), "--now", "2026-11-23T06:00:00Z"],
                          capture_output=True, text=True, timeout=120, cwd=ROOT)
    assert made.returncode == 0, made.stderr[-2000:]
    loaded = _modules("audit", "--facts", str(facts), "-f", "json", "-o",
                      str(tmp_path / "r.json"), "--now", "2026-11-23T06:00:00Z")
    # signing (cryptography), the history (sqlite3), the tool versions (importlib.metadata)
    # and the probes with their estate reader serve other options and commands
    unwanted = {"cryptography", "sqlite3", "importlib.metadata", "drcheck.probes",
                "drcheck.facts.collect", "drcheck.facts.assemble", "drcheck.inputs.estate_check",
                "drcheck.report.history", "drcheck.evidence.signing"}
    assert not loaded & unwanted
    assert {"orjson", "drcheck.report.json_report", "drcheck.facts.reader"} <= loaded
