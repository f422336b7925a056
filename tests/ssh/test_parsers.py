"""Parsers on plain strings: repository forms, remotes, crontabs, units, redaction."""

from __future__ import annotations

import pytest

from drcheck.probes.ssh.copies import merge_targets, to_copies
from drcheck.probes.ssh.parsers import (
    ConfigSyntaxError,
    borg,
    identity,
    pgbackrest,
    proxmox,
    rclone,
    systemd,
)
from drcheck.probes.ssh.parsers.commands import targets_in
from drcheck.probes.ssh.parsers.cron import parse_crontab
from drcheck.probes.ssh.parsers.envfile import parse_env
from drcheck.probes.ssh.parsers.mounts import mount_for, parse_mounts
from drcheck.probes.ssh.parsers.targets import borg_repository, restic_repository
from drcheck.probes.ssh.secrets import redact_command, redact_url, redact_value


@pytest.mark.parametrize(("spec", "kind", "where"), [
    ("s3:https://s3.sbg.io.cloud.ovh.net/bk/db1", "s3",
     ("bk", "https://s3.sbg.io.cloud.ovh.net", "db1")),
    ("s3:s3.eu-west-3.amazonaws.com/bk", "s3", ("bk", "https://s3.eu-west-3.amazonaws.com", None)),
    ("s3:http://127.0.0.1:9000/bk/x/y", "s3", ("bk", "http://127.0.0.1:9000", "x/y")),
    ("b2:my-bucket:host1", "s3", ("my-bucket", None, "host1")),
])
def test_restic_bucket_forms(spec: str, kind: str, where: tuple[object, ...]) -> None:
    found = restic_repository(spec, "env")
    assert found is not None and found.kind == kind
    assert (found.bucket, found.endpoint, found.prefix) == where


@pytest.mark.parametrize(("spec", "host", "path"), [
    ("sftp:backup@vault:/srv/restic", "vault", "/srv/restic"),
    ("sftp://backup@vault:2222//srv/restic", "vault", "/srv/restic"),
    ("rest:https://user:PLANTED-pw@rest.example.net:8000/db1", "rest.example.net", "/db1"),
])
def test_restic_host_forms(spec: str, host: str, path: str) -> None:
    found = restic_repository(spec, "env")
    assert found is not None and (found.kind, found.host, found.path) == ("host", host, path)
    assert "PLANTED" not in found.url


def test_restic_local_and_rclone_forms() -> None:
    local = restic_repository("/srv/restic-repo", "env")
    assert local is not None and (local.kind, local.path) == ("local", "/srv/restic-repo")
    remote = restic_repository("rclone:ovh-gra:bucket/path", "env")
    assert remote is not None and (remote.kind, remote.remote, remote.path) == \
        ("remote", "ovh-gra", "bucket/path")


@pytest.mark.parametrize(("spec", "kind", "host"), [
    ("ssh://u1@box.example.net:23/./repo", "host", "box.example.net"),
    ("u1@box.example.net:repo", "host", "box.example.net"),
    ("/mnt/backup/borg", "local", None),
])
def test_borg_forms(spec: str, kind: str, host: str | None) -> None:
    found = borg_repository(spec, "cfg")
    assert found is not None and (found.kind, found.host) == (kind, host)


def test_borgmatic_old_style_sections() -> None:
    text = ("location:\n  source_directories: [/srv]\n  repositories: ['u@h:repo']\n"
            "storage:\n  encryption_passcommand: cat /root/PLANTED\nretention:\n  keep_daily: 3\n")
    (found,) = borg.borgmatic_targets(text, "cfg")
    assert (found.host, found.sources, found.encrypted) == ("h", ("/srv",), True)
    assert borg.retention_days(text) == 3


def test_borgmatic_garbage_raises_config_error() -> None:
    with pytest.raises(ConfigSyntaxError):
        borg.borgmatic_targets("- just\n- a list\n", "cfg")


