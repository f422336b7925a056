"""What a replica's facts say, read one way for every rule and for the survival core: how old
a timestamp fact is at ``now``, and whether a copy is immutable for long enough.

Unknown stays unknown: each reading returns None when the facts do not tell.
"""

from __future__ import annotations

from datetime import timedelta

from drcheck.durations import parse_time
from drcheck.evaluate.base import Context
from drcheck.model import Evidence, FactKey, Replica


def age_of(ev: Evidence | None, ctx: Context) -> timedelta | None:
    """How old a timestamp fact is at ``ctx.now``; None when unknown."""
    if ev is None or not isinstance(ev.value, str):
        return None
    return ctx.now - parse_time(ev.value)


def immutability(copy: Replica, min_days: int) -> bool | None:
    """True when the copy cannot be altered for ``min_days``; None when that is not known."""
    offline = copy.fact(FactKey.OFFLINE)
    if offline is not None and offline.value is True:
        return True
    locked = copy.fact(FactKey.IMMUTABLE)
    if locked is None or locked.value is None:
        return None
    if locked.value is not True:
        return False
    if min_days <= 0:
        return True
    days = copy.fact(FactKey.RETENTION_DAYS)
    if days is None or days.value is None:
        return None
    return isinstance(days.value, int | float) and days.value >= min_days
