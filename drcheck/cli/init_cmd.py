"""``drcheck init``: write a commented starter estate and policy for the user's providers.

Providers come from ``--provider`` (repeatable, or comma-separated); with none, on a
terminal, the command asks. Existing files are never overwritten without ``--force``.
"""

from __future__ import annotations

import sys
from pathlib import Path
from typing import Annotated

import typer

from drcheck.cli.app import app, guarded, note
from drcheck.cli.starter import resolve_providers, starter_files
from drcheck.locations.catalog import Catalog
from drcheck.report.output import atomic_write
from drcheck.shared.errors import UsageError


def stdin_is_terminal() -> bool:
    """Whether questions can be asked (a function, so tests can answer them)."""
    return sys.stdin.isatty()


def _ask_providers() -> list[str]:
    if not stdin_is_terminal():
        raise UsageError("no --provider given and no terminal to ask",
                         hint="e.g. drcheck init --provider ovh --provider aws")
    answer = typer.prompt("Providers your data lives on, primary first (e.g. ovh, aws)",
                          err=True)
    return [answer]


@app.command()
def init(
    provider: Annotated[list[str] | None, typer.Option(
        "--provider", "-P", metavar="NAME",
        help="A provider your data lives on (ovh, aws, scaleway, ...); the first holds the "
        "primary. Repeatable. Asked on a terminal when absent.")] = None,
    directory: Annotated[Path, typer.Option(
        "--dir", "-d", help="Where to write estate.yaml and policy.yaml.")] = Path("."),
    force: Annotated[bool, typer.Option(help="Overwrite existing files.")] = False,
) -> None:
    """Write a commented starter estate and policy that validate and audit offline."""

    def body() -> None:
        catalog = Catalog.default()
        names = provider or _ask_providers()
        providers = resolve_providers(catalog, names)
        files = starter_files(catalog, providers, directory.resolve().name or "estate",
                              str(directory))
        targets = {directory / name: text for name, text in files.items()}
        existing = [str(path) for path in targets if path.exists()]
        if existing and not force:
            raise UsageError(f"{', '.join(existing)} already exist(s)",
                             hint="pass --force to overwrite, or --dir for another folder")
        directory.mkdir(parents=True, exist_ok=True)
        for path, text in targets.items():
            atomic_write(path, text)
            note(f"wrote {path}")
        where = "" if str(directory) == "." else f"{directory}/"
        note(f"next: drcheck audit {where}estate.yaml -p {where}policy.yaml --offline")

    guarded(body)
