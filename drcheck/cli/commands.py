"""The core commands: audit, validate, schema, rules, version."""

from __future__ import annotations

import json
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drcheck import __version__
from drcheck.cli.app import app, guarded, note
from drcheck.inputs.bounds import read_text
from drcheck.shared.errors import ConfigError, ExitCode, Problem, UsageError

if TYPE_CHECKING:
    from drcheck.inputs.documents import Document


def _check_file(path: Path, last: bool) -> tuple[list[Problem], list[Problem], str]:
    """(errors, warnings, document kind) of one file; the ``last`` file's document is left to
    the process exit to free (its position tree is freed node by node otherwise: 0.5 s at
    100k datasets), the others are freed as the next one is read."""
    from drcheck.inputs.catalog_check import catalog_warnings  # start-up time: see _check_document
    from drcheck.shared.gcpause import keep_to_exit

    problems, kind, doc = _check_document(path)
    if last and doc is not None:
        keep_to_exit(doc)
    if kind == "Estate" and not problems and doc is not None:
        return problems, catalog_warnings(doc), kind
    return problems, [], kind


def _check_document(path: Path) -> tuple[list[Problem], str, Document | None]:
    """(errors, document kind, the parsed YAML document) of one file, by what it says it
    is."""
    # each checker is imported when a file of its kind turns up: `drcheck version`, `drcheck
    # schema` and the validation of an estate need none of the others (start-up time)
    from drcheck.inputs.documents import load_file

    if path.suffix == ".json":
        try:
            data = json.loads(read_text(path))
        except (ValueError, RecursionError):
            data = None
        if isinstance(data, dict) and data.get("format") == "drcheck/facts":
            from drcheck.facts.snapshot import load_snapshot

            snap = load_snapshot(str(path), partial_ok=True)
            return [], "facts" if snap.partial is None else "facts, a shard: merge it", None
    doc = load_file(path)
    kind = doc.data.get("kind") if isinstance(doc.data, dict) else None
    if kind == "Policy":
        from drcheck.evaluate.policy import check_policy

        return check_policy(doc), "Policy", doc
    if kind == "Estate":
        from drcheck.inputs.estate_check import check_estate

        return check_estate(doc), "Estate", doc
    if kind == "Waivers":
        from drcheck.evaluate.waivers import check_waivers

        return check_waivers(doc), "Waivers", doc
    return [doc.problem(("kind",), f"unknown document kind {kind!r}; expected Estate, "
                        "Policy, Waivers (or a drcheck facts JSON file)")], "?", doc


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
        for number, path in enumerate(files, 1):
            try:
                found, doubts, kind = _check_file(path, number == len(files))
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

    from drcheck.cli.schemas import SCHEMAS

    def body() -> None:
        if kind not in SCHEMAS:
            raise UsageError(f"no schema {kind!r}", hint="one of: " + ", ".join(SCHEMAS))
        typer.echo(json.dumps(SCHEMAS[kind](), indent=2, sort_keys=True))

    guarded(body)


@app.command()
def rules(
    name: Annotated[str | None, typer.Argument(
        help="A rule type: print its parameters, verdicts and a worked example.")] = None,
) -> None:
    """List the rule types a policy can use, or document one of them in full."""

    def body() -> None:
        """One rule type's documentation, or the list of them all."""
        from drcheck.evaluate.registry import rule_types  # start-up time: see _check_file
        from drcheck.evaluate.rule_docs import rule_doc

        types = rule_types()
        if name is None:
            for rule_name, cls in types.items():
                typer.echo(f"{rule_name:<20} {cls.summary}")
        elif name not in types:
            raise UsageError(f"no rule type {name!r}", hint="one of: " + ", ".join(types))
        else:
            typer.echo(rule_doc(name), nl=False)

    guarded(body)


@app.command()
def version() -> None:
    """Print drcheck's version."""
    typer.echo(__version__)
