"""No peer can stall an audit: real sshds that hang or are stopped (SIGSTOP) at each phase.

Each stalled host must end as unknown with the phase named, within its limit plus a second
(asserted with margin for a loaded machine), and the rest of the audit must go on.
"""

from __future__ import annotations

import contextlib
import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest

from drcheck.probes.base import ProbeReport
from drcheck.probes.ssh import SshProbe
from drcheck.probes.ssh.batch import SftpBatch
from drcheck.probes.ssh.connection import Connector
from drcheck.probes.ssh.session import HostSession
from tests.ssh.conftest import USER, SimHost, SshLab, copy_tree, start_sshd

pytestmark = pytest.mark.integration

LIMIT = 2.0
MARGIN = 3.0  # the bound is LIMIT + 1 s; two more for a loaded machine


def descendants(pid: int) -> list[int]:
    """Every process under ``pid`` (the per-connection sshd processes and their children)."""
    found: list[int] = []
    todo = [pid]
    while todo:
        out = subprocess.run(["pgrep", "-P", str(todo.pop())], capture_output=True, text=True,
                             check=False).stdout.split()
        kids = [int(k) for k in out]
        found += kids
        todo += kids
    return found


@dataclass
class Stopper:
    """SIGSTOPs a real sshd's connection processes; resumes and ends them afterwards."""

    host: SimHost
    stopped: list[int]

    def stop(self) -> None:
        for pid in descendants(self.host.process.pid):
            os.kill(pid, signal.SIGSTOP)
            self.stopped.append(pid)

    def release(self) -> None:
        for pid in self.stopped:
            with contextlib.suppress(ProcessLookupError):
                os.kill(pid, signal.SIGCONT)
                os.kill(pid, signal.SIGKILL)
        self.stopped.clear()


@pytest.fixture(scope="module")
def stall_hosts(ssh_lab: SshLab) -> Iterator[dict[str, SimHost]]:
    """Two more real sshds: one whose SFTP subsystem never answers, one to SIGSTOP."""
    hosts = {
        "hung-sftp": start_sshd(ssh_lab, "hung-sftp", "127.0.0.7",
                                copy_tree("vault", ssh_lab.base / "stall-hung"), "/bin/sleep 600"),
        "stoppable": start_sshd(ssh_lab, "stoppable", "127.0.0.8",
                                copy_tree("vault", ssh_lab.base / "stall-stop")),
    }
    ssh_lab.hosts.update(hosts)
    with ssh_lab.known_hosts.open("a") as known:
        known.write("".join(ssh_lab.known_line(n) for n in hosts))
    try:
        yield hosts
    finally:
        for name, host in hosts.items():
            for pid in descendants(host.process.pid):
                os.kill(pid, signal.SIGCONT)
            host.process.terminate()
            host.process.wait(timeout=10)
            del ssh_lab.hosts[name]


@pytest.fixture()
def stopper(stall_hosts: dict[str, SimHost]) -> Iterator[Stopper]:
    found = Stopper(stall_hosts["stoppable"], [])
    try:
        yield found
    finally:
        found.release()


def probe(ssh_lab: SshLab, name: str) -> tuple[ProbeReport, float]:
    """Probe one host with LIMIT as every phase's limit; the report and the seconds taken."""
    options = ssh_lab.options(connect_timeout=LIMIT, command_timeout=LIMIT,
                              auth_timeout=LIMIT, host_deadline=30.0)
    started = time.monotonic()
    (report,) = SshProbe(options).collect([ssh_lab.spec(name)])
    return report, time.monotonic() - started


def stop_first(monkeypatch: pytest.MonkeyPatch, owner: type, method: str,
               stopper: Stopper) -> None:
    """Stop the peer the moment ``owner.method`` is first called, then let it run."""
    original: Callable[..., Any] = getattr(owner, method)

    def wrapped(*args: Any, **kwargs: Any) -> Any:
        if not stopper.stopped:
            stopper.stop()
        return original(*args, **kwargs)

    monkeypatch.setattr(owner, method, wrapped)


def issue(report: ProbeReport, code: str) -> str:
    found = [i.reason for i in report.issues if i.code == code]
    assert found, [(i.code, i.reason) for i in report.issues]
    return found[0]


def test_hung_sftp_subsystem_is_unknown_and_commands_still_count(
        ssh_lab: SshLab, stall_hosts: dict[str, SimHost]) -> None:
    report, took = probe(ssh_lab, "hung-sftp")
    reason = issue(report, "sftp-unavailable")
    assert f"timed out after {LIMIT:.1f} s during sftp-start" in reason
    assert "peer-timeout" not in [i.code for i in report.issues]  # the host still answers
    assert report.details["identity"]  # the facts command ran before and after
    assert took < LIMIT + MARGIN


