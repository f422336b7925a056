"""Targets found on a host → ``DiscoveredCopy`` records, with locations and facts."""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from dataclasses import replace

from drcheck.probes.base import BucketTarget, DiscoveredCopy
from drcheck.probes.ssh.parsers.targets import PROXY, RECORD, Target
from drcheck.shared.model import Evidence, FactKey, Source

_LOCAL_NAMES = frozenset({"localhost", "127.0.0.1", "::1", "ip6-localhost"})


def merge_targets(targets: Iterable[Target]) -> list[Target]:
    """One target per destination; later sightings fill fields the first one lacked."""
    merged: dict[tuple[str | None, ...], Target] = {}
    for target in targets:
        key = target.key()
        first = merged.get(key)
        if first is None:
            merged[key] = target
            continue
        fill = {k: v for k, v in target.__dict__.items()
                if v not in (None, ()) and getattr(first, k) in (None, ())}
        if target.last_run and _better(target, first):
            fill.update(last_run=target.last_run, last_run_origin=target.last_run_origin,
                        last_run_basis=target.last_run_basis)
        merged[key] = first.with_(**fill)
    return list(merged.values())


def _better(new: Target, old: Target) -> bool:
    """A record beats a proxy; between equals, the later time wins."""
    if not old.last_run:
        return True
    rank = {RECORD: 1}
    new_rank = rank.get(new.last_run_basis or "", 0)
    old_rank = rank.get(old.last_run_basis or "", 0)
    if new_rank != old_rank:
        return new_rank > old_rank
    return bool(new.last_run and new.last_run > old.last_run)


def to_copies(target: Target, hosts: Mapping[str, str], own_names: frozenset[str],
              observed_at: str) -> list[DiscoveredCopy]:
    """One copy per source directory the job saves (one for all when the sources are unknown).

    Empty when the target cannot be placed (an unresolved remote). Several sources give
    several copies, so a dataset outside them is never counted as backed up.
    """
    placed = _place(target, hosts, own_names, observed_at)
    if placed is None:
        return []
    if not target.sources:
        return [replace(placed, unattributed=f"the sources {target.tool} backs up could not be "
                        f"determined from {target.origin}")]
    if len(target.sources) <= 1:
        return [replace(placed, source_path=target.sources[0] if target.sources else None)]
    return [replace(placed, name=f"{placed.name} [{source}]", source_path=source)
            for source in target.sources]


def _place(target: Target, hosts: Mapping[str, str], own_names: frozenset[str],
           observed_at: str) -> DiscoveredCopy | None:
    base = DiscoveredCopy(name=f"{target.tool}:{target.label or target.url}", tool=target.tool,
                          origin=target.origin, facts=_facts(target, observed_at))
    if target.kind == "s3" and target.bucket:
        bucket = BucketTarget(name=target.bucket, endpoint=target.endpoint,
                              provider=target.provider, region=target.region)
        return replace(base, bucket=bucket, prefix=target.prefix)
    if target.kind == "host" and target.host:
        if target.host.lower() in _LOCAL_NAMES | own_names:
            return replace(base, local_path=target.path or "/")
        return replace(base, host=hosts.get(target.host.lower(), target.host),
                       prefix=target.path)
    if target.kind == "local" and target.path:
        return replace(base, local_path=target.path)
    return None


def _facts(target: Target, observed_at: str) -> dict[str, Evidence]:
    facts: dict[str, Evidence] = {}
    if target.encrypted is not None:
        facts[FactKey.ENCRYPTED.value] = Evidence(
            target.encrypted, Source.PROBED, f"{target.tool} configuration {target.origin}",
            observed_at)
    if target.last_run:
        facts[FactKey.NEWEST_RESTORE_POINT.value] = Evidence(
            target.last_run, Source.PROBED, target.last_run_origin or target.origin, observed_at)
        facts[FactKey.RESTORE_POINT_BASIS.value] = Evidence(
            target.last_run_basis or PROXY, Source.PROBED,
            target.last_run_origin or target.origin, observed_at)
    if target.verified:
        facts[FactKey.LAST_VERIFIED.value] = Evidence(
            target.verified, Source.PROBED, target.verified_origin or target.origin, observed_at)
    if target.restore_tested:
        facts[FactKey.LAST_RESTORE_TEST.value] = Evidence(
            target.restore_tested, Source.PROBED, target.restore_tested_origin or target.origin,
            observed_at)
    if target.retention_days is not None:
        facts[FactKey.RETENTION_DAYS.value] = Evidence(
            target.retention_days, Source.PROBED, f"keep_* options in {target.origin}",
            observed_at)
    return facts
