"""Evaluation shared over forked workers gives the findings of one process, exactly.

The workers are real forks of the test process judging real shares; each test first makes
sure a fork happened, so none can pass by quietly judging everything in one process.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
from dataclasses import replace
from pathlib import Path
from typing import Any

import pytest

from drcheck.evaluate import engine
from drcheck.evaluate.engine import evaluate
from drcheck.evaluate.policy import load_policy, resolve_policies
from drcheck.evaluate.rules.copies import MinCopiesRule
from drcheck.evaluate.scoring import SINGLE_CUT_CAP, score_findings
from drcheck.shared import forked, headroom
from drcheck.shared.errors import UsageError
from drcheck.shared.forked import Jobs, WorkerError, can_fork, jobs_wanted, shares
from drcheck.shared.model import Status
from tests.core.builders import NOW
from tests.core.test_eval_shortcuts import PACKS, _estate

ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def forks(monkeypatch: pytest.MonkeyPatch, fork_log: list[range]) -> list[range]:
    """Shares of 10 datasets or more, forking even beside the test runner's threads; the
    list records the share of every worker forked."""
    monkeypatch.setattr(engine, "MIN_SHARE", 10)
    monkeypatch.setattr(engine, "can_fork", lambda: True)
    return fork_log


@pytest.mark.parametrize("jobs", [2, 3, 4])
def test_shared_evaluation_equals_one_process(jobs: int, forks: list[range]) -> None:
    snapshot = _estate(120, seed=21)
    policies = resolve_policies(PACKS)
    alone = evaluate(snapshot, policies, NOW, jobs=1)
    assert not forks
    for explain in (True, False):
        shared = evaluate(snapshot, policies, NOW, explain_passes=explain, jobs=jobs)
        assert [len(s) for s in forks[-(jobs - 1):]] == [len(s) for s in
                                                        shares(120, jobs, 10, engine.LEAD)[1:]]
        own = alone if explain else evaluate(snapshot, policies, NOW, explain_passes=False,
                                             jobs=1)
        assert shared.findings == own.findings
        assert shared.scores == own.scores and shared.score == own.score
    # what the handover must carry was there: every status, messages, evidence, unknowns
    found = alone.findings
    assert {f.status for f in found} >= {Status.PASS, Status.FAIL, Status.UNKNOWN}
    assert any(f.shared for f in found) and any(f.evidence for f in found)
    assert any(f.unknowns and f.status is Status.PASS for f in found)


LOW_SURVIVE = """apiVersion: drcheck/v1
kind: Policy
metadata: {name: survive-low}
rules:
  - id: LOW-SURVIVE
    type: survives
    title: A copy survives the loss of any single campus
    severity: low
    params: {kinds: [campus], depth: 1}
  - id: HIGH-CLEAN
    type: collection-issues
    title: No probe found anything wrong
    severity: high
