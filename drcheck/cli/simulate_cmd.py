"""``drcheck simulate``: lose failure domains on paper and see which datasets die.

With ``--fail KIND:ID`` (repeatable) the named domains are lost together; without it every
domain is lost in turn (N-1) and, with ``--depth 2``, every pair (N-2). Exit codes follow
the audit contract: 0 nothing dies, 1 a dataset dies (in a sweep: some dataset has a
single-domain cut), 2 usage, 3 nothing certainly dies but unknown claims decide.
"""

from __future__ import annotations

import difflib
from dataclasses import dataclass
from datetime import datetime, timedelta
from pathlib import Path
from typing import Annotated

import typer

from drcheck.cli.app import app, guarded
from drcheck.cli.common import (
    EstateArg,
    NowOpt,
    OfflineOpt,
    SavedFactsOpt,
    WriteHereOpt,
    emit,
    gather_snapshot,
    resolve_now,
)
from drcheck.evaluate.policy import resolve_policies
from drcheck.evaluate.survival.fate import BarFor, ctx_at, simulate_loss
from drcheck.evaluate.survival.model import (
    Domain,
    ScenarioResult,
    SweepResult,
    Verdict,
    parse_domain,
)
from drcheck.evaluate.survival.universe import Universe
from drcheck.inputs.durations import parse_duration
from drcheck.shared.errors import ExitCode, UsageError
from drcheck.shared.gcpause import keep_to_exit
from drcheck.shared.model import DomainKind, Snapshot
from drcheck.shared.progress import Progress
from drcheck.simulate.bars import policy_bar
from drcheck.simulate.render import SimulateFormat, render_scenario, render_sweep
from drcheck.simulate.sweep import sweep


def parse_kinds(text: str | None) -> tuple[DomainKind, ...]:
    """``campus,account`` → kinds; None or empty → every kind."""
    if not text:
        return tuple(DomainKind)
    try:
        return tuple(DomainKind(k.strip()) for k in text.split(",") if k.strip())
    except ValueError as exc:
        raise UsageError(f"--kinds {text!r}: {exc}",
                         hint="kinds: " + ", ".join(k.value for k in DomainKind)) from None


def parse_max_age(text: str | None) -> timedelta | None:
    """``--max-age`` as a duration; None when not given."""
    if text is None:
        return None
    try:
        return parse_duration(text)
    except ValueError as exc:
        raise UsageError(f"--max-age: {exc}") from None


@dataclass(frozen=True)
class LossRequest:
    """What ``simulate`` and ``brief`` are asked to lose, and from which snapshot."""

    estate: Path | None
    facts: Path | None
    offline: bool
    when: datetime
    fail: list[str] | None
    kinds: str | None
    policy: list[str] | None
    max_age: str | None
    require_immutable: bool = False


@dataclass(frozen=True)
class LossSetup:
    """The snapshot, the domains to reason about, the bar a good copy meets, and the
    domains lost together (empty: sweep)."""

    snapshot: Snapshot
    universe: Universe
    bar_for: BarFor
    lost: list[Domain]


def loss_setup(req: LossRequest) -> LossSetup:
    """The one way ``simulate`` and ``brief`` read their options: the lost domains (refused
    when no replica names them), the kinds to sweep, the policies' bar, the snapshot."""
    lost = [parse_domain(f) for f in req.fail or []]
    selected = tuple(dict.fromkeys(d[0] for d in lost)) if lost else parse_kinds(req.kinds)
    bar_for = policy_bar(resolve_policies(req.policy or []), parse_max_age(req.max_age),
                         req.require_immutable)
    snapshot = gather_snapshot(req.estate, req.facts, req.offline, req.when)
    universe = Universe(snapshot.datasets, selected)
    if lost:
        check_known(lost, universe)
    return LossSetup(snapshot, universe, bar_for, lost)


