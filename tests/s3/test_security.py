"""Read-only, declared and secret-free: the probe's security contract, proven over HTTP."""

from __future__ import annotations

import json
import logging
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from botocore.client import BaseClient
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.probes.base import ProbeReport
from drcheck.probes.s3 import DiscoveryError, S3Probe, discover_buckets
from tests.s3.conftest import PLANTED_KEY_ID, PLANTED_SECRET, World
from tests.s3.faults import FaultProxy

pytestmark = pytest.mark.integration
ROOT = Path(__file__).resolve().parents[2]


@pytest.fixture
def recorded(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Every S3 operation any boto3 client makes while the test runs."""
    seen: list[str] = []
    original = BaseClient._make_api_call

    def spy(self: BaseClient, operation: str, params: dict[str, Any]) -> Any:
        seen.append(operation)
        return original(self, operation, params)

    monkeypatch.setattr(BaseClient, "_make_api_call", spy)
    yield seen


def _everything(world: World, proxy: FaultProxy) -> list[ProbeReport]:
    return world.probe().collect([
        world.target("paris-db", "db/", "tmp"),
        world.target("frankfurt-logs", "logs/"),
        world.target("virginia-pg", "pg"),
        world.target("borg-repo", "b"),
        world.target("denied-src", "", endpoint=proxy.url),
        world.target("moved-bucket", region="eu-west-1"),
    ])


def test_every_call_is_declared_and_read_only(world: World, proxy: FaultProxy,
                                              recorded: list[str]) -> None:
    """The probe calls only operations it declares, and those are Get/List/Head."""
    _everything(world, proxy)
    discover_buckets(world.url)
    assert set(recorded) <= set(S3Probe.operations), set(recorded) - set(S3Probe.operations)
    assert {"GetBucketLocation", "ListObjectsV2", "HeadObject", "GetBucketReplication",
            "ListBuckets"} <= set(recorded)
    assert all(op.startswith(("Get", "List", "Head")) for op in S3Probe.operations)


def test_iam_policy_grants_exactly_the_permissions() -> None:
    """docs/iam-policy.json grants the probe's permissions, read-only, and nothing else."""
    policy = json.loads((ROOT / "docs" / "iam-policy.json").read_text())
    granted = {a for s in policy["Statement"] for a in
               ([s["Action"]] if isinstance(s["Action"], str) else s["Action"])}
    assert granted == set(S3Probe.permissions)
    assert all(s["Effect"] == "Allow" for s in policy["Statement"])
    assert all(a.split(":")[1].startswith(("Get", "List")) for a in granted)


def test_planted_secret_never_leaks(world: World, proxy: FaultProxy,
                                    caplog: pytest.LogCaptureFixture, closed_port: int) -> None:
    """The secret key (and the key id) appear in no report, issue, detail or log line."""
    caplog.set_level(logging.DEBUG)
    reports = _everything(world, proxy)
    reports += world.probe(max_attempts=1).collect([
        world.target("paris-db", endpoint=f"http://127.0.0.1:{closed_port}"),
        world.target("slow-bucket", endpoint=proxy.url)])
    text = repr(reports) + json.dumps([r.details for r in reports], default=str)
    assert PLANTED_SECRET not in text
    assert PLANTED_KEY_ID not in text
    assert caplog.records, "debug logging should have produced records"
    logged = "\n".join(r.getMessage() for r in caplog.records)
    assert PLANTED_SECRET not in logged


def test_scrub_hides_credentials_in_error_text(world: World) -> None:
    """An error whose text carries the secret (e.g. in an endpoint URL) is scrubbed."""
    probe = world.probe(max_attempts=1)
    bad = f"http://{PLANTED_KEY_ID}:{PLANTED_SECRET}@127.0.0.1:1"
    (rep,) = probe.collect([world.target("paris-db", endpoint=bad)])
    assert rep.issues
    assert PLANTED_SECRET not in repr(rep)


def test_discover_lists_every_bucket(world: World) -> None:
    """ListBuckets → estate bucket specs, including buckets no estate names."""
    specs = discover_buckets(world.url, provider="aws", addressing_style="path")
    names = {s.name for s in specs}
    assert {"paris-db", "frankfurt-logs", "sbg-backup", "replica-ok"} <= names
    assert "gone-bucket" not in names
    assert all(s.endpoint == world.url and s.provider == "aws" for s in specs)


def test_discover_failure_is_a_clean_error(world: World, closed_port: int) -> None:
    """An unreachable endpoint raises DiscoveryError (exit 3), without the secret."""
    with pytest.raises(DiscoveryError) as caught:
        discover_buckets(f"http://127.0.0.1:{closed_port}")
    assert caught.value.code == "unreachable"
    assert PLANTED_SECRET not in str(caught.value)


def test_discover_command_prints_estate_yaml(world: World) -> None:
    """``drcheck discover`` prints buckets as estate YAML on stdout."""
    result = CliRunner().invoke(app, ["discover", "--endpoint", world.url,
                                      "--provider", "ovh", "--addressing-style", "path"])
    assert result.exit_code == 0, result.output
    assert result.stdout.startswith("buckets:\n")
    assert '  - name: "sbg-backup"\n' in result.stdout
    assert '    provider: "ovh"\n' in result.stdout
    assert PLANTED_SECRET not in result.output


def test_probes_command_lists_s3_operations() -> None:
    """``drcheck probes`` prints every S3 operation the probe may call."""
    result = CliRunner().invoke(app, ["probes"])
    assert result.exit_code == 0, result.output
    for op in S3Probe.operations:
        assert f"  {op}\n" in result.stdout
