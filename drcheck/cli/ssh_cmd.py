"""``drcheck trust-host``: show the host keys of the estate's hosts and record verified ones."""

from __future__ import annotations

import time
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

from drcheck.cli.app import app, guarded
from drcheck.shared.errors import ExitCode, UsageError

if TYPE_CHECKING:
    from drcheck.inputs.estate import HostSpec
    from drcheck.probes.ssh import SshOptions
    from drcheck.probes.ssh.connection import Connector

HostNames = Annotated[list[str] | None, typer.Option(
    "--host", help="Only this estate host (repeatable). Default: every probed host.")]
KnownHostsOpt = Annotated[Path | None, typer.Option(
    help="known_hosts checked first (default ~/.ssh/known_hosts).")]
TrustFileOpt = Annotated[Path | None, typer.Option(
    help="File that --yes records keys in (default ~/.config/drcheck/known_hosts).")]
SshConfigOpt = Annotated[Path | None, typer.Option(help="ssh_config file to honour.")]
AllowProxyOpt = Annotated[bool, typer.Option(
    "--allow-proxy-command", help="Run ProxyCommand lines of YOUR ssh_config (no shell).")]
YesOpt = Annotated[bool, typer.Option(
    "--yes", help="Record every NEW key in the trust file (after you compared fingerprints).")]


@app.command("trust-host")
def trust_host(
    estate: Annotated[Path, typer.Argument(help="Estate file (YAML).")],
    host: HostNames = None,
    known_hosts: KnownHostsOpt = None,
    trust_file: TrustFileOpt = None,
    ssh_config: SshConfigOpt = None,
    yes: YesOpt = False,
    allow_proxy_command: AllowProxyOpt = False,
) -> None:
    """Print each host's key fingerprint and whether it is known, new or CHANGED.

    Compare a new fingerprint with the one the host's console shows, then rerun with --yes
    to record it. A changed key is never recorded: remove the old entry yourself once you
    know why it changed. Exit 1 when any key changed.
    """

    def body() -> ExitCode:
        """Scan every selected host; exit 1 when a key changed."""
        from drcheck.inputs.estate_check import load_estate
        from drcheck.probes.ssh.connection import Connector

        spec = load_estate(str(estate))
        hosts = [h for h in spec.hosts if h.probe and (not host or h.name in host)]
        missing = set(host or ()) - {h.name for h in hosts}
        if missing:
            raise UsageError(f"no such probed host in {estate}: {', '.join(sorted(missing))}")
        options = _options(known_hosts, trust_file, ssh_config, allow_proxy_command)
        connector = Connector(options)
        states = [_check(connector, options, h, yes) for h in hosts]
        return ExitCode.FINDINGS if "changed" in states else ExitCode.OK

    raise typer.Exit(int(guarded(body)))


def _options(known_hosts: Path | None, trust_file: Path | None,
             ssh_config: Path | None, allow_proxy_command: bool = False) -> SshOptions:
    from dataclasses import replace

    from drcheck.probes.ssh import SshOptions

    options = SshOptions(allow_proxy_command=allow_proxy_command)
    if known_hosts is not None:
        options = replace(options, known_hosts=str(known_hosts))
    if trust_file is not None:
        options = replace(options, trust_file=str(trust_file))
    if ssh_config is not None:
        options = replace(options, ssh_config=str(ssh_config))
    return options


def _check(connector: Connector, options: SshOptions, host: HostSpec, record: bool) -> str:
    """Print one host's key and state; record it when new and asked to."""
    from drcheck.probes.ssh.session import ProbeFailure

    try:
        name, key = connector.scan(host, time.monotonic() + options.connect_timeout)
    except ProbeFailure as failure:
        typer.echo(f"{host.asset_id}: {failure.code}: {failure.reason}", err=True)
        return failure.code
    state = connector.hostkeys.status(name, key)
    line = f"{host.asset_id} {name} {key.get_name()} {key.fingerprint} {state}"
    if state == "new" and record:
        connector.hostkeys.record(name, key)
        line += f" -> recorded in {options.trust_file}"
    elif state == "changed":
        line += " (NOT recorded: possible interception; investigate first)"
    typer.echo(line)
    return state
