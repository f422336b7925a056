"""The probe contract: what a probe receives, what it returns, and how it fails.

A probe reads facts about one kind of asset (hosts over SSH, buckets over S3) and returns
``ProbeReport`` records. It never raises for a failure on a target: it returns a report whose
``issues`` say what could not be established, and the facts it could not read are left out or
recorded as unknown ``Evidence``. ``drcheck.facts.assemble`` merges reports into a ``Snapshot``.
"""

from __future__ import annotations

import logging
import os
import traceback
from abc import ABC, abstractmethod
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from typing import ClassVar

from drcheck.shared.model import Claim, Evidence, ProbeIssue

log = logging.getLogger("drcheck.probes")


class ProbeBug(Exception):
    """A probe raised something that is no peer or I/O failure: a bug in drcheck.

    It is logged with its traceback and ends the run with exit 4 (the CLI re-raises it under
    ``DRCHECK_DEBUG=1``); reporting it as "unknown" evidence would hide the bug as a fact
    about the estate.
    """


def probe_bug(probe: str, subject: str, exc: BaseException) -> ProbeBug:
    """Log ``exc`` with its traceback and return the ``ProbeBug`` to raise from it."""
    log.error("bug in the %s probe of %s: %s: %s", probe, subject, type(exc).__name__, exc,
              exc_info=exc)
    return ProbeBug(f"{probe} probe of {subject}: {type(exc).__name__}: {exc}")


@dataclass(frozen=True)
class BucketTarget:
    """An S3 bucket a probe discovered (a replication destination, a backup repository)."""

    name: str
    endpoint: str | None = None
    provider: str | None = None
    region: str | None = None
    account: str | None = None


@dataclass(frozen=True)
class DiscoveredCopy:
    """A copy of the subject's data that a probe found and the estate may not declare.

    Exactly one of ``bucket``, ``host`` or ``local_path`` is set. ``source_path`` limits the
    copy to datasets whose replica on the subject lives under that path or prefix (None:
    every dataset with a replica on the subject). ``facts`` are what the probe knows about
    the copy itself (freshness, encryption).
    """

    name: str
    tool: str
    origin: str
    source_path: str | None = None
    bucket: BucketTarget | None = None
    prefix: str | None = None
    host: str | None = None
    local_path: str | None = None
    facts: Mapping[str, Evidence] = field(default_factory=dict)
    unattributed: str | None = None  # why no dataset can be credited (sources unknown)


@dataclass(frozen=True)
class ProbeReport:
    """What one probe established about one asset (``host:NAME`` or ``bucket:NAME``).

    ``facts`` hold asset-wide facts keyed by ``FactKey`` values; ``path_facts`` hold facts
    for a path or prefix inside the asset (the newest restore point under ``db/``).
    ``details`` keeps the raw, JSON-safe observations that reports quote as evidence.
    """

    probe: str
    subject: str
    observed_at: str
    claims: tuple[Claim, ...] = ()
    facts: Mapping[str, Evidence] = field(default_factory=dict)
    path_facts: Mapping[str, Mapping[str, Evidence]] = field(default_factory=dict)
    details: Mapping[str, object] = field(default_factory=dict)
    discovered: tuple[DiscoveredCopy, ...] = ()
    issues: tuple[ProbeIssue, ...] = ()


class Probe(ABC):
    """A read-only fact collector; ``operations`` lists everything it reads or runs."""

    name: ClassVar[str]
    operations: ClassVar[Sequence[str]]

    @abstractmethod
    def collect(self, targets: Sequence[object]) -> list[ProbeReport]:
        """Probe every target concurrently and return one report per target, never raising."""


def raised_at(exc: BaseException) -> str:
    """Where ``exc`` was raised (``gather.py:88 in step_restic``), for the log of a probe's
    catch-all: the place of the bug without a traceback, whose last line would repeat the
    message unredacted."""
    frames = traceback.extract_tb(exc.__traceback__)
    if not frames:
        return "unknown place"
    last = frames[-1]
    return f"{os.path.basename(last.filename)}:{last.lineno} in {last.name}"
