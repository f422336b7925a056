"""The SSH probe on a host whose repositories the real restic 0.14, borg 1.2 (via borgmatic
1.7), rclone 1.60 and pgBackRest 2.45 (on a real PostgreSQL 15 cluster) made.

Restore points must equal what the tools themselves report, stay put when monitoring runs
the tools' read-only commands, come only from files the tools would read, and be credited
only to the data each job saves.
"""

from __future__ import annotations

import json
import os
import time
from datetime import datetime, timezone
from pathlib import Path

import pytest
from typer.testing import CliRunner

from drcheck.cli import app
from drcheck.facts.snapshot import load_snapshot, snapshot_to_dict
from drcheck.probes.base import DiscoveredCopy, ProbeReport
from drcheck.probes.ssh import SshProbe
from drcheck.report.result_reader import findings_of
from drcheck.shared.model import FactKey
from tests.ssh.conftest import USER, SshLab
from tests.ssh.realhost import CHECK_TRIGGER, RESTORE_TRIGGER, VERIFY_TRIGGER, ToolHost

pytestmark = pytest.mark.integration


def probe(lab: SshLab, host: ToolHost, user: str = "root") -> ProbeReport:
    """One probe of the tool host (no root prefix: configs sit at their real paths)."""
    spec = lab.spec("tools", address=host.address, port=host.port, user=user, root=None)
    (report,) = SshProbe(lab.options(host_deadline=60.0)).collect([spec])
    return report


def copies(report: ProbeReport) -> dict[str, DiscoveredCopy]:
    """Discovered copies by name."""
    return {c.name: c for c in report.discovered}


def value(copy: DiscoveredCopy, key: FactKey) -> object:
    """A fact's value on a copy (None when absent)."""
    found = copy.facts.get(key.value)
    return found.value if found else None


def epoch(text: str) -> float:
    """Seconds since the epoch of an ISO time (``Z`` or no zone: UTC)."""
    clean = text.rstrip("Z")[:26]
    return datetime.fromisoformat(clean).replace(tzinfo=timezone.utc).timestamp()


@pytest.fixture(scope="module")
def first(ssh_lab: SshLab, tool_host: ToolHost) -> ProbeReport:
    """The probe right after the backups."""
    return probe(ssh_lab, tool_host)


def test_restore_points_equal_the_tools_own_times(first: ProbeReport,
                                                  tool_host: ToolHost) -> None:
    found = copies(first)
    restic = found["restic:/srv/restic-repo"]
    newest = str(value(restic, FactKey.NEWEST_RESTORE_POINT))
    assert abs(epoch(newest) - epoch(tool_host.restic_times()[-1])) <= 2
    assert value(restic, FactKey.RESTORE_POINT_BASIS) == "proxy"  # see the restic tag test
    assert "snapshots/" in restic.facts[FactKey.NEWEST_RESTORE_POINT.value].origin
    pg = found["pgbackrest:repo1"]
    stop = datetime.fromtimestamp(tool_host.pgbackrest_stops()[-1], timezone.utc)
    assert value(pg, FactKey.NEWEST_RESTORE_POINT) == stop.strftime("%Y-%m-%dT%H:%M:%SZ")
    assert value(pg, FactKey.RESTORE_POINT_BASIS) == "record"
    borg = found["borgmatic:/srv/borg-repo"]
    assert abs(epoch(str(value(borg, FactKey.NEWEST_RESTORE_POINT)))
               - epoch(tool_host.borg_times()[-1])) <= 2
    assert value(borg, FactKey.RESTORE_POINT_BASIS) == "proxy"  # the archive list changed


def _newest_mtime(top: Path) -> float:
    newest = top.stat().st_mtime
    for dirpath, dirnames, filenames in os.walk(top):
        for name in dirnames + filenames:
            newest = max(newest, os.lstat(os.path.join(dirpath, name)).st_mtime)
    return newest


