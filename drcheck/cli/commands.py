"""The core commands: audit, validate, schema, rules, version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Annotated

import typer

from drcheck import __version__
from drcheck.catalog_check import catalog_warnings
from drcheck.cli.app import app, guarded, note
from drcheck.errors import ConfigError, ExitCode, Problem, UsageError
from drcheck.pipeline import check_estate
from drcheck.policy import check_policy
from drcheck.schemas import SCHEMAS
from drcheck.snapshot import load_snapshot
from drcheck.waivers import check_waivers
from drcheck.yamlsource import load_file


def _check_file(path: Path) -> tuple[list[Problem], list[Problem], str]:
    """(errors, warnings, document kind) of one file."""
    problems, kind = _check_document(path)
    if kind == "Estate" and not problems:
        return problems, catalog_warnings(load_file(path)), kind
    return problems, [], kind


def _check_document(path: Path) -> tuple[list[Problem], str]:
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
    if kind == "Waivers":
        return check_waivers(doc), "Waivers"
    return [doc.problem(("kind",), f"unknown document kind {kind!r}; expected Estate, "
                        "Policy, Waivers (or a drcheck facts JSON file)")], "?"


@app.command()
def validate(
    files: Annotated[list[Path], typer.Argument(help="Files to check.")],
    strict: Annotated[bool, typer.Option(
        help="Treat warnings (location codes the catalog does not know) as errors.")] = False,
) -> None:
    """Check estate, policy and facts files; report every problem with file:line (exit 2)."""

    def body() -> ExitCode:
        problems: list[Problem] = []
        warnings: list[Problem] = []
        for path in files:
            try:
                found, doubts, kind = _check_file(path)
            except ConfigError as exc:
                found, doubts, kind = exc.problems, [], "?"
            if strict:
                found, doubts = found + doubts, []
            problems += found
            warnings += doubts
            if not found:
                typer.echo(f"{path}: ok ({kind})" + (", with warnings" if doubts else ""))
        for warning in warnings:
            note(f"warning: {warning}")
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
