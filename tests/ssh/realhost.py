"""A host whose backups were made by the real restic, borg/borgmatic, rclone and pgBackRest.

``build-host.sh`` runs inside a private mount namespace (overlays over /etc, /root, /srv,
/var/lib, /var/log, /var/spool/cron), makes real repositories with several snapshots, then
becomes the namespace's sshd on 127.0.0.7. ``in_host`` runs a command inside that namespace
(``nsenter``), e.g. the read-only ``restic snapshots`` a monitoring job would run. There is
no systemd here: the host's ``systemctl`` is a recorded answer (bin/systemctl), like the
other simulated hosts. If anything fails the tests fail with the builder's output.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from dataclasses import dataclass
from pathlib import Path

import paramiko
import pytest

from tests.ssh.conftest import SshLab, free_port

ADDRESS = "127.0.0.7"
BUILDER = Path(__file__).parent / "realtools" / "build-host.sh"
TOOLS = ("restic", "borg", "borgmatic", "rclone", "pgbackrest", "rsync", "unshare", "nsenter")
# What the recorded systemctl says about the check, restore-test and verify timers (UTC).
CHECK_TRIGGER = 1796004000  # 2026-11-30T02:00:00Z
RESTORE_TRIGGER = 1795996800  # 2026-11-30T00:00:00Z
VERIFY_TRIGGER = 1795932000  # 2026-11-29T06:00:00Z


@dataclass
class ToolHost:
    """The running host: where it listens and how to run a command inside it."""

    address: str
    port: int
    base: Path
    process: subprocess.Popen[bytes]
    host_key: paramiko.PKey

    def run(self, *argv: str, env: dict[str, str] | None = None) -> str:
        """Run a command inside the host's mount namespace as root; its stdout."""
        full = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "HOME": "/root", "LC_ALL": "C.UTF-8",
                **(env or {})}
        done = subprocess.run(["nsenter", "-t", str(self.process.pid), "-m", "--", *argv],
                              capture_output=True, text=True, env=full, check=False, timeout=120)
        if done.returncode != 0:
            pytest.fail(f"{' '.join(argv)} failed in the tool host: {done.stderr}")
        return done.stdout

    def restic_times(self) -> list[str]:
        """Snapshot times as restic itself reports them (needs the password: test only)."""
        out = self.run("sh", "-c", ". /etc/restic/data.env && restic snapshots --json")
        return sorted(s["time"] for s in json.loads(out))

    def borg_times(self) -> list[str]:
        """Archive times as borg itself reports them."""
        out = self.run("borg", "list", "--json", "/srv/borg-repo",
                       env={"BORG_PASSPHRASE": "PLANTED-borg-passphrase-real"})
        return sorted(a["time"] for a in json.loads(out)["archives"])

    def pgbackrest_stops(self) -> list[int]:
        """Backup stop times as ``pgbackrest info`` reports them."""
        out = self.run("runuser", "-u", "postgres", "--", "pgbackrest", "--stanza=main",
                       "--output=json", "info")
        return sorted(b["timestamp"]["stop"] for b in json.loads(out)[0]["backup"])


def _systemctl_stub(path: Path) -> None:
    """The recorded ``systemctl list-timers|list-units --output=json`` of this host."""
    timers = [{"unit": "restic-check.timer", "activates": "restic-check.service",
               "last": CHECK_TRIGGER * 1_000_000, "next": None},
              {"unit": "restic-restore-test.timer", "activates": "restic-restore-test.service",
               "last": RESTORE_TRIGGER * 1_000_000, "next": None},
              {"unit": "pgbackrest-verify.timer", "activates": "pgbackrest-verify.service",
               "last": VERIFY_TRIGGER * 1_000_000, "next": None}]
    units = [{"unit": "restic-check.service", "load": "loaded", "active": "inactive",
              "sub": "dead"},
             {"unit": "restic-restore-test.service", "load": "loaded", "active": "inactive",
              "sub": "dead"},
             {"unit": "pgbackrest-verify.service", "load": "loaded", "active": "inactive",
              "sub": "dead"}]
    path.mkdir(parents=True, exist_ok=True)
    stub = path / "systemctl"
    stub.write_text("#!/bin/sh\ncase \"$1\" in\n"
                    f"list-timers) echo '{json.dumps(timers)}' ;;\n"
                    f"list-units) echo '{json.dumps(units)}' ;;\n*) exit 1 ;;\nesac\n")
    stub.chmod(0o755)


def _sshd_config(lab: SshLab, base: Path, port: int) -> Path:
    key = base / "hostkey"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(key)], check=True)
    conf = base / "sshd.conf"
    conf.write_text(
        f"ListenAddress {ADDRESS}\nPort {port}\nHostKey {key}\nPidFile {base / 'sshd.pid'}\n"
        f"AuthorizedKeysFile {lab.base}/authorized_keys.%u\nPermitRootLogin prohibit-password\n"
        "PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "UsePAM no\nStrictModes no\nUseDNS no\nSubsystem sftp internal-sftp\nLogLevel ERROR\n"
        f"SetEnv PATH={base / 'bin'}:/usr/bin:/bin\n")
    return conf


def start_tool_host(lab: SshLab) -> ToolHost:
    """Build the host (about 15 s) and wait for its sshd; fail loudly on any problem."""
    missing = [t for t in TOOLS if shutil.which(t) is None]
    if missing:
        pytest.fail(f"real backup tools missing: {missing}; see .ci/run")
    base = lab.base / "toolhost"
    base.mkdir()
    os.chmod(base, 0o755)
    _systemctl_stub(base / "bin")
    port = free_port(ADDRESS)
    conf = _sshd_config(lab, base, port)
    key = paramiko.Ed25519Key.from_private_key_file(str(base / "hostkey"))
    (lab.base / "authorized_keys.root").write_text(
        (lab.base / "authorized_keys.drcheck-probe").read_text())
    log = base / "build.log"
    env = {"PATH": "/usr/bin:/bin:/usr/sbin:/sbin", "BASE": str(base), "SSHD_CONF": str(conf),
           "PGPORT": str(free_port("127.0.0.1")), "LC_ALL": "C.UTF-8"}
    with log.open("wb") as out:
        proc = subprocess.Popen(["unshare", "-m", "--propagation", "private", "--", "bash",
                                 str(BUILDER)], stdout=out, stderr=subprocess.STDOUT, env=env)
    host = ToolHost(ADDRESS, port, base, proc, key)
    _wait(host, log)
    lab.known_hosts.write_text(lab.known_hosts.read_text()
                               + f"[{ADDRESS}]:{port} {key.get_name()} {key.get_base64()}\n")
    return host


def _wait(host: ToolHost, log: Path) -> None:
    import socket
    until = time.monotonic() + 180
    while time.monotonic() < until:
        if host.process.poll() is not None:
            pytest.fail(f"the tool host builder exited: {log.read_text()[-4000:]}")
        if (host.base / "built").exists():
            try:
                with socket.create_connection((host.address, host.port), timeout=1) as sock:
                    if sock.recv(64).startswith(b"SSH-2.0"):
                        return
            except OSError:
                pass
        time.sleep(0.2)
    pytest.fail(f"the tool host never answered: {log.read_text()[-4000:]}")


def stop_tool_host(host: ToolHost) -> None:
    """Stop the sshd; the namespace and its overlays vanish with it."""
    host.process.terminate()
    try:
        host.process.wait(timeout=10)
    except subprocess.TimeoutExpired:
        host.process.kill()
        host.process.wait(timeout=10)