def test_read_only_tool_runs_do_not_move_restore_points(ssh_lab: SshLab, tool_host: ToolHost,
                                                        first: ProbeReport) -> None:
    upper = tool_host.base / "upper" / "srv"
    before = {n: _newest_mtime(upper / n) for n in ("restic-repo", "borg-repo")}
    time.sleep(1.1)
    borg_env = {"BORG_PASSPHRASE": "PLANTED-borg-passphrase-real"}
    for _ in range(3):
        tool_host.run("sh", "-c", ". /etc/restic/data.env && restic snapshots -q && "
                      "restic check -q")
        tool_host.run("borg", "list", "/srv/borg-repo", env=borg_env)
        tool_host.run("borg", "check", "/srv/borg-repo", env=borg_env)
        tool_host.run("borgmatic", "--config", "/etc/borgmatic/config.yaml", "list")
        tool_host.run("runuser", "-u", "postgres", "--", "pgbackrest", "--stanza=main", "info")
    time.sleep(2)
    after = {n: _newest_mtime(upper / n) for n in ("restic-repo", "borg-repo")}
    assert all(after[n] > before[n] for n in before)  # the old mtime heuristic would move
    again = copies(probe(ssh_lab, tool_host))
    for name, copy in copies(first).items():
        assert value(again[name], FactKey.NEWEST_RESTORE_POINT) == \
            value(copy, FactKey.NEWEST_RESTORE_POINT), name


def test_files_the_tools_ignore_make_no_copy(first: ProbeReport) -> None:
    found = copies(first)
    assert not any(c.local_path == "/var/lib/pgbackrest" for c in found.values())
    assert not any("restic-old" in c.name for c in found.values())
    details = first.details["pgbackrest"]
    assert details["read"] == ["/etc/pgbackrest/pgbackrest.conf"]  # type: ignore[index]
    assert details["ignored_as_pgbackrest_does"] == ["/etc/pgbackrest.conf"]  # type: ignore[index]
    envs = {e["origin"]: e["sourced_by_a_job"] for e in first.details["restic_env_files"]}  # type: ignore[union-attr]
    assert envs == {"/etc/restic/data.env": True, "/etc/restic/old.env": False}
    assert not any(c.bucket and c.bucket.region == "us-east-1" for c in found.values())


def test_each_copy_names_the_data_it_saves(first: ProbeReport) -> None:
    sources = {n: c.source_path for n, c in copies(first).items()}
    assert sources == {
        "restic:/srv/restic-repo": "/srv/data",  # the quoted "nightly; data" tag stays whole
        "borgmatic:/srv/borg-repo": "/srv/www",
        "pgbackrest:repo1": "/var/lib/postgresql/15/main",
        "rclone:offsite:tools-www": "/srv/www",
        "rsync:u123456@u123456.your-storagebox.de:www/": "/srv/www/",
    }
    assert not [c for c in first.discovered if c.unattributed]


def test_integrity_check_and_restore_test_are_separate_facts(first: ProbeReport) -> None:
    restic = copies(first)["restic:/srv/restic-repo"]
    verified = restic.facts[FactKey.LAST_VERIFIED.value]
    tested = restic.facts[FactKey.LAST_RESTORE_TEST.value]
    stamp = "%Y-%m-%dT%H:%M:%SZ"
    assert verified.value == datetime.fromtimestamp(CHECK_TRIGGER, timezone.utc).strftime(stamp)
    assert tested.value == datetime.fromtimestamp(RESTORE_TRIGGER, timezone.utc).strftime(stamp)
    assert "restic check" in verified.origin and "restic restore" in tested.origin
    pg = copies(first)["pgbackrest:repo1"]
    assert pg.facts[FactKey.LAST_VERIFIED.value].value == \
        datetime.fromtimestamp(VERIFY_TRIGGER, timezone.utc).strftime(stamp)
    assert "pgbackrest verify" in pg.facts[FactKey.LAST_VERIFIED.value].origin
    assert FactKey.LAST_RESTORE_TEST.value not in pg.facts  # a verify is not a restore test


def test_rclone_remote_written_by_rclone_is_scaleway_fr_par(first: ProbeReport) -> None:
    bucket = copies(first)["rclone:offsite:tools-www"].bucket
    assert bucket is not None
    assert (bucket.name, bucket.provider, bucket.region, bucket.endpoint) == \
        ("tools-www", "scaleway", "fr-par", "https://s3.fr-par.scw.cloud")


def test_unprivileged_user_sees_permission_denied_per_file(ssh_lab: SshLab,
                                                           tool_host: ToolHost) -> None:
    report = probe(ssh_lab, tool_host, user=USER)
    denied = {i.reason for i in report.issues if i.code == "permission-denied"}
    assert "cannot list /var/spool/cron/crontabs" in denied  # Debian: 1730 root:crontab
    assert "cannot read /etc/borgmatic/config.yaml" in denied
    assert "borgmatic:/srv/borg-repo" not in copies(report)


