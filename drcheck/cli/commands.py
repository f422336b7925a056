"""The core commands: audit, validate, schema, rules, version."""

from __future__ import annotations

import json
from datetime import datetime, timezone
from pathlib import Path
from typing import Annotated

import typer

from drcheck import __version__
from drcheck.cli.app import app, guarded
from drcheck.durations import parse_time
from drcheck.errors import ConfigError, ExitCode, Problem, UsageError
from drcheck.model import Severity, Snapshot
from drcheck.output import atomic_write
from drcheck.pipeline import build_snapshot, check_estate, exit_code, load_estate, run_audit
from drcheck.policy import check_policy, resolve_policies
from drcheck.report import OutputFormat, reporter_for
from drcheck.schemas import SCHEMAS
from drcheck.snapshot import load_snapshot
from drcheck.yamlsource import load_file


def resolve_now(now: str | None) -> datetime:
    """The injected evaluation time, or the clock's when none was given."""
    if now is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    try:
        return parse_time(now)
    except ValueError:
        raise UsageError(f"--now {now!r}: expected an ISO date or date-time") from None


def emit(text: str, output: Path | None) -> None:
    """The report to ``output`` (atomically) or to stdout."""
    if output is None:
        typer.echo(text, nl=False)
    else:
        atomic_write(output, text)


def gather_snapshot(estate: Path | None, facts: Path | None, offline: bool,
                    when: datetime) -> Snapshot:
    """A snapshot from a facts file, or from an estate (probing unless ``offline``)."""
    if (estate is None) == (facts is None):
        raise UsageError("give an ESTATE file or --facts FILE (exactly one)")
    if facts is not None:
        return load_snapshot(str(facts))
    assert estate is not None
    spec = load_estate(str(estate))
    reports = []
    if not offline:
        from drcheck.collect import collect_reports

        reports = collect_reports(spec)
    return build_snapshot(spec, reports, when)


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


def _check_file(path: Path) -> tuple[list[Problem], str]:
    if path.suffix == ".json":
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError):
            data = None
        if isinstance(data, dict) and data.get("format") == "drcheck/facts":
            load_snapshot(str(path))
            return [], "facts"
    doc = load_file(path)
    kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
    if kind == "Policy":
        return check_policy(doc), "Policy"
    if kind == "Estate":
        return check_estate(doc), "Estate"
    return [doc.problem(("kind",), f"unknown document kind {kind!r}; expected Estate or "
                        "Policy (or a drcheck facts JSON file)")], "?"


@app.command()
def validate(files: Annotated[list[Path], typer.Argument(help="Files to check.")]) -> None:
    """Check estate, policy and facts files; report every problem with file:line (exit 2)."""

    def body() -> ExitCode:
        problems: list[Problem] = []
        for path in files:
            try:
                found, kind = _check_file(path)
            except ConfigError as exc:
                found, kind = exc.problems, "?"
            problems += found
            if not found:
                typer.echo(f"{path}: ok ({kind})")
        for problem in problems:
            typer.echo(f"error: {problem}", err=True)
        return ExitCode.USAGE if problems else ExitCode.OK

    raise typer.Exit(int(guarded(body)))


@app.command()
def schema(kind: Annotated[str, typer.Argument(help="estate, policy, facts or result")]) -> None:
    """Print the JSON Schema of an input or output document."""

    def body() -> None:
        if kind not in SCHEMAS:
            raise UsageError(f"no schema {kind!r}", hint="one of: " + ", ".join(SCHEMAS))
        typer.echo(json.dumps(SCHEMAS[kind](), indent=2, sort_keys=True))

    guarded(body)


@app.command()
def rules() -> None:
    """List the rule types a policy can use, with what each checks."""
    from drcheck.evaluate.registry import rule_types

    for name, cls in rule_types().items():
        typer.echo(f"{name:<20} {cls.summary}")


@app.command()
def version() -> None:
    """Print drcheck's version."""
    typer.echo(__version__)
