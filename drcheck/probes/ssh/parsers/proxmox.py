"""Proxmox VE: backup-capable storages in /etc/pve/storage.cfg and the vzdump default."""

from __future__ import annotations

import re
from dataclasses import dataclass

from drcheck.probes.ssh.parsers.targets import Target, local_target
from drcheck.probes.ssh.secrets import redact_value

# What vzdump names a backup archive (guest type, VMID, start time, format, compression); the
# .log, .notes and .protected files beside it share the prefix but are written or edited at
# other times (notes can be changed any day), so only archives date a backup.
_ARCHIVE = re.compile(r"vzdump-(?:qemu|lxc|openvz)-\d+-\d{4}_\d\d_\d\d-\d\d_\d\d_\d\d"
                      r"\.(?:vma|tar|tgz)(?:\.(?:zst|gz|lzo))?")


def is_dump_archive(name: str) -> bool:
    """Whether ``name`` is a vzdump backup archive (not its log, notes or protection mark)."""
    return _ARCHIVE.fullmatch(name) is not None


_REMOTE_TYPES = frozenset({"nfs", "cifs", "pbs", "glusterfs", "cephfs", "rbd", "iscsi"})


@dataclass(frozen=True)
class Storage:
    """One storage definition (secret options dropped)."""

    type: str
    name: str
    options: dict[str, str]
    origin: str

    @property
    def holds_backups(self) -> bool:
        """True when the storage's ``content`` includes ``backup`` (PBS always does)."""
        return self.type == "pbs" or "backup" in self.options.get("content", "").split(",")


def parse_storage_cfg(text: str, origin: str) -> list[Storage]:
    """Every storage stanza: ``TYPE: NAME`` followed by indented ``key value`` lines."""
    out: list[Storage] = []
    current: tuple[str, str, int] | None = None
    options: dict[str, str] = {}
    for number, raw in enumerate(text.splitlines(), start=1):
        if not raw.strip() or raw.lstrip().startswith("#"):
            continue
        if not raw[0].isspace() and ":" in raw:
            if current:
                out.append(Storage(current[0], current[1], options, f"{origin}:{current[2]}"))
            kind, _, name = raw.partition(":")
            current, options = (kind.strip(), name.strip(), number), {}
            continue
        key, _, value = raw.strip().partition(" ")
        options[key] = redact_value(key, value.strip())
    if current:
        out.append(Storage(current[0], current[1], options, f"{origin}:{current[2]}"))
    return out


def storage_target(storage: Storage) -> Target | None:
    """Where a backup storage puts vzdump archives."""
    if not storage.holds_backups:
        return None
    opts = storage.options
    if storage.type in _REMOTE_TYPES and opts.get("server"):
        path = opts.get("datastore") or opts.get("export") or opts.get("share")
        return Target(tool="vzdump", kind="host", url=f"{storage.type}://{opts['server']}/{path}",
                      origin=storage.origin, host=opts["server"], path=path, label=storage.name,
                      encrypted=True if "encryption-key" in opts else None)
    if storage.type == "dir" and opts.get("path"):
        dump = opts["path"].rstrip("/") + "/dump"
        return local_target("vzdump", dump, storage.origin).with_(label=storage.name)
    return None


def vzdump_default_storage(text: str) -> str | None:
    """The ``storage:`` line of /etc/vzdump.conf, if any."""
    for raw in text.splitlines():
        key, _, value = raw.strip().partition(":")
        if key.strip() == "storage" and value.strip():
            return value.strip()
    return None
