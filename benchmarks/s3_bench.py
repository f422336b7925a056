"""S3 probe benchmark: N buckets on a loopback moto server, drcheck vs Cloud Custodian.

    python benchmarks/s3_bench.py --buckets 1000

Starts ``moto_server`` as its own process on 127.0.0.1, builds N buckets (a mix of versioning,
object lock, encryption, lifecycle and replication), then times:

1. the server's raw request rate (GetBucketLocation from 32 threads on one client);
2. drcheck's full S3 probe with the default concurrency, and with concurrency 1;
3. Cloud Custodian (``custodian`` from ``--c7n``, default /tmp/c7n/bin) running an s3 policy
   that gathers the equivalent facts (location, versioning, replication, lifecycle via
   augment; object lock and encryption via filters) against the same server.

Only loopback is touched. Fake credentials are set for every child process.
"""

from __future__ import annotations

import argparse
import asyncio
import itertools
import multiprocessing
import os
import random
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from collections.abc import Callable, Iterator
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import boto3
from botocore.client import BaseClient
from botocore.config import Config

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from drcheck.inputs.estate import BucketSpec
from drcheck.probes.s3 import S3Probe, S3Settings, S3Target

ENV = {"AWS_ACCESS_KEY_ID": "bench", "AWS_SECRET_ACCESS_KEY": "bench-secret",
       "AWS_DEFAULT_REGION": "us-east-1", "AWS_EC2_METADATA_DISABLED": "true"}
REGIONS = ("us-east-1", "eu-west-3", "eu-central-1", "us-west-2")
C7N_POLICY = """\
policies:
  - name: dr-facts
    resource: aws.s3
    query:
      - augment-keys: [Location, Versioning, Replication, Lifecycle]
    filters:
      - type: lock-configuration
        key: ObjectLockEnabled
        value: never
        op: ne
      - or:
          - {type: bucket-encryption, state: true}
          - {type: bucket-encryption, state: false}
"""


def free_port() -> int:
    """A free loopback port below 32768 (moto closes every connection; stay clear of the
    ephemeral range)."""
    for _ in range(200):
        port = random.randint(20000, 32000)
        with socket.socket() as sock:
            try:
                sock.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise RuntimeError("no free port")


