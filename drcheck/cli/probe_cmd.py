"""``drcheck probe`` (collect facts into a snapshot file) and ``drcheck probes`` (what they do)."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated

import typer

from drcheck.cli.app import app, guarded, note
from drcheck.cli.common import emit, gather_snapshot, resolve_now
from drcheck.collect import ProbeOptions
from drcheck.snapshot import snapshot_to_json

KnownHosts = Annotated[Path | None, typer.Option(
    metavar="FILE",
    help="known_hosts file for strict host-key checking. Default: ~/.ssh/known_hosts (only "
    "read) plus drcheck's own file: known_hosts in ~/.config/drcheck/.")]
Trust = Annotated[bool, typer.Option(
    help="Accept host keys not on record and record them in drcheck's own file: "
    "known_hosts in ~/.config/drcheck/ (or in FILE when --known-hosts FILE is given), never "
    "in ~/.ssh/known_hosts. A changed key is never accepted.")]
ConcurrencyOpt = Annotated[int | None, typer.Option(min=1, help="Targets probed at once.")]
TimeoutOpt = Annotated[float | None, typer.Option(min=0.1, help="Per-request timeout (s).")]
SshConfigOpt = Annotated[Path | None, typer.Option(help="ssh_config file to honour.")]


def probe_options(concurrency: int | None, timeout: float | None, known_hosts: Path | None,
                  trust_new_host_keys: bool, ssh_config: Path | None) -> ProbeOptions:
    """The probe knobs of the command line as ``ProbeOptions``."""
    return ProbeOptions(concurrency, timeout, str(known_hosts) if known_hosts else None,
                        trust_new_host_keys, str(ssh_config) if ssh_config else None)


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
    now: Annotated[str | None, typer.Option(help="Timestamp the snapshot with this UTC time.")]
    = None,
) -> None:
    """Collect facts (declared, catalog, probed) into a versioned snapshot file."""

    def body() -> None:
        options = probe_options(concurrency, timeout, known_hosts, trust_new_host_keys,
                                ssh_config)
        snapshot = gather_snapshot(estate, None, offline, resolve_now(now), options)
        emit(snapshot_to_json(snapshot), output)
        if snapshot.issues:
            note(f"{len(snapshot.issues)} collection issue(s); see the snapshot's issues")

    guarded(body)


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