def check_known(lost: list[Domain], universe: Universe) -> None:
    """Refuse a domain no replica names: a typo must not read as 'nothing dies'."""
    for dom in lost:
        if not universe.known(dom):
            same = [f"{k.value}:{v}" for k, v in universe.domains if k is dom[0]]
            every = [f"{k.value}:{v}" for k, v in universe.domains]
            close = difflib.get_close_matches(f"{dom[0].value}:{dom[1]}", every, n=1)
            mean = f"did you mean {close[0]}? " if close else ""
            raise UsageError(f"no replica in the estate is in {dom[0].value}:{dom[1]}",
                             hint=mean + ((f"{dom[0].value} domains here: "
                                           + ", ".join(same[:12])) if same
                                          else f"no replica names any {dom[0].value}"))


def scenario_exit(result: ScenarioResult) -> ExitCode:
    """1 when a dataset is lost or left without a good copy; 3 when unknowns decide."""
    verdicts = {f.verdict for f in result.datasets}
    if verdicts & {Verdict.LOST, Verdict.DEGRADED}:
        return ExitCode.FINDINGS
    return ExitCode.INCOMPLETE if Verdict.UNKNOWN in verdicts else ExitCode.OK


def sweep_exit(result: SweepResult) -> ExitCode:
    """1 when a dataset has a certain single-domain cut; 3 when only unknowns make one."""
    if any(d.of_size(1) for d in result.datasets):
        return ExitCode.FINDINGS
    if any(d.of_size(1, certain=False) or d.blind for d in result.datasets):
        return ExitCode.INCOMPLETE
    return ExitCode.OK


@app.command()
def simulate(
    estate: EstateArg = None,
    facts: SavedFactsOpt = None,
    fail: Annotated[list[str] | None, typer.Option(
        "--fail", help="Lose this domain (KIND:ID, e.g. campus:ovh-sbg); repeatable: lost "
        "together. Without it, sweep every domain.")] = None,
    depth: Annotated[int, typer.Option(min=1, max=2, help="Sweep singles (1) or also pairs "
                                       "(2).")] = 1,
    kinds: Annotated[str | None, typer.Option(help="Sweep only these kinds, comma-separated "
                                              "(default: all).")] = None,
    policy: Annotated[list[str] | None, typer.Option(
        "--policy", "-p", help="Policy whose max-age rules set the freshness bar. Default: "
        "sbg2.")] = None,
    max_age: Annotated[str | None, typer.Option(help="Copies older than this (e.g. 48h) "
                                                "do not count; overrides the policy.")] = None,
    require_immutable: Annotated[bool, typer.Option(
        help="Only immutable copies count (ransomware: a lost account deletes the rest).")]
    = False,
    top: Annotated[int, typer.Option(min=1, help="Rows per ranking in table output.")] = 20,
    fmt: Annotated[SimulateFormat, typer.Option("--format", "-f")] = SimulateFormat.TABLE,
    output: WriteHereOpt = None,
    offline: OfflineOpt = False,
    now: NowOpt = None,
) -> None:
    """Lose failure domains on paper: which datasets keep a good copy? (N-1, N-2, cut sets)"""

    def body() -> ExitCode:
        when = resolve_now(now)
        setup = loss_setup(LossRequest(estate, facts, offline, when, fail, kinds, policy,
                                       max_age, require_immutable))
        snapshot, universe, bar_for, lost = (setup.snapshot, setup.universe, setup.bar_for,
                                             setup.lost)
        ctx = ctx_at(when)
        if lost:
            result = simulate_loss(snapshot.datasets, lost, universe, bar_for, ctx)
            keep_to_exit(setup, result)  # freed by the process's exit, not one by one
            emit(render_scenario(result, fmt), output)
            return scenario_exit(result)
        progress = Progress("simulate", len(snapshot.datasets), "datasets swept")
        swept = sweep(snapshot.datasets, universe, bar_for, depth, ctx, progress.advance)
        progress.done()
        keep_to_exit(setup, swept)
        emit(render_sweep(swept, fmt, top), output)
        return sweep_exit(swept)

    raise typer.Exit(int(guarded(body)))
