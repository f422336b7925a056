"""``--sign KEY`` and ``--evidence-bundle OUT`` for ``drcheck audit`` and ``drcheck probe``:
sign every file written, and file the audit's inputs and outputs as one bundle."""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drcheck.cli.evidence import AuditEvidence, build_bundle
from drcheck.evidence.bundle import write_bundle
from drcheck.report.output import atomic_write
from drcheck.shared.errors import UsageError
from drcheck.shared.model import AuditResult

if TYPE_CHECKING:  # signing loads the cryptography package: only a run that signs needs it
    from drcheck.evidence.signing import Signer

SignOpt = Annotated[Path | None, typer.Option(
    help="Sign every file written (FILE.sig, SSHSIG namespace drcheck) with this SSH key: "
    "a private key file, or a .pub whose key is in ssh-agent.")]
CsvDirOpt = Annotated[Path | None, typer.Option(
    help="Write one compliance CSV per framework (or the --framework one) into this "
    "directory: control, requirement, verdict, datasets, findings, evidence.")]
BundleOpt = Annotated[Path | None, typer.Option(
    help="Write an evidence bundle (OUT.zip, or a new directory): inputs as read, facts, "
    "reports, versions, command line, manifest (signed with --sign).")]


def command_line() -> list[str]:
    """The command line as typed (``drcheck`` and its arguments)."""
    return ["drcheck", *sys.argv[1:]]


def signer_for(sign: Path | None, files: Sequence[Path], bundle: Path | None) -> Signer | None:
    """Load the signing key before any probe runs; refuse a signature with nothing to sign."""
    if sign is None:
        return None
    if not files and bundle is None:
        raise UsageError("--sign signs the files a run writes; this one writes none",
                         hint="add -o FILE, --report FORMAT:PATH or --evidence-bundle OUT")
    from drcheck.evidence.signing import load_signer

    return load_signer(sign)


def sign_outputs(signer: Signer | None, files: Sequence[Path]) -> None:
    """``FILE.sig`` beside each file written; say so on stderr."""
    if signer is None:
        return
    from drcheck.evidence.signing import sign_file

    for path in files:
        sig = sign_file(path, signer)
        typer.echo(f"signed {path} -> {sig}", err=True)


def file_bundle(out: Path | None, evidence: AuditEvidence, result: AuditResult,
                signer: Signer | None) -> None:
    """Write the evidence bundle when asked; its manifest signed when a key is given."""
    if out is None:
        return
    bundle = build_bundle(evidence, result)
    signature = None
    if signer is not None:
        from drcheck.evidence.signing import sign_bytes

        signature = sign_bytes(bundle.manifest(), signer)
    write_bundle(out, bundle, signature)
    typer.echo(f"evidence bundle written to {out}"
               + (" (manifest signed)" if signature else ""), err=True)


def write_compliance_csv(result: AuditResult, directory: Path | None,
                         framework: str | None) -> list[tuple[str, Path, str]]:
    """``DIR/FRAMEWORK.csv`` for each framework a finding maps to; what was written."""
    if directory is None:
        return []
    from drcheck.cli.evidence import CSV_PREFIX
    from drcheck.report.compliance_csv import frameworks_in, render_framework

    written = []
    for fw in frameworks_in(result, framework):
        text = render_framework(result, fw)
        path = directory / f"{fw}.csv"
        atomic_write(path, text)
        written.append((CSV_PREFIX + fw, path, text))
    return written
