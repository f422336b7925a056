"""The SSH probe against real OpenSSH servers: discovery, locations, freshness, secrets."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict

import pytest

from drcheck.probes.base import ProbeReport
from drcheck.probes.ssh import SshProbe
from drcheck.shared.model import DomainKind, FactKey, Source
from tests.ssh.conftest import SshLab

pytestmark = pytest.mark.integration

PLANTED = "PLANTED"


@pytest.fixture(scope="module")
def fleet(ssh_lab: SshLab) -> dict[str, ProbeReport]:
    """One probe run over every simulated host, keyed by host name."""
    reports = SshProbe(ssh_lab.options()).collect([ssh_lab.spec(n) for n in ssh_lab.hosts])
    return {r.subject.split(":", 1)[1]: r for r in reports}


def by_tool(report: ProbeReport) -> dict[str, object]:
    """Discovered copies keyed by name."""
    return {c.name: c for c in report.discovered}


def fact(report: ProbeReport, name: str, key: FactKey) -> object:
    """A fact value on one discovered copy."""
    copy = next(c for c in report.discovered if c.name == name)
    evidence = copy.facts.get(key.value)
    return evidence.value if evidence else None


def test_one_report_per_host_in_order(ssh_lab: SshLab, fleet: dict[str, ProbeReport]) -> None:
    assert list(fleet) == list(ssh_lab.hosts)
    assert all(r.probe == "ssh" for r in fleet.values())


def test_restic_repository_on_ovh_sbg_from_unit_env_file(fleet: dict[str, ProbeReport]) -> None:
    copy = next(c for c in fleet["db1"].discovered if c.tool == "restic")
    assert copy.bucket is not None
    assert copy.bucket.name == "acme-backups"
    assert copy.bucket.endpoint == "https://s3.sbg.io.cloud.ovh.net"
    assert copy.bucket.region == "sbg"
    assert copy.prefix == "db1"
    assert copy.source_path == "/var/lib/postgresql"
    assert copy.origin == "/etc/systemd/system/restic-backup.service"
    assert copy.facts[FactKey.ENCRYPTED.value].value is True


def test_timer_last_trigger_is_restic_freshness(fleet: dict[str, ProbeReport]) -> None:
    copy = next(c for c in fleet["db1"].discovered if c.tool == "restic")
    newest = copy.facts[FactKey.NEWEST_RESTORE_POINT.value]
    assert newest.value == "2026-11-22T02:31:07Z"
    assert newest.source is Source.PROBED
    assert "restic-backup.timer" in newest.origin and newest.origin.startswith("proxy: ")
    assert fact(fleet["db1"], copy.name, FactKey.RESTORE_POINT_BASIS) == "proxy"
    timers = fleet["db1"].details["timers"]
    assert isinstance(timers, list)
    assert timers[0]["last_trigger"] == "2026-11-22T02:31:07Z"
    assert timers[0]["on_calendar"] == ["*-*-* 02:30:00"]


def test_pgbackrest_repos_s3_and_local_with_freshness(fleet: dict[str, ProbeReport]) -> None:
    copies = by_tool(fleet["db1"])
    repo1, repo2 = copies["pgbackrest:repo1"], copies["pgbackrest:repo2"]
    assert repo1.bucket is not None and repo1.bucket.name == "acme-pgbackrest"  # type: ignore[attr-defined]
    assert repo1.bucket.endpoint == "https://s3.gra.io.cloud.ovh.net"  # type: ignore[attr-defined]
    assert repo1.bucket.region == "gra"  # type: ignore[attr-defined]
    assert repo1.prefix == "pgbackrest/db1"  # type: ignore[attr-defined]
    assert fact(fleet["db1"], "pgbackrest:repo1", FactKey.ENCRYPTED) is True
    assert repo2.local_path == "/var/lib/pgbackrest"  # type: ignore[attr-defined]
    # from backup.info's newest backup-timestamp-stop, not from any file's mtime
    assert fact(fleet["db1"], "pgbackrest:repo2", FactKey.NEWEST_RESTORE_POINT) == \
        "2026-11-22T03:05:00Z"
    assert fact(fleet["db1"], "pgbackrest:repo2", FactKey.RESTORE_POINT_BASIS) == "record"


def test_rsync_in_crontab_resolves_to_estate_host(fleet: dict[str, ProbeReport]) -> None:
    copy = next(c for c in fleet["db1"].discovered if c.tool == "rsync")
    assert copy.host == "vault"  # 127.0.0.3 is the estate's "vault"
    assert copy.prefix == "/srv/backups/db1/www/"
    assert copy.source_path == "/srv/www/"


def test_rclone_crypt_remote_resolves_to_ovh_gra_bucket(fleet: dict[str, ProbeReport]) -> None:
    copy = next(c for c in fleet["db1"].discovered if c.tool == "rclone")
    assert copy.bucket is not None
    assert (copy.bucket.name, copy.bucket.provider, copy.bucket.region) == \
        ("acme-crypt", "ovh", "gra")
    assert copy.prefix == "db1/docs"
    assert copy.facts[FactKey.ENCRYPTED.value].value is True
    remotes = fleet["db1"].details["rclone_remotes"]
    assert {"name": "ovh-gra", "type": "s3", "provider": "OVHcloud",
            "endpoint": "s3.gra.io.cloud.ovh.net", "region": "gra"} in remotes  # type: ignore[operator]


def test_borgmatic_repositories_nfs_is_remote_with_freshness(
        fleet: dict[str, ProbeReport]) -> None:
    copies = by_tool(fleet["pve1"])
    # two source directories → one copy per source, so nothing else counts as backed up
    assert {n for n in copies if n.startswith("borgmatic:")} == {
        "borgmatic:storagebox [/etc/pve]", "borgmatic:storagebox [/var/lib/vz/dump]",
        "borgmatic:nfs [/etc/pve]", "borgmatic:nfs [/var/lib/vz/dump]"}
    box, nfs = copies["borgmatic:storagebox [/etc/pve]"], copies["borgmatic:nfs [/etc/pve]"]
    assert box.host == "u123456.your-storagebox.de"  # type: ignore[attr-defined]
    assert box.source_path == "/etc/pve"  # type: ignore[attr-defined]
    assert nfs.host == "10.0.0.9"  # type: ignore[attr-defined]  # on an NFS mount: not local
    name = "borgmatic:nfs [/var/lib/vz/dump]"
    # no borg record on this host (no security dir): segment mtimes are not a restore point
    assert fact(fleet["pve1"], name, FactKey.NEWEST_RESTORE_POINT) is None
    assert fact(fleet["pve1"], name, FactKey.RETENTION_DAYS) == 180


def test_proxmox_local_dump_dir_and_pbs(fleet: dict[str, ProbeReport]) -> None:
    copies = by_tool(fleet["pve1"])
    local, pbs = copies["vzdump:local"], copies["vzdump:pbs-offsite"]
    assert local.local_path == "/var/lib/vz/dump"  # type: ignore[attr-defined]
    assert fact(fleet["pve1"], "vzdump:local", FactKey.NEWEST_RESTORE_POINT) == \
        "2026-11-20T01:07:42Z"
    assert pbs.host == "10.20.30.40"  # type: ignore[attr-defined]
    assert fleet["pve1"].details["proxmox"]["default_storage"] == "pbs-offsite"  # type: ignore[index]


def test_location_file_claims(fleet: dict[str, ProbeReport]) -> None:
    labels = {(c.kind, c.value, c.source) for c in fleet["db1"].claims}
    assert (DomainKind.PROVIDER, "ovh", Source.PROBED) in labels
    assert (DomainKind.BUILDING, "ovh-sbg2", Source.PROBED) in labels  # the catalog's id
    assert (DomainKind.CAMPUS, "ovh-sbg", Source.CATALOG) in labels
    assert all("/etc/drcheck/location.yaml" in c.origin for c in fleet["db1"].claims)


def test_cloud_init_claims_region(fleet: dict[str, ProbeReport]) -> None:
    labels = {(c.kind, c.value) for c in fleet["pve1"].claims}
    assert {(DomainKind.PROVIDER, "aws"), (DomainKind.REGION, "aws:eu-west-3")} <= labels
    cloud = fleet["pve1"].details["location"]["cloud_init"]  # type: ignore[index]
    assert cloud["availability_zone"] == "eu-west-3a"


def test_estate_hostname_pattern_gives_datacenter(fleet: dict[str, ProbeReport]) -> None:
    labels = {(c.kind, c.value) for c in fleet["vault"].claims}
    assert (DomainKind.BUILDING, "ovh-gra3") in labels
    assert (DomainKind.CAMPUS, "ovh-gra") in labels
    assert all("pattern matched gra3-vault" in c.origin for c in fleet["vault"].claims)


def test_identity_and_mount_details(fleet: dict[str, ProbeReport]) -> None:
    ident = fleet["db1"].details["identity"]
    assert ident["hostname"] == "db1"  # type: ignore[index]
    assert ident["machine_id"] == "4f1c0a3e9b7d4c2a8e6f5d4c3b2a1908"  # type: ignore[index]
    assert ident["os"]["id"] == "debian"  # type: ignore[index]
    assert fleet["pve1"].details["identity"]["dmi"]["vendor"] == "QEMU"  # type: ignore[index]
    assert fleet["pve1"].details["identity"]["machine_id"] is None  # type: ignore[index]
    mounts = fleet["db1"].details["mounts"]["entries"]  # type: ignore[index]
    remote = [m for m in mounts if m["remote"]]
    assert [(m["mountpoint"], m["server"]) for m in remote] == [("/mnt/nfs-backup", "10.0.0.9")]


def test_crontab_entries_are_recorded_redacted(fleet: dict[str, ProbeReport]) -> None:
    entries = fleet["db1"].details["crontabs"]
    commands = [e["command"] for e in entries]  # type: ignore[union-attr]
    assert any("rclone sync /srv/docs secret:docs" in c for c in commands)
    assert any("--s3-secret-access-key=***" in c for c in commands)


def test_planted_secrets_appear_nowhere(ssh_lab: SshLab, caplog: pytest.LogCaptureFixture,
                                        capsys: pytest.CaptureFixture[str]) -> None:
    caplog.set_level(logging.DEBUG)
    reports = SshProbe(ssh_lab.options()).collect([ssh_lab.spec(n) for n in ssh_lab.hosts])
    rendered = json.dumps([asdict(r) for r in reports], default=str)
    captured = capsys.readouterr()
    for text in (repr(reports), rendered, caplog.text, captured.out, captured.err):
        assert PLANTED not in text
    # the planted values were really there to be found
    assert "PLANTED" in (ssh_lab.hosts["db1"].root / "etc/restic/backup.env").read_text()


def test_broken_host_reports_each_failure_and_keeps_going(fleet: dict[str, ProbeReport]) -> None:
    report = fleet["broken"]
    codes = [i.code for i in report.issues]
    assert "command-timeout" in codes  # systemctl blocks on a FIFO
    hung = next(i for i in report.issues if i.code == "command-timeout")
    assert "systemctl list-timers" in hung.reason  # the hanging part is named
    assert "read-timeout" in codes  # /etc/pgbackrest.conf is a FIFO
    stuck = next(i for i in report.issues if i.code == "read-timeout")
    assert "/etc/pgbackrest.conf" in stuck.reason  # the batch names the path it hung on
    assert codes.count("garbage-output") == 2  # hostname -I junk, borgmatic YAML junk
    assert "permission-denied" in codes  # /etc/restic/private.env is root-only
    assert "unreadable" in codes  # /etc/crontab is a directory
    assert report.details["identity"]["hostname"] == "broken"  # type: ignore[index]
    assert "crontabs" in report.details  # steps after the hang still ran
    assert float(report.details["probe"]["elapsed_s"]) < 10  # type: ignore[index]
    assert not any(i.security for i in report.issues)


def test_operations_are_declared_and_commands_fixed() -> None:
    ops = SshProbe.operations
    (command,) = [o for o in ops if o.startswith("exec: ")]
    assert "systemctl list-timers --all --no-pager --output=json" in command
    assert "sftp read: /etc/drcheck/location.yaml" in ops
    assert all(o.startswith(("exec: ", "sftp ")) for o in ops)


def test_failed_backup_service_is_an_issue_not_a_restore_point(
        fleet: dict[str, ProbeReport]) -> None:
    report = fleet["pve1"]
    copy = next(c for c in report.discovered if c.tool == "restic")
    assert copy.host == "10.9.9.9" and copy.prefix == "/srv/restic/pve1"
    assert copy.source_path == "/etc/pve"
    assert FactKey.NEWEST_RESTORE_POINT.value not in copy.facts
    failed = [i for i in report.issues if i.code == "backup-job-failed"]
    assert len(failed) == 1 and "restic-etc.service" in failed[0].reason
    timers = {t["unit"]: t for t in report.details["timers"]}  # type: ignore[union-attr]
    assert timers["restic-etc.timer"]["service_state"] == "failed"
    assert timers["pve-daily-update.timer"]["last_trigger"] == "2026-11-26T00:00:00Z"
