"""A JSON report whose embedded facts a forked worker wrote is the report one process writes.

Every test that forks does it for real (the fork log proves it) and compares, byte for
byte, with the report written in one process: of a snapshot assembled from an estate (its
facts document written anew), and after a worker killed before it could answer (this
process then writes the facts itself). A snapshot read from a facts file embeds the file's
own lines, here.
"""

from __future__ import annotations

import os
import signal
import sys
from dataclasses import replace
from pathlib import Path

import pytest

from drcheck.facts.snapshot import load_snapshot, snapshot_digest, snapshot_to_json
from drcheck.report import json_report
from drcheck.report.json_report import JsonReporter
from drcheck.shared.model import AuditResult
from tests.report.conftest import audit

ROOT = Path(__file__).resolve().parents[2]


def _generated(tmp_path: Path, n: int) -> AuditResult:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    path = tmp_path / "estate.yaml"
    path.write_text(generate(n, seed=5), encoding="utf-8")
    return audit(str(path), ("sbg2", "3-2-1-1-0", "bsi-georedundancy"))


def _alone(result: AuditResult, monkeypatch: pytest.MonkeyPatch) -> str:
    """The report as one process writes it."""
    with monkeypatch.context() as plain:
        plain.setattr(json_report, "worth_a_fork", lambda: False)
        return JsonReporter().render(result)


@pytest.fixture
def beside(monkeypatch: pytest.MonkeyPatch, fork_log: list[range]) -> list[range]:
    """The embedded facts written beside the findings from one dataset on."""
    monkeypatch.setattr(json_report, "FACTS_BESIDE_FROM", 1)
    monkeypatch.setattr(json_report, "worth_a_fork", lambda: True)
    return fork_log


def test_facts_written_anew_by_a_worker(tmp_path: Path, beside: list[range],
                                        monkeypatch: pytest.MonkeyPatch) -> None:
    result = _generated(tmp_path, 40)
    expected = _alone(replace(result, snapshot=replace(result.snapshot)), monkeypatch)
    fresh = replace(result, snapshot=replace(result.snapshot))  # no digest worked out yet
    assert JsonReporter().render(fresh) == expected
    assert beside == [range(1)]
    # the worker's digest is kept for the snapshot it wrote: the one worked out here
    assert fresh.snapshot.__dict__["_digest"] == snapshot_digest(replace(result.snapshot))


def test_facts_taken_from_the_file_are_taken_here(tmp_path: Path, beside: list[range],
                                                  monkeypatch: pytest.MonkeyPatch) -> None:
    """The file's own lines cost little to take: no worker for them (paired at 10k, a
    worker gave the same wall time for 5% more CPU)."""
    result = _generated(tmp_path, 40)
    path = tmp_path / "facts.json"
    path.write_text(snapshot_to_json(result.snapshot), encoding="utf-8")
    stored = replace(result, snapshot=load_snapshot(str(path), keep_source=True))
    expected = _alone(stored, monkeypatch)
    assert JsonReporter().render(stored) == expected
    assert beside == []


def test_a_worker_killed_leaves_the_facts_to_this_process(
        tmp_path: Path, beside: list[range], monkeypatch: pytest.MonkeyPatch) -> None:
    result = _generated(tmp_path, 30)
    expected = _alone(result, monkeypatch)
    parent, real = os.getpid(), json_report._embedded_facts

    def killed_in_the_worker(*args: object) -> object:
        if os.getpid() != parent:  # the worker: killed as the kernel kills for memory
            os.kill(os.getpid(), signal.SIGKILL)
        return real(*args)  # type: ignore[arg-type]

    monkeypatch.setattr(json_report, "_embedded_facts", killed_in_the_worker)
    assert JsonReporter().render(result) == expected
    assert beside == [range(1)]
