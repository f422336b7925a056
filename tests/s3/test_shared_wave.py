"""A large first wave of buckets shared over forked processes, seen as users run it: the
whole ``drcheck probe`` process against SeaweedFS, every request counted at a proxy.

The shared wave must be invisible in what drcheck writes (the facts of one process, in the
same order) and in what it asks (the same calls per bucket, none twice), and a refused
credential must still cost a single call across every process.
"""

from __future__ import annotations

import json
import os
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import boto3
import pytest

from drcheck.facts.compact import expand
from drcheck.probes.s3_split import FORK_FROM
from tests.s3.conftest import PLANTED_SECRET
from tests.s3.faults import FaultProxy

pytestmark = pytest.mark.integration

BUCKETS = FORK_FROM + 60
NOW = "2026-12-01T00:00:00Z"
_TIME = re.compile(rb'"20\d\d-\d\d-\d\dT\d\d:\d\d:\d\d(\.\d+)?Z"')
_DIGEST = re.compile(rb'"sha256:[0-9a-f]{64}"')


@pytest.fixture(scope="module")
def wave(seaweed: str) -> list[str]:
    """``BUCKETS`` buckets on SeaweedFS: every third versioned (six calls, not four), every
    seventh holding a dataset's newest restore point."""
    client = boto3.client("s3", endpoint_url=seaweed, region_name="us-east-1")
    names = [f"wave-{i:03d}" for i in range(BUCKETS)]
    for i, name in enumerate(names):
        client.create_bucket(Bucket=name)
        if i % 3 == 0:
            client.put_bucket_versioning(Bucket=name,
                                         VersioningConfiguration={"Status": "Enabled"})
        if i % 7 == 0:
            client.put_object(Bucket=name, Key=f"db-{i}/snapshots/0001", Body=b"x")
    return names


@pytest.fixture
def proxy(seaweed: str) -> Iterator[FaultProxy]:
    """A counting proxy in front of SeaweedFS (signatures kept valid: the Host is kept)."""
    started = FaultProxy(seaweed, keep_host=True).start()
    yield started
    started.stop()


def _estate(tmp: Path, url: str, names: list[str], profiles: dict[str, str] | None = None
            ) -> Path:
    lines = ["apiVersion: drcheck/v1", "kind: Estate", "hosts:", "  - name: db-1",
             "    probe: false", "    location: {provider: ovh, datacenter: GRA1}",
             "buckets:"]
    for name in names:
        lines += [f"  - name: {name}", f"    bucket: {name}", f"    endpoint: {url}",
                  "    provider: ovh", "    region: gra", "    addressing_style: path"]
        if profiles and name in profiles:
            lines.append(f"    profile: {profiles[name]}")
    lines.append("datasets:")
    for i in range(0, len(names), 7):
        lines += [f"  - name: db-{i}", "    primary: {host: db-1, path: /var/lib/db}",
                  "    copies:", f"      - {{name: s3, bucket: {names[i]}, prefix: db-{i}/}}"]
    path = tmp / "estate.yaml"
    path.write_text("\n".join(lines) + "\n")
    return path


def _probe(estate: Path, out: Path, jobs: int, **env: str) -> subprocess.CompletedProcess[str]:
    cmd = [sys.executable, "-m", "drcheck", "-v", "probe", str(estate), "-o", str(out),
           "--now", NOW]
    return subprocess.run(cmd, capture_output=True, text=True, timeout=180,
                          env={**os.environ, "DRCHECK_JOBS": str(jobs), **env})


def _timeless(path: Path) -> bytes:
    """The facts of a file, expanded (two equal facts observed at different times are not
    shared, so the sharing differs), with every timestamp and digest blanked: observation
    times differ between two runs, nothing else may."""
    whole = json.dumps(expand(json.loads(path.read_text())), indent=1).encode()
    return _DIGEST.sub(b'"D"', _TIME.sub(b'"T"', whole))


def test_a_shared_wave_writes_and_asks_what_one_process_does(
        tmp_path: Path, wave: list[str], proxy: FaultProxy) -> None:
    estate = _estate(tmp_path, proxy.url, wave)
    one = _probe(estate, tmp_path / "one.json", 1)
    assert one.returncode == 0, one.stderr
    assert "shared over" not in one.stderr
    asked_by_one = dict(proxy.hits)
    proxy.hits.clear()

    shared = _probe(estate, tmp_path / "shared.json", 2)
    assert shared.returncode == 0, shared.stderr
    assert f"s3: the first {BUCKETS} buckets shared over 2 processes" in shared.stderr
    assert proxy.hits == asked_by_one  # the same calls for every bucket, none twice
    # four calls, two more when versioned (lock, replication), two more for a dataset's
    # prefix (the listing and the newest key's head)
    assert asked_by_one == {name: 4 + 2 * (i % 3 == 0) + 2 * (i % 7 == 0)
                            for i, name in enumerate(wave)}
    assert _timeless(tmp_path / "shared.json") == _timeless(tmp_path / "one.json")
    facts = json.loads((tmp_path / "shared.json").read_text())
    assert [s["name"] for s in facts["datasets"]] == [f"db-{i}" for i in range(0, BUCKETS, 7)]


def test_a_refused_credential_costs_one_call_across_every_process(
        tmp_path: Path, wave: list[str], proxy: FaultProxy) -> None:
    estate = _estate(tmp_path, proxy.url, wave)
    run = _probe(estate, tmp_path / "refused.json", 2, AWS_ACCESS_KEY_ID="UNKNOWNKEYDRCHECK03",
                 AWS_SECRET_ACCESS_KEY="not-the-secret-drcheck-3")
    assert run.returncode == 0, run.stderr  # the facts are written: every bucket unknown
    assert "shared over 2 processes" in run.stderr
    assert sum(proxy.hits.values()) == 1
    facts = json.loads((tmp_path / "refused.json").read_text())
    codes = [i["code"] for i in facts["issues"] if i["probe"] == "s3"]
    assert codes == ["invalid-credentials"] * BUCKETS
    refusals = [i for i in facts["issues"] if "InvalidAccessKeyId" in i["reason"]
                and "not attempted" not in i["reason"]]
    assert len(refusals) == 1
    for secret in ("not-the-secret-drcheck-3", PLANTED_SECRET):
        assert secret not in run.stderr + (tmp_path / "refused.json").read_text()


def test_a_credential_first_met_by_a_worker_is_refused_once_across_three_processes(
        tmp_path: Path, wave: list[str], proxy: FaultProxy) -> None:
    """A credential whose buckets all lie in the workers' shares is vetted by the first
    worker holding one; the process passes its verdict on to the other worker."""
    credentials = tmp_path / "credentials"
    credentials.write_text("[bad]\naws_access_key_id = UNKNOWNKEYDRCHECK04\n"
                           "aws_secret_access_key = not-the-secret-drcheck-4\n")
    bad = dict.fromkeys(wave[70:], "bad")  # in the second and the third share
    estate = _estate(tmp_path, proxy.url, wave, bad)
    run = _probe(estate, tmp_path / "three.json", 3, AWS_SHARED_CREDENTIALS_FILE=str(credentials))
    assert run.returncode == 0, run.stderr
    assert "shared over 3 processes" in run.stderr
    assert sum(proxy.hits.get(name, 0) for name in bad) == 1
    facts = json.loads((tmp_path / "three.json").read_text())
    refused = {i["subject"] for i in facts["issues"] if i["code"] == "invalid-credentials"}
    assert refused == {f"bucket:{name}" for name in bad}
    assert "not-the-secret-drcheck-4" not in run.stderr + (tmp_path / "three.json").read_text()
