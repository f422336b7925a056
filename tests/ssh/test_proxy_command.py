"""ProxyCommand: only from the user's own ssh_config, only when allowed, never through a shell."""

from __future__ import annotations

import sys
from pathlib import Path

import pytest

from drcheck.probes.ssh import SshProbe
from drcheck.probes.ssh.connection import Endpoint
from drcheck.probes.ssh.proxy import proxy_argv
from tests.ssh.conftest import USER, SshLab

RELAY = Path(__file__).parent / "tools" / "relay.py"


def config(ssh_lab: SshLab, tmp_path: Path, marker: Path) -> Path:
    vault = ssh_lab.hosts["vault"]
    path = tmp_path / "ssh_config"
    path.write_text(
        f"Host via-proxy\n  HostName {vault.address}\n  Port {vault.port}\n  User {USER}\n"
        f"  IdentityFile {ssh_lab.client_key}\n"
        f"  ProxyCommand {sys.executable} {RELAY} %h %p ; touch {marker} $(touch {marker})\n")
    return path


@pytest.mark.integration
def test_proxy_command_runs_only_when_allowed_and_without_a_shell(
        ssh_lab: SshLab, tmp_path: Path) -> None:
    marker = tmp_path / "ran"
    options = ssh_lab.options(ssh_config=str(config(ssh_lab, tmp_path, marker)))
    spec = ssh_lab.spec("vault", address="via-proxy", port=None, user=None, key_file=None)
    (refused,) = SshProbe(options).collect([spec])
    assert [i.code for i in refused.issues] == ["proxy-command-refused"]
    allowed = options.__class__(**{**options.__dict__, "allow_proxy_command": True})
    (report,) = SshProbe(allowed).collect([spec])
    assert report.details["identity"]["hostname"] == "gra3-vault"  # type: ignore[index]
    assert not [i for i in report.issues if i.code not in ("backup-job-failed",)]
    assert not marker.exists()  # ';' and '$(…)' were plain words, not a shell


ENDPOINT = Endpoint("alias", "db.example.net", 2222, "ops", (), None)


def test_tokens_are_filled_per_word() -> None:
    assert proxy_argv("ssh -W '%h:%p' -l %r bastion # %n", ENDPOINT) == [
        "ssh", "-W", "db.example.net:2222", "-l", "ops", "bastion", "#", "alias"]
    assert proxy_argv("nc %h %p 100%%", ENDPOINT) == ["nc", "db.example.net", "2222", "100%"]


@pytest.mark.parametrize("template", ["nc %d %p", "cmd %C", "", "nc 'unclosed"])
def test_unfillable_or_broken_commands_are_refused(template: str) -> None:
    with pytest.raises(ValueError):
        proxy_argv(template, ENDPOINT)


def test_a_hostname_that_is_not_a_host_is_never_filled_in() -> None:
    bad = Endpoint("alias", "x;id", 22, "ops", (), None)
    with pytest.raises(ValueError, match="is not a host"):
        proxy_argv("nc %h %p", bad)
