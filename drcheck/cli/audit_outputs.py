"""The audit command's output stage: where each report goes, and writing them all at the end.

Each report is written as it renders, into a temporary file; the files are put in place only
once every report rendered, so a failing run never leaves half a set of outputs. stdout
carries reports only; warnings and the soft-fail verdict go to stderr.
"""

from __future__ import annotations

import codecs
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass, replace
from datetime import datetime
from pathlib import Path
from typing import BinaryIO

import typer

from drcheck.cli.app import note
from drcheck.evaluate.policy import FRAMEWORKS, Policy
from drcheck.evaluate.waivers import Waiver, apply_waivers, expired_notes
from drcheck.inputs.baselines import apply_baseline, baseline_text, load_baseline, new_findings
from drcheck.report import OutputFormat, Reporter, ReportOptions, reporter_for
from drcheck.report.output import AtomicFile, atomic_write
from drcheck.report.rules import rule_refs
from drcheck.shared.errors import ExitCode, UsageError
from drcheck.shared.model import AuditResult, Finding, Severity


@dataclass(frozen=True)
class Target:
    """One report to produce: a format and a file (None = stdout)."""

    fmt: OutputFormat
    path: Path | None


def parse_report(spec: str) -> Target:
    """``FORMAT[:PATH]`` → a target; ``-`` or no path means stdout."""
    name, _, path = spec.partition(":")
    try:
        fmt = OutputFormat(name.strip().lower())
    except ValueError:
        raise UsageError(f"--report {spec!r}: unknown format {name!r}",
                         hint="formats: " + ", ".join(f.value for f in OutputFormat)) from None
    return Target(fmt, Path(path) if path and path != "-" else None)


def plan_targets(formats: Sequence[OutputFormat], reports: Sequence[str],
                 output: Path | None) -> list[Target]:
    """Every report the command line asks for; the table on stdout when it asks for none."""
    if output is not None and len(formats) > 1:
        raise UsageError("--output takes one --format; use --report FORMAT:PATH for several")
    targets = [Target(f, output) for f in formats] + [parse_report(r) for r in reports]
    if not targets:
        targets = [Target(OutputFormat.TABLE, output)]
    paths = [t.path for t in targets if t.path is not None]
    if len(paths) != len(set(paths)):
        raise UsageError("two reports would be written to the same file")
    return targets


def check_framework(framework: str | None) -> None:
    """A usage error unless ``framework`` is one policies can map controls to."""
    if framework is not None and framework not in FRAMEWORKS:
        raise UsageError(f"--framework {framework!r}: unknown framework",
                         hint="one of: " + ", ".join(FRAMEWORKS))


def annotate(result: AuditResult, policies: Sequence[Policy], waivers: Sequence[Waiver],
             baseline: tuple[str, tuple[Finding, ...]] | None, now: datetime,
             duration: float) -> AuditResult:
    """Rules, waivers, the baseline comparison and the duration added to a fresh result."""
    result = replace(result, rules=rule_refs(policies), duration_seconds=duration)
    result = apply_waivers(result, waivers, now)
    if baseline is not None:
        result = apply_baseline(result, baseline[1], baseline[0])
    return result


def read_baseline(path: Path | None) -> tuple[str, tuple[Finding, ...]] | None:
    """The baseline file's label and findings, loaded before any probe runs."""
    return None if path is None else (str(path), load_baseline(str(path)))


def _spool_stdout(reporter: Reporter, result: AuditResult) -> BinaryIO:
    spool = tempfile.TemporaryFile()  # noqa: SIM115 (write_reports closes it)
    reporter.write(result, spool)
    spool.seek(0)
    return spool


def _echo(spool: BinaryIO) -> None:
    """A spooled report to stdout, in pieces (no report is held whole as text)."""
    decoder = codecs.getincrementaldecoder("utf-8")()
    while chunk := spool.read(1 << 20):
        typer.echo(decoder.decode(chunk), nl=False)
    typer.echo(decoder.decode(b"", final=True), nl=False)


def passes_read(targets: Sequence[Target], options: ReportOptions) -> bool:
    """Whether a report asked for shows why a check passed; when none does, the audit may
    leave passes unexplained (every report's bytes are the same either way)."""
    return any(reporter_for(t.fmt, options).reads_pass_explanations() for t in targets)


def write_reports(result: AuditResult, targets: Sequence[Target], options: ReportOptions,
                  keep_text: bool = False) -> list[tuple[Target, str]]:
    """Write every report as it is rendered into a temporary file, then put the files in
    place and echo stdout ones in order: a report that fails to render leaves no file and
    prints nothing, and no report is ever held whole in memory.

    Returns each target with its text when ``keep_text`` (the evidence bundle files every
    report), else with ""."""
    files = [AtomicFile(t.path) if t.path is not None else None for t in targets]
    spools: list[BinaryIO | None] = []
    try:
        for target, file in zip(targets, files, strict=True):
            reporter = reporter_for(target.fmt, options)
            if file is None:
                spools.append(_spool_stdout(reporter, result))
            else:
                reporter.write(result, file.open())
                spools.append(None)
        for file in files:
            if file is not None:
                file.commit()
        texts = [_text(t, s) if keep_text else "" for t, s in zip(targets, spools, strict=True)]
        for spool in spools:
            if spool is not None:
                spool.seek(0)
                _echo(spool)
    finally:
        for file in files:
            if file is not None:
                file.discard()
        for spool in spools:
            if spool is not None:
                spool.close()
    return list(zip(targets, texts, strict=True))


def _text(target: Target, spool: BinaryIO | None) -> str:
    if spool is not None:
        spool.seek(0)
        return spool.read().decode("utf-8")
    assert target.path is not None
    return target.path.read_text(encoding="utf-8")


def create_baseline(result: AuditResult, path: Path) -> AuditResult:
    """Write a baseline of today's failed/unknown findings; this run is measured against it."""
    atomic_write(path, baseline_text(result))
    note(f"baseline written to {path}")
    return apply_baseline(result, load_baseline(str(path)), str(path))


def warn_expired(result: AuditResult) -> None:
    """One stderr line per waiver that has expired and so no longer applies."""
    for w in expired_notes(result):
        note(f"warning: waiver {w.id} ({w.origin}, owner {w.owner}) expired on "
             f"{w.expires} and no longer applies")


def _describe(f: Finding) -> str:
    return f"  {f.status.value} {f.severity.value} {f.rule_id} {f.dataset}"


def gate(result: AuditResult, fail_on: Severity, soft_fail: bool, code: ExitCode) -> ExitCode:
    """The exit code, or 0 under ``--soft-fail`` after saying on stderr what would fail."""
    if not soft_fail or code is ExitCode.OK:
        return code
    blocking = [f for f in new_findings(result) if f.severity.rank >= fail_on.rank]
    typer.echo(f"soft-fail: would have exited {int(code)} ({code.name.lower()}) on "
               f"{len(blocking)} finding(s) at or above {fail_on.value}:", err=True)
    for f in blocking:
        typer.echo(_describe(f), err=True)
    return ExitCode.OK