@contextmanager
def moto_server() -> Iterator[str]:
    """``moto_server`` as a separate process on 127.0.0.1; yields its URL."""
    port = free_port()
    proc = subprocess.Popen([sys.executable, "-m", "moto.server", "-H", "127.0.0.1", "-p",
                             str(port)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    url = f"http://127.0.0.1:{port}"
    try:
        for _ in range(100):
            try:
                urllib.request.urlopen(f"{url}/moto-api/", timeout=1).close()
                break
            except OSError:
                time.sleep(0.1)
        else:
            raise RuntimeError("moto_server did not start")
        yield url
    finally:
        proc.terminate()
        proc.wait(10)


async def _pipe(reader: asyncio.StreamReader, writer: asyncio.StreamWriter,
                delay: float) -> None:
    try:
        while data := await reader.read(65536):
            if delay:
                await asyncio.sleep(delay)
            writer.write(data)
            await writer.drain()
    except OSError:
        pass
    finally:
        writer.close()


def _relay(listen: int, upstream: int, delay: float) -> None:
    """A TCP relay on 127.0.0.1 that delays every client→server chunk (one per request)."""

    async def handle(reader: asyncio.StreamReader, writer: asyncio.StreamWriter) -> None:
        up_reader, up_writer = await asyncio.open_connection("127.0.0.1", upstream)
        await asyncio.gather(_pipe(reader, up_writer, delay), _pipe(up_reader, writer, 0))

    async def serve() -> None:
        server = await asyncio.start_server(handle, "127.0.0.1", listen, backlog=1024)
        async with server:
            await server.serve_forever()

    asyncio.run(serve())


@contextmanager
def latency(url: str, millis: float) -> Iterator[str]:
    """``url`` behind a relay adding ``millis`` per request (a real endpoint's round trip)."""
    if millis <= 0:
        yield url
        return
    port = free_port()
    proc = multiprocessing.Process(target=_relay, args=(port, int(url.rsplit(":", 1)[1]),
                                                        millis / 1000), daemon=True)
    proc.start()
    time.sleep(0.5)
    try:
        yield f"http://127.0.0.1:{port}"
    finally:
        proc.terminate()
        proc.join(5)


def _client(url: str, region: str = "us-east-1") -> Any:
    return boto3.client("s3", endpoint_url=url, region_name=region,
                        config=Config(max_pool_connections=64,
                                      s3={"addressing_style": "path"}))


def _build_one(clients: dict[str, Any], i: int) -> None:
    """Bucket i: region by i%4; versioned 1/2, locked 1/10, encrypted 1/2, lifecycle 1/4,
    replication 1/10 (to bucket i-1, itself probed)."""
    region = REGIONS[i % len(REGIONS)]
    c = clients[region]
    name = f"bench-{i:05d}"
    args: dict[str, Any] = {"Bucket": name}
    if region != "us-east-1":
        args["CreateBucketConfiguration"] = {"LocationConstraint": region}
    if i % 10 == 0:
        args["ObjectLockEnabledForBucket"] = True
    c.create_bucket(**args)
    if i % 2 == 0 and i % 10:
        c.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
    if i % 2 == 1:
        c.put_bucket_encryption(Bucket=name, ServerSideEncryptionConfiguration={"Rules": [
            {"ApplyServerSideEncryptionByDefault": {"SSEAlgorithm": "AES256"}}]})
    if i % 4 == 1:
        c.put_bucket_lifecycle_configuration(Bucket=name, LifecycleConfiguration={"Rules": [
            {"ID": "x", "Status": "Enabled", "Filter": {"Prefix": ""},
             "Expiration": {"Days": 30}}]})
    if i % 10 == 4:
        c.put_bucket_versioning(Bucket=name, VersioningConfiguration={"Status": "Enabled"})
        c.put_bucket_replication(Bucket=name, ReplicationConfiguration={
            "Role": "arn:aws:iam::123456789012:role/r", "Rules": [
                {"ID": "r", "Status": "Enabled", "Priority": 1, "Filter": {"Prefix": ""},
                 "DeleteMarkerReplication": {"Status": "Disabled"},
                 "Destination": {"Bucket": f"arn:aws:s3:::bench-{i - 1:05d}"}}]})


def build(url: str, count: int) -> list[str]:
    """Create the buckets (32 threads); return their names."""
    clients = {r: _client(url, r) for r in REGIONS}
    with ThreadPoolExecutor(32) as pool:
        list(pool.map(lambda i: _build_one(clients, i), range(count)))
    return [f"bench-{i:05d}" for i in range(count)]


class CallCounter:
    """Counts every botocore API call made in this process."""

    def __init__(self) -> None:
        """Install the counter around ``BaseClient._make_api_call``."""
        self.counter = itertools.count()
        self.last = 0
        original = BaseClient._make_api_call
        counter = self.counter

        def counted(client: BaseClient, op: str, params: dict[str, Any]) -> Any:
            next(counter)
            return original(client, op, params)

        BaseClient._make_api_call = counted  # type: ignore[method-assign]

    def take(self) -> int:
        """Calls since the last ``take``."""
        now = next(self.counter)
        calls, self.last = now - self.last, now + 1
        return calls


def timed(action: Callable[[], object]) -> float:
    """Wall seconds of one call."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


def raw_rate(url: str, names: list[str], threads: int = 32) -> float:
    """Requests per second the server answers for the cheapest call."""
    client = _client(url)
    sample = names[: min(len(names), 1000)]
    with ThreadPoolExecutor(threads) as pool:
        took = timed(lambda: list(pool.map(lambda n: client.get_bucket_location(Bucket=n),
                                           sample)))
    return len(sample) / took


def probe(url: str, names: list[str], concurrency: int) -> tuple[float, int]:
    """Wall time of the full probe and the number of issues it reported."""
    targets = [S3Target(BucketSpec(name=n, origin="bench", bucket=n, endpoint=url,
                                   provider="aws", addressing_style="path")) for n in names]
    s3 = S3Probe(S3Settings(concurrency=concurrency))
    reports: list[Any] = []
    took = timed(lambda: reports.extend(s3.collect(targets)))
    assert len(reports) == len(names), (len(reports), len(names))
    return took, sum(len(r.issues) for r in reports)


def custodian(url: str, c7n: Path) -> float | None:
    """Wall time of Cloud Custodian's equivalent policy, or None when it is not installed."""
    exe = c7n / "custodian"
    if not exe.exists():
        print(f"custodian not found at {exe}; python -m venv /tmp/c7n && "
              "/tmp/c7n/bin/pip install c7n", file=sys.stderr)
        return None
    with tempfile.TemporaryDirectory() as tmp:
        policy = Path(tmp) / "policy.yml"
        policy.write_text(C7N_POLICY)
        env = {**os.environ, **ENV, "AWS_ENDPOINT_URL": url}
        cmd = [str(exe), "run", "-s", str(Path(tmp) / "out"), "--cache-period", "0",
               "-f", str(Path(tmp) / "cache"), str(policy)]
        start = time.perf_counter()
        done = subprocess.run(cmd, env=env, capture_output=True, text=True, check=False)
        took = time.perf_counter() - start
        if done.returncode != 0:
            print(done.stderr[-2000:], file=sys.stderr)
            return None
        return took


def main() -> None:
    """Parse arguments, run every measurement, print a table."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--buckets", type=int, default=1000)
    parser.add_argument("--c7n", type=Path, default=Path("/tmp/c7n/bin"))
    parser.add_argument("--skip-sequential", action="store_true")
    parser.add_argument("--concurrency", type=int, default=S3Settings().concurrency,
                        help="the probe's concurrency for the first row (default: drcheck's)")
    parser.add_argument("--latency-ms", type=float, default=0.0,
                        help="add this much latency per request (a relay process), to mimic "
                             "a real endpoint's round trip")
    args = parser.parse_args()
    os.environ.update(ENV)
    for key in ("AWS_PROFILE", "AWS_ENDPOINT_URL", "AWS_ENDPOINT_URL_S3"):
        os.environ.pop(key, None)
    with moto_server() as direct:
        print(f"moto_server at {direct}; building {args.buckets} buckets…", flush=True)
        names: list[str] = []
        print(f"  built in {timed(lambda: names.extend(build(direct, args.buckets))):.1f} s",
              flush=True)
        with latency(direct, args.latency_ms) as url:
            rows, fast = measure(url, names, args)
    print(f"\n{args.buckets} buckets on moto_server (separate process), "
          f"{args.latency_ms:g} ms added per request, wall seconds:")
    for label, took in rows:
        print(f"  {label:45s} {took:8.1f} s   {took / fast:5.1f}x drcheck default")
    print(f"  (machine: {os.cpu_count()} CPUs)")


def measure(url: str, names: list[str], args: argparse.Namespace) -> tuple[
        list[tuple[str, float]], float]:
    """Raw rate, the probe at default concurrency and at 1, and Cloud Custodian."""
    counter = CallCounter()
    rate = raw_rate(url, names)
    counter.take()
    print(f"server raw rate (GetBucketLocation, 32 threads): {rate:.0f} req/s", flush=True)
    rows = []
    default = args.concurrency
    fast, issues = probe(url, names, default)
    calls = counter.take()
    rows.append((f"drcheck s3 probe, concurrency {default}", fast))
    print(f"  {calls} calls, {calls / fast:.0f} req/s ({100 * calls / fast / rate:.0f}% of "
          f"the raw rate), {issues} issues", flush=True)
    if not args.skip_sequential:
        rows.append(("drcheck s3 probe, concurrency 1", probe(url, names, 1)[0]))
    c7n = custodian(url, args.c7n)
    if c7n is not None:
        rows.append(("Cloud Custodian (c7n) equivalent policy", c7n))
    return rows, fast


if __name__ == "__main__":
    main()
