"""``drcheck history PATH``: the score over time and what is new or fixed since the last run."""

from __future__ import annotations

import json
from dataclasses import asdict
from enum import Enum
from pathlib import Path
from typing import Annotated

import typer
from tabulate import tabulate

from drcheck.cli.app import app, guarded
from drcheck.report.history import AuditRow, HistoryDiff, HistoryFinding, audits, diff, estates
from drcheck.report.history_chain import verify_chain
from drcheck.shared.errors import ExitCode


class HistoryFormat(str, Enum):
    """Output formats of ``drcheck history``."""

    TABLE = "table"
    JSON = "json"


def _bar(score: int) -> str:
    return "█" * (score // 5) + ("▌" if score % 5 >= 3 else "")


def _changes(title: str, items: tuple[HistoryFinding, ...]) -> str:
    if not items:
        return f"{title}: none"
    rows = [(f.status, f.severity, f.rule_id, f.dataset, f.policy) for f in items]
    return f"{title}:\n" + tabulate(rows, headers=["status", "severity", "rule", "dataset",
                                                   "policy"], tablefmt="simple")


def _table(rows: list[AuditRow]) -> str:
    several = len({r.estate for r in rows}) > 1
    headers = ["#", "evaluated at", *(["estate"] if several else []), "score", "", "fail",
               "unknown", "waived", "pass"]
    return tabulate([(r.id, r.evaluated_at, *([r.estate or "-"] if several else []), r.score,
                      _bar(r.score), r.failed, r.unknown, r.waived, r.passed) for r in rows],
                    headers=headers, tablefmt="simple")


def _change_text(change: HistoryDiff, named: bool) -> str:
    of = f" of {change.after.estate or 'unnamed estates'}" if named else ""
    head = (f"since audit #{change.before.id}{of} ({change.before.evaluated_at}): score "
            f"{change.before.score} → {change.after.score}")
    return "\n\n".join([head, _changes("new", change.new), _changes("fixed", change.fixed)])


def render_table(rows: list[AuditRow], changes: list[HistoryDiff]) -> str:
    """Score over time, then per estate the changes between its last two audits."""
    table = _table(rows)
    if not changes:
        return table + "\n\nonly one audit per estate recorded: nothing to compare yet\n"
    named = len({r.estate for r in rows}) > 1
    return "\n\n".join([table, *(_change_text(c, named) for c in changes)]) + "\n"


def render_json(rows: list[AuditRow], changes: list[HistoryDiff]) -> str:
    """The same as JSON; ``new``/``fixed`` are those of the estate audited last."""
    last = next((c for c in changes if rows and c.after.id == rows[-1].id), None)
    doc = {"audits": [asdict(r) for r in rows],
           "new": [asdict(f) for f in last.new] if last else [],
           "fixed": [asdict(f) for f in last.fixed] if last else [],
           "changes": [{"estate": c.after.estate, "before": c.before.id, "after": c.after.id,
                        "new": [asdict(f) for f in c.new],
                        "fixed": [asdict(f) for f in c.fixed]} for c in changes]}
    return json.dumps(doc, indent=2, sort_keys=True, ensure_ascii=False) + "\n"


def verify_history(path: Path, expect_head: str | None) -> ExitCode:
    """Print the chain check; exit 2 when a run is missing or altered."""
    report = verify_chain(path, expect_head)
    for problem in report.problems:
        typer.echo(f"error: {problem}", err=True)
    if report.unchained:
        typer.echo(f"{report.unchained} audit(s) recorded before the chain existed: not "
                   "verifiable", err=True)
    state = "intact" if report.intact else "BROKEN"
    typer.echo(f"chain {state}: {report.checked} run(s) checked")
    typer.echo(f"head {report.head}")
    return ExitCode.OK if report.intact else ExitCode.USAGE


@app.command()
def history(
    path: Annotated[Path, typer.Argument(help="History database written by audit --history.")],
    fmt: Annotated[HistoryFormat, typer.Option("--format", "-f")] = HistoryFormat.TABLE,
    last: Annotated[int, typer.Option(help="Show at most this many audits.", min=1)] = 30,
    verify: Annotated[bool, typer.Option(
        help="Check the chain of runs: a deleted or altered run is a gap (exit 2).")] = False,
    expect_head: Annotated[str | None, typer.Option(
        help="With --verify: the newest run's digest kept elsewhere (catches deleted newest "
        "runs).")] = None,
    estate: Annotated[str | None, typer.Option(
        help="Only this estate's audits (by estate name). Default: every estate.")] = None,
) -> None:
    """Show the score over time and, per estate, what is new or fixed since its previous
    audit."""

    def body() -> ExitCode:
        if verify or expect_head:
            return verify_history(path, expect_head)
        rows = audits(path, estate)[-last:]
        keys = [estate] if estate is not None else estates(path)
        changes = [c for key in keys if (c := diff(path, key)) is not None]
        render = render_json if fmt is HistoryFormat.JSON else render_table
        typer.echo(render(rows, changes), nl=False)
        return ExitCode.OK

    raise typer.Exit(int(guarded(body)))
