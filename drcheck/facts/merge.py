"""``drcheck merge``: the shards' partial snapshots of one estate → one complete snapshot.

Every input is schema-checked and digest-verified on load; all must record the same estate
digest and embed that estate's exact text; each shard K/N must arrive exactly once. The
union of the raw probe reports is assembled exactly as one unsharded probe would assemble
its own, so the merged snapshot evaluates the same. Two runners that probed one asset keep
both statements: differing location claims stay side by side (``consistent-location``
reports them) and a fact they disagree on becomes unknown with both values as the reason.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, replace
from typing import Any

from drcheck.facts.assemble import build_snapshot
from drcheck.facts.partial import report_from_dict
from drcheck.facts.runs import parse_estate_text, text_digest
from drcheck.facts.shards import probed_assets, shard_of
from drcheck.facts.snapshot import load_snapshot, snapshot_digest
from drcheck.inputs.durations import parse_time
from drcheck.inputs.estate import Estate
from drcheck.probes.base import ProbeReport
from drcheck.shared.errors import ConfigError, Problem
from drcheck.shared.model import Evidence, ProbeIssue, Snapshot, Source

PROBE_ORDER = ("ssh", "s3")


@dataclass(frozen=True)
class Part:
    """One input snapshot of a merge."""

    path: str
    snapshot: Snapshot

    @property
    def entry(self) -> Mapping[str, Any]:
        """Its collection record (a partial snapshot has exactly one)."""
        return self.snapshot.collections[0]

    @property
    def assets(self) -> set[str]:
        """The asset ids this run was responsible for."""
        return set(self.entry.get("assets", []))


def _problem(path: str, json_path: str, message: str) -> ConfigError:
    return ConfigError([Problem(path, None, None, json_path, message)])


def load_part(path: str) -> Part:
    """Load one shard's snapshot; a complete snapshot or a bad estate copy is exit 2."""
    snap = load_snapshot(path, partial_ok=True)
    if snap.partial is None or len(snap.collections) != 1:
        raise _problem(path, "$.partial", "not a shard's snapshot: merge takes the files "
                       "written by drcheck probe --shard K/N or --only")
    if text_digest(snap.partial["estate"]["text"]) != snap.sources.get("estate_sha256"):
        raise _problem(path, "$.partial.estate.text", "the embedded estate does not match the "
                       "recorded estate digest")
    return Part(path, snap)


def _same_estate(parts: Sequence[Part]) -> None:
    first = parts[0]
    want = first.snapshot.sources.get("estate_sha256")
    for part in parts[1:]:
        got = part.snapshot.sources.get("estate_sha256")
        if got != want:
            raise _problem(part.path, "$.sources.estate_sha256",
                           f"estate digest {got} differs from {want} in {first.path}: "
                           "the shards come from different estates (or different versions "
                           "of one estate)")


def _shards(parts: Sequence[Part]) -> tuple[int | None, dict[int, str]]:
    """N and shard index → file, refusing a duplicated shard or disagreeing N."""
    total: int | None = None
    seen: dict[int, str] = {}
    for part in parts:
        spec = part.entry.get("shard")
        if spec is None:
            continue
        index, n = (int(x) for x in str(spec).split("/"))
        if total is not None and n != total:
            raise _problem(part.path, "$.collections[0].shard",
                           f"shard {spec} is from a split into {n}, the others into {total}")
        total = n
        if index in seen:
            raise _problem(part.path, "$.collections[0].shard",
                           f"shard {spec} given twice (also {seen[index]})")
        seen[index] = part.path
    return total, seen


def _missing(estate: Estate, parts: Sequence[Part], total: int | None,
             seen: Mapping[int, str]) -> dict[str, str]:
    """Every probed asset no input covers → why it is missing."""
    covered = set().union(*(p.assets for p in parts))
    gone = [k for k in range(1, (total or 0) + 1) if k not in seen]
    reasons: dict[str, str] = {}
    for asset in probed_assets(estate):
        aid = asset.asset_id
        if aid in covered:
            continue
        k = shard_of(aid, total) if total else None
        if k is not None and k in gone:
            reasons[aid] = f"shard {k}/{total} never arrived: its assets were not probed"
        else:
            reasons[aid] = "no merged snapshot's selection covers this asset: not probed"
    return reasons


def _missing_error(parts: Sequence[Part], reasons: Mapping[str, str]) -> ConfigError:
    shards = sorted({r.split(" ")[1] for r in reasons.values() if r.startswith("shard ")})
    loose = sorted(a for a, r in reasons.items() if not r.startswith("shard "))
    what = []
    if shards:
        what.append(f"missing shard(s) {', '.join(shards)}")
    if loose:
        what.append(f"{len(loose)} asset(s) in no selection ({', '.join(loose[:10])}"
                    + (", …" if len(loose) > 10 else "") + ")")
    return ConfigError([Problem(parts[0].path, None, None, "$.collections",
                                "; ".join(what))],
                       hint="merge every shard, or pass --allow-missing-shards to mark their "
                       "assets unknown")


