"""Mount tables (/proc/mounts, /etc/fstab): which paths are remote storage, which are local."""

from __future__ import annotations

from dataclasses import dataclass

from drcheck.probes.ssh.secrets import redact_url

REMOTE_FSTYPES = frozenset({"nfs", "nfs4", "cifs", "smb3", "smbfs", "fuse.sshfs", "sshfs",
                            "fuse.rclone", "glusterfs", "ceph", "fuse.s3fs", "9p", "davfs"})
_PSEUDO = frozenset({"proc", "sysfs", "devtmpfs", "devpts", "tmpfs", "cgroup", "cgroup2",
                     "securityfs", "pstore", "bpf", "debugfs", "tracefs", "mqueue", "hugetlbfs",
                     "configfs", "fusectl", "autofs", "binfmt_misc", "overlay", "nsfs",
                     "rpc_pipefs",
                     "efivarfs", "ramfs", "squashfs"})


@dataclass(frozen=True)
class Mount:
    """One mounted filesystem; ``server`` is set for network filesystems."""

    device: str
    mountpoint: str
    fstype: str
    server: str | None

    @property
    def remote(self) -> bool:
        """True for NFS, CIFS, sshfs and other network filesystems."""
        return self.fstype in REMOTE_FSTYPES

    def as_detail(self) -> dict[str, object]:
        """JSON-safe form for report details."""
        return {"device": self.device, "mountpoint": self.mountpoint, "fstype": self.fstype,
                "remote": self.remote, "server": self.server}


def parse_mounts(text: str) -> list[Mount]:
    """Real filesystems from /proc/mounts or /etc/fstab (pseudo filesystems dropped)."""
    out: list[Mount] = []
    for raw in text.splitlines():
        fields = raw.split()
        if len(fields) < 3 or fields[0].startswith("#") or fields[2] in _PSEUDO:
            continue
        device, mountpoint, fstype = (_unescape(f) for f in fields[:3])
        device = redact_url(device)
        out.append(Mount(device, mountpoint, fstype, _server(device, fstype)))
    return out


def mount_for(path: str, mounts: list[Mount]) -> Mount | None:
    """The mount that holds ``path`` (longest mount point prefix)."""
    best: Mount | None = None
    for mount in mounts:
        point = mount.mountpoint.rstrip("/") or "/"
        if (path == point or path.startswith(point.rstrip("/") + "/")) and (
            best is None or len(point) > len(best.mountpoint)
        ):
            best = mount
    return best


def _server(device: str, fstype: str) -> str | None:
    if fstype not in REMOTE_FSTYPES:
        return None
    if device.startswith("//"):
        return device[2:].split("/", 1)[0]
    head = device.split(":", 1)[0]
    return head.rsplit("@", 1)[-1] or None


def _unescape(field: str) -> str:
    return field.replace("\\040", " ").replace("\\011", "\t").replace("\\134", "\\")
