"""What a replica's facts say, read one way for every rule and for the survival core: how old
a timestamp fact is at ``now``, and whether a copy is immutable for long enough.

Unknown stays unknown: each reading returns None when the facts do not tell.
"""

from __future__ import annotations

from datetime import timedelta

from drcheck.evaluate.base import Context
from drcheck.inputs.durations import age_at
from drcheck.shared.model import Evidence, FactKey, Replica


def age_of(ev: Evidence | None, ctx: Context) -> timedelta | None:
    """How old a timestamp fact is at ``ctx.now``; None when unknown (absent, unreadable,
    or in the future: a stamp from the future is never fresh)."""
    return age_why(ev, ctx)[0]


def age_why(ev: Evidence | None, ctx: Context) -> tuple[timedelta | None, str]:
    """``age_of`` and, when the age is unknown, why ("not known", "in the future: …")."""
    if ev is None or not isinstance(ev.value, str):
        return None, "not known"
    key = ("age", ev.value)  # an estate repeats the same few thousand stamps
    found: tuple[timedelta | None, str] | None = ctx.memo.get(key)
    if found is None:
        age, why = age_at(ev.value, ctx.now)
        found = ctx.memo[key] = (age, why or "")
    return found


def restore_point_age(copy: Replica, ctx: Context) -> tuple[timedelta | None, str]:
    """The age of the copy's newest restore point, or None and why it is not known: absent,
    unreadable, in the future, or only a proxy (a job ran, the repository was written)."""
    origin = proxy_origin(copy)
    if origin is not None:
        return None, f"only a proxy for the newest restore point ({origin})"
    age, why = age_why(copy.fact(FactKey.NEWEST_RESTORE_POINT), ctx)
    return age, why if age is not None else f"newest restore point {why}"


def restore_point(copy: Replica) -> Evidence | None:
    """A copy's newest restore point, or None when unknown or only a proxy.

    A proxy (``restore_point_basis: proxy``: a job ran, the repository was written) does not
    show that a restore point exists, so it never proves freshness on its own.
    """
    if proxy_origin(copy) is not None:
        return None
    return copy.fact(FactKey.NEWEST_RESTORE_POINT)


def proxy_origin(copy: Replica) -> str | None:
    """Where a proxy-only restore point came from; None when the point is a tool's record."""
    basis = copy.fact(FactKey.RESTORE_POINT_BASIS)
    return basis.origin if basis is not None and basis.value == "proxy" else None


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
