"""Command-line interface: parse arguments, run the pipeline, map errors to exit codes.

Each command lives in its own module; importing them here registers them on ``app``.
"""

from __future__ import annotations

from drcheck.cli import audit_cmd as _audit_cmd  # noqa: F401  (registers audit)
from drcheck.cli import catalog_cmd as _catalog_cmd  # noqa: F401  (registers catalog)
from drcheck.cli import commands as _commands  # noqa: F401  (registers the core commands)
from drcheck.cli import history_cmd as _history_cmd  # noqa: F401  (registers history)
from drcheck.cli import import_cmd as _import_cmd  # noqa: F401  (registers import, audit-plan)
from drcheck.cli import init_cmd as _init_cmd  # noqa: F401  (registers init)
from drcheck.cli import probe_cmd as _probe_cmd  # noqa: F401  (registers probe, probes)
from drcheck.cli import s3_cmd as _s3_cmd  # noqa: F401  (registers discover)
from drcheck.cli import simulate_cmd as _simulate_cmd  # noqa: F401  (registers simulate)
from drcheck.cli import ssh_cmd as _ssh_cmd  # noqa: F401  (registers trust-host)
from drcheck.cli.app import app, cli_command

__all__ = ["app", "cli_command", "main"]


def main() -> None:
    """Console-script entry point."""
    cli_command()(prog_name="drcheck")
