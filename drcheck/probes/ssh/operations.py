"""The fixed, reviewable list of everything the SSH probe reads or runs on a host.

Files are read over SFTP (``*`` means: every entry of that directory is listed and read).
Commands are fixed strings: ``HostSession.run`` refuses anything not in ``COMMANDS``, and no
command ever contains a string from the estate or from the host. Paths that vary (an
``EnvironmentFile=`` a unit names, a local repository to stat) are read or stat-ed over
SFTP, never passed to a shell. With a host ``root``, every path is read under that prefix.
"""

from __future__ import annotations

HOSTNAME = "/etc/hostname"
MACHINE_ID = "/etc/machine-id"
OS_RELEASE = "/etc/os-release"
DMI_VENDOR = "/sys/class/dmi/id/sys_vendor"
DMI_PRODUCT = "/sys/class/dmi/id/product_name"
MOUNTS = "/proc/mounts"
FSTAB = "/etc/fstab"
LOCATION_FILES = ("/etc/drcheck/location.yaml", "/etc/drcheck/location.json")
CLOUD_INIT = "/run/cloud-init/instance-data.json"
SYSTEM_CRONTAB = "/etc/crontab"
CRON_DIR = "/etc/cron.d"
USER_CRONTAB_DIR = "/var/spool/cron/crontabs"
UNIT_DIRS = ("/etc/systemd/system",)
TIMER_STAMPS_DIR = "/var/lib/systemd/timers"
RESTIC_DIRS = ("/etc/restic",)
RESTIC_FILES = ("/etc/default/restic",)
BORGMATIC_FILES = ("/etc/borgmatic/config.yaml", "/root/.config/borgmatic/config.yaml")
BORGMATIC_DIRS = ("/etc/borgmatic.d", "/root/.config/borgmatic.d")
# rclone's own order for root: next to the binary (portable), ~/.config/rclone, ~/.rclone.conf
# (the first that exists wins); --config / RCLONE_CONFIG on a job replace it.
RCLONE_FILES = ("/usr/bin/rclone.conf", "/root/.config/rclone/rclone.conf", "/root/.rclone.conf")
PGBACKREST_FILES = ("/etc/pgbackrest/pgbackrest.conf", "/etc/pgbackrest.conf")
PGBACKREST_DIRS = ("/etc/pgbackrest/conf.d",)
PVE_STORAGE = "/etc/pve/storage.cfg"
VZDUMP_CONF = "/etc/vzdump.conf"

CMD_ADDRESSES = "hostname -I"
CMD_TIMERS = "systemctl list-timers --all --no-pager --output=json"
CMD_SERVICES = "systemctl list-units --type=service --all --no-pager --output=json"
CMD_USER_CRONTAB = "crontab -l"
# They run as ONE fixed exec (one channel, one shell) with a marker before each and its
# exit status after, so a host costs one session, not one per command; a hang is still located.
MARK = "@@drcheck"
SECTIONS: tuple[tuple[str, str], ...] = (
    ("addresses", CMD_ADDRESSES), ("timers", CMD_TIMERS), ("services", CMD_SERVICES),
    ("crontab", CMD_USER_CRONTAB))
CMD_FACTS = "; ".join(f"echo '{MARK} {name}'; {command} 2>/dev/null; echo \"{MARK} rc $?\""
                      for name, command in SECTIONS)
COMMANDS: tuple[str, ...] = (CMD_FACTS,)

SINGLE_FILES: tuple[str, ...] = (
    HOSTNAME, MACHINE_ID, OS_RELEASE, DMI_VENDOR, DMI_PRODUCT, MOUNTS, FSTAB, *LOCATION_FILES,
    CLOUD_INIT, SYSTEM_CRONTAB, *RESTIC_FILES, *BORGMATIC_FILES, *RCLONE_FILES,
    *PGBACKREST_FILES, PVE_STORAGE, VZDUMP_CONF,
)
DIRECTORIES: tuple[str, ...] = (
    CRON_DIR, USER_CRONTAB_DIR, *UNIT_DIRS, *RESTIC_DIRS, *BORGMATIC_DIRS, *PGBACKREST_DIRS,
)
LIST_ONLY: tuple[str, ...] = (TIMER_STAMPS_DIR,)
DYNAMIC: tuple[str, ...] = (
    "sftp read: EnvironmentFile= named by a unit under /etc/systemd/system",
    "sftp read: RESTIC_REPOSITORY_FILE / --repository-file named by a job",
    "sftp read: files a job sources (. FILE, source FILE) and wrapper scripts it runs",
    "sftp read: --config files of pgbackrest, borgmatic and rclone jobs; RCLONE_CONFIG",
    "sftp list (names and times only): REPO/snapshots of each local restic repository",
    "sftp read: REPO/backup/STANZA/backup.info of each local pgBackRest repository",
    "sftp list+read: /root/.config/borg/security/*/location and manifest-timestamp",
    "sftp list (names and times only): each local vzdump directory",
)


def declared() -> tuple[str, ...]:
    """Everything the probe may read or run, in the form ``drcheck probes`` prints."""
    return (
        *(f"sftp read: {p}" for p in SINGLE_FILES),
        *(f"sftp list+read: {d}/*" for d in DIRECTORIES),
        *(f"sftp list (names and times only): {d}" for d in LIST_ONLY),
        *DYNAMIC,
        *(f"exec: {c}" for c in COMMANDS),
    )
