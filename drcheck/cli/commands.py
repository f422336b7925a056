"""The core commands: audit, validate, schema."""

from __future__ import annotations

import typer

from drcheck import __version__
from drcheck.cli.app import app


@app.command()
def version() -> None:
    """Print drcheck's version."""
    typer.echo(__version__)