def test_rclone_conf_drops_secrets_and_resolves_crypt_chain() -> None:
    conf = ("[s]\ntype = s3\nprovider = Scaleway\nendpoint = s3.fr-par.scw.cloud\n"
            "secret_access_key = PLANTED\n[c]\ntype = crypt\nremote = s:bk/enc\n"
            "password = PLANTED\n")
    remotes = rclone.parse_conf(conf, "rclone.conf")
    assert "PLANTED" not in repr(remotes)
    (target,) = targets_in("rclone copy /data c:daily", "cron")
    resolved = rclone.resolve(target, remotes)
    assert (resolved.kind, resolved.bucket, resolved.prefix, resolved.encrypted) == \
        ("s3", "bk", "enc/daily", True)
    assert rclone.provider_id("Scaleway") == "scaleway"


def test_pgbackrest_repo_host_and_posix() -> None:
    text = ("[global]\nrepo1-host=backup.example.net\nrepo1-path=/pgbr\nrepo2-type=posix\n"
            "repo2-path=/var/lib/pgbackrest\n[main]\npg1-path=/var/lib/postgresql/15/main\n")
    one, two = pgbackrest.targets(text, "pgbackrest.conf")
    assert (one.kind, one.host, one.path) == ("host", "backup.example.net", "/pgbr")
    assert (two.kind, two.path, two.encrypted) == ("local", "/var/lib/pgbackrest", False)
    assert one.sources == ("/var/lib/postgresql/15/main",)


def test_crontab_user_and_system_forms() -> None:
    system = parse_crontab("@daily backup scp /srv/a.tar vault:/b/\n", "/etc/cron.d/x", True)
    assert system[0].user == "backup"
    assert (system[0].targets[0].host, system[0].targets[0].sources) == ("vault", ("/srv/a.tar",))
    user = parse_crontab("0 1 * * * borg create ssh://h/./r::{now} /etc\n", "spool/root", False,
                         owner="root")
    assert user[0].user == "root"
    assert (user[0].targets[0].host, user[0].targets[0].sources) == ("h", ("/etc",))


def test_cron_env_lines_and_inline_assignments_are_redacted() -> None:
    text = ("RESTIC_PASSWORD=PLANTED-1\nRESTIC_REPOSITORY=/srv/repo\n"
            "5 1 * * * AWS_SECRET_ACCESS_KEY=PLANTED-2 restic backup /etc\n")
    (entry,) = parse_crontab(text, "crontab", False)
    assert "PLANTED" not in repr(entry)
    assert entry.targets[0].path == "/srv/repo"


def test_systemd_unit_and_list_timers() -> None:
    unit = systemd.parse_unit("b.service", "[Service]\nEnvironment=\"RESTIC_PASSWORD=PLANTED\" "
                              "X=1\nExecStart=-/usr/bin/restic \\\n  backup /srv\n", "u")
    assert unit.environment == {"RESTIC_PASSWORD": "***", "X": "1"}
    assert unit.raw_exec == ("/usr/bin/restic    backup /srv",)
    last = systemd.parse_list_timers('[{"unit":"b.timer","last":1795314667000000},'
                                     '{"unit":"n.timer","last":null}]')
    assert last == {"b.timer": "2026-11-22T02:31:07Z"}
    with pytest.raises(ValueError):
        systemd.parse_list_timers("NEXT LEFT LAST PASSED UNIT ACTIVATES")


def test_proxmox_storages() -> None:
    text = ("nfs: nas\n\tserver 10.1.1.1\n\texport /e\n\tpath /mnt/pve/nas\n\tcontent backup\n"
            "cifs: smb\n\tserver fs1\n\tshare b\n\tpassword PLANTED\n\tcontent images\n")
    nas, smb = proxmox.parse_storage_cfg(text, "storage.cfg")
    target = proxmox.storage_target(nas)
    assert target is not None
    assert (target.tool, target.kind, target.host, target.path) == ("vzdump", "host", "10.1.1.1",
                                                                   "/e")
    assert proxmox.storage_target(smb) is None  # no backup content
    assert "PLANTED" not in repr(smb)


def test_mounts_remote_filesystems() -> None:
    mounts = parse_mounts("//fs1/backup /mnt/smb cifs rw 0 0\nu@h:/x /mnt/s fuse.sshfs rw 0 0\n"
                          "/dev/sda1 / ext4 rw 0 0\n")
    assert [(m.remote, m.server) for m in mounts] == [(True, "fs1"), (True, "h"), (False, None)]
    found = mount_for("/mnt/smb/daily", mounts)
    assert found is not None and found.mountpoint == "/mnt/smb"


