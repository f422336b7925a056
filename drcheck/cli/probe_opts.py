"""The probe options ``drcheck probe`` and ``drcheck audit`` share: host keys, ssh_config,
concurrency and timeouts. Kept apart from ``probe_cmd`` so that an audit of a facts file
starts without the probes, the shard planner and the estate reader."""

from __future__ import annotations

from pathlib import Path
from typing import TYPE_CHECKING, Annotated

import typer

if TYPE_CHECKING:
    from drcheck.facts.collect import ProbeOptions

KnownHosts = Annotated[Path | None, typer.Option(
    metavar="FILE",
    help="known_hosts file for strict host-key checking. Default: ~/.ssh/known_hosts (only "
    "read) plus drcheck's own file: known_hosts in ~/.config/drcheck/.")]
Trust = Annotated[bool, typer.Option(
    help="Accept host keys not on record and record them in drcheck's own file: "
    "known_hosts in ~/.config/drcheck/ (or in FILE when --known-hosts FILE is given), never "
    "in ~/.ssh/known_hosts. A changed key is never accepted.")]
ConcurrencyOpt = Annotated[int | None, typer.Option(min=1, help="Targets probed at once.")]
TimeoutOpt = Annotated[float | None, typer.Option(
    min=0.1, help="Longest wait on a peer (s): each connect, handshake, login, SFTP start, "
    "read, command and S3 request; a peer silent for longer is unknown.")]
SshConfigOpt = Annotated[Path | None, typer.Option(help="ssh_config file to honour.")]
AllowProxyOpt = Annotated[bool, typer.Option(
    "--allow-proxy-command",
    help="Run ProxyCommand lines of YOUR ssh_config (without a shell; %h %p %r %n filled "
    "from checked values). Off: a host that needs one is unknown.")]

def probe_options(concurrency: int | None, timeout: float | None, known_hosts: Path | None,
                  trust_new_host_keys: bool, ssh_config: Path | None,
                  allow_proxy_command: bool = False) -> ProbeOptions:
    """The probe knobs of the command line as ``ProbeOptions``."""
    from drcheck.facts.collect import ProbeOptions

    return ProbeOptions(concurrency, timeout, str(known_hosts) if known_hosts else None,
                        trust_new_host_keys, str(ssh_config) if ssh_config else None,
                        allow_proxy_command=allow_proxy_command)
