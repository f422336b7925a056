"""Connection security and failure isolation against real sshd: host keys, dead hosts, jumps."""

from __future__ import annotations

import contextlib
import socket
import subprocess
import time
from pathlib import Path

import paramiko
import pytest

from drcheck.probes.ssh import SshProbe
from drcheck.probes.ssh.connection import Connector
from drcheck.probes.ssh.operations import CMD_FACTS
from drcheck.probes.ssh.session import ProbeFailure
from tests.ssh.conftest import SshLab, free_port

pytestmark = pytest.mark.integration


def codes(report: object) -> list[str]:
    """Issue codes of one report."""
    return [i.code for i in report.issues]  # type: ignore[attr-defined]


def test_unknown_host_key_is_refused(ssh_lab: SshLab, tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    options = ssh_lab.options(known_hosts=str(empty), trust_file=str(tmp_path / "trust"))
    (report,) = SshProbe(options).collect([ssh_lab.spec("vault")])
    assert codes(report) == ["unknown-host-key"]
    assert report.details["reachable"] is False
    assert str(report.details["not_probed"]).startswith("unknown-host-key: ")
    assert not report.discovered
    assert not (tmp_path / "trust").exists()


def test_changed_host_key_is_a_security_issue_and_host_not_probed(
        ssh_lab: SshLab, tmp_path: Path) -> None:
    other = paramiko.Ed25519Key.from_private_key_file(str(ssh_lab.base / "hostkey_db1"))
    wrong = tmp_path / "known_hosts"
    wrong.write_text(ssh_lab.known_line("vault", other))
    (report,) = SshProbe(ssh_lab.options(known_hosts=str(wrong))).collect(
        [ssh_lab.spec("vault")])
    (issue,) = report.issues
    assert issue.code == "host-key-changed"
    assert issue.security is True
    assert "does not match" in issue.reason
    assert not report.claims and not report.discovered and "identity" not in report.details


def test_trust_new_host_keys_records_then_verifies(ssh_lab: SshLab, tmp_path: Path) -> None:
    empty = tmp_path / "known_hosts"
    empty.write_text("")
    trust = tmp_path / "drcheck" / "known_hosts"
    options = ssh_lab.options(known_hosts=str(empty), trust_file=str(trust),
                              trust_new_host_keys=True)
    (first,) = SshProbe(options).collect([ssh_lab.spec("vault")])
    assert not first.issues
    assert trust.read_text() == ssh_lab.known_line("vault")
    strict = ssh_lab.options(known_hosts=str(empty), trust_file=str(trust))
    (second,) = SshProbe(strict).collect([ssh_lab.spec("vault")])
    assert not second.issues  # the recorded key is now trusted without the opt-in


def test_wrong_client_key_is_auth_failure(ssh_lab: SshLab) -> None:
    path = ssh_lab.base / "hostkey_vault"  # a valid ed25519 key sshd does not authorize
    (report,) = SshProbe(ssh_lab.options()).collect([ssh_lab.spec("vault", key_file=str(path))])
    assert codes(report) == ["auth-failed"]


def test_dead_hosts_do_not_stop_the_others(ssh_lab: SshLab, silent_peer: int) -> None:
    hosts = [
        ssh_lab.spec("db1"),
        ssh_lab.spec("refused", address="127.0.0.9", port=free_port("127.0.0.9")),
        ssh_lab.spec("silent", address="127.0.0.1", port=silent_peer),
        ssh_lab.spec("vault"),
        ssh_lab.spec("pve1"),
    ]
    started = time.monotonic()
    reports = SshProbe(ssh_lab.options(connect_timeout=1.5)).collect(hosts)
    assert [r.subject for r in reports] == [f"host:{h.name}" for h in hosts]
    assert codes(reports[1]) == ["connection-refused"]
    assert codes(reports[2]) == ["peer-timeout"]  # the half-open peer never sends a banner
    assert "during banner and key exchange" in reports[2].issues[0].reason
    for good in (reports[0], reports[3], reports[4]):
        assert good.details["identity"]
        assert not [i for i in good.issues if i.code != "backup-job-failed"]
    assert reports[0].discovered
    assert time.monotonic() - started < 10


def test_dns_failure_is_an_issue(ssh_lab: SshLab, monkeypatch: pytest.MonkeyPatch) -> None:
    real = socket.getaddrinfo

    def fake(host: str, *args: object, **kwargs: object) -> object:
        if host == "db9.example.invalid":  # never ask a real resolver
            raise socket.gaierror(socket.EAI_NONAME, "Name or service not known")
        return real(host, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(socket, "getaddrinfo", fake)
    hosts = [ssh_lab.spec("gone", address="db9.example.invalid", port=22), ssh_lab.spec("vault")]
    gone, vault = SshProbe(ssh_lab.options()).collect(hosts)
    assert codes(gone) == ["dns-failure"]
    assert not vault.issues


def test_proxy_jump_through_another_host(ssh_lab: SshLab, tmp_path: Path) -> None:
    db1, vault = ssh_lab.hosts["db1"], ssh_lab.hosts["vault"]
    config = tmp_path / "ssh_config"
    config.write_text(f"Host jumpbox\n  HostName {db1.address}\n  Port {db1.port}\n"
                      f"  User drcheck-probe\n  IdentityFile {ssh_lab.client_key}\n")
    options = ssh_lab.options(ssh_config=str(config))
    (report,) = SshProbe(options).collect([ssh_lab.spec("vault", proxy_jump="jumpbox")])
    assert not report.issues
    assert report.details["identity"]["hostname"] == "gra3-vault"  # type: ignore[index]
    assert vault.address == "127.0.0.3"


def test_ssh_config_supplies_hostname_port_user_and_key(ssh_lab: SshLab, tmp_path: Path) -> None:
    vault = ssh_lab.hosts["vault"]
    config = tmp_path / "ssh_config"
    config.write_text(f"Host vault-alias\n  HostName {vault.address}\n  Port {vault.port}\n"
                      f"  User drcheck-probe\n  IdentityFile {ssh_lab.client_key}\n")
    spec = ssh_lab.spec("vault", address="vault-alias", port=None, user=None, key_file=None)
    (report,) = SshProbe(ssh_lab.options(ssh_config=str(config))).collect([spec])
    assert not report.issues


def test_only_declared_commands_can_run(ssh_lab: SshLab) -> None:
    connector = Connector(ssh_lab.options())
    session = connector.open(ssh_lab.spec("vault"), time.monotonic() + 10)
    try:
        with pytest.raises(ValueError, match="not a declared command"):
            session.run("cat /etc/shadow")
        assert session.run(CMD_FACTS).status == 0
    finally:
        session.close()


def test_deadline_stops_a_slow_host(ssh_lab: SshLab) -> None:
    options = ssh_lab.options(command_timeout=5.0, host_deadline=1.5)
    started = time.monotonic()
    (report,) = SshProbe(options).collect([ssh_lab.spec("broken")])
    assert "deadline-exceeded" in codes(report) or "command-timeout" in codes(report)
    assert time.monotonic() - started < 4


def test_bounded_reads(ssh_lab: SshLab) -> None:
    connector = Connector(ssh_lab.options(max_read_bytes=10))
    session = connector.open(ssh_lab.spec("db1"), time.monotonic() + 10)
    try:
        assert session.read("/etc/os-release") == "PRETTY_NAM"
    finally:
        session.close()


def test_connector_failure_is_typed(ssh_lab: SshLab) -> None:
    connector = Connector(ssh_lab.options())
    spec = ssh_lab.spec("nowhere", address="127.0.0.9", port=free_port("127.0.0.9"))
    with pytest.raises(ProbeFailure) as info:
        connector.open(spec, time.monotonic() + 5)
    assert info.value.code == "connection-refused"


def test_proxy_jump_inline_user_host_port(ssh_lab: SshLab) -> None:
    db1 = ssh_lab.hosts["db1"]
    options = ssh_lab.options(identities=(str(ssh_lab.client_key),))
    spec = ssh_lab.spec("vault", proxy_jump=f"drcheck-probe@{db1.address}:{db1.port}")
    (report,) = SshProbe(options).collect([spec])
    assert not report.issues


def test_jump_host_with_changed_key_is_refused(ssh_lab: SshLab, tmp_path: Path) -> None:
    db1, vault = ssh_lab.hosts["db1"], ssh_lab.hosts["vault"]
    wrong = tmp_path / "known_hosts"
    wrong.write_text(ssh_lab.known_line("db1", vault.host_key) + ssh_lab.known_line("vault"))
    options = ssh_lab.options(known_hosts=str(wrong), identities=(str(ssh_lab.client_key),))
    spec = ssh_lab.spec("vault", proxy_jump=f"drcheck-probe@{db1.address}:{db1.port}")
    (report,) = SshProbe(options).collect([spec])
    assert [(i.code, i.security) for i in report.issues] == [("host-key-changed", True)]


def test_connect_timeout_is_an_issue(ssh_lab: SshLab) -> None:
    """A listener whose accept queue is full drops SYNs: the TCP connect itself times out."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(0)
    port = int(server.getsockname()[1])
    filler = socket.create_connection(("127.0.0.1", port), timeout=1)  # fills the queue
    try:
        started = time.monotonic()
        (report,) = SshProbe(ssh_lab.options(connect_timeout=1.0)).collect(
            [ssh_lab.spec("full", address="127.0.0.1", port=port)])
        assert [i.code for i in report.issues] == ["connect-timeout"]
        assert time.monotonic() - started < 5
    finally:
        filler.close()
        server.close()


def test_hashed_known_hosts_entries_are_honoured(ssh_lab: SshLab, tmp_path: Path) -> None:
    vault = ssh_lab.hosts["vault"]
    name = paramiko.HostKeys.hash_host(f"[{vault.address}]:{vault.port}")
    hashed = tmp_path / "known_hosts"
    hashed.write_text(f"{name} {vault.host_key.get_name()} {vault.host_key.get_base64()}\n")
    (report,) = SshProbe(ssh_lab.options(known_hosts=str(hashed))).collect(
        [ssh_lab.spec("vault")])
    assert not report.issues


def test_progress_on_stderr_only_when_asked(ssh_lab: SshLab,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    SshProbe(ssh_lab.options(progress=True)).collect([ssh_lab.spec("vault")])
    shown = capsys.readouterr()
    assert "ssh: 1/1 hosts probed" in shown.err and shown.out == ""
    SshProbe(ssh_lab.options(progress=None)).collect([ssh_lab.spec("vault")])
    assert capsys.readouterr().err == ""  # not a terminal under pytest: quiet


def test_rsa_known_host_on_a_server_that_also_has_ed25519(ssh_lab: SshLab,
                                                          tmp_path: Path) -> None:
    """known_hosts holds only the RSA key: the probe must ask for RSA (rsa-sha2-*) first."""
    rsa_path = tmp_path / "hostkey_rsa"
    subprocess.run(["ssh-keygen", "-q", "-t", "rsa", "-b", "2048", "-N", "", "-f",
                    str(rsa_path)], check=True)
    port = free_port("127.0.0.7")
    vault_conf = (ssh_lab.base / "sshd_vault.conf").read_text().splitlines()
    lines = [line for line in vault_conf if not line.startswith(("ListenAddress", "Port",
                                                                 "PidFile"))]
    conf = tmp_path / "sshd.conf"
    conf.write_text("\n".join(["ListenAddress 127.0.0.7", f"Port {port}",
                               f"PidFile {tmp_path / 'pid'}", f"HostKey {rsa_path}", *lines])
                    + "\n")
    proc = subprocess.Popen(["/usr/sbin/sshd", "-D", "-e", "-f", str(conf)],
                            stderr=subprocess.PIPE)
    try:
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            with contextlib.suppress(OSError), socket.create_connection(("127.0.0.7", port), 1):
                break
            time.sleep(0.05)
        rsa = paramiko.RSAKey.from_private_key_file(str(rsa_path))
        known = tmp_path / "known_hosts"
        known.write_text(f"[127.0.0.7]:{port} ssh-rsa {rsa.get_base64()}\n")
        spec = ssh_lab.spec("vault", address="127.0.0.7", port=port)
        (report,) = SshProbe(ssh_lab.options(known_hosts=str(known))).collect([spec])
        assert not report.issues
    finally:
        proc.terminate()
        proc.wait(timeout=10)