"""


def test_scores_folded_per_share_equal_one_process_with_single_domain_cuts(
        forks: list[range], tmp_path: Path) -> None:
    """The workers fold their own shares' scores; a failed ``survives`` rule naming one
    domain caps a score at 50 (a low one beside a high rule that passes, so that the cap
    decides the score), and that cap must cross the hand-over too."""
    (tmp_path / "low.yaml").write_text(LOW_SURVIVE, encoding="utf-8")
    snapshot = _estate(150, seed=5)
    policies = [load_policy(str(tmp_path / "low.yaml"))]
    alone = evaluate(snapshot, policies, NOW, jobs=1)
    capped = {f.dataset for f in alone.findings if f.status is Status.FAIL and f.shared}
    uncut = [score_findings([replace(f, shared=()) for f in alone.findings if f.dataset == name])
             for name in capped]
    assert capped and max(uncut) > SINGLE_CUT_CAP  # the cap decides some score
    for jobs in (2, 3):
        shared = evaluate(snapshot, policies, NOW, jobs=jobs)
        assert shared.scores == alone.scores and shared.score == alone.score
        assert shared.findings == alone.findings
    assert len(forks) == 1 + 2


def test_progress_counts_every_rule_check_once(forks: list[range]) -> None:
    snapshot = _estate(100, seed=4)
    policies = resolve_policies(PACKS)
    told: list[int] = []
    evaluate(snapshot, policies, NOW, progress=told.append, jobs=2)
    assert forks
    assert sum(told) == 100 * sum(len(p.rules) for p in policies)


def _fails_in_a_worker(parent: int) -> Any:
    real = MinCopiesRule.judge

    def judge(self: Any, dataset: Any, params: Any, ctx: Any) -> Any:
        if os.getpid() != parent:
            raise ZeroDivisionError("a bug in a rule")
        return real(self, dataset, params, ctx)

    return judge


def test_a_worker_that_raises_is_a_bug_with_its_traceback(
        forks: list[range], monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(MinCopiesRule, "judge", _fails_in_a_worker(os.getpid()))
    with pytest.raises(WorkerError, match=r"(?s)ZeroDivisionError: a bug in a rule"):
        evaluate(_estate(60, seed=2), resolve_policies(PACKS), NOW, jobs=3)
    assert len(forks) == 2
    with pytest.raises(ChildProcessError):  # every worker was reaped
        os.waitpid(-1, os.WNOHANG)


def test_a_worker_killed_leaves_its_share_to_the_parent(
        forks: list[range], monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    real = MinCopiesRule.judge

    def judge(self: Any, dataset: Any, params: Any, ctx: Any) -> Any:
        if os.getpid() != parent:
            os.kill(os.getpid(), signal.SIGKILL)  # the kernel's OOM killer, say
        return real(self, dataset, params, ctx)

    snapshot = _estate(60, seed=8)
    policies = resolve_policies(PACKS)
    alone = evaluate(snapshot, policies, NOW, jobs=1)
    monkeypatch.setattr(MinCopiesRule, "judge", judge)
    assert evaluate(snapshot, policies, NOW, jobs=2).findings == alone.findings
    assert len(forks) == 1


def test_the_parent_failing_kills_and_reaps_its_workers(
        forks: list[range], monkeypatch: pytest.MonkeyPatch) -> None:
    parent = os.getpid()
    real = MinCopiesRule.judge

    def judge(self: Any, dataset: Any, params: Any, ctx: Any) -> Any:
        if os.getpid() == parent:
            raise KeyError("parent's own share")
        return real(self, dataset, params, ctx)

    monkeypatch.setattr(MinCopiesRule, "judge", judge)
    with pytest.raises(KeyError):
        evaluate(_estate(60, seed=8), resolve_policies(PACKS), NOW, jobs=2)
    assert len(forks) == 1
    with pytest.raises(ChildProcessError):
        os.waitpid(-1, os.WNOHANG)


def test_small_estates_and_one_job_never_fork(forks: list[range]) -> None:
    policies = resolve_policies(PACKS)
    evaluate(_estate(19, seed=1), policies, NOW, jobs=4)  # fewer than two shares of 10
    evaluate(_estate(200, seed=1), policies, NOW, jobs=1)
    assert not forks


@pytest.mark.parametrize("lead", [0.0, 0.15, 1.0])
def test_shares_are_contiguous_balanced_and_never_below_the_least(lead: float) -> None:
    for total, jobs, least in ((0, 2, 10), (9, 4, 10), (25, 2, 10), (101, 3, 10),
                               (10_000, 4, 1000), (3_999, 4, 1000), (2_000, 2, 1000),
                               (2_100, 2, 1000)):
        parts = shares(total, jobs, least, lead)
        assert [i for part in parts for i in part] == list(range(total))
        assert len(parts) <= jobs
        rest = [len(p) for p in parts[1:]]
        assert not rest or max(rest) - min(rest) <= 1
        assert len(parts) == 1 or min(map(len, parts)) >= least
        if len(parts) > 1:  # the first weighs 1 + lead against each other's 1
            wanted = total * (1 + lead) / (len(parts) + lead)
            assert len(parts[0]) == min(round(wanted), total - least * (len(parts) - 1))
    assert len(shares(3_999, 4, 1000, lead)) == 3
    assert [len(p) for p in shares(10_000, 2, 1000, 0.15)] == [5349, 4651]


def test_jobs_come_from_the_environment_or_the_cpus(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("DRCHECK_JOBS", "3")
    assert jobs_wanted() == Jobs(3, chosen=True)
    for bad in ("0", "two", "-1", "1.5"):
        monkeypatch.setenv("DRCHECK_JOBS", bad)
        with pytest.raises(UsageError, match="DRCHECK_JOBS"):
            jobs_wanted()
    monkeypatch.delenv("DRCHECK_JOBS")
    assert jobs_wanted() == Jobs(1, chosen=False)  # a test process is not drcheck's own
    monkeypatch.setattr(forked, "is_own_process", lambda: True)
    assert jobs_wanted() == Jobs(min(forked.MOST_JOBS, len(os.sched_getaffinity(0))), False)
    monkeypatch.delattr(os, "sched_getaffinity")  # as on macOS
    assert jobs_wanted() == Jobs(min(forked.MOST_JOBS, os.cpu_count() or 1), False)


def _kernel(tmp_path: Path, monkeypatch: pytest.MonkeyPatch, resident_gib: float) -> Path:
    """A fake /proc and /sys/fs/cgroup: a machine short of memory or a container's limit
    cannot be made here. The process is ``resident_gib`` resident."""
    page = os.sysconf("SC_PAGE_SIZE")
    (tmp_path / "statm").write_text(f"1 {int(resident_gib * 2**30) // page} 0 0 0 0 0\n")
    (tmp_path / "cgroup").write_text("")
    monkeypatch.setattr(headroom, "STATM", str(tmp_path / "statm"))
    monkeypatch.setattr(headroom, "MEMINFO", str(tmp_path / "meminfo"))
    monkeypatch.setattr(headroom, "CGROUPS", str(tmp_path / "cgroup"))
    monkeypatch.setattr(headroom, "CGROUP_ROOT", str(tmp_path / "sys"))
    return tmp_path


def _available(kernel: Path, gib: float) -> None:
    (kernel / "meminfo").write_text(f"MemTotal: 99 kB\nMemAvailable: {int(gib * 2**20)} kB\n")


def test_workers_are_only_as_many_as_memory_can_copy(tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    kernel = _kernel(tmp_path, monkeypatch, resident_gib=0.25)
    for available_gib, want, allowed in ((64, 4, 4), (1.25, 4, 3), (1, 4, 3), (0.75, 4, 2),
                                         (0.25, 4, 1), (0, 2, 1)):
        _available(kernel, available_gib)
        assert forked.affordable(Jobs(want, chosen=False)) == allowed, available_gib
    (kernel / "meminfo").write_text("MemTotal: 99 kB\n")  # an old kernel: no estimate
    assert forked.affordable(Jobs(4, chosen=False)) == 4


def test_a_container_limit_counts_not_the_hosts_memory(tmp_path: Path,
                                                       monkeypatch: pytest.MonkeyPatch) -> None:
    kernel = _kernel(tmp_path, monkeypatch, resident_gib=0.25)
    _available(kernel, 64)  # the host's
    v2 = kernel / "sys" / "pod"
    v2.mkdir(parents=True)
    (kernel / "cgroup").write_text("0::/pod\n")
    (v2 / "memory.max").write_text(f"{3 * 2**29}\n")
    (v2 / "memory.current").write_text(f"{2**29}\n")  # 1 GiB of room: two quarter-GiB copies
    assert headroom.room() == 2**30
    assert forked.affordable(Jobs(4, chosen=False)) == 3
    (v2 / "memory.max").write_text("max\n")
    assert headroom.room() == 64 * 2**30
    v1 = kernel / "sys" / "memory" / "job"
    v1.mkdir(parents=True)
    (kernel / "cgroup").write_text("4:memory:/job\n3:cpu:/job\n")
    (v1 / "memory.limit_in_bytes").write_text(f"{int(0.7 * 2**30)}\n")
    (v1 / "memory.usage_in_bytes").write_text(f"{2**28}\n")  # 0.45 GiB of room: none
    assert forked.affordable(Jobs(4, chosen=True)) == 1
    (v1 / "memory.limit_in_bytes").write_text("9223372036854771712\n")  # no limit
    assert forked.affordable(Jobs(4, chosen=True)) == 4


@pytest.mark.parametrize(("resident_gib", "want", "allowed"), [
    (0.25, 4, 4), (0.5, 4, 3), (0.85, 4, 2), (0.95, 2, 1), (0.95, 4, 1)])
def test_by_default_every_copy_fits_in_the_total(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                 resident_gib: float, want: int,
                                                 allowed: int) -> None:
    """Unless asked, no more processes than copies of this one fit in 1.8 GiB (a forked
    audit peaks near 2.1 times what it held): 0.85 GiB forks one worker, 0.95 GiB none."""
    kernel = _kernel(tmp_path, monkeypatch, resident_gib=resident_gib)
    _available(kernel, 64)
    assert forked.affordable(Jobs(want, chosen=False)) == allowed
    assert forked.affordable(Jobs(want, chosen=True)) == want


def test_a_giant_process_forks_only_when_asked(tmp_path: Path,
                                               monkeypatch: pytest.MonkeyPatch) -> None:
    kernel = _kernel(tmp_path, monkeypatch, resident_gib=1.5)
    _available(kernel, 64)
    assert forked.affordable(Jobs(2, chosen=False)) == 1
    assert forked.affordable(Jobs(2, chosen=True)) == 2


def test_real_readings_are_plausible() -> None:
    held, free = headroom.resident(), headroom.room()
    assert held is not None and 10 * 2**20 < held < 64 * 2**30
    assert free is not None and free > 0
    assert 1 <= forked.affordable(Jobs(3, chosen=True)) <= 3


def _worker_sigint() -> object:
    with forked.forked([range(1)], lambda _share: signal.getsignal(signal.SIGINT)) as results:
        return next(results())


def test_a_worker_ends_on_ctrl_c_only_where_the_parent_would() -> None:
    """Ctrl-C ends a worker of a foreground drcheck at once; a drcheck that ignores SIGINT
    (started in the background, under nohup) has workers that ignore it too, instead of
    losing their shares to it."""
    before = signal.getsignal(signal.SIGINT)
    try:
        signal.signal(signal.SIGINT, signal.default_int_handler)
        assert _worker_sigint() == signal.SIG_DFL
        signal.signal(signal.SIGINT, signal.SIG_IGN)
        assert _worker_sigint() == signal.SIG_IGN
    finally:
        signal.signal(signal.SIGINT, before)


def test_no_fork_beside_another_thread() -> None:
    release = threading.Event()
    other = threading.Thread(target=release.wait)
    other.start()
    try:
        assert not can_fork()
    finally:
        release.set()
        other.join()


def _audit(estate: Path, out: Path, jobs: str) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "DRCHECK_JOBS": jobs, "DRCHECK_PROGRESS": "off"}
    return subprocess.run(
        [sys.executable, "-m", "drcheck", "-v", "audit", "--offline", str(estate), "-p", "sbg2",
         "-p", "3-2-1-1-0", "-p", "bsi-georedundancy", "-f", "json", "-o", str(out),
         "--now", "2026-11-23T06:00:00Z"],
        capture_output=True, text=True, env=env, timeout=120, check=False)


def test_the_command_writes_the_same_report_with_any_number_of_jobs(tmp_path: Path) -> None:
    sys.path.insert(0, str(ROOT / "benchmarks"))
    from gen_estate import generate

    estate = tmp_path / "estate.yaml"
    estate.write_text(generate(2 * engine.MIN_SHARE + 50, seed=3), encoding="utf-8")
    runs = {jobs: _audit(estate, tmp_path / f"r{jobs}.json", jobs) for jobs in ("1", "2")}
    for run in runs.values():
        assert run.returncode == 1, run.stderr  # the generated estate has failures
    assert "processes" not in runs["1"].stderr
    assert f"judging {2 * engine.MIN_SHARE + 50} datasets in 2 processes" in runs["2"].stderr
    assert (tmp_path / "r1.json").read_bytes() == (tmp_path / "r2.json").read_bytes()
    bad = _audit(estate, tmp_path / "r.json", "many")
    assert bad.returncode == 2 and "DRCHECK_JOBS='many'" in bad.stderr
    assert "Traceback" not in bad.stderr
