"""Durations (``26h``, ``7d``, ``1d12h``) and UTC timestamps, parsed one way everywhere."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_PART = re.compile(r"(\d+)([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
DURATION_PATTERN = r"^(\d+[smhdw])+$"


def parse_duration(text: str) -> timedelta:
    """``1d12h`` → 36 hours. Raises ValueError on anything else."""
    value = text.strip()
    if not re.fullmatch(DURATION_PATTERN, value):
        raise ValueError(f"not a duration: {text!r} (expected e.g. 26h, 7d, 1d12h)")
    seconds = sum(int(n) * _UNITS[u] for n, u in _PART.findall(value))
    return timedelta(seconds=seconds)


def format_duration(delta: timedelta) -> str:
    """A compact human form: ``3d4h``, ``26h`` stays ``1d2h``, under a minute ``0m``."""
    total = int(delta.total_seconds())
    sign = "-" if total < 0 else ""
    total = abs(total)
    days, rest = divmod(total, 86400)
    hours, rest = divmod(rest, 3600)
    minutes = rest // 60
    out = ""
    if days:
        out += f"{days}d"
    if hours:
        out += f"{hours}h"
    if minutes and not days:
        out += f"{minutes}m"
    return sign + (out or "0m")


def parse_time(text: str) -> datetime:
    """An ISO date or date-time (``Z`` allowed) as an aware UTC datetime."""
    value = text.strip().replace(" ", "T")
    if len(value) == 10:
        value += "T00:00:00"
    parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
    if parsed.tzinfo is None:
        parsed = parsed.replace(tzinfo=timezone.utc)
    return parsed.astimezone(timezone.utc)


def format_time(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC."""
    return moment.astimezone(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")