def test_identity_files() -> None:
    assert identity.machine_id("0123456789abcdef0123456789abcdef\n") == (
        "0123456789abcdef0123456789abcdef")
    assert identity.location_file('{"provider": "ovh", "datacenter": "GRA3"}') == \
        {"provider": "ovh", "datacenter": "GRA3"}
    assert identity.location_file("provider: hetzner\nbuilding: fsn1-dc14\n")["building"] == \
        "fsn1-dc14"
    with pytest.raises(ConfigSyntaxError):
        identity.cloud_instance_data("{not json")


def test_redaction_helpers() -> None:
    assert redact_url("https://u:PLANTED@h/x") == "https://u:***@h/x"
    line = redact_command("mysqldump --password=PLANTED -pPLANTED db | "
                          "borg create --passphrase 'PLANTED' ::x /srv")
    assert "PLANTED" not in line
    assert "-p***" in line and "/srv" in line
    for line in ("curl -u backup:PLANTED https://h/x", "lftp -u me,PLANTED sftp://h",
                 "smbclient //fs/b -U svc%PLANTED -c ls", "sshpass -p PLANTED rsync -a /a h:/b",
                 "curl --user=me:PLANTED https://h"):
        assert "PLANTED" not in redact_command(line), line
    assert redact_command("rsync -u /a h:/b") == "rsync -u /a h:/b"
    assert parse_env("export B2_ACCOUNT_KEY=PLANTED\nHOME=/root\n") == \
        {"B2_ACCOUNT_KEY": "***", "HOME": "/root"}


def test_duplicates_merge_and_local_names() -> None:
    a = restic_repository("s3:s3.sbg.io.cloud.ovh.net/b/p", "env")
    b = restic_repository("s3:s3.sbg.io.cloud.ovh.net/b/p", "unit")
    assert a is not None and b is not None
    (merged,) = merge_targets([a, b.with_(schedule="daily", sources=("/srv",))])
    assert (merged.origin, merged.schedule, merged.sources) == ("env", "daily", ("/srv",))
    (local,) = to_copies(borg_repository("localhost:/srv/borg", "c"), {}, frozenset(), "t")  # type: ignore[arg-type]
    assert local.local_path == "/srv/borg" and local.source_path is None


def test_several_sources_give_one_copy_each() -> None:
    (entry,) = parse_crontab("0 2 * * * restic -r /srv/r backup /etc /home\n", "c", False)
    copies = to_copies(entry.targets[0], {}, frozenset(), "t")
    assert [(c.name, c.source_path) for c in copies] == [
        ("restic:/srv/r [/etc]", "/etc"), ("restic:/srv/r [/home]", "/home")]


def test_facts_command_sections() -> None:
    from drcheck.probes.ssh.operations import MARK
    from drcheck.probes.ssh.parsers.sections import parse_sections

    text = (f"{MARK} addresses\n10.0.0.1\n{MARK} rc 0\n{MARK} timers\n[]\n{MARK} rc 1\n"
            f"{MARK} crontab\npartial")
    found = parse_sections(text)
    assert (found["addresses"].body, found["addresses"].status) == ("10.0.0.1", 0)
    assert found["timers"].status == 1
    assert (found["crontab"].body, found["crontab"].status) == ("partial", None)


@pytest.mark.parametrize("key", ["RESTIC_REPOSITORY", "region", "endpoint", "bucket",
                                 "repo1-path", "repo1-s3-bucket", "keep_daily", "key_file",
                                 "AWS_DEFAULT_REGION", "type", "provider", "fingerprint"])
def test_ordinary_keys_are_kept(key: str) -> None:
    assert redact_value(key, "value") == "value"


@pytest.mark.parametrize("key", ["RESTIC_PASSWORD", "AWS_SECRET_ACCESS_KEY", "AWS_ACCESS_KEY_ID",
                                 "secret_access_key", "repo1-s3-key", "repo1-s3-key-secret",
                                 "repo1-cipher-pass", "encryption_passphrase", "password2",
                                 "B2_ACCOUNT_KEY", "AZURE_ACCOUNT_KEY", "session_token",
                                 "GOOGLE_APPLICATION_CREDENTIALS", "encryption-key", "token"])
def test_secret_keys_are_redacted(key: str) -> None:
    assert redact_value(key, "PLANTED") == "***"
