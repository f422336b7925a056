"""Do two locations share a failure domain of a given kind? Shared, separate, or unknown.

Claims are compared worst-case: any common claim means shared. When one side says nothing
about a kind, containment can still prove separation: two places in different metros (or
more than ``FAR_KM`` apart) cannot share a campus, building, room, rack or host; two
different providers cannot share an account or a region. Nothing else is assumed.
"""

from __future__ import annotations

import math
from enum import Enum
from functools import cache
from typing import Any, TypeVar

from drcheck.locations.geo import haversine_km
from drcheck.shared.model import LOGICAL_CHAIN, PHYSICAL_CHAIN, DomainKind, Location, Place

FAR_KM = 100.0
"""Beyond this great-circle distance two points share no metro or anything narrower."""


class Relation(str, Enum):
    """How two locations relate for one domain kind."""

    SHARED = "shared"
    SEPARATE = "separate"
    UNKNOWN = "unknown"


_POINT: frozenset[DomainKind] = frozenset()


MEMO_LIMIT = 1 << 18
"""The most entries a process-wide memo keeps: past it, the memo starts afresh (an estate
with many distinct coordinates makes many pairs of them)."""

V = TypeVar("V")


def remember(memo: dict[Any, V], key: object, value: V) -> V:
    """Store ``value`` under ``key`` in a process-wide memo, bounded by ``MEMO_LIMIT``."""
    if len(memo) >= MEMO_LIMIT:
        memo.clear()
    memo[key] = value
    return value


_DISTANCES: dict[tuple[Place, Place], float | None] = {}
_RELATIONS: dict[tuple[Place, Place, DomainKind], tuple[Relation, frozenset[str]]] = {}
"""Memos by ``Place`` (interned location content): an estate of 100k datasets has a few
hundred distinct places, so each pair is measured and compared once per process."""


def distance_km(a: Location, b: Location) -> float | None:
    """Great-circle distance between two locations, or None when either has no coordinates
    (or coordinates that are not finite numbers: a NaN must never measure 20,000 km)."""
    key = (a.place(_POINT, True), b.place(_POINT, True))
    try:
        return _DISTANCES[key]
    except KeyError:
        pass
    return remember(_DISTANCES, key, _distance(a, b))


def _distance(a: Location, b: Location) -> float | None:
    if a.coordinates is None or b.coordinates is None:
        return None
    points = (a.coordinates.lat, a.coordinates.lon, b.coordinates.lat, b.coordinates.lon)
    if not all(math.isfinite(x) for x in points):
        return None
    return haversine_km(a.coordinates, b.coordinates)


def relation(a: Location, b: Location, kind: DomainKind) -> tuple[Relation, frozenset[str]]:
    """The relation of ``a`` and ``b`` for ``kind``, and the shared domain ids if any.

    When both claim ``kind`` the claims decide at once; otherwise only the broader kinds and
    the coordinates can, so the memo is keyed by those (a few hundred places), not by the
    host or bucket each location names (one place per asset: a memo that never hits)."""
    va, vb = a.values(kind), b.values(kind)
    if va and vb:
        common = va & vb
        return (Relation.SHARED, common) if common else _APART
    read, point = _broader(kind)
    key = (a.place(read, point), b.place(read, point), kind)
    try:
        return _RELATIONS[key]
    except KeyError:
        pass
    return remember(_RELATIONS, key, _relation(a, b, kind))


_APART: tuple[Relation, frozenset[str]] = (Relation.SEPARATE, frozenset())


@cache
def _broader(kind: DomainKind) -> tuple[frozenset[DomainKind], bool]:
    """What decides ``kind`` when a side does not claim it: the broader kinds whose
    difference proves separation, and whether the distance can. ``_relation`` reads these
    and nothing else there, so they are also the memo's key."""
    if kind in PHYSICAL_CHAIN:
        return (frozenset(PHYSICAL_CHAIN[: PHYSICAL_CHAIN.index(kind)]),
                kind is not DomainKind.JURISDICTION)
    if kind in (DomainKind.ACCOUNT, DomainKind.REGION):
        return frozenset(LOGICAL_CHAIN[:1]), False
    return frozenset(), False


def _relation(a: Location, b: Location, kind: DomainKind) -> tuple[Relation, frozenset[str]]:
    va, vb = a.values(kind), b.values(kind)
    common = va & vb
    if common:
        return Relation.SHARED, common
    if va and vb:
        return Relation.SEPARATE, frozenset()
    broader, point = _broader(kind)
    for other in broader:
        wa, wb = a.values(other), b.values(other)
        if wa and wb and not wa & wb:
            return Relation.SEPARATE, frozenset()
    if point:
        km = distance_km(a, b)
        if km is not None and km > FAR_KM:
            return Relation.SEPARATE, frozenset()
    return Relation.UNKNOWN, frozenset()
