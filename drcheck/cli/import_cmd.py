"""``drcheck import …`` (Terraform, Ansible, ssh_config → estate YAML) and ``drcheck audit-plan``.

The import commands print the estate YAML on stdout (or write it with ``-o``) and the notes on
what stayed unknown on stderr. ``audit-plan`` is the merge-request gate: it evaluates a plan
and, with ``--baseline-state``, reports only what the change makes worse or better.
"""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from drcheck.cli.app import app, guarded
from drcheck.cli.app import note as say
from drcheck.cli.common import NowOpt, PolicyPackOpt, WriteHereOpt, emit, resolve_now
from drcheck.cli.pipeline import exit_code, require_evaluated
from drcheck.cli.plan_audit import audit_plan as run_plan_audit
from drcheck.evaluate.policy import resolve_policies
from drcheck.importers.emit import dump_yaml, estate_document, schema_errors
from drcheck.importers.mapping import ImportResult
from drcheck.importers.terraform import import_terraform
from drcheck.report import OutputFormat, reporter_for
from drcheck.report.plan_diff import FindingDiff, diff_exit_code, render_json, render_text
from drcheck.shared.errors import ExitCode, UsageError
from drcheck.shared.model import Severity

import_app = typer.Typer(
    help="Build an estate file from what CI already has: Terraform JSON, an Ansible "
    "inventory, an ssh_config.",
    no_args_is_help=True,
)
app.add_typer(import_app, name="import")

MappingOpt = Annotated[Path | None, typer.Option(
    "--mapping", "-m", help="Mapping file: datasets and locations the source cannot say.")]
OutputOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write the estate here.")]


def _note(notes: list[str]) -> None:
    for note in notes:
        say(f"note: {note}")


def _write(result: ImportResult, output: Path | None, source: str) -> None:
    """Emit the estate YAML; warn (stderr) when it would not validate yet."""
    doc = estate_document(result.estate, f"imported by drcheck from {source}")
    _note(result.notes)
    if not result.estate.datasets:
        say("warning: no dataset could be inferred; add datasets with --mapping "
            "before auditing (see docs/importers.md)")
    else:
        problems = schema_errors(doc)
        if problems:
            raise UsageError("the imported estate does not validate: " + "; ".join(problems))
    emit(dump_yaml(doc, [f"drcheck estate imported from {source}", *result.notes]), output)


@import_app.command("terraform")
def terraform(
    path: Annotated[Path, typer.Argument(help="`terraform show -json` output (plan or state).")],
    mapping: MappingOpt = None,
    config: Annotated[Path | None, typer.Option(
        help="A plan JSON whose provider blocks (custom S3 endpoints) apply to a state file."
    )] = None,
    output: OutputOpt = None,
) -> None:
    """Import a Terraform plan or state JSON as an estate."""

    def body() -> None:
        _write(import_terraform(path, mapping, config), output, str(path))

    guarded(body)


@import_app.command("ansible")
def ansible(
    inventory: Annotated[Path, typer.Argument(help="Inventory file (INI or YAML).")],
    mapping: MappingOpt = None,
    facts: Annotated[Path | None, typer.Option(
        help="Ansible's JSON fact cache directory (fact_caching_connection).")] = None,
    output: OutputOpt = None,
) -> None:
    """Import an Ansible inventory (with group_vars/ and host_vars/) as hosts."""

    def body() -> None:
        from drcheck.importers.ansible import import_ansible

        _write(import_ansible(inventory, mapping, facts), output, str(inventory))

    guarded(body)


@import_app.command("ssh-config")
def ssh_config(
    path: Annotated[Path | None, typer.Argument(help="ssh_config file (default ~/.ssh/config).")]
    = None,
    mapping: MappingOpt = None,
    output: OutputOpt = None,
) -> None:
    """Import the concrete hosts of an ssh_config (patterns left out) as hosts."""

    def body() -> None:
        from drcheck.importers.sshconfig import import_ssh_config

        source = path or Path.home() / ".ssh" / "config"
        _write(import_ssh_config(source, mapping), output, str(source))

    guarded(body)


DIFF_FORMATS = (OutputFormat.TABLE, OutputFormat.JSON, OutputFormat.MARKDOWN)
"""Formats of the baseline diff; without a baseline every report format works."""


def _render_diff(diff: FindingDiff, fmt: OutputFormat) -> str:
    if fmt not in DIFF_FORMATS:
        raise UsageError(f"--format {fmt.value} cannot show a diff; with a baseline use "
                         + ", ".join(f.value for f in DIFF_FORMATS))
    if fmt is OutputFormat.JSON:
        return render_json(diff)
    return render_text(diff, markdown=fmt is OutputFormat.MARKDOWN)


@app.command("audit-plan")
def audit_plan(
    plan: Annotated[Path, typer.Argument(help="`terraform show -json tfplan` output.")],
    baseline_state: Annotated[Path | None, typer.Option(
        help="`terraform show -json` of the current state: report only what changes.")] = None,
    baseline_prior: Annotated[bool, typer.Option(
        help="Use the plan's own prior_state as the baseline (no state file needed).")] = False,
    mapping: MappingOpt = None,
    policy: PolicyPackOpt = None,
    fmt: Annotated[OutputFormat, typer.Option("--format", "-f")] = OutputFormat.TABLE,
    output: WriteHereOpt = None,
    fail_on: Annotated[Severity, typer.Option(help="Lowest severity that fails the run.")]
    = Severity.LOW,
    now: NowOpt = None,
) -> None:
    """Audit the estate a Terraform plan would leave; with a baseline, only the difference."""

    def body() -> ExitCode:
        when = resolve_now(now)
        policies = resolve_policies(policy or [])
        if baseline_state is not None and baseline_prior:
            raise UsageError("give --baseline-state FILE or --baseline-prior, not both")
        done = run_plan_audit(plan, policies, when, mapping, baseline_state, baseline_prior)
        _note(list(done.notes))
        require_evaluated(done.result, str(plan))
        if done.diff is None:
            emit(reporter_for(fmt).render(done.result), output)
            return exit_code(done.result, fail_on)
        emit(_render_diff(done.diff, fmt), output)
        return diff_exit_code(done.diff, fail_on)

    raise typer.Exit(int(guarded(body)))
