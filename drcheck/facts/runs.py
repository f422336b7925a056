"""One probe run as the snapshot records it: the runner, its shard or selection, its assets.

``probe_estate`` is what ``drcheck probe`` and a probing ``drcheck audit`` do: read the
estate once (the same text is hashed, parsed and, for a shard, embedded), probe the chosen
assets and build either a complete snapshot or a shard's partial one.
"""

from __future__ import annotations

import hashlib
import socket
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from datetime import datetime
from typing import Any

from drcheck import __version__
from drcheck.facts.assemble import build_snapshot
from drcheck.facts.collect import ProbeOptions, collect_reports
from drcheck.facts.partial import partial_section
from drcheck.facts.shards import Selector, Shard, probed_assets, select
from drcheck.inputs.documents import Document, parse_text, read_input
from drcheck.inputs.durations import format_time
from drcheck.inputs.estate import Estate
from drcheck.inputs.estate_check import checked_estate
from drcheck.shared.model import Snapshot


@dataclass(frozen=True)
class RunSpec:
    """Who probes and what: the runner's name, its shard and ``--only`` selectors."""

    runner: str | None = None
    shard: Shard | None = None
    only: tuple[Selector, ...] = field(default_factory=tuple)

    @property
    def partial(self) -> bool:
        """True when this run probes only part of the estate."""
        return self.shard is not None or bool(self.only)

    @property
    def runner_name(self) -> str:
        """The explicit runner name, or this machine's hostname."""
        return self.runner or socket.gethostname()


@dataclass(frozen=True)
class EstateText:
    """An estate file read once: its path, exact text, parsed form and the document with its
    line marks (for warnings about it)."""

    path: str
    text: str
    estate: Estate
    doc: Document


def read_estate(path: str) -> EstateText:
    """Read, validate and parse an estate, keeping the exact text that was hashed."""
    text = read_input(path)
    doc = parse_text(text, path)
    return EstateText(path, text, checked_estate(doc), doc)


def parse_estate_text(text: str, path: str) -> Estate:
    """An estate from its text (exit 2 with every problem when invalid)."""
    return checked_estate(parse_text(text, path))


def collection_entry(run: RunSpec, at: str, assets: Iterable[str]) -> dict[str, Any]:
    """The snapshot's record of one probe run."""
    return {"runner": run.runner_name, "shard": None if run.shard is None else str(run.shard),
            "only": [str(s) for s in run.only], "collected_at": at,
            "drcheck_version": __version__, "assets": sorted(assets)}


def probe_estate(source: EstateText, run: RunSpec, when: datetime,
                 options: ProbeOptions | None = None) -> Snapshot:
    """Probe the run's share of the estate; a complete snapshot, or a shard's partial one."""
    estate = source.estate
    opts = options or ProbeOptions()
    if run.partial:
        chosen = select(estate, run.shard, run.only)
        opts = replace(opts, assets=frozenset(chosen))
    else:
        chosen = {a.asset_id for a in probed_assets(estate)}
    at = format_time(when)
    reports = collect_reports(estate, opts)
    entry = collection_entry(run, at, chosen)
    if not run.partial:
        return replace(build_snapshot(estate, reports, when), collections=(entry,))
    return Snapshot(
        collected_at=at, datasets=(),
        sources={"estate": estate.path, "estate_sha256": estate.digest},
        probes=tuple(sorted({r.probe for r in reports})),
        collections=(entry,),
        partial=partial_section(source.path, source.text, reports, run.runner_name),
    )


def text_digest(text: str) -> str:
    """The estate digest as the estate loader computes it (sha256 of the UTF-8 text)."""
    return hashlib.sha256(text.encode("utf-8")).hexdigest()
