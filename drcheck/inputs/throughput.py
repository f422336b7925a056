"""Sizes and restore throughputs: ``200 MB/s``, ``1 Gbit/s`` parsed one way everywhere.

A declared throughput becomes bytes per second (an integer fact); a size in bytes and a
throughput give a restore-time estimate.
"""

from __future__ import annotations

import re
from datetime import timedelta

THROUGHPUT_PATTERN = (r"^\s*(\d+(?:\.\d+)?)\s*(B|kB|KB|MB|GB|TB|KiB|MiB|GiB|TiB|"
                      r"kbit|Mbit|Gbit)/s\s*$")
_UNIT_BYTES = {
    "B": 1, "kB": 1000, "KB": 1000, "MB": 1000**2, "GB": 1000**3, "TB": 1000**4,
    "KiB": 1024, "MiB": 1024**2, "GiB": 1024**3, "TiB": 1024**4,
    "kbit": 1000 / 8, "Mbit": 1000**2 / 8, "Gbit": 1000**3 / 8,
}
DEFAULT_THROUGHPUT = 100 * 1000**2
"""Bytes per second assumed when no ``restore_throughput`` is declared (100 MB/s)."""


def parse_throughput(text: str) -> int:
    """``200 MB/s`` → 200000000 bytes per second. Raises ValueError on anything else."""
    match = re.fullmatch(THROUGHPUT_PATTERN, text)
    if not match:
        raise ValueError(f"not a throughput: {text!r} (expected e.g. 200 MB/s, 1 Gbit/s)")
    value = int(float(match.group(1)) * _UNIT_BYTES[match.group(2)])
    if value <= 0:
        raise ValueError(f"throughput {text!r} is zero")
    return value


def format_rate(per_second: int) -> str:
    """Bytes per second in decimal units: ``100 MB/s``."""
    size = float(per_second)
    for unit in ("B", "kB", "MB", "GB"):
        if size < 1000:
            return f"{size:.0f} {unit}/s" if size == int(size) else f"{size:.1f} {unit}/s"
        size /= 1000
    return f"{size:.1f} TB/s"


def format_size(n: int) -> str:
    """Bytes in binary units: ``120.0 GiB``."""
    size = float(n)
    for unit in ("B", "KiB", "MiB", "GiB"):
        if size < 1024:
            return f"{size:.0f} {unit}" if unit == "B" else f"{size:.1f} {unit}"
        size /= 1024
    return f"{size:.1f} TiB"


def restore_time(size: int, per_second: int) -> timedelta:
    """How long copying ``size`` bytes at ``per_second`` takes (rounded up to a second)."""
    return timedelta(seconds=-(-size // per_second))
