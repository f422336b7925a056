"""A real OpenSSH server per simulated host, each on its own loopback address and port.

``ssh_lab`` (session scope) creates a test user, a client key and one ``sshd -D -e`` per
host tree copied from ``fixtures/``. Each sshd has its own host key and puts the tree's
``bin/`` first on PATH (``SetEnv``), so a host can carry recorded or misbehaving tools.
If sshd cannot start, the tests fail with its stderr: never a skip.
"""

from __future__ import annotations

import contextlib
import os
import pwd
import shutil
import socket
import subprocess
import tempfile
import threading
import time
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path

import paramiko
import pytest

from drcheck.inputs.estate import HostSpec, LocationPattern
from drcheck.probes.ssh import SshOptions

SSHD = "/usr/sbin/sshd"
USER = "drcheck-probe"
FIXTURES = Path(__file__).parent / "fixtures"
# Fixed modification times planted in the trees (UTC).
RESTIC_STAMP = 1795314667  # 2026-11-22T02:31:07Z
PGBR_NEWEST = 1795316700  # 2026-11-22T03:05:00Z
BORG_NEWEST = 1795234320  # 2026-11-21T04:12:00Z
VZ_NEWEST = 1795136862  # 2026-11-20T01:07:42Z
ADDRESSES = {"db1": "127.0.0.2", "vault": "127.0.0.3", "pve1": "127.0.0.4",
             "broken": "127.0.0.5", "sbg2-db": "127.0.0.6"}


@dataclass
class SimHost:
    """One simulated host: an sshd on ``address:port`` serving files under ``root``."""

    name: str
    address: str
    port: int
    root: Path
    host_key: paramiko.PKey
    process: subprocess.Popen[bytes]
    stderr_path: Path


@dataclass
class SshLab:
    """Everything the SSH tests need: hosts, the client key and a known_hosts file."""

    base: Path
    client_key: Path
    known_hosts: Path
    hosts: dict[str, SimHost] = field(default_factory=dict)

    def spec(self, name: str, **changes: object) -> HostSpec:
        """The estate entry for a simulated host (an unknown name borrows vault's settings)."""
        host = self.hosts.get(name) or self.hosts["vault"]
        fields: dict[str, object] = {
            "name": name, "origin": f"test-estate.yaml:{name}", "address": host.address,
            "port": host.port, "user": USER, "key_file": str(self.client_key),
            "root": str(host.root),
            "location_patterns": (LocationPattern(r"^(?P<datacenter>gra\d)-", "hostname",
                                                  {"provider": "ovh"}, "test-estate.yaml:40"),),
        }
        fields.update(changes)
        return HostSpec(**fields)  # type: ignore[arg-type]

    def options(self, **changes: object) -> SshOptions:
        """Probe options pointing at this lab's known_hosts, with short test timeouts."""
        values: dict[str, object] = {
            "known_hosts": str(self.known_hosts), "ssh_config": None, "use_agent": False,
            "trust_file": str(self.base / "drcheck_known_hosts"), "command_timeout": 2.0,
            "connect_timeout": 3.0, "auth_timeout": 3.0, "host_deadline": 20.0,
            "progress": False,
        }
        values.update(changes)
        return SshOptions(**values)  # type: ignore[arg-type]

    def known_line(self, name: str, key: paramiko.PKey | None = None) -> str:
        """A known_hosts line for a host (with its real key unless another is given)."""
        host = self.hosts[name]
        key = key or host.host_key
        return f"[{host.address}]:{host.port} {key.get_name()} {key.get_base64()}\n"


def free_port(address: str) -> int:
    """A TCP port currently free on ``address``."""
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def ensure_user() -> None:
    """Create the unprivileged login user sshd accepts (shell /bin/sh, no password)."""
    try:
        pwd.getpwnam(USER)
        return
    except KeyError:
        pass
    for cmd in (["useradd", "-M", "-d", "/nonexistent", "-s", "/bin/sh", USER],
                ["usermod", "-p", "*", USER]):
        done = subprocess.run(cmd, capture_output=True, text=True, check=False)
        if done.returncode != 0:
            pytest.fail(f"cannot create test user ({' '.join(cmd)}): {done.stderr}")


