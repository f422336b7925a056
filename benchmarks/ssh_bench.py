"""SSH probe benchmark: N loopback targets, drcheck's pool vs one at a time vs Ansible ad-hoc.

Usage: ``python benchmarks/ssh_bench.py --targets 200`` (root; openssh-server installed).
Starts several real sshd instances on 127.0.1.x, gives every target its own copy of the
``db1`` fixture tree (restic, pgBackRest, rclone, cron, systemd), then times:

* ``SshProbe`` with the default pool (16 workers);
* ``SshProbe`` with one worker (one host at a time);
* Ansible ad-hoc ``-m raw`` and ``-m command`` with forks = the pool size, reading the same
  files and running the same commands (ansible-core from its own venv, ``--ansible``).

Not part of pytest. Prints wall times and ratios.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from dataclasses import replace
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from drcheck.inputs.estate import HostSpec  # noqa: E402
from drcheck.probes.ssh import SshOptions, SshProbe  # noqa: E402
from drcheck.probes.ssh import operations as ops  # noqa: E402

USER = "drcheck-probe"
FIXTURE = ROOT / "tests" / "ssh" / "fixtures" / "db1"
SSHD = "/usr/sbin/sshd"


def ensure_user() -> None:
    """The unprivileged login user (shell /bin/sh, no password), as in the tests."""
    if subprocess.run(["id", USER], capture_output=True, check=False).returncode == 0:
        return
    subprocess.run(["useradd", "-M", "-d", "/nonexistent", "-s", "/bin/sh", USER], check=True)
    subprocess.run(["usermod", "-p", "*", USER], check=True)


def keygen(path: Path) -> str:
    """A fresh ed25519 key; returns the public line."""
    subprocess.run(["ssh-keygen", "-q", "-t", "ed25519", "-N", "", "-f", str(path)], check=True)
    return Path(f"{path}.pub").read_text().strip()


def free_port(address: str) -> int:
    """A free TCP port on ``address``."""
    with socket.socket() as sock:
        sock.bind((address, 0))
        return int(sock.getsockname()[1])


def start_sshd(base: Path, index: int) -> tuple[str, int, str, subprocess.Popen[bytes]]:
    """One sshd on 127.0.1.INDEX; returns address, port, host public key and process."""
    address = f"127.0.1.{index}"
    port = free_port(address)
    key = base / f"hostkey{index}"
    public = keygen(key)
    conf = base / f"sshd{index}.conf"
    conf.write_text(
        f"ListenAddress {address}\nPort {port}\nHostKey {key}\nPidFile {base}/sshd{index}.pid\n"
        f"AuthorizedKeysFile {base}/authorized_keys.%u\nPasswordAuthentication no\n"
        "KbdInteractiveAuthentication no\nUsePAM no\nStrictModes no\nUseDNS no\n"
        "MaxStartups 300:30:400\nMaxSessions 50\nSubsystem sftp internal-sftp\nLogLevel ERROR\n")
    with (base / f"sshd{index}.err").open("wb") as err:
        proc = subprocess.Popen([SSHD, "-D", "-e", "-f", str(conf)], stderr=err)
    deadline = time.monotonic() + 10
    while time.monotonic() < deadline:
        try:
            with socket.create_connection((address, port), timeout=1) as sock:
                if sock.recv(16).startswith(b"SSH-"):
                    break
        except OSError:
            time.sleep(0.05)
    else:
        raise SystemExit(f"sshd {index} did not start")
    return address, port, public, proc


def make_trees(base: Path, count: int) -> list[Path]:
    """One copy of the db1 fixture per target, readable by the test user."""
    roots = []
    for i in range(count):
        root = base / "hosts" / f"h{i}"
        shutil.copytree(FIXTURE, root)
        (root / "etc" / "hostname").write_text(f"h{i}\n")
        roots.append(root)
    subprocess.run(["chmod", "-R", "a+rX", str(base / "hosts")], check=True)
    os.chmod(base, 0o755)
    return roots


def machine_busy() -> float:
    """CPU seconds the whole machine has spent busy (all cores), from /proc/stat."""
    fields = [int(x) for x in Path("/proc/stat").read_text().split("\n", 1)[0].split()[1:]]
    idle = fields[3] + fields[4]
    return (sum(fields[:8]) - idle) / os.sysconf("SC_CLK_TCK")


def own_cpu() -> float:
    """CPU seconds this process has used."""
    times = os.times()
    return times.user + times.system


def children_cpu() -> float:
    """CPU seconds used by finished child processes (ansible and its ssh clients)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


