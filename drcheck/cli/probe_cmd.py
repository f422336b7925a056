"""``drcheck probe`` (collect facts into a snapshot file) and ``drcheck probes`` (what they do)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from drcheck.cli.app import app, guarded, note
from drcheck.cli.common import emit, gather_snapshot, resolve_now
from drcheck.cli.evidence_opts import SignOpt, sign_outputs, signer_for
from drcheck.cli.probe_opts import (
    AllowProxyOpt,
    ConcurrencyOpt,
    KnownHosts,
    SshConfigOpt,
    TimeoutOpt,
    Trust,
    probe_options,
)
from drcheck.facts.runs import RunSpec, read_estate
from drcheck.facts.shards import parse_selector, parse_shard, planned_assets
from drcheck.facts.snapshot import snapshot_to_json, write_snapshot
from drcheck.inputs.durations import format_time, parse_time
from drcheck.report.output import AtomicFile
from drcheck.shared.model import Snapshot

ShardOpt = Annotated[str | None, typer.Option(
    help="Probe shard K of N (K/N): a stable share of the hosts and buckets by asset id; "
    "merge the shards with drcheck merge.")]
OnlyOpt = Annotated[list[str] | None, typer.Option(
    help="Probe only matching assets: name:GLOB, label:KEY=VALUE, provider:GLOB, "
    "region:GLOB or datacenter:GLOB (repeat: all must match).")]
RunnerOpt = Annotated[str | None, typer.Option(
    help="Name of this runner in the snapshot (default: the hostname).")]


def run_spec(shard: str | None, only: list[str] | None, runner: str | None) -> RunSpec:
    """The ``--shard``, ``--only`` and ``--runner`` options as a ``RunSpec``."""
    return RunSpec(runner, None if shard is None else parse_shard(shard),
                   tuple(parse_selector(s) for s in only or ()))


@app.command()
def probe(
    estate: Annotated[Path, typer.Argument(help="Estate file (YAML).")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Facts file to write.")]
    = None,
    offline: Annotated[bool, typer.Option(help="Declared facts only; run no probe.")] = False,
    concurrency: ConcurrencyOpt = None,
    timeout: TimeoutOpt = None,
    known_hosts: KnownHosts = None,
    trust_new_host_keys: Trust = False,
    ssh_config: SshConfigOpt = None,
    allow_proxy_command: AllowProxyOpt = False,
    now: Annotated[str | None, typer.Option(help="Timestamp the snapshot with this UTC time.")]
    = None,
    shard: ShardOpt = None,
    only: OnlyOpt = None,
    runner: RunnerOpt = None,
    dry_run: Annotated[bool, typer.Option(
        help="Print the asset ids this run would probe (its shard and selection) and stop.")]
    = False,
    sign: SignOpt = None,
) -> None:
    """Collect facts (declared, catalog, probed) into a versioned snapshot file."""

    def body() -> None:
        if dry_run:
            run = run_spec(shard, only, runner)
            for asset in planned_assets(read_estate(str(estate)).estate, run):
                typer.echo(asset)
            return
        options = probe_options(concurrency, timeout, known_hosts, trust_new_host_keys,
                                ssh_config, allow_proxy_command)
        signer = signer_for(sign, [output] if output else [], None)
        snapshot = gather_snapshot(estate, None, offline, resolve_now(now), options,
                                   run_spec(shard, only, runner))
        if output is None:
            emit(snapshot_to_json(snapshot), None)
        else:  # written as it is made: a 100k-dataset file is never held whole
            with AtomicFile(output) as out:
                write_snapshot(snapshot, out.write)
        sign_outputs(signer, [output] if output else [])
        if snapshot.issues:
            note(f"{len(snapshot.issues)} collection issue(s); see the snapshot's issues")

    guarded(body)


@app.command()
def merge(
    facts: Annotated[list[Path], typer.Argument(help="The shards' facts files.")],
    output: Annotated[Path | None, typer.Option("--output", "-o", help="Facts file to write.")]
    = None,
    allow_missing_shards: Annotated[bool, typer.Option(
        help="Merge without a shard: its assets become unknown, with the reason.")] = False,
    sign: SignOpt = None,
) -> None:
    """Merge the facts files of probe --shard K/N (or --only) runs into one snapshot."""

    def body() -> None:
        from drcheck.facts.merge import merge as merge_parts

        signer = signer_for(sign, [output] if output else [], None)
        snapshot = merge_parts([str(f) for f in facts], allow_missing_shards)
        if output is None:
            emit(snapshot_to_json(snapshot), None)
        else:  # written as it is made: a 100k-dataset file is never held whole
            with AtomicFile(output) as out:
                write_snapshot(snapshot, out.write)
        sign_outputs(signer, [output] if output else [])
        warn_spread(snapshot)
        missing = [c for c in snapshot.collections if c.get("missing")]
        if missing:
            typer.echo(f"{len(missing[0]['assets'])} asset(s) unknown: "
                       f"{missing[0]['missing']}", err=True)

    guarded(body)


def warn_spread(snapshot: Snapshot, hours: float = 24.0) -> None:
    """Warn when the merged runs were collected far apart (a stale shard, likely)."""
    times = [parse_time(str(c["collected_at"])) for c in snapshot.collections
             if c.get("runner") is not None]
    if times and (max(times) - min(times)).total_seconds() > hours * 3600:
        typer.echo(f"warning: the merged runs were collected {format_time(min(times))} to "
                   f"{format_time(max(times))}, more than {hours:g} h apart: is a shard "
                   "stale?", err=True)


@app.command("probes")
def list_probes() -> None:
    """List every probe and exactly what it reads or runs (for security review)."""
    from drcheck.probes.s3 import S3Probe
    from drcheck.probes.ssh import SshProbe

    for cls in (SshProbe, S3Probe):
        typer.echo(f"{cls.name}:")
        for op in cls.operations:
            typer.echo(f"  {op}")
        for perm in getattr(cls, "permissions", ()):
            typer.echo(f"  iam: {perm}")