def sshd_config(lab: SshLab, name: str, address: str, port: int, root: Path,
                subsystem: str = "internal-sftp") -> Path:
    """Write an sshd_config for one simulated host and check it with ``sshd -t``."""
    conf = lab.base / f"sshd_{name}.conf"
    conf.write_text(
        f"ListenAddress {address}\nPort {port}\nHostKey {lab.base / f'hostkey_{name}'}\n"
        f"PidFile {lab.base / f'sshd_{name}.pid'}\n"
        f"AuthorizedKeysFile {lab.base}/authorized_keys.%u\n"
        "PubkeyAuthentication yes\nPasswordAuthentication no\nKbdInteractiveAuthentication no\n"
        "UsePAM no\nStrictModes no\nUseDNS no\nMaxStartups 300:30:400\nMaxSessions 50\n"
        f"Subsystem sftp {subsystem}\nLogLevel ERROR\n"
        f"SetEnv PATH={root / 'bin'}:/usr/bin:/bin\n"
    )
    check = subprocess.run([SSHD, "-t", "-f", str(conf)], capture_output=True, text=True,
                           check=False)
    if check.returncode != 0:
        pytest.fail(f"sshd -t rejected the test config: {check.stderr}")
    return conf


def start_sshd(lab: SshLab, name: str, address: str, root: Path,
               subsystem: str = "internal-sftp") -> SimHost:
    """Start one sshd and wait for its banner; fail the tests with its stderr otherwise.

    ``subsystem`` is the SFTP server (``/bin/sleep 600`` makes one that never answers).
    """
    key = paramiko.Ed25519Key.from_private_key_file(_host_key(lab, name))
    port = free_port(address)
    conf = sshd_config(lab, name, address, port, root, subsystem)
    err = lab.base / f"sshd_{name}.err"
    with err.open("wb") as stderr:
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(conf)], stderr=stderr)
    host = SimHost(name, address, port, root, key, proc, err)
    _wait_banner(host)
    return host


def _host_key(lab: SshLab, name: str) -> str:
    path = lab.base / f"hostkey_{name}"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return str(path)


def _wait_banner(host: SimHost) -> None:
    until = time.monotonic() + 10
    while time.monotonic() < until:
        if host.process.poll() is not None:
            pytest.fail(f"sshd for {host.name} exited: {host.stderr_path.read_text()}")
        try:
            with socket.create_connection((host.address, host.port), timeout=1) as sock:
                if sock.recv(64).startswith(b"SSH-2.0"):
                    return
        except OSError:
            time.sleep(0.05)
    pytest.fail(f"sshd for {host.name} never answered: {host.stderr_path.read_text()}")


def copy_tree(name: str, base: Path) -> Path:
    """Copy a fixture tree, make it readable by the test user, plant times and FIFOs."""
    root = base / "hosts" / name
    shutil.copytree(FIXTURES / name, root, symlinks=True)
    for dirpath, _dirnames, filenames in os.walk(root):
        os.chmod(dirpath, 0o755)
        for f in filenames:
            path = os.path.join(dirpath, f)
            os.chmod(path, 0o755 if os.path.basename(dirpath) == "bin" else 0o644)
    _plant_times(name, root)
    if name == "broken":
        os.mkfifo(root / "hang.fifo", 0o644)
        os.mkfifo(root / "etc" / "pgbackrest.conf", 0o644)
        os.chmod(root / "etc" / "restic" / "private.env", 0o600)  # root-only: unreadable
    return root


