"""Which assets one runner probes: a stable shard of the estate (``--shard K/N``) and
``--only`` selectors (name glob, dataset label, declared provider, region or datacenter).

A shard is a pure function of the asset id (a sha256 of ``host:NAME`` or ``bucket:NAME``),
never of its position in the estate: reordering or adding assets never moves the others, and
every probed asset falls in exactly one shard. Datasets are not sharded: every shard's
snapshot is merged back into the one estate (``drcheck merge``).
"""

from __future__ import annotations

import hashlib
from collections.abc import Iterable
from dataclasses import dataclass
from fnmatch import fnmatchcase
from typing import Protocol

from drcheck.inputs.estate import BucketSpec, DeclaredLocation, Estate, HostSpec
from drcheck.shared.errors import UsageError

SELECTOR_KINDS = ("name", "label", "provider", "region", "datacenter")


@dataclass(frozen=True)
class Shard:
    """Shard ``index`` of ``total`` (1-based)."""

    index: int
    total: int

    def __str__(self) -> str:
        return f"{self.index}/{self.total}"

    def holds(self, asset_id: str) -> bool:
        """Whether ``asset_id`` belongs to this shard."""
        return shard_of(asset_id, self.total) == self.index


def shard_of(asset_id: str, total: int) -> int:
    """The 1-based shard of an asset id among ``total``: stable under estate reordering."""
    digest = hashlib.sha256(asset_id.encode("utf-8")).digest()
    return int.from_bytes(digest[:8], "big") % total + 1


def parse_shard(text: str) -> Shard:
    """``K/N`` with 1 ≤ K ≤ N as a ``Shard``; anything else is a usage error (exit 2)."""
    index, sep, total = text.partition("/")
    if not sep or not index.isdigit() or not total.isdigit():
        raise UsageError(f"--shard {text!r}: expected K/N, e.g. 2/8")
    shard = Shard(int(index), int(total))
    if not 1 <= shard.index <= shard.total or shard.total > 100_000:
        raise UsageError(f"--shard {text!r}: K must be between 1 and N (N at most 100000)")
    return shard


@dataclass(frozen=True)
class Selector:
    """One ``--only KIND:PATTERN`` (``label:KEY=VALUE`` for labels); patterns are globs."""

    kind: str
    pattern: str

    def __str__(self) -> str:
        return f"{self.kind}:{self.pattern}"


def parse_selector(text: str) -> Selector:
    """``KIND:PATTERN`` as a ``Selector``; an unknown kind is a usage error (exit 2)."""
    kind, sep, pattern = text.partition(":")
    if not sep or kind not in SELECTOR_KINDS or not pattern:
        raise UsageError(f"--only {text!r}: expected KIND:PATTERN with KIND one of "
                         f"{', '.join(SELECTOR_KINDS)} (e.g. name:gra-*, label:tier=gold, "
                         "datacenter:SBG*)")
    if kind == "label" and "=" not in pattern:
        raise UsageError(f"--only {text!r}: a label selector is label:KEY=VALUE")
    return Selector(kind, pattern)


Asset = HostSpec | BucketSpec


class _HasSelection(Protocol):
    @property
    def shard(self) -> Shard | None: ...
    @property
    def only(self) -> tuple[Selector, ...]: ...


def _declared(asset: Asset, field_name: str) -> list[str]:
    loc: DeclaredLocation | None = asset.location
    values = [loc.fields[field_name]] if loc is not None and field_name in loc.fields else []
    if isinstance(asset, BucketSpec):
        own = {"provider": asset.provider, "region": asset.region}.get(field_name)
        if own:
            values.append(own)
    return values


def _labelled(estate: Estate, pattern: str) -> set[str]:
    """Asset ids holding a replica of a dataset whose label matches ``KEY=VALUE`` (glob)."""
    key, _, value = pattern.partition("=")
    found: set[str] = set()
    for ds in estate.datasets:
        if key in ds.labels and fnmatchcase(ds.labels[key], value):
            found.update(r.asset_id for r in (ds.primary, *ds.copies))
    return found


def _matches(asset: Asset, selector: Selector, labelled: set[str]) -> bool:
    if selector.kind == "name":
        return fnmatchcase(asset.name, selector.pattern)
    if selector.kind == "label":
        return asset.asset_id in labelled
    return any(fnmatchcase(v, selector.pattern) for v in _declared(asset, selector.kind))


def probed_hosts(estate: Estate) -> list[HostSpec]:
    """The hosts the SSH probe reads: those with an address, unless ``probe: false``."""
    return [h for h in estate.hosts if h.probe and h.address]


def probed_buckets(estate: Estate) -> list[BucketSpec]:
    """The buckets the S3 probe reads: all, unless ``probe: false``."""
    return [b for b in estate.buckets if b.probe]


def probed_assets(estate: Estate) -> list[Asset]:
    """Every asset a probe would read: ``probed_hosts`` then ``probed_buckets``."""
    hosts: list[Asset] = list(probed_hosts(estate))
    return hosts + probed_buckets(estate)


def select(estate: Estate, shard: Shard | None, only: Iterable[Selector]) -> set[str]:
    """The ids of the probed assets in ``shard`` that match every selector."""
    selectors = list(only)
    labelled = {s.pattern: _labelled(estate, s.pattern) for s in selectors if s.kind == "label"}
    chosen: set[str] = set()
    for asset in probed_assets(estate):
        if shard is not None and not shard.holds(asset.asset_id):
            continue
        if all(_matches(asset, s, labelled.get(s.pattern, set())) for s in selectors):
            chosen.add(asset.asset_id)
    return chosen


def planned_assets(estate: Estate, run: _HasSelection) -> list[str]:
    """The asset ids a run would probe, sorted (``drcheck probe --dry-run``)."""
    if run.shard is None and not run.only:
        return sorted(a.asset_id for a in probed_assets(estate))
    return sorted(select(estate, run.shard, run.only))
