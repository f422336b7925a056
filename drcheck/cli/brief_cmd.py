"""``drcheck brief``: what losing a domain means for the business and the law.

With ``--fail KIND:ID`` the named domains are lost together; without it, the ``--top``
worst single-domain losses of the N-1 sweep. Exit 0 unless a gate is asked for:
``--fail-if-lost CRITICALITY`` exits 1 when a dataset of that criticality or above is lost
(3 when unknown claims decide one), ``--fail-if-notifiable`` exits 1 when a notification
duty is triggered (3 when one hinges on unknown claims). 2 on bad input, as everywhere.
"""

from __future__ import annotations

from datetime import datetime, timezone
from enum import Enum
from typing import Annotated

import typer

from drcheck.brief.build import build_brief
from drcheck.brief.formats import BriefFormat, render
from drcheck.brief.model import Brief, DutyStatus, Outcome
from drcheck.brief.regimes import default_regimes
from drcheck.cli.app import app, guarded
from drcheck.cli.common import (
    EstateArg,
    NowOpt,
    OfflineOpt,
    SavedFactsOpt,
    WriteHereOpt,
    emit,
    resolve_now,
)
from drcheck.cli.simulate_cmd import LossRequest, loss_setup
from drcheck.evaluate.scoring import CRITICALITY_WEIGHT
from drcheck.evaluate.survival.fate import ctx_at
from drcheck.shared.errors import ExitCode, UsageError


class Criticality(str, Enum):
    """Dataset criticalities, for ``--fail-if-lost``."""

    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"


def parse_incident(text: str | None) -> datetime | None:
    """``--incident-at``: an ISO date-time, its offset kept (none given: UTC)."""
    if text is None:
        return None
    try:
        when = datetime.fromisoformat(text.strip().replace("Z", "+00:00"))
    except ValueError:
        raise UsageError(f"--incident-at {text!r}: expected an ISO date-time, e.g. "
                         "2021-03-10T00:47:00+01:00") from None
    return when if when.tzinfo else when.replace(tzinfo=timezone.utc)


def lost_gate(brief: Brief, floor: Criticality | None) -> ExitCode:
    """1 when a dataset at or above ``floor`` is lost; 3 when one is unknown; else 0."""
    if floor is None:
        return ExitCode.OK
    bar = CRITICALITY_WEIGHT[floor.value]
    found = {d.outcome for b in brief.briefs for d in b.datasets
             if CRITICALITY_WEIGHT.get(d.criticality, 2) >= bar}
    if Outcome.LOST in found:
        return ExitCode.FINDINGS
    return ExitCode.INCOMPLETE if Outcome.UNKNOWN in found else ExitCode.OK


def notifiable_gate(brief: Brief, asked: bool) -> ExitCode:
    """1 when a duty is triggered; 3 when a duty to assess rests on an unknown outcome."""
    if not asked:
        return ExitCode.OK
    code = ExitCode.OK
    for b in brief.briefs:
        unknown = {d.dataset for d in b.of(Outcome.UNKNOWN)}
        for duty in b.duties:
            if duty.status is DutyStatus.TRIGGERED:
                return ExitCode.FINDINGS
            if duty.status is DutyStatus.TO_ASSESS and unknown & {n for n, _ in duty.datasets}:
                code = ExitCode.INCOMPLETE
    return code


@app.command()
def brief(
    estate: EstateArg = None,
    facts: SavedFactsOpt = None,
    fail: Annotated[list[str] | None, typer.Option(
        "--fail", help="Lose this domain (KIND:ID, e.g. campus:ovh-sbg); repeatable: lost "
        "together. Without it, the --top worst single-domain losses.")] = None,
    incident_at: Annotated[str | None, typer.Option(
        help="When the organisation became aware (ISO date-time with offset): deadlines "
        "are counted from it.")] = None,
    top: Annotated[int, typer.Option(min=1, help="Without --fail: how many of the worst "
                                     "single-domain losses.")] = 3,
    kinds: Annotated[str | None, typer.Option(help="Without --fail: sweep only these kinds, "
                                              "comma-separated (default: all).")] = None,
    policy: Annotated[list[str] | None, typer.Option(
        "--policy", "-p", help="Policy whose max-age rules set the freshness bar (and the "
        "RPO when a dataset declares none). Default: sbg2.")] = None,
    max_age: Annotated[str | None, typer.Option(help="Copies older than this do not count "
                                                "as good; overrides the policy.")] = None,
    fail_if_lost: Annotated[Criticality | None, typer.Option(
        help="Exit 1 when a dataset of this criticality or above is lost.")] = None,
    fail_if_notifiable: Annotated[bool, typer.Option(
        help="Exit 1 when the loss triggers a notification duty.")] = False,
    fmt: Annotated[BriefFormat, typer.Option("--format", "-f")] = BriefFormat.TABLE,
    output: WriteHereOpt = None,
    offline: OfflineOpt = False,
    now: NowOpt = None,
) -> None:
    """What losing a domain means: data lost, RPO/RTO achievable, duties and deadlines."""

    def body() -> ExitCode:
        when = resolve_now(now)
        aware = parse_incident(incident_at)
        regimes = default_regimes()
        setup = loss_setup(LossRequest(estate, facts, offline, when, fail, kinds, policy,
                                       max_age))
        result = build_brief(setup.snapshot, setup.lost, setup.universe, setup.bar_for,
                             ctx_at(when), regimes, aware, top)
        emit(render(result, fmt), output)
        codes = (lost_gate(result, fail_if_lost), notifiable_gate(result, fail_if_notifiable))
        if ExitCode.FINDINGS in codes:
            return ExitCode.FINDINGS
        return ExitCode.INCOMPLETE if ExitCode.INCOMPLETE in codes else ExitCode.OK

    raise typer.Exit(int(guarded(body)))
