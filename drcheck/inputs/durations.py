"""Durations (``26h``, ``7d``, ``1d12h``) and UTC timestamps, parsed one way everywhere."""

from __future__ import annotations

import re
from datetime import datetime, timedelta, timezone

_PART = re.compile(r"(\d+)([smhdw])")
_UNITS = {"s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800}
DURATION_PATTERN = r"^(\d+[smhdw])+$"
MAX_DURATION = timedelta(days=36500)
"""The longest duration any input may give (100 years): longer is a typo, and a
``1000000000000000000000000000000d`` would overflow date arithmetic."""
CLOCK_SKEW = timedelta(minutes=5)
"""How far in the future a timestamp may be and still count as now (clocks drift)."""
EARLIEST = datetime(1970, 1, 1, tzinfo=timezone.utc)
LATEST = datetime(9999, 12, 31, 23, 59, 59, tzinfo=timezone.utc)
"""Timestamps outside these bounds are refused: none is a real restore point, and date
arithmetic near year 1 or year 9999 overflows."""


def parse_duration(text: str) -> timedelta:
    """``1d12h`` → 36 hours. Raises ValueError on anything else, or beyond ``MAX_DURATION``."""
    value = text.strip()
    if len(value) > 64 or not re.fullmatch(DURATION_PATTERN, value):
        raise ValueError(f"not a duration: {text[:80]!r} (expected e.g. 26h, 7d, 1d12h)")
    seconds = sum(int(n) * _UNITS[u] for n, u in _PART.findall(value))
    if seconds > MAX_DURATION.total_seconds():
        raise ValueError(f"duration {value!r} is longer than 100 years (36500d), the longest "
                         "allowed")
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
    """An ISO date or date-time (``Z`` allowed) as an aware UTC datetime.

    Raises ValueError, in words, for anything that is not a real moment between 1970 and
    9999: a day the calendar lacks (``2026-02-30``), a month 13, an offset beyond ±24h.
    """
    value = text.strip().replace(" ", "T")
    if len(value) == 10:
        value += "T00:00:00"
    try:
        parsed = datetime.fromisoformat(value.replace("Z", "+00:00"))
        if parsed.tzinfo is None:
            parsed = parsed.replace(tzinfo=timezone.utc)
        moment = parsed.astimezone(timezone.utc)
    except (ValueError, OverflowError) as exc:
        raise ValueError(f"{text[:80]!r} is not a real date-time: {_why(exc)}") from None
    if not EARLIEST <= moment <= LATEST:
        raise ValueError(f"{text[:80]!r} is out of range: expected a date-time between "
                         "1970-01-01 and 9999-12-31")
    return moment


def _why(exc: Exception) -> str:
    text = str(exc)
    if "offset" in text:
        return "the UTC offset must be within ±24:00"
    if text.startswith("Invalid isoformat"):
        return "expected YYYY-MM-DD[THH:MM[:SS]][Z|±HH:MM]"
    return text


def age_at(text: str, now: datetime) -> tuple[timedelta | None, str | None]:
    """How old the timestamp ``text`` is at ``now``, or (None, why) when that is not known.

    A timestamp later than ``now`` plus ``CLOCK_SKEW`` is never fresh: its age is unknown,
    "in the future" (a wrong clock, or a forged stamp). Within the skew it is 0 old.
    """
    try:
        moment = parse_time(text)
    except ValueError as exc:
        return None, str(exc)
    if moment > now + CLOCK_SKEW:
        return None, (f"in the future: {format_time(moment)} is later than {format_time(now)} "
                      f"plus the {int(CLOCK_SKEW.total_seconds() // 60)} min clock-skew "
                      "allowance")
    return max(now - moment, timedelta(0)), None


def format_time(moment: datetime) -> str:
    """``YYYY-MM-DDTHH:MM:SSZ`` in UTC (four-digit year, whatever the platform's strftime)."""
    m = moment.astimezone(timezone.utc)
    return (f"{m.year:04d}-{m.month:02d}-{m.day:02d}T{m.hour:02d}:{m.minute:02d}:"
            f"{m.second:02d}Z")