def test_peer_stopped_after_key_exchange(ssh_lab: SshLab, stopper: Stopper,
                                         monkeypatch: pytest.MonkeyPatch) -> None:
    stop_first(monkeypatch, Connector, "_authenticate", stopper)
    report, took = probe(ssh_lab, "stoppable")
    assert stopper.stopped
    assert [i.code for i in report.issues] == ["peer-timeout"]
    assert issue(report, "peer-timeout") == f"timed out after {LIMIT:.1f} s during auth"
    assert took < LIMIT + MARGIN


def test_peer_stopped_before_a_command(ssh_lab: SshLab, stopper: Stopper,
                                       monkeypatch: pytest.MonkeyPatch) -> None:
    stop_first(monkeypatch, HostSession, "run", stopper)
    report, took = probe(ssh_lab, "stoppable")
    reason = issue(report, "peer-timeout")
    assert reason == f"commands: timed out after {LIMIT:.1f} s during command"
    assert took < LIMIT + MARGIN


def test_peer_stopped_as_sftp_starts(ssh_lab: SshLab, stopper: Stopper,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    stop_first(monkeypatch, HostSession, "_start_sftp", stopper)
    report, took = probe(ssh_lab, "stoppable")
    reason = issue(report, "peer-timeout")
    assert f"timed out after {LIMIT:.1f} s during sftp-start" in reason
    assert took < LIMIT + MARGIN


def test_peer_stopped_mid_sftp_batch(ssh_lab: SshLab, stopper: Stopper,
                                     monkeypatch: pytest.MonkeyPatch) -> None:
    stop_first(monkeypatch, SftpBatch, "list", stopper)
    report, took = probe(ssh_lab, "stoppable")
    reason = issue(report, "peer-timeout")
    assert "during sftp list of" in reason and "the host stopped answering" in reason
    assert took < LIMIT + MARGIN


def test_silent_peer_connection_names_the_banner_phase(ssh_lab: SshLab, silent_peer: int) -> None:
    options = ssh_lab.options(connect_timeout=LIMIT, host_deadline=30.0)
    started = time.monotonic()
    (report,) = SshProbe(options).collect([ssh_lab.spec("mute", address="127.0.0.1",
                                                        port=silent_peer)])
    assert issue(report, "peer-timeout") == (f"timed out after {LIMIT:.1f} s during banner "
                                              "and key exchange")
    assert time.monotonic() - started < LIMIT + MARGIN


def test_whole_audit_finishes_with_a_complete_report(ssh_lab: SshLab, tmp_path: Path,
                                                     stall_hosts: dict[str, SimHost],
                                                     silent_peer: int) -> None:
    hosts = {"hung": stall_hosts["hung-sftp"], "good": ssh_lab.hosts["vault"]}
    lines = ["apiVersion: drcheck/v1", "kind: Estate", "hosts:"]
    for name, host in hosts.items():
        lines += [f"  - name: {name}", f"    address: {host.address}", f"    port: {host.port}",
                  f"    user: {USER}", f"    key_file: {ssh_lab.client_key}",
                  f"    root: {host.root}"]
    lines += ["  - name: mute", "    address: 127.0.0.1", f"    port: {silent_peer}",
              f"    user: {USER}", "datasets:"]
    lines += [f"  - name: d-{n}\n    primary: {{host: {n}}}" for n in ("hung", "good", "mute")]
    estate = tmp_path / "estate.yaml"
    estate.write_text("\n".join(lines) + "\n")
    started = time.monotonic()
    done = subprocess.run(
        [sys.executable, "-m", "drcheck", "audit", str(estate), "--timeout", str(LIMIT),
         "--known-hosts", str(ssh_lab.known_hosts), "--ssh-config", str(tmp_path / "none"),
         "--now", "2026-12-01T00:00:00Z", "--format", "json"],
        capture_output=True, text=True, timeout=120, check=False, env=_no_agent())
    took = time.monotonic() - started
    assert done.returncode in (1, 3), done.stderr
    report = json.loads(done.stdout)
    text = json.dumps(report)
    for name in ("hung", "good", "mute"):
        assert f"host:{name}" in text
    assert "during sftp-start" in text and "during banner and key exchange" in text
    assert took < LIMIT + 15  # hosts are probed side by side; start-up of a process included


def _no_agent() -> dict[str, str]:
    return {k: v for k, v in os.environ.items() if k != "SSH_AUTH_SOCK"}
