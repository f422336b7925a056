"""Pieces every command shares: the injected clock, output, and getting a snapshot."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drcheck.cli.app import note
from drcheck.facts.snapshot import load_snapshot
from drcheck.inputs.durations import parse_time
from drcheck.shared.errors import UsageError
from drcheck.shared.gcpause import freeze_survivors
from drcheck.shared.model import Snapshot

if TYPE_CHECKING:  # what reads and probes an estate is imported when an estate is given
    from drcheck.facts.collect import ProbeOptions
    from drcheck.facts.runs import RunSpec
    from drcheck.inputs.estate import Estate

log = logging.getLogger("drcheck.cli")

OfflineOpt = Annotated[bool, typer.Option(help="Use declared facts only; run no probe.")]
NowOpt = Annotated[str | None, typer.Option(help="Evaluate as of this UTC time.")]
"""The options every command that builds a snapshot takes (audit, simulate, brief, …)."""
EstateArg = Annotated[Path | None, typer.Argument(help="Estate file (YAML).")]
SavedFactsOpt = Annotated[Path | None, typer.Option(help="Use a saved facts file.")]
WriteHereOpt = Annotated[Path | None, typer.Option("--output", "-o", help="Write here.")]
"""The estate/facts inputs and the output file of simulate and brief (and audit-plan's output)."""
PolicyPackOpt = Annotated[list[str] | None, typer.Option(
    "--policy", "-p", help="Policy file or built-in pack name; repeatable. Default: sbg2.")]
"""The policy option of the commands that evaluate rules (audit, audit-plan)."""


def resolve_now(now: str | None) -> datetime:
    """The injected evaluation time, or the clock's when none was given."""
    if now is None:
        return datetime.now(timezone.utc).replace(microsecond=0)
    try:
        return parse_time(now)
    except ValueError:
        raise UsageError(f"--now {now!r}: expected an ISO date or date-time") from None


def warn(problem: object) -> None:
    """One ``warning: …`` line on stderr."""
    note(f"warning: {problem}")


def emit(text: str, output: Path | None) -> None:
    """The report to ``output`` (atomically) or to stdout."""
    if output is None:
        typer.echo(text, nl=False)
    else:
        from drcheck.report.output import atomic_write  # not imported by commands that print

        atomic_write(output, text)


@dataclass(frozen=True)
class Gathered:
    """A snapshot and the name of the estate it was built from (None for a facts file)."""

    snapshot: Snapshot
    estate: str | None


def gather(estate: Path | None, facts: Path | None, offline: bool, when: datetime,
           options: ProbeOptions | None = None, run: RunSpec | None = None,
           keep_source: bool = False) -> Gathered:
    """A snapshot from a facts file, or from an estate (probing unless ``offline``).

    A probing run records who collected it (``run``: runner, shard, selection); a shard's
    snapshot is partial until ``drcheck merge``. Location codes the catalog does not know
    are warned about on stderr. ``keep_source``: see ``load_snapshot`` (a JSON report).
    """
    if (estate is None) == (facts is None):
        raise UsageError("give an ESTATE file or --facts FILE (exactly one)")
    if facts is not None:
        return Gathered(load_snapshot(str(facts), keep_source=keep_source), None)
    assert estate is not None
    return _from_estate(estate, offline, when, options, run)


def _from_estate(estate: Path, offline: bool, when: datetime, options: ProbeOptions | None,
                 run: RunSpec | None) -> Gathered:
    """``gather``'s snapshot of an estate (what it needs is imported only then: a command
    reading a facts file starts without the estate reader, the assembler and the probes,
    an offline one without the probes)."""
    if offline:
        from drcheck.facts.assemble import build_snapshot
        from drcheck.inputs.estate_check import load_estate

        if run is not None and run.partial:
            raise UsageError("--shard and --only choose what to probe: not with --offline")
        spec = load_estate(str(estate), warn)
        _freeze_loaded()
        _log_estate(str(estate), spec)
        return Gathered(build_snapshot(spec, [], when), spec.name)
    from drcheck.facts.runs import RunSpec, probe_estate, read_estate  # the probes' code
    from drcheck.inputs.catalog_check import catalog_warnings

    source = read_estate(str(estate))
    for warning in catalog_warnings(source.doc):
        warn(warning)
    _log_estate(str(estate), source.estate)
    return Gathered(probe_estate(source, run or RunSpec(), when, options), source.estate.name)


def _freeze_loaded() -> None:
    """In a drcheck process, move what is loaded out of the collector's generations: the
    estate lives as long as the process, and every later collection would traverse its
    millions of objects again (seconds at 100k datasets)."""
    freeze_survivors()


def _log_estate(path: str, spec: Estate) -> None:
    log.info("estate %s: %d host(s), %d bucket(s), %d medium/media, %d dataset(s)", path,
             len(spec.hosts), len(spec.buckets), len(spec.media), len(spec.datasets))


def gather_snapshot(estate: Path | None, facts: Path | None, offline: bool,
                    when: datetime, options: ProbeOptions | None = None,
                    run: RunSpec | None = None) -> Snapshot:
    """A snapshot from a facts file, or from an estate (probing unless ``offline``)."""
    return gather(estate, facts, offline, when, options, run).snapshot