class Measure:
    """Wall time, client CPU and whole-machine CPU around one contender."""

    def __init__(self, client: Callable[[], float]) -> None:
        self._client = client

    def __enter__(self) -> Measure:
        self.wall, self.cpu, self.busy = time.monotonic(), self._client(), machine_busy()
        return self

    def __exit__(self, *exc: object) -> None:
        self.wall = time.monotonic() - self.wall
        self.cpu = self._client() - self.cpu
        self.busy = machine_busy() - self.busy


def time_probe(hosts: list[HostSpec], options: SshOptions) -> tuple[Measure, str]:
    """One probe run: measures and a note (hosts without issues, copies discovered)."""
    with Measure(own_cpu) as measure:
        reports = SshProbe(options).collect(hosts)
    clean = sum(1 for r in reports if not r.issues)
    copies = sum(len(r.discovered) for r in reports)
    return measure, f"{clean} clean hosts, {copies} copies"


def shell_line() -> str:
    """The same reads and commands as the probe, as one shell line under the host's root."""
    files = " ".join(f"{{{{ root }}}}{p}" for p in ops.SINGLE_FILES)
    dirs = " ".join(f"{{{{ root }}}}{d}" for d in (*ops.DIRECTORIES, *ops.LIST_ONLY))
    listing = f"ls -la --time-style=+%s {dirs}"
    contents = " ".join(f"{{{{ root }}}}{d}/*" for d in ops.DIRECTORIES)
    commands = "; ".join(ops.COMMANDS)
    return (f"cat {files} 2>/dev/null; {listing} 2>/dev/null; cat {contents} 2>/dev/null; "
            f"stat -c '%n %Y' {{{{ root }}}}/var/lib/pgbackrest 2>/dev/null; {commands}; true")


def write_inventory(base: Path, hosts: list[HostSpec]) -> Path:
    """An INI inventory with per-host address, port, key and root."""
    lines = ["[all]"]
    for h in hosts:
        lines.append(f"{h.name} ansible_host={h.address} ansible_port={h.port} "
                     f"ansible_user={USER} ansible_ssh_private_key_file={h.key_file} "
                     f"root={h.root}")
    path = base / "inventory.ini"
    path.write_text("\n".join(lines) + "\n")
    return path


def time_ansible(base: Path, hosts: list[HostSpec], known_hosts: Path, forks: int,
                 module: str) -> tuple[Measure, str]:
    """One ad-hoc run: measures and how many hosts answered."""
    inventory = write_inventory(base, hosts)
    home = base / "ansible_home"
    home.mkdir(exist_ok=True)
    config = base / "ansible.cfg"
    config.write_text(
        "[defaults]\nhost_key_checking = True\ngathering = explicit\n"
        "interpreter_python = /usr/bin/python3\nstdout_callback = minimal\n"
        f"forks = {forks}\n[ssh_connection]\npipelining = True\n"
        f"ssh_args = -o UserKnownHostsFile={known_hosts} -o StrictHostKeyChecking=yes "
        "-o ControlMaster=auto -o ControlPersist=60s\n")
    env = {**os.environ, "ANSIBLE_HOME": str(home), "ANSIBLE_CONFIG": str(config),
           "ANSIBLE_LOCAL_TEMP": str(home / "tmp")}
    arg = shell_line() if module == "raw" else _command_arg()
    with Measure(children_cpu) as measure:
        done = subprocess.run(["/tmp/ansible/bin/ansible", "all", "-i", str(inventory), "-m",
                               module, "-a", arg, "-f", str(forks)], env=env,
                              capture_output=True, text=True, check=False)
    answered = done.stdout.count(" | CHANGED") + done.stdout.count(" | SUCCESS") + \
        done.stdout.count(" | FAILED")
    if "UNREACHABLE" in done.stdout or answered < len(hosts):
        print(f"ansible -m {module}: {done.stdout.count('UNREACHABLE')} unreachable",
              file=sys.stderr)
    return measure, f"{answered} hosts answered"


