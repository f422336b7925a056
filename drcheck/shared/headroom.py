"""How much memory this process holds and how much more it may take, as Linux tells it.

The room is the smaller of the machine's available memory (``MemAvailable``) and what the
process's memory cgroup still allows (a container's limit: inside one, ``MemAvailable``
is the host's). Each reading is None where the system cannot say (another OS, an old
kernel, no limit), and the caller decides what unknown means.
"""

from __future__ import annotations

import os

STATM, MEMINFO, CGROUPS = "/proc/self/statm", "/proc/meminfo", "/proc/self/cgroup"
CGROUP_ROOT = "/sys/fs/cgroup"
"""Where Linux says it (module constants, so that a test can point them elsewhere)."""

_NO_LIMIT = 1 << 60
"""cgroup v1 writes "no limit" as a number near 2**63."""


def _read(path: str) -> str | None:
    try:
        with open(path, encoding="ascii") as f:
            return f.read()
    except (OSError, UnicodeDecodeError):
        return None


def resident() -> int | None:
    """Bytes of this process in memory (its resident set)."""
    text = _read(STATM)
    try:
        return int(text.split()[1]) * os.sysconf("SC_PAGE_SIZE") if text else None
    except (ValueError, IndexError, OSError):
        return None


def _available() -> int | None:
    text = _read(MEMINFO) or ""
    for line in text.splitlines():
        if line.startswith("MemAvailable:"):
            try:
                return int(line.split()[1]) * 1024
            except (ValueError, IndexError):
                return None
    return None


def _cgroup_room() -> int | None:
    """The memory cgroup's limit minus its usage (v2, else v1); None without a limit."""
    rooms = []
    for line in (_read(CGROUPS) or "").splitlines():
        hierarchy, _, rest = line.partition(":")
        controllers, _, path = rest.partition(":")
        if hierarchy == "0" and not controllers:
            base = f"{CGROUP_ROOT}{path}".rstrip("/")
            limit, used = _read(f"{base}/memory.max"), _read(f"{base}/memory.current")
        elif "memory" in controllers.split(","):
            base = f"{CGROUP_ROOT}/memory{path}".rstrip("/")
            limit = _read(f"{base}/memory.limit_in_bytes")
            used = _read(f"{base}/memory.usage_in_bytes")
        else:
            continue
        try:
            if limit is not None and used is not None and limit.strip() != "max" \
                    and int(limit) < _NO_LIMIT:
                rooms.append(max(0, int(limit) - int(used)))
        except ValueError:
            continue
    return min(rooms) if rooms else None


def room() -> int | None:
    """Bytes this process could still take: the least of what the machine has available
    and what its memory cgroup allows; None when neither can be read."""
    known = [r for r in (_available(), _cgroup_room()) if r is not None]
    return min(known) if known else None
