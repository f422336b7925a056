"""Sharded probes as real processes against real sshd hosts and a moto S3 server: N shards
merged audit exactly like one unsharded probe, and every way a merge can go wrong is exit 2."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from drcheck.facts.snapshot import content_digest
from drcheck.report.result_reader import findings_of
from tests.s3.conftest import World
from tests.scale.lab import NOW, drcheck, findings, start, write_estate
from tests.ssh.conftest import SshLab

pytestmark = pytest.mark.integration
N = 3


@pytest.fixture(scope="module")
def home(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """An empty HOME so the user's own ~/.ssh never leaks into the probes."""
    return tmp_path_factory.mktemp("home")


@pytest.fixture(scope="module")
def runs(ssh_lab: SshLab, world: World, home: Path,
         tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """One unsharded probe and N shard probes, all started at once as real processes."""
    base = tmp_path_factory.mktemp("shards")
    estate = write_estate(ssh_lab, world, base / "estate.yaml")
    common = ["--known-hosts", str(ssh_lab.known_hosts), "--runner", "ci", "--now", NOW]
    files = {"estate": estate, "whole": base / "whole.json"}
    procs = [start("probe", str(estate), "-o", str(files["whole"]), *common, home=home)]
    for k in range(1, N + 1):
        files[f"shard{k}"] = base / f"facts-{k}.json"
        procs.append(start("probe", str(estate), "--shard", f"{k}/{N}", "-o",
                           str(files[f"shard{k}"]), *common, home=home))
    for proc in procs:
        _out, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    return files


def shard_files(runs: dict[str, Path]) -> list[str]:
    return [str(runs[f"shard{k}"]) for k in range(1, N + 1)]


def test_merged_shards_audit_like_one_unsharded_probe(runs: dict[str, Path], home: Path,
                                                      tmp_path: Path) -> None:
    merged = tmp_path / "facts.json"
    done = drcheck("merge", *shard_files(runs), "-o", str(merged), home=home)
    assert done.returncode == 0, done.stderr
    assets = [set(json.loads(runs[f"shard{k}"].read_text())["collections"][0]["assets"])
              for k in range(1, N + 1)]
    everything = set().union(*assets)
    assert len(everything) == 8 and sum(len(a) for a in assets) == 8  # each in exactly one
    whole = drcheck("audit", "--facts", str(runs["whole"]), "-p", "sbg2", "-p", "3-2-1-1-0",
                    "-f", "json", "--now", NOW, home=home)
    again = drcheck("audit", "--facts", str(merged), "-p", "sbg2", "-p", "3-2-1-1-0",
                    "-f", "json", "--now", NOW, home=home)
    assert whole.returncode == again.returncode, (whole.stderr, again.stderr)
    assert findings(whole.stdout) == findings(again.stdout)
    probed = [f for f in findings(whole.stdout) if f["status"] == "pass"]
    assert probed, "the estate must pass some rule from probed facts"
    snap = json.loads(merged.read_text())
    assert [c["shard"] for c in snap["collections"]] == [f"{k}/{N}" for k in range(1, N + 1)]
    assert {c["runner"] for c in snap["collections"]} == {"ci"}
    whole_snap = json.loads(runs["whole"].read_text())
    assert len(snap["datasets"]) == len(whole_snap["datasets"]) == 4


def test_a_shard_alone_cannot_be_audited(runs: dict[str, Path], home: Path) -> None:
    done = drcheck("audit", "--facts", str(runs["shard1"]), home=home)
    assert done.returncode == 2
    assert "facts-1.json" in done.stderr and "merge every shard first" in done.stderr


def test_missing_shard_is_refused_or_made_unknown(runs: dict[str, Path], home: Path,
                                                  tmp_path: Path) -> None:
    some = shard_files(runs)[1:]
    refused = drcheck("merge", *some, "-o", str(tmp_path / "f.json"), home=home)
    assert refused.returncode == 2
    assert "missing shard(s) 1/3" in refused.stderr
    assert not (tmp_path / "f.json").exists()
    merged = tmp_path / "partial.json"
    done = drcheck("merge", *some, "--allow-missing-shards", "-o", str(merged), home=home)
    assert done.returncode == 0, done.stderr
    lost = set(json.loads(runs["shard1"].read_text())["collections"][0]["assets"])
    snap = json.loads(merged.read_text())
    issues = {i["subject"]: i for i in snap["issues"] if i["code"] == "shard-missing"}
    assert set(issues) == lost
    assert all("shard 1/3 never arrived" in i["reason"] for i in issues.values())
    audit = drcheck("audit", "--facts", str(merged), "-p", "sbg2", "-f", "json", "--now", NOW,
                    home=home)
    result = json.loads(audit.stdout)
    hit = [f for f in findings_of(result) if f["rule_type"] == "collection-issues"
           and "shard-missing" in json.dumps(f)]
    assert hit and all(f["status"] == "unknown" for f in hit)


def test_duplicated_shard_is_exit_2(runs: dict[str, Path], home: Path, tmp_path: Path) -> None:
    files = shard_files(runs)
    copy = tmp_path / "again.json"
    copy.write_text(Path(files[0]).read_text())
    done = drcheck("merge", *files, str(copy), home=home)
    assert done.returncode == 2
    assert "again.json" in done.stderr and "shard 1/3 given twice" in done.stderr


def test_tampered_digest_is_exit_2(runs: dict[str, Path], home: Path, tmp_path: Path) -> None:
    files = shard_files(runs)
    doc = json.loads(Path(files[0]).read_text())
    doc["partial"]["reports"] = doc["partial"]["reports"][:-1] if doc["partial"]["reports"] \
        else [{"probe": "ssh", "subject": "host:x", "observed_at": NOW, "runner": "evil"}]
    bad = tmp_path / "tampered.json"
    bad.write_text(json.dumps(doc))
    done = drcheck("merge", str(bad), *files[1:], home=home)
    assert done.returncode == 2
    assert "tampered.json" in done.stderr and "digest does not match" in done.stderr


def test_different_estates_are_exit_2(runs: dict[str, Path], ssh_lab: SshLab, home: Path,
                                      tmp_path: Path) -> None:
    other = tmp_path / "other.yaml"
    other.write_text(runs["estate"].read_text().replace("sharded", "other"))
    out = tmp_path / "other-1.json"
    done = drcheck("probe", str(other), "--shard", "1/3", "--offline", home=home)
    assert done.returncode == 2 and "not with --offline" in done.stderr
    done = drcheck("probe", str(other), "--only", "name:nothing-*", "-o", str(out),
                   "--runner", "x", "--now", NOW, home=home)
    assert done.returncode == 0, done.stderr
    files = shard_files(runs)
    done = drcheck("merge", *files, str(out), home=home)
    assert done.returncode == 2
    assert "other-1.json" in done.stderr and "different estates" in done.stderr


def test_conflicting_claims_of_one_asset_are_kept(runs: dict[str, Path], home: Path,
                                                  tmp_path: Path) -> None:
    """A second runner that saw a bucket elsewhere: both claims stay, the rule reports it.

    Two real runners cannot see moto answer two regions for one bucket, so the second
    runner's report is edited (and its digest recomputed, as that runner would have)."""
    files = shard_files(runs)
    owner = next(Path(f) for f in files
                 if "bucket:paris-db" in json.loads(Path(f).read_text())["collections"][0]
                 ["assets"])
    doc = json.loads(owner.read_text())
    report = next(r for r in doc["partial"]["reports"] if r["subject"] == "bucket:paris-db")
    for claim in report["claims"]:
        if claim["kind"] == "region":
            claim["value"] = "aws:eu-central-1"
    doc["partial"]["reports"] = [dict(report, runner="vpc-runner")]
    doc["collections"][0].update(shard=None, only=["name:paris-db"], runner="vpc-runner",
                                 assets=["bucket:paris-db"], collected_at="2026-11-20T06:00:00Z")
    doc["digest"] = content_digest(doc)
    second = tmp_path / "vpc.json"
    second.write_text(json.dumps(doc))
    merged = tmp_path / "facts.json"
    done = drcheck("merge", *files, str(second), "-o", str(merged), home=home)
    assert done.returncode == 0, done.stderr
    assert "more than 24 h apart: is a shard stale?" in done.stderr
    audit = drcheck("audit", "--facts", str(merged), "-p", "sbg2", "-f", "json", "--now", NOW,
                    home=home)
    result = json.loads(audit.stdout)
    consistent = [f for f in findings_of(result) if f["rule_type"] == "consistent-location"
                  and f["dataset"] == "data-db1"]
    assert consistent and consistent[0]["status"] == "fail", consistent
    assert "eu-central-1" in json.dumps(consistent[0])