def _command_arg() -> str:
    files = " ".join(f"{{{{ root }}}}{p}" for p in ops.SINGLE_FILES)
    return f"cat {files}"


def run(count: int, instances: int, with_ansible: bool, sequential: bool) -> None:
    """Set up the targets, run every contender, print the table."""
    ensure_user()
    os.makedirs("/run/sshd", exist_ok=True)
    base = Path(tempfile.mkdtemp(prefix="drcheck-sshbench-"))
    procs: list[subprocess.Popen[bytes]] = []
    try:
        client = base / "client"
        (base / f"authorized_keys.{USER}").write_text(keygen(client) + "\n")
        os.chmod(base / f"authorized_keys.{USER}", 0o644)
        servers = []
        for i in range(instances):
            servers.append(start_sshd(base, i + 1))
            procs.append(servers[-1][3])
        known = base / "known_hosts"
        known.write_text("".join(f"[{a}]:{p} {k.split()[0]} {k.split()[1]}\n"
                                 for a, p, k, _ in servers))
        roots = make_trees(base, count)
        hosts = [HostSpec(name=f"h{i}", origin="bench", address=servers[i % instances][0],
                          port=servers[i % instances][1], user=USER, key_file=str(client),
                          root=str(root)) for i, root in enumerate(roots)]
        options = SshOptions(known_hosts=str(known), ssh_config=None, use_agent=False,
                             trust_file=str(base / "trust"), progress=False)
        results = _contenders(base, hosts, options, known, with_ansible, sequential)
        _print(count, instances, results)
    finally:
        for proc in procs:
            proc.terminate()
            proc.wait(timeout=10)
        if not os.environ.get("KEEP"):
            shutil.rmtree(base, ignore_errors=True)
        else:
            print(base)


def _contenders(base: Path, hosts: list[HostSpec], options: SshOptions, known: Path,
                with_ansible: bool, sequential: bool) -> dict[str, tuple[Measure, str]]:
    results = {f"drcheck pool={options.pool_size}": time_probe(hosts, options)}
    if sequential:
        results["drcheck one at a time"] = time_probe(hosts, replace(options, pool_size=1))
    if with_ansible:
        for module in ("raw", "command"):
            results[f"ansible -m {module} forks={options.pool_size}"] = \
                time_ansible(base, hosts, known, options.pool_size, module)
    return results


def _print(count: int, instances: int, results: dict[str, tuple[Measure, str]]) -> None:
    first = next(iter(results.values()))[0]
    print(f"\nSSH benchmark: {count} targets on {instances} sshd instances (loopback), "
          f"{os.cpu_count()} CPUs shared by client and servers")
    print(f"{'contender':28} {'wall s':>7} {'x pool':>7} {'hosts/s':>8} {'client CPU s':>13}"
          f"  notes")
    for name, (m, notes) in results.items():
        print(f"{name:28} {m.wall:7.2f} {m.wall / first.wall:6.1f}x {count / m.wall:8.1f} "
              f"{m.cpu:13.2f}  {notes}")
    print("machine CPU s (all processes, incl. the sshd servers and anything else running): "
          + ", ".join(f"{n} {m.busy:.1f}" for n, (m, _) in results.items()))


def main() -> None:
    """Parse arguments and run."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--targets", type=int, default=200)
    parser.add_argument("--instances", type=int, default=8, help="sshd processes")
    parser.add_argument("--no-ansible", action="store_true")
    parser.add_argument("--no-sequential", action="store_true")
    args = parser.parse_args()
    with_ansible = not args.no_ansible and os.path.exists("/tmp/ansible/bin/ansible")
    if not args.no_ansible and not with_ansible:
        print("ansible-core not found in /tmp/ansible: python3 -m venv /tmp/ansible && "
              "/tmp/ansible/bin/pip install ansible-core", file=sys.stderr)
    run(args.targets, args.instances, with_ansible, not args.no_sequential)


if __name__ == "__main__":
    main()
