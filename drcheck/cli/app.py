"""The typer application object and the one place errors become exit codes."""

from __future__ import annotations

import copy
import logging
import os
from collections.abc import Callable
from typing import Annotated, Any, TypeVar

import typer

from drcheck import __version__
from drcheck.inputs.bounds import DEFAULT_MAX_INPUT_MB, ENV_MAX_INPUT_MB, set_max_input_mb
from drcheck.shared import progress
from drcheck.shared.errors import DrcheckError, ExitCode

app = typer.Typer(
    name="drcheck",
    help="Disaster-recovery readiness auditor: would a good copy of every dataset survive "
    "the loss of any failure domain that matters?",
    no_args_is_help=True,
    pretty_exceptions_enable=False,
    add_completion=True,
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


_state = {"quiet": False}


def note(text: str) -> None:
    """An informational line on stderr (warnings, "wrote FILE"); silent with --quiet."""
    if not _state["quiet"]:
        typer.echo(text, err=True)


def _version(value: bool) -> None:
    if value:
        typer.echo(f"drcheck {__version__}")
        raise typer.Exit()


@app.callback()
def root(
    version: Annotated[bool, typer.Option(
        "--version", callback=_version, is_eager=True,
        help="Print drcheck's version and exit.")] = False,
    quiet: Annotated[bool, typer.Option(
        "--quiet", "-q", help="Only errors on stderr: no warnings, notes or progress.")] = False,
    verbose: Annotated[int, typer.Option(
        "--verbose", "-v", count=True, show_default=False,
        help="More on stderr: -v what each stage does, -vv debug details.")] = 0,
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
    _state["quiet"] = quiet
    progress.configure("off" if quiet else None)
    level = logging.ERROR if quiet else (logging.WARNING, logging.INFO, logging.DEBUG)[
        min(verbose, 2)]
    logging.basicConfig(level=level, format="drcheck: %(levelname)s: %(message)s",
                        force=True)


_TYPE_NAMES = {"str": "TEXT", "path": "PATH", "file": "FILE", "directory": "DIR",
               "int": "INTEGER", "int range": "INTEGER", "float": "NUMBER",
               "float range": "NUMBER", "datetime": "TIME"}


def _metavar(param: Any, ctx: Any) -> str | None:
    """A plain metavar for help: none for flags, ``TEXT``/``PATH`` or ``a|b|c`` otherwise
    (typer would print ``<path>``, ``<int range>``). Duck-typed: typer brings its own copy of
    click, whose type column is the click type's metavar, else its name. (typer 0.29 renders
    types otherwise; ``pyproject.toml`` keeps typer below it, and the help tests would show a
    change.)"""
    if getattr(param, "is_flag", False) or getattr(param, "count", False):
        return ""
    kind = getattr(param, "type", None)
    if kind is None:
        return None
    label = str(kind.get_metavar(param=param, ctx=ctx) or kind.name).strip("<>")
    return _TYPE_NAMES.get(label, label if "|" in label else label.upper())


def _label_argument(param: Any, label: str) -> None:
    """Show ``label`` in an argument's type column and keep its name in the others: the
    type column asks the click type, so a copy of it answers the label, and the metavar
    keeps the usage line to the argument's name."""
    param.type = copy.copy(param.type)
    param.type.get_metavar = lambda *_args, **_kwargs: label
    param.metavar = param.name + ("..." if param.nargs != 1 else "")


def tidy_help(command: Any, parent: Any = None) -> Any:
    """Give every parameter of ``command`` (and its subcommands) a plain metavar."""
    ctx = command.context_class(command, parent=parent)
    for param in command.params:
        if param.metavar is not None:
            continue
        label = _metavar(param, ctx)
        if getattr(param, "param_type_name", "") == "argument":
            if label is not None:  # keep the argument's name; plain type column
                _label_argument(param, label)
        else:
            param.metavar = label
            if getattr(param, "is_flag", False):
                param.show_default = False  # "[default: no-strict]" says nothing
                if param.default is False:  # --x/--no-x: the --no-x form only costs room
                    param.secondary_opts = []
    make_help = command.get_help_option

    def help_option(context: Any) -> Any:
        option = make_help(context)
        if option is not None:
            option.metavar = ""
        return option

    command.get_help_option = help_option
    for sub in (getattr(command, "commands", None) or {}).values():
        tidy_help(sub, ctx)
    return command


def cli_command() -> Any:
    """The click command the console script runs: the typer app with tidy help texts."""
    return tidy_help(typer.main.get_command(app))