def _plant_times(name: str, root: Path) -> None:
    planted = {
        "db1": {"var/lib/systemd/timers/stamp-restic-backup.timer": RESTIC_STAMP,
                "var/lib/pgbackrest/backup/main/backup.info": PGBR_NEWEST,
                "var/lib/pgbackrest/backup/main": PGBR_NEWEST - 60,
                "var/lib/pgbackrest/backup": PGBR_NEWEST - 60,
                "var/lib/pgbackrest": PGBR_NEWEST - 120},
        "pve1": {"mnt/nfs-backup/borg/data/0/17": BORG_NEWEST,
                 "mnt/nfs-backup/borg/config": BORG_NEWEST - 5000,
                 "mnt/nfs-backup/borg/data/0": BORG_NEWEST - 1,
                 "mnt/nfs-backup/borg/data": BORG_NEWEST - 10,
                 "mnt/nfs-backup/borg": BORG_NEWEST - 20,
                 "var/lib/vz/dump/vzdump-qemu-100-2026_11_20-01_00_00.vma.zst": VZ_NEWEST,
                 # notes edited and a log touched days later: not a newer backup
                 "var/lib/vz/dump/vzdump-qemu-100-2026_11_20-01_00_00.vma.zst.notes":
                     VZ_NEWEST + 3 * 86400,
                 "var/lib/vz/dump/vzdump-qemu-100-2026_11_20-01_00_00.log": VZ_NEWEST + 86400,
                 "var/lib/vz/dump": VZ_NEWEST, "var/lib/vz": VZ_NEWEST - 10},
    }
    for rel, mtime in planted.get(name, {}).items():
        os.utime(root / rel, (mtime, mtime))


def release_fifos(base: Path) -> None:
    """Open every FIFO for writing once, so processes blocked on them can finish."""
    for fifo in base.glob("hosts/*/**/*"):
        if fifo.is_fifo():
            try:
                fd = os.open(fifo, os.O_WRONLY | os.O_NONBLOCK)
            except OSError:
                continue
            os.close(fd)


@pytest.fixture(scope="session")
def ssh_lab() -> Iterator[SshLab]:
    """Start one real sshd per simulated host; stop them all at the end."""
    if not os.path.exists(SSHD):
        pytest.fail(f"{SSHD} is missing: apt-get install openssh-server")
    os.makedirs("/run/sshd", exist_ok=True)
    ensure_user()
    base = Path(tempfile.mkdtemp(prefix="drcheck-ssh-"))
    os.chmod(base, 0o755)
    client = paramiko.Ed25519Key.from_private_key_file(_client_key(base))
    (base / f"authorized_keys.{USER}").write_text(f"{client.get_name()} {client.get_base64()}\n")
    lab = SshLab(base, base / "client_ed25519", base / "known_hosts")
    try:
        for name, address in ADDRESSES.items():
            lab.hosts[name] = start_sshd(lab, name, address, copy_tree(name, base))
        lab.known_hosts.write_text("".join(lab.known_line(n) for n in lab.hosts))
        yield lab
    finally:
        release_fifos(base)
        for host in lab.hosts.values():
            host.process.terminate()
            host.process.wait(timeout=10)
        release_fifos(base)
        shutil.rmtree(base, ignore_errors=True)


def _client_key(base: Path) -> str:
    path = base / "client_ed25519"
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return str(path)


@pytest.fixture(scope="session")
def tool_host(ssh_lab: SshLab) -> Iterator[object]:
    """The host whose repositories were made by the real backup tools (see realhost.py)."""
    from tests.ssh.realhost import start_tool_host, stop_tool_host
    host = start_tool_host(ssh_lab)
    try:
        yield host
    finally:
        stop_tool_host(host)


@pytest.fixture()
def silent_peer() -> Iterator[int]:
    """A TCP server on 127.0.0.1 that accepts connections, keeps them open and never says a
    word (a hung sshd, a half-open middlebox): its port."""
    server = socket.socket()
    server.bind(("127.0.0.1", 0))
    server.listen(16)
    server.settimeout(0.2)
    held: list[socket.socket] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            with contextlib.suppress(OSError):
                held.append(server.accept()[0])

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    yield int(server.getsockname()[1])
    stop.set()
    thread.join()
    for conn in held:
        conn.close()
    server.close()
