"""Pieces every command shares: the injected clock, output, and getting a snapshot."""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timezone
from pathlib import Path

import typer

from drcheck.cli.app import note
from drcheck.collect import ProbeOptions, collect_reports
from drcheck.durations import parse_time
from drcheck.errors import UsageError
from drcheck.model import Snapshot
from drcheck.output import atomic_write
from drcheck.pipeline import build_snapshot, load_estate
from drcheck.snapshot import load_snapshot

log = logging.getLogger("drcheck.cli")


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
        atomic_write(output, text)


@dataclass(frozen=True)
class Gathered:
    """A snapshot and the name of the estate it was built from (None for a facts file)."""

    snapshot: Snapshot
    estate: str | None


def gather(estate: Path | None, facts: Path | None, offline: bool, when: datetime,
           options: ProbeOptions | None = None) -> Gathered:
    """A snapshot from a facts file, or from an estate (probing unless ``offline``)."""
    if (estate is None) == (facts is None):
        raise UsageError("give an ESTATE file or --facts FILE (exactly one)")
    if facts is not None:
        return Gathered(load_snapshot(str(facts)), None)
    assert estate is not None
    spec = load_estate(str(estate), warn)
    log.info("estate %s: %d host(s), %d bucket(s), %d medium/media, %d dataset(s)", estate,
             len(spec.hosts), len(spec.buckets), len(spec.media), len(spec.datasets))
    reports = []
    if not offline:
        reports = collect_reports(spec, options)
        log.info("probes: %d report(s)", len(reports))
    return Gathered(build_snapshot(spec, reports, when), spec.name)


def gather_snapshot(estate: Path | None, facts: Path | None, offline: bool,
                    when: datetime, options: ProbeOptions | None = None) -> Snapshot:
    """A snapshot from a facts file, or from an estate (probing unless ``offline``)."""
    return gather(estate, facts, offline, when, options).snapshot
