"""Tool records and shell rules on strings: backup.info, borg's manifest time, pgBackRest's
config order, restic flags, and command lines split the way a shell splits them."""

from __future__ import annotations

import pytest

from drcheck.probes.ssh.parsers import ConfigSyntaxError, borg, pgbackrest, proxmox
from drcheck.probes.ssh.parsers.commands import pgbackrest_options, targets_in
from drcheck.probes.ssh.parsers.shellwords import split_commands

INFO = """[backrest]
backrest-format=5

[backup:current]
20261121-030000F={"backup-error":false,"backup-timestamp-start":100,"backup-timestamp-stop":160,"backup-type":"full"}
20261121-030000F_20261122-030000I={"backup-error":false,"backup-timestamp-start":200,"backup-timestamp-stop":250,"backup-type":"incr"}
20261123-030000F={"backup-error":true,"backup-timestamp-start":300,"backup-timestamp-stop":350,"backup-type":"full"}
"""


def test_backup_info_newest_stop_skips_errored_backups() -> None:
    assert pgbackrest.newest_backup(INFO) == ("20261121-030000F_20261122-030000I", 200, 250)
    assert pgbackrest.newest_backup("[backrest]\nbackrest-format=5\n") is None
    with pytest.raises(ConfigSyntaxError):
        pgbackrest.newest_backup("")


def test_pgbackrest_config_order_follows_pgbackrest() -> None:
    assert pgbackrest.config_files(None, None) == ("/etc/pgbackrest/pgbackrest.conf",
                                                   "/etc/pgbackrest.conf")
    assert pgbackrest.config_files("/srv/pg.conf", "/x") == ("/srv/pg.conf",)
    assert pgbackrest.config_files(None, "/opt/pgbr") == ("/opt/pgbr/pgbackrest.conf",)
    assert pgbackrest.include_dir(None, None) == "/etc/pgbackrest/conf.d"
    line = "pgbackrest --config=/srv/pg.conf --stanza=main backup && pgbackrest --stanza=x check"
    assert pgbackrest_options(line) == [("/srv/pg.conf", None, None), (None, None, None)]


def test_borg_manifest_timestamp() -> None:
    assert borg.manifest_timestamp("2026-12-01T21:43:09.092144\n") == "2026-12-01T21:43:09Z"
    with pytest.raises(ConfigSyntaxError):
        borg.manifest_timestamp("yesterday")


@pytest.mark.parametrize(("line", "words"), [
    ('restic backup --tag "a; b" /srv/data; echo done',
     [["restic", "backup", "--tag", "a; b", "/srv/data"], ["echo", "done"]]),
    ("A=1 nice -n 10 borg create ::x /srv >/dev/null 2>&1 | logger",
     [["borg", "create", "::x", "/srv"], ["logger"]]),
    ("rsync -a /a/ 'h:/dest dir/' && true", [["rsync", "-a", "/a/", "h:/dest dir/"], ["true"]]),
    ('echo "unbalanced', []),
])
def test_shell_words(line: str, words: list[list[str]]) -> None:
    assert [c.words for c in split_commands(line)] == words


def test_sourced_env_file_names_the_repository() -> None:
    files = {"/etc/restic/db.env": "export RESTIC_REPOSITORY=/srv/repo\nRESTIC_PASSWORD=PLANTED\n"}
    (found,) = targets_in(". /etc/restic/db.env && restic backup /srv/data", "cron:1",
                          read=files.get)
    assert (found.kind, found.path, found.sources, found.action) == \
        ("local", "/srv/repo", ("/srv/data",), "backup")
    assert targets_in("restic backup /srv/data", "cron:1", read=files.get) == []


def test_wrapper_script_and_repository_file_are_followed_one_level() -> None:
    files = {"/usr/local/sbin/nightly": "#!/bin/sh\nset -e\n"
             "restic --repository-file /etc/restic/repo backup /srv/a\n",
             "/etc/restic/repo": "sftp:backup@vault:/srv/restic\n"}
    (found,) = targets_in("/usr/local/sbin/nightly", "cron:3", read=files.get)
    assert (found.kind, found.host, found.sources) == ("host", "vault", ("/srv/a",))
    assert found.origin == "/etc/restic/repo via /usr/local/sbin/nightly:3 via cron:3"


def test_restic_check_and_restore_are_not_backups() -> None:
    (check,) = targets_in("restic -r /srv/repo check --read-data", "unit")
    (restore,) = targets_in("restic -r /srv/repo restore latest --target /tmp/x", "unit")
    assert (check.action, check.sources) == ("check", ())
    assert restore.action == "restore"


def test_borgmatic_config_flags() -> None:
    from drcheck.probes.ssh.parsers.commands import borgmatic_configs
    line = "borgmatic -c /etc/a.yaml /etc/b.d --verbosity 1 && borgmatic --config=/x.yaml"
    assert borgmatic_configs(line) == ["/etc/a.yaml", "/etc/b.d", "/x.yaml"]


@pytest.mark.parametrize(("name", "archive"), [
    ("vzdump-qemu-100-2026_11_20-01_00_00.vma.zst", True),
    ("vzdump-lxc-101-2026_11_20-01_00_00.tar.gz", True),
    ("vzdump-qemu-100-2026_11_20-01_00_00.vma", True),
    ("vzdump-qemu-100-2026_11_20-01_00_00.log", False),
    ("vzdump-qemu-100-2026_11_20-01_00_00.vma.zst.notes", False),
    ("vzdump-qemu-100-2026_11_20-01_00_00.vma.zst.protected", False),
    ("vzdump-qemu-100-2026_11_20-01_00_00.vma.dat", False),
])
def test_only_vzdump_archives_date_a_backup(name: str, archive: bool) -> None:
    assert proxmox.is_dump_archive(name) is archive
