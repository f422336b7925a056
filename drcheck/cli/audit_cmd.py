"""``drcheck audit``: estate or facts file → findings, in the chosen format, with exit code."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from drcheck.cli.app import app, guarded
from drcheck.cli.common import emit, gather_snapshot, resolve_now
from drcheck.errors import ExitCode
from drcheck.model import Severity
from drcheck.pipeline import exit_code, run_audit
from drcheck.policy import resolve_policies
from drcheck.report import OutputFormat, reporter_for


@app.command()
def audit(
    estate: Annotated[Path | None, typer.Argument(help="Estate file (YAML).")] = None,
    facts: Annotated[Path | None, typer.Option(help="Re-evaluate a saved facts file.")] = None,
    policy: Annotated[list[str] | None, typer.Option(
        "--policy", "-p", help="Policy file or built-in pack name; repeatable. Default: sbg2."
    )] = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")] = None,
    fail_on: Annotated[Severity, typer.Option(help="Lowest severity that fails the run.")]
    = Severity.LOW,
    offline: Annotated[bool, typer.Option(help="Use declared facts only; run no probe.")]
    = False,
    now: Annotated[str | None, typer.Option(help="Evaluate as of this UTC time.")] = None,
) -> None:
    """Audit an estate (or a saved facts file) against policies; exit code per README."""

    def body() -> ExitCode:
        when = resolve_now(now)
        policies = resolve_policies(policy or [])
        snapshot = gather_snapshot(estate, facts, offline, when)
        result = run_audit(snapshot, policies, when)
        emit(reporter_for(fmt).render(result), output)
        return exit_code(result, fail_on)

    raise typer.Exit(int(guarded(body)))
