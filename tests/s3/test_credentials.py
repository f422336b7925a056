"""Endpoints and credentials: boto3's standard chain (env endpoint, profiles), per bucket."""

from __future__ import annotations

from pathlib import Path

import pytest

from drcheck.probes.s3 import discover_buckets
from tests.s3.conftest import World

pytestmark = pytest.mark.integration

PROFILE_SECRET = "profileSECRETdrcheck/abc123+Zz9"


def test_endpoint_from_environment(world: World, monkeypatch: pytest.MonkeyPatch) -> None:
    """No endpoint in the estate: AWS_ENDPOINT_URL is honoured (boto3's standard chain)."""
    monkeypatch.setenv("AWS_ENDPOINT_URL", world.url)
    (rep,) = world.probe().collect([world.target("paris-db", "db/", endpoint=None)])
    assert rep.issues == ()
    assert [c.value for c in rep.claims] == ["aws:eu-west-3"]
    assert rep.details["location"]["endpoint_host"] == "127.0.0.1"  # type: ignore[index]
    assert "paris-db" in {s.name for s in discover_buckets()}


def test_profile_per_bucket(world: World, tmp_path: Path,
                            monkeypatch: pytest.MonkeyPatch) -> None:
    """A bucket's ``profile`` selects credentials from the shared file; an unknown profile
    is an issue on that bucket only, and the profile's secret never shows."""
    creds = tmp_path / "credentials"
    creds.write_text(f"[readonly]\naws_access_key_id = AKIAPROFILE000000001\n"
                     f"aws_secret_access_key = {PROFILE_SECRET}\n")
    monkeypatch.setenv("AWS_SHARED_CREDENTIALS_FILE", str(creds))
    reports = world.probe().collect([
        world.target("paris-db", profile="readonly"),
        world.target("virginia-pg", profile="missing"),
    ])
    by = {r.subject: r for r in reports}
    assert by["bucket:paris-db"].issues == ()
    assert by["bucket:paris-db"].facts["immutable"].value is True
    (issue,) = by["bucket:virginia-pg"].issues
    assert issue.code == "no-credentials" and "ProfileNotFound" in issue.reason
    assert PROFILE_SECRET not in repr(reports)