def test_end_to_end_credits_and_secrets(ssh_lab: SshLab, tool_host: ToolHost,
                                        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("HOME", str(tmp_path))
    estate = tmp_path / "estate.yaml"
    estate.write_text(
        "apiVersion: drcheck/v1\nkind: Estate\nmetadata: {name: tools}\nhosts:\n"
        f"  - name: tools\n    address: {tool_host.address}\n    port: {tool_host.port}\n"
        f"    user: root\n    key_file: {ssh_lab.client_key}\n"
        "    location: {provider: hetzner, datacenter: fsn1-dc14}\n"
        "datasets:\n"
        "  - name: data\n    primary: {host: tools, path: /srv/data}\n"
        "  - name: www\n    primary: {host: tools, path: /srv/www}\n"
        "  - name: pg\n    primary: {host: tools, path: /var/lib/postgresql/15/main}\n")
    facts = tmp_path / "facts.json"
    runner = CliRunner()
    probed = runner.invoke(app, ["probe", str(estate), "--known-hosts",
                                 str(ssh_lab.known_hosts), "-o", str(facts)])
    assert probed.exit_code == 0, probed.output
    text = facts.read_text()
    assert "PLANTED" not in text and "PLANTED" not in probed.output
    snapshot = snapshot_to_dict(load_snapshot(str(facts)))  # every replica written whole
    credited = {d["name"]: sorted(c["name"] for c in d["copies"]) for d in snapshot["datasets"]}
    assert credited == {
        "data": ["restic:/srv/restic-repo"],
        "www": ["borgmatic:/srv/borg-repo", "rclone:offsite:tools-www",
                "rsync:u123456@u123456.your-storagebox.de:www/"],
        "pg": ["pgbackrest:repo1"],
    }
    www = next(d for d in snapshot["datasets"] if d["name"] == "www")
    box = next(c for c in www["copies"] if c["name"].startswith("rsync:"))
    claims = {(c["kind"], c["value"]) for c in box["location"]["claims"]}
    assert ("provider", "hetzner") in claims
    scw = next(c for c in www["copies"] if c["name"].startswith("rclone:"))
    assert ("region", "scaleway:fr-par") in {(c["kind"], c["value"])
                                              for c in scw["location"]["claims"]}
    policy = tmp_path / "rpo.yaml"
    policy.write_text("apiVersion: drcheck/v1\nkind: Policy\nmetadata: {name: rpo}\nrules:\n"
                      "  - id: RPO-1\n    type: max-age\n    title: fresh\n    severity: high\n"
                      "    params: {max_age: 1d}\n")
    now = datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
    audited = runner.invoke(app, ["audit", "--facts", str(facts), "-p", str(policy),
                                  "-f", "json", "--now", now])
    assert "PLANTED" not in audited.output
    ages = {f["dataset"]: f for f in findings_of(json.loads(audited.stdout))}
    assert ages["data"]["status"] == "unknown"  # restic's object times are a proxy
    assert ages["pg"]["status"] == "pass"  # backup.info
    assert ages["www"]["status"] == "unknown"  # borg's time is a proxy; rclone/rsync: none
    assert all(any("only a proxy" in u for u in ages[n]["unknowns"]) for n in ("data", "www"))


def test_restic_tag_moves_the_object_time_but_not_the_snapshot(ssh_lab: SshLab,
                                                                tool_host: ToolHost) -> None:
    """Why restic's object times are only a proxy: ``restic tag`` writes a new snapshot object
    now, while the snapshot inside keeps its old time. Runs last: it changes the repository."""
    before = tool_host.restic_times()[-1]
    time.sleep(2.1)
    tool_host.run("sh", "-c", ". /etc/restic/data.env && restic tag -q --add audited latest")
    assert tool_host.restic_times()[-1] == before  # restic's own view: no newer backup
    restic = copies(probe(ssh_lab, tool_host))["restic:/srv/restic-repo"]
    seen = str(value(restic, FactKey.NEWEST_RESTORE_POINT))
    assert epoch(seen) - epoch(before) >= 2  # the object time ran ahead of the backup
    assert value(restic, FactKey.RESTORE_POINT_BASIS) == "proxy"