def _sans_time(report: ProbeReport) -> tuple[Any, ...]:
    claims = tuple(sorted((c.kind.value, c.value, c.source.value, c.origin) for c in report.claims))
    facts = tuple(sorted((k, repr(v.value)) for k, v in report.facts.items()))
    return claims, facts


def _conflicts(base: ProbeReport, other: ProbeReport, runner: str) -> ProbeReport:
    """``base`` with what ``other`` says differently: its differing claims, and each fact
    they disagree on as unknown with both values."""
    have = {(c.kind, c.value) for c in base.claims}
    extra = tuple(replace(c, origin=f"{c.origin} (runner {runner})") for c in other.claims
                  if (c.kind, c.value) not in have)
    facts = dict(base.facts)
    issues = list(base.issues)
    for key, ev in other.facts.items():
        old = facts.get(key)
        if old is None or not old.known:
            facts[key] = ev
        elif ev.known and ev.value != old.value:
            reason = (f"runners disagree: {old.value!r} ({old.origin}) vs {ev.value!r} "
                      f"({ev.origin}, runner {runner})")
            facts[key] = Evidence(None, Source.PROBED, "drcheck merge", old.observed_at, reason)
            issues.append(ProbeIssue(base.subject, base.probe, "conflicting-facts",
                                     f"{key}: {reason}", old.observed_at))
    return replace(base, claims=base.claims + extra, facts=facts, issues=tuple(issues))


def _combine(parts: Sequence[Part]) -> list[ProbeReport]:
    """One report per (probe, subject): the owner's, with other runners' differences."""
    owned: dict[tuple[str, str], ProbeReport] = {}
    others: list[tuple[tuple[str, str], ProbeReport, str]] = []
    for part in parts:
        assert part.snapshot.partial is not None
        for raw in part.snapshot.partial["reports"]:
            report = report_from_dict(raw)
            key = (report.probe, report.subject)
            if key not in owned and report.subject in part.assets:
                owned[key] = report
            else:
                others.append((key, report, str(raw["runner"])))
    for key, report, runner in others:
        base = owned.get(key)
        if base is None:
            owned[key] = report
        elif _sans_time(base) != _sans_time(report):
            owned[key] = _conflicts(base, report, runner)
    return list(owned.values())


def _ordered(estate: Estate, reports: Sequence[ProbeReport]) -> list[ProbeReport]:
    """The order one unsharded probe returns reports in: SSH then S3, estate order."""
    position: dict[str, int] = {a.asset_id: i for i, a in enumerate(probed_assets(estate))}
    return sorted(reports, key=lambda r: (
        PROBE_ORDER.index(r.probe) if r.probe in PROBE_ORDER else len(PROBE_ORDER),
        position.get(r.subject, len(position)), r.subject))


def _placeholders(estate: Estate, reasons: Mapping[str, str], at: str) -> list[ProbeReport]:
    probe_of: dict[str, str] = {a.asset_id: "ssh" if a.asset_id.kind == "host" else "s3"
                                for a in probed_assets(estate)}
    return [ProbeReport(probe_of[aid], aid, at, issues=(
        ProbeIssue(aid, probe_of[aid], "shard-missing", reason, at),))
        for aid, reason in sorted(reasons.items())]


def merge(paths: Sequence[str], allow_missing: bool = False) -> Snapshot:
    """The complete snapshot of the estate the shards in ``paths`` came from."""
    parts = [load_part(p) for p in paths]
    _same_estate(parts)
    total, seen = _shards(parts)
    first = parts[0].snapshot
    assert first.partial is not None
    estate = parse_estate_text(first.partial["estate"]["text"], first.partial["estate"]["path"])
    reasons = _missing(estate, parts, total, seen)
    if reasons and not allow_missing:
        raise _missing_error(parts, reasons)
    at = min(p.snapshot.collected_at for p in parts)
    reports = _ordered(estate, _combine(parts) + _placeholders(estate, reasons, at))
    entries = [{**p.entry, "snapshot_digest": snapshot_digest(p.snapshot)} for p in parts]
    if reasons:
        entries.append({"runner": None, "shard": None, "only": [], "collected_at": at,
                        "assets": sorted(reasons), "missing": "; ".join(sorted(set(
                            reasons.values())))})
    merged = build_snapshot(estate, reports, parse_time(at))
    return replace(merged, collections=tuple(entries))
