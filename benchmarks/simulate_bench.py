"""What-if benchmark: N datasets x 3 copies over ~2k failure domains, N-1 sweep plus all rules.

    python benchmarks/simulate_bench.py --datasets 10000 100000

For each size, a child process (so peak memory is per size) builds a synthetic snapshot the
way the assembler does (claim objects shared per asset, a new Location per replica, facts
per copy), then times on one core:

1. the full N-1 sweep over every domain kind (Universe index + minimal cut sets + ranking),
   with the freshness bar of the built-in packs' max-age rule;
2. the N-2 sweep (``--depth2``, off by default at 100k);
3. every rule of every built-in policy pack (``drcheck.evaluate.policy.load_builtin``), through the
   audit engine, including nothing of the simulation.

Memory: the child's maximum resident set size (``resource.getrusage``) after building the
snapshot, after the N-1 sweep and after the rules; and the peak of the N-1 sweep's own
allocations (``tracemalloc``, in a second, untimed pass). Prints a Markdown table row per
size; wall and CPU time both, as the machine may be shared.
"""

from __future__ import annotations

import argparse
import json
import random
import resource
import subprocess
import sys
import time
import tracemalloc
from datetime import datetime, timedelta, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))  # this checkout, not an install

from drcheck.evaluate.engine import evaluate
from drcheck.evaluate.policy import builtin_names, load_builtin
from drcheck.evaluate.survival.fate import BarFor, ctx_at
from drcheck.evaluate.survival.universe import Universe
from drcheck.shared.model import (
    Claim,
    Dataset,
    DomainKind,
    Evidence,
    Location,
    Replica,
    ReplicaKind,
    Snapshot,
    Source,
)
from drcheck.simulate.bars import policy_bar
from drcheck.simulate.sweep import sweep

NOW = datetime(2026, 11, 23, 6, 0, tzinfo=timezone.utc)
K = DomainKind


def _claim(kind: DomainKind, value: str) -> Claim:
    return Claim(kind, value, Source.DECLARED, "bench")


def make_assets(rng: random.Random, hosts: int, buckets: int) -> list[tuple[str, list[Claim]]]:
    """Assets with claims over ~2k domains: 4 providers, 200 accounts, 40 regions, 60 metros,
    200 campuses, 400 buildings, 300 racks, and one host domain per asset."""
    assets = []
    for i in range(hosts + buckets):
        bucket = i >= hosts
        p = rng.randrange(4)
        metro = rng.randrange(60)
        campus = metro * 3 + rng.randrange(3) if metro < 66 else 0
        claims = [_claim(K.PROVIDER, f"p{p}"), _claim(K.REGION, f"p{p}:r{metro % 10}"),
                  _claim(K.JURISDICTION, f"j{metro % 6}"), _claim(K.METRO, f"m{metro}")]
        if rng.random() > 0.1:  # a tenth of assets have no campus claim
            claims.append(_claim(K.CAMPUS, f"c{campus % 200}"))
        name = f"{'bucket' if bucket else 'host'}:a{i}"
        if bucket:
            claims.append(_claim(K.ACCOUNT, f"p{p}:acct{rng.randrange(50)}"))
        else:
            claims += [_claim(K.BUILDING, f"c{campus % 200}-b{rng.randrange(2)}"),
                       _claim(K.RACK, f"c{campus % 200}-k{rng.randrange(2)}")]
        claims.append(_claim(K.HOST, name))
        assets.append((name, claims))
    return assets


def _replica(ds: str, role: str, n: int, asset: tuple[str, list[Claim]],
             facts: dict[str, Evidence]) -> Replica:
    kind = ReplicaKind.BUCKET if asset[0].startswith("bucket") else ReplicaKind.HOST
    return Replica(f"{ds}/{role}/{n}", f"{role}{n}", role, kind, asset[0], None,
                   _shared_location(asset), facts)


_LOCATIONS: dict[str, Location] = {}


def _shared_location(asset: tuple[str, list[Claim]]) -> Location:
    """One Location per asset, as drcheck's assembler and snapshot loader build them."""
    if asset[0] not in _LOCATIONS:
        _LOCATIONS[asset[0]] = Location(tuple(asset[1]))
    return _LOCATIONS[asset[0]]


