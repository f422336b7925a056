"""``drcheck audit``: estate or facts file → findings, in the chosen formats, with exit code.

Every input (policies, waivers, baseline, output plan) is checked before any probe runs;
reports are written only after evaluation succeeded. Exit codes: 0 clean, 1 findings at or
above ``--fail-on``, 2 usage or invalid input, 3 could not tell (unknowns at or above
``--fail-on``, nothing failed), 4 internal error; ``--soft-fail`` turns 1 and 3 into 0.
"""

from __future__ import annotations

import time
from pathlib import Path
from typing import Annotated

import typer

from drcheck.cli.app import app, guarded
from drcheck.cli.audit_outputs import (
    annotate,
    check_framework,
    create_baseline,
    gate,
    plan_targets,
    read_baseline,
    warn_expired,
    write_reports,
)
from drcheck.cli.common import gather_snapshot, resolve_now
from drcheck.errors import ExitCode
from drcheck.history import record
from drcheck.model import Severity
from drcheck.pipeline import exit_code, run_audit
from drcheck.policy import resolve_policies
from drcheck.report import OutputFormat, ReportOptions
from drcheck.waivers import load_waivers

Opt = typer.Option


@app.command()
def audit(
    estate: Annotated[Path | None, typer.Argument(help="Estate file (YAML).")] = None,
    facts: Annotated[Path | None, Opt(help="Re-evaluate a saved facts file.")] = None,
    policy: Annotated[list[str] | None, Opt(
        "--policy", "-p", help="Policy file or built-in pack name; repeatable. Default: sbg2."
    )] = None,
    fmt: Annotated[list[OutputFormat] | None, Opt(
        "--format", "-f", help="Report format on stdout (or --output); repeatable.")] = None,
    output: Annotated[Path | None, Opt("--output", "-o", help="Write the report here.")] = None,
    report: Annotated[list[str] | None, Opt(
        "--report", "-r", metavar="FORMAT[:PATH]",
        help="Also write FORMAT to PATH (stdout without PATH); repeatable.")] = None,
    fail_on: Annotated[Severity, Opt(help="Lowest severity that fails the run.")]
    = Severity.LOW,
    soft_fail: Annotated[bool, Opt(
        help="Exit 0 even with findings; say on stderr what would have failed.")] = False,
    waivers: Annotated[list[Path] | None, Opt(
        "--waivers", "-w", help="Waiver file (kind: Waivers); repeatable.")] = None,
    baseline: Annotated[Path | None, Opt(
        help="Only findings absent from this baseline gate the run.")] = None,
    create_baseline_path: Annotated[Path | None, Opt(
        "--create-baseline", help="Record today's failed/unknown findings as a baseline.")]
    = None,
    framework: Annotated[str | None, Opt(
        help="Group results by the controls of this framework (table, html, markdown).")]
    = None,
    history: Annotated[Path | None, Opt(help="Record this audit in a SQLite history.")]
    = None,
    offline: Annotated[bool, Opt(help="Use declared facts only; run no probe.")] = False,
    now: Annotated[str | None, Opt(help="Evaluate as of this UTC time.")] = None,
) -> None:
    """Audit an estate (or a saved facts file) against policies; exit code per README."""

    def body() -> ExitCode:
        when = resolve_now(now)
        targets = plan_targets(fmt or [], report or [], output)
        check_framework(framework)
        policies = resolve_policies(policy or [])
        accepted = load_waivers([str(p) for p in waivers or []])
        known = read_baseline(baseline)
        started = time.monotonic()
        snapshot = gather_snapshot(estate, facts, offline, when)
        result = run_audit(snapshot, policies, when)
        result = annotate(result, policies, accepted, known, when, time.monotonic() - started)
        if create_baseline_path is not None:
            result = create_baseline(result, create_baseline_path)
        write_reports(result, targets, ReportOptions(framework=framework))
        if history is not None:
            record(history, result)
        warn_expired(result)
        return gate(result, fail_on, soft_fail, exit_code(result, fail_on))

    raise typer.Exit(int(guarded(body)))
