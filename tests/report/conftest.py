"""Fixtures for the reporter tests: a rich result built from examples/ovh-sbg2, golden files.

``pytest tests/report --update-golden`` rewrites the files under tests/golden/ from the current
reporters (or set ``DRCHECK_UPDATE_GOLDEN=1``); review the diff before committing it.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import datetime
from pathlib import Path

import pytest

from drcheck.cli.pipeline import run_audit
from drcheck.evaluate.policy import resolve_policies
from drcheck.evaluate.waivers import apply_waivers, load_waivers
from drcheck.facts.assemble import build_snapshot
from drcheck.inputs.baselines import apply_baseline
from drcheck.inputs.durations import parse_time
from drcheck.inputs.estate_check import load_estate
from drcheck.report.rules import rule_refs
from drcheck.shared.model import AuditResult, Finding, ProbeIssue, Severity, Status

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "golden"
FIXTURES = Path("tests/report/fixtures")
NOW_TEXT = "2026-11-23T06:00:00Z"
NOW = parse_time(NOW_TEXT)
ISSUE = ProbeIssue(subject="host:backup-1", probe="ssh", code="unreachable",
                   reason="connection refused on port 22", observed_at="2026-11-23T05:59:30Z")
FIXED = Finding(rule_id="DR-SBG2-02", rule_type="min-copies", policy="sbg2",
                dataset="customer-db", status=Status.FAIL, severity=Severity.HIGH,
                title="At least one copy that is not on the primary's own host",
                message="no copy off the primary's host")


def pytest_addoption(parser: pytest.Parser) -> None:
    """``--update-golden``: rewrite golden files instead of comparing with them."""
    parser.addoption("--update-golden", action="store_true", default=False,
                     help="rewrite tests/golden/<format>/ from the current reporters")


@pytest.fixture(autouse=True)
def _in_repo_root(monkeypatch: pytest.MonkeyPatch) -> Iterator[None]:
    """Origins in reports are relative to the repository root, as on the command line.

    ``FIXTURES`` is relative too, so golden files never hold an absolute path.
    """
    monkeypatch.chdir(ROOT)
    yield


def audit(estate: str = "examples/ovh-sbg2/estate.yaml",
          policies: tuple[str, ...] = ("sbg2", "3-2-1-1-0"),
          issues: tuple[ProbeIssue, ...] = (), now: datetime = NOW) -> AuditResult:
    """Evaluate an estate offline (declared facts and catalog only) at a fixed time."""
    snapshot = build_snapshot(load_estate(estate), [], now)
    if issues:
        snapshot = replace(snapshot, issues=issues)
    loaded = resolve_policies(list(policies))
    return replace(run_audit(snapshot, loaded, now), rules=rule_refs(loaded))


@pytest.fixture
def rich_result() -> AuditResult:
    """Fail, unknown, waived and pass findings, an expired waiver, a probe issue, a baseline."""
    result = audit(issues=(ISSUE,))
    result = apply_waivers(result, load_waivers([str(FIXTURES / "waivers.yaml")]), NOW)
    accepted = tuple(f for f in result.findings if f.rule_id == "DR-SBG2-05") + (FIXED,)
    result = apply_baseline(result, accepted, "tests/report/fixtures/baseline.json")
    return replace(result, duration_seconds=1.25)


@pytest.fixture
def golden(request: pytest.FixtureRequest) -> Callable[[str, str], None]:
    """Compare text with tests/golden/<path>, or rewrite it under ``--update-golden``."""
    update = bool(request.config.getoption("--update-golden", default=False)
                  or os.environ.get("DRCHECK_UPDATE_GOLDEN"))

    def check(path: str, text: str) -> None:
        target = GOLDEN / path
        if update:
            target.parent.mkdir(parents=True, exist_ok=True)
            target.write_text(text, encoding="utf-8", newline="")
            return
        assert target.exists(), f"no golden file {target}; run pytest tests/report --update-golden"
        assert target.read_bytes().decode("utf-8") == text, (
            f"{path} differs from its golden file; if the change is intended, run "
            "pytest tests/report --update-golden and review the diff")

    return check