def make_snapshot(n: int, seed: int = 7) -> Snapshot:
    """``n`` datasets, each a primary on a host and 3 copies on other assets."""
    rng = random.Random(seed)
    _LOCATIONS.clear()
    assets = make_assets(rng, 600, 400)
    hosts = assets[:600]
    datasets = []
    for i in range(n):
        name = f"ds{i}"
        copies = []
        for j, asset in enumerate(rng.sample(assets, 3)):
            when = NOW - timedelta(minutes=rng.randrange(60 * 72))
            facts = {
                "newest_restore_point": Evidence(when.strftime("%Y-%m-%dT%H:%M:%SZ"),
                                                 Source.DECLARED, "bench"),
                "immutable": Evidence(rng.random() < 0.3, Source.DECLARED, "bench"),
                "encrypted": Evidence(True, Source.DECLARED, "bench"),
            }
            copies.append(_replica(name, "copy", j, asset, facts))
        datasets.append(Dataset(
            name, _replica(name, "primary", 0, rng.choice(hosts), {}), tuple(copies),
            {"tier": rng.choice(["gold", "silver"])},
            rng.choice(["low", "medium", "high", "critical"]),
            {"bytes": Evidence(rng.randrange(1, 10**12), Source.DECLARED, "bench")}))
    return Snapshot(NOW.isoformat(), tuple(datasets))


def _rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _n1(snap: Snapshot, bar_for: BarFor) -> tuple[float, float, int, int]:
    """Wall and CPU seconds of Universe + N-1 sweep; domains; datasets with a single cut."""
    t0, c0 = time.perf_counter(), time.process_time()
    universe = Universe(snap.datasets, tuple(DomainKind))
    result = sweep(snap.datasets, universe, bar_for, 1, ctx_at(NOW))
    wall, cpu = time.perf_counter() - t0, time.process_time() - c0
    return wall, cpu, len(universe.domains), sum(1 for d in result.datasets if d.of_size(1))


def measure(n: int, depth2: bool, rules: bool) -> dict[str, float]:
    """Build, then time the sweep(s) and the rules; returns the figures."""
    t0 = time.perf_counter()
    snap = make_snapshot(n)
    out: dict[str, float] = {"datasets": n, "build_s": time.perf_counter() - t0,
                             "snapshot_rss_mib": _rss_mib()}
    policies = [load_builtin(name) for name in builtin_names()]
    bar_for = policy_bar(policies)
    out["n1_s"], out["n1_cpu_s"], out["domains"], out["single_cut_datasets"] = _n1(snap,
                                                                                 bar_for)
    out["n1_rss_mib"] = _rss_mib()
    tracemalloc.start()
    _n1(snap, bar_for)
    out["n1_traced_peak_mib"] = tracemalloc.get_traced_memory()[1] / 2**20
    tracemalloc.stop()
    if depth2:
        t0 = time.perf_counter()
        sweep(snap.datasets, Universe(snap.datasets, tuple(DomainKind)), bar_for, 2,
              ctx_at(NOW))
        out["n2_s"] = time.perf_counter() - t0
    if rules:
        t0 = time.perf_counter()
        audit = evaluate(snap, policies, NOW)
        out["rules_s"] = time.perf_counter() - t0
        out["findings"] = len(audit.findings)
    out["peak_mib"] = _rss_mib()
    return out


def main() -> None:
    """Run each size in its own child process and print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--datasets", type=int, nargs="+", default=[10_000, 100_000])
    parser.add_argument("--depth2", action="store_true", help="also time the N-2 sweep")
    parser.add_argument("--no-rules", action="store_true", help="skip the built-in rules")
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    if args.child:
        print(json.dumps(measure(args.datasets[0], args.depth2, not args.no_rules)))
        return
    print("| datasets | domains | N-1 wall (s) | N-1 CPU (s) | N-1 alloc peak (MiB) "
          "| RSS: snapshot / +N-1 / +rules (MiB) | N-2 wall (s) | built-in rules (s) "
          "| single-cut datasets |")
    print("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |")
    for n in args.datasets:
        cmd = [sys.executable, __file__, "--child", "--datasets", str(n)]
        cmd += ["--depth2"] if args.depth2 else []
        cmd += ["--no-rules"] if args.no_rules else []
        r = json.loads(subprocess.run(cmd, check=True, capture_output=True, text=True).stdout)
        n2 = f"{r['n2_s']:.2f}" if "n2_s" in r else "-"
        rules = f"{r['rules_s']:.2f}" if "rules_s" in r else "-"
        rss = f"{r['snapshot_rss_mib']:.0f} / {r['n1_rss_mib']:.0f} / {r['peak_mib']:.0f}"
        print(f"| {n:,} | {r['domains']:,} | {r['n1_s']:.2f} | {r['n1_cpu_s']:.2f} "
              f"| {r['n1_traced_peak_mib']:.0f} | {rss} | {n2} | {rules} "
              f"| {r['single_cut_datasets']:,} |", flush=True)


if __name__ == "__main__":
    main()
