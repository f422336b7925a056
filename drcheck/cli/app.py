"""The typer application object and the one place errors become exit codes."""

from __future__ import annotations

import os
from collections.abc import Callable
from typing import Annotated, TypeVar

import typer

from drcheck.bounds import DEFAULT_MAX_INPUT_MB, ENV_MAX_INPUT_MB, set_max_input_mb
from drcheck.errors import DrcheckError, ExitCode

app = typer.Typer(
    name="drcheck",
    help="Disaster-recovery readiness auditor: would a good copy of every dataset survive "
    "the loss of any failure domain that matters?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=False,
)

T = TypeVar("T")


def fail(message: str, code: ExitCode, hint: str | None = None) -> typer.Exit:
    """Print ``error: …`` (and a hint) on stderr and return the Exit to raise."""
    typer.echo(f"error: {message}", err=True)
    if hint:
        typer.echo(f"hint: {hint}", err=True)
    return typer.Exit(int(code))


def guarded(action: Callable[[], T]) -> T:
    """Run a command body; user errors exit with their code, anything else with 4.

    ``DRCHECK_DEBUG=1`` re-raises unexpected errors so a developer sees the traceback.
    """
    try:
        return action()
    except DrcheckError as exc:
        raise fail(exc.message, exc.exit_code, exc.hint) from None
    except typer.Exit:
        raise
    except KeyboardInterrupt:
        raise fail("interrupted", ExitCode.INTERNAL) from None
    except Exception as exc:
        if os.environ.get("DRCHECK_DEBUG"):
            raise
        raise fail(f"internal error: {type(exc).__name__}: {exc}", ExitCode.INTERNAL,
                   "this is a bug in drcheck; rerun with DRCHECK_DEBUG=1 for the traceback"
                   ) from None


@app.callback()
def root(
    max_input_mb: Annotated[float | None, typer.Option(
        "--max-input-mb", metavar="MIB", envvar=ENV_MAX_INPUT_MB,
        help=f"Size cap of any one input file (default {DEFAULT_MAX_INPUT_MB} MiB); raise it "
        "for giant estates or facts files.")] = None,
) -> None:
    """Audit disaster-recovery readiness across failure domains (provider to host)."""
    try:
        set_max_input_mb(max_input_mb)
    except DrcheckError as exc:
        raise fail(exc.message, exc.exit_code) from None
