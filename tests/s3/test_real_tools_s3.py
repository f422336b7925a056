"""The S3 probe on repositories the real tools wrote into a bucket (moto's S3 server), not on
keys laid out by hand: restic 0.14's S3 backend, and a borg 1.2 repository copied there
with rclone (borg has no S3 backend; rclone is how such repositories reach a bucket).

The dating object of each layout is rewritten by a maintenance command that makes no new
backup (``restic tag``, ``borg compact``): the probe's restore point then runs ahead of the
tool's own record, which is why it is labelled a proxy.
"""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import time
from datetime import datetime
from pathlib import Path

import pytest

from drcheck.inputs.durations import parse_time
from drcheck.probes.base import ProbeReport
from tests.s3.conftest import World

pytestmark = pytest.mark.integration


def _tool(name: str) -> str:
    found = shutil.which(name)
    if found is None:
        pytest.fail(f"{name} is not installed (.ci/install-deps installs it)")
    return found


def _run(*argv: str, env: dict[str, str] | None = None) -> str:
    # a CA bundle of the machine's own is for real endpoints, not the loopback server
    base = {k: v for k, v in os.environ.items() if k != "AWS_CA_BUNDLE"}
    done = subprocess.run(argv, capture_output=True, text=True, timeout=120, check=False,
                          env={**base, **(env or {})})
    assert done.returncode == 0, f"{argv[:3]}: {done.stderr[-1500:]}"
    return done.stdout


def _probed(world: World, bucket: str, prefix: str) -> ProbeReport:
    (report,) = world.probe().collect([world.target(bucket, prefix)])
    return report


def _newest(report: ProbeReport, prefix: str) -> datetime:
    return parse_time(str(report.path_facts[prefix]["newest_restore_point"].value))


def test_restic_s3_repository_is_dated_by_its_snapshot_object_a_proxy(
        world: World, tmp_path: Path) -> None:
    restic = _tool("restic")
    world.admin.create_bucket(Bucket="restic-real")
    repo = f"s3:{world.url}/restic-real/db"
    env = {"RESTIC_PASSWORD": "not-a-secret", "RESTIC_CACHE_DIR": str(tmp_path / "cache")}
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.txt").write_text("payload\n")
    _run(restic, "-r", repo, "init", env=env)
    _run(restic, "-r", repo, "backup", str(tmp_path / "data"), env=env)

    first = _probed(world, "restic-real", "db/")
    fresh = first.details["freshness"]["db/"]  # type: ignore[index]
    assert fresh["layout"] == "restic"
    assert str(fresh["newest_key"]).startswith("db/snapshots/")
    basis = first.path_facts["db/"]["restore_point_basis"]
    assert basis.value == "proxy" and "restic tag" in str(basis.reason)

    time.sleep(1.1)  # LastModified has whole seconds
    _run(restic, "-r", repo, "tag", "--add", "checked", "latest", env=env)
    (snapshot,) = json.loads(_run(restic, "-r", repo, "snapshots", "--json", env=env))
    recorded = parse_time(snapshot["time"])  # the tool's own restore point, unchanged
    again = _probed(world, "restic-real", "db/")
    assert again.path_facts["db/"]["restore_point_basis"].value == "proxy"
    assert _newest(again, "db/") > _newest(first, "db/")
    assert (_newest(again, "db/") - recorded).total_seconds() >= 1  # ahead of the record


def test_borg_repository_copied_by_rclone_is_dated_by_its_index_a_proxy(
        world: World, tmp_path: Path) -> None:
    borg, rclone = _tool("borg"), _tool("rclone")
    world.admin.create_bucket(Bucket="borg-real")
    local = tmp_path / "repo"
    env = {"BORG_PASSPHRASE": "not-a-secret", "BORG_BASE_DIR": str(tmp_path / "borg-home"),
           "BORG_UNKNOWN_UNENCRYPTED_REPO_ACCESS_IS_OK": "yes"}
    remote = {"RCLONE_CONFIG_T_TYPE": "s3", "RCLONE_CONFIG_T_PROVIDER": "Other",
              "RCLONE_CONFIG_T_ENDPOINT": world.url,
              "RCLONE_CONFIG_T_ACCESS_KEY_ID": os.environ["AWS_ACCESS_KEY_ID"],
              "RCLONE_CONFIG_T_SECRET_ACCESS_KEY": os.environ["AWS_SECRET_ACCESS_KEY"],
              "RCLONE_CONFIG": str(tmp_path / "rclone.conf")}
    (tmp_path / "data").mkdir()
    (tmp_path / "data" / "a.txt").write_text("payload\n")
    _run(borg, "init", "--encryption", "repokey", str(local), env=env)
    _run(borg, "create", f"{local}::first", str(tmp_path / "data"), env=env)
    _run(rclone, "copy", str(local), "t:borg-real/b", env=remote)

    first = _probed(world, "borg-real", "b")
    fresh = first.details["freshness"]["b"]  # type: ignore[index]
    assert fresh["layout"] == "borg"
    basis = first.path_facts["b"]["restore_point_basis"]
    assert basis.value == "proxy" and "borg" in str(basis.reason)

    time.sleep(1.1)
    _run(borg, "compact", str(local), env=env)  # no new archive
    _run(rclone, "sync", str(local), "t:borg-real/b", env=remote)
    archives = json.loads(_run(borg, "list", "--json", str(local), env=env))["archives"]
    assert [a["name"] for a in archives] == ["first"]
    again = _probed(world, "borg-real", "b")
    assert _newest(again, "b") > _newest(first, "b")
