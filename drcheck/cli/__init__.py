"""Command-line interface: parse arguments, run the pipeline, map errors to exit codes.

Takes in arguments; hands on output and an exit code. Holds the audit pipeline
(``pipeline``: the stages in order), the plan gate (``plan_audit``) and the registry of
printable schemas. Each command lives in its own module; importing them here registers them
on ``app``.
"""

from __future__ import annotations

import importlib
import sys
from typing import Any

import drcheck.cli.app as _appmod
from drcheck.shared import gcpause

del app  # type: ignore[name-defined]  # noqa: F821  (the submodule; __getattr__ serves app)

# command name -> the module that registers it
COMMAND_MODULES = {
    "validate": "commands", "schema": "commands", "rules": "commands", "version": "commands",
    "audit": "audit_cmd", "catalog": "catalog_cmd", "history": "history_cmd",
    "import": "import_cmd", "audit-plan": "import_cmd", "probe": "probe_cmd",
    "probes": "probe_cmd", "merge": "probe_cmd", "discover": "s3_cmd", "simulate": "simulate_cmd",
    "verify": "verify_cmd",
    "trust-host": "ssh_cmd", "brief": "brief_cmd", "init": "init_cmd",
}

__all__ = ["COMMAND_MODULES", "app", "cli_command", "main"]


def register(modules: set[str] | None = None) -> None:
    """Import the command modules (all, or just ``modules``) so their commands exist."""
    for name in sorted(modules if modules is not None else set(COMMAND_MODULES.values())):
        importlib.import_module(f"drcheck.cli.{name}")


def __getattr__(name: str) -> Any:
    if name == "app":
        register()
        globals()["app"] = _appmod.app
        return _appmod.app
    if name == "cli_command":
        register()
        return _appmod.cli_command
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


def main() -> None:
    """Console-script entry point: register the command being run (or all), then run."""
    gcpause.own_process()  # a test process running many commands never freezes
    word = sys.argv[1] if len(sys.argv) > 1 else ""
    module = COMMAND_MODULES.get(word)
    register({module} if module else None)
    _appmod.cli_command()(prog_name="drcheck")
