"""Builders for hand-made datasets, so every rule test states its facts in one line."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from drcheck.shared.model import (
    Claim,
    Coordinates,
    Dataset,
    DomainKind,
    Evidence,
    Location,
    Replica,
    ReplicaKind,
    Source,
)

NOW = datetime(2026, 11, 23, 12, 0, tzinfo=timezone.utc)


def loc(coords: tuple[float, float] | None = None, **domains: str | list[str]) -> Location:
    """A location from ``kind=value`` pairs (a list gives several, conflicting claims)."""
    claims = []
    for kind, values in domains.items():
        for value in values if isinstance(values, list) else [values]:
            claims.append(Claim(DomainKind(kind), value, Source.DECLARED, f"test:{kind}"))
    c = Coordinates(coords[0], coords[1], Source.DECLARED, "test") if coords else None
    return Location(tuple(claims), c)


def rep(name: str, location: Location, role: str = "copy", **facts: Any) -> Replica:
    """A replica with declared facts (``None`` = recorded as unknown)."""
    return Replica(
        id=f"ds/{role}/{name}", name=name, role=role, kind=ReplicaKind.HOST,
        asset=f"host:{name}", path=None, location=location,
        facts={k: Evidence(v, Source.DECLARED, f"test:{k}", reason=None if v is not None
                           else "not readable") for k, v in facts.items()},
    )


def ds(primary: Replica, *copies: Replica, **facts: Any) -> Dataset:
    """A dataset named ``ds``."""
    return Dataset(
        "ds", primary, copies, {"tier": "gold"}, "critical",
        facts={k: Evidence(v, Source.DECLARED, f"test:{k}") for k, v in facts.items()},
    )


def all_paths(data: Any, path: tuple[Any, ...] = ()) -> list[tuple[Any, ...]]:
    """Every path into a parsed document (keys and list indexes), the root first."""
    out = [path]
    if isinstance(data, dict):
        for k, v in data.items():
            out += all_paths(v, path + (k,))
    elif isinstance(data, list):
        for i, v in enumerate(data):
            out += all_paths(v, path + (i,))
    return out
