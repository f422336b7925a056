"""The facts snapshot as the result document embeds it: every location written once.

A snapshot repeats each replica's location claims (provider, region, metro, ...) for every
replica that lives on the same host or bucket; at 10k datasets that is most of its bytes. The
result document embeds the snapshot in a shared form instead:

- ``locations``: each distinct location once, keyed ``L1``, ``L2``... in order of first use;
  a replica's ``location`` is that id.
- a fact (or location claim) leaves out ``observed_at`` when it equals the snapshot's
  ``collected_at``, ``reason`` when null, ``uncertain`` when false;
- a replica fact that several replicas share (a bucket's encryption, say) is written once in
  ``shared``, keyed ``F1``, ``F2``...; each replica's entry for it is that id;
- in every ``origin``, ``@:`` stands for ``<sources.estate>:`` (the estate file's path) and
  ``@@`` for a literal ``@`` (when the estate path has no ``@`` of its own);
- a replica's ``id`` is left out when it is ``<dataset>/<role>/<name>`` (``<dataset>/primary``
  for the primary).

``expand_facts`` turns the shared form back into the exact snapshot document (same digest), so
the embedded facts can still be saved and audited again.
"""

from __future__ import annotations

import re
from typing import Any

import orjson

_Doc = dict[str, Any]
_MARK = re.compile(r"@([@:])")


class _Origins:
    """Writes and reads origins with the estate path shortened to ``@``."""

    def __init__(self, sources: Any) -> None:
        estate = sources.get("estate") if isinstance(sources, dict) else None
        self.estate = estate if isinstance(estate, str) and estate and "@" not in estate \
            else None

    def short(self, origin: Any) -> Any:
        if self.estate is None or not isinstance(origin, str):
            return origin
        return origin.replace("@", "@@").replace(self.estate + ":", "@:")

    def full(self, origin: Any) -> Any:
        if self.estate is None or not isinstance(origin, str):
            return origin
        estate = self.estate
        return _MARK.sub(lambda m: "@" if m.group(1) == "@" else estate + ":", origin)


def _lean_fact(fact: _Doc, collected_at: object, origins: _Origins) -> _Doc:
    out = dict(fact)
    if "origin" in out:
        out["origin"] = origins.short(out["origin"])
    if "reason" in out and out["reason"] is None:
        del out["reason"]
    if out.get("uncertain") is False:
        del out["uncertain"]
    if "observed_at" in out and out["observed_at"] == collected_at:
        del out["observed_at"]
    return out


def _full_fact(fact: _Doc, collected_at: object, origins: _Origins) -> _Doc:
    out = dict(fact)
    if "origin" in out:
        out["origin"] = origins.full(out["origin"])
    out.setdefault("reason", None)
    out.setdefault("observed_at", collected_at)
    return out


def _full_claim(claim: _Doc, collected_at: object, origins: _Origins) -> _Doc:
    out = dict(claim)
    out["origin"] = origins.full(out["origin"])
    out.setdefault("observed_at", collected_at)
    out.setdefault("uncertain", False)
    return out


def _lean_location(loc: _Doc, at: object, origins: _Origins) -> _Doc:
    coords = loc.get("coordinates")
    return {**loc, "claims": [_lean_fact(c, at, origins) for c in loc["claims"]],
            "coordinates": coords if coords is None else _lean_fact(coords, at, origins)}


def _full_location(loc: _Doc, at: object, origins: _Origins) -> _Doc:
    coords = loc.get("coordinates")
    out = {**loc, "claims": [_full_claim(c, at, origins) for c in loc["claims"]]}
    if coords is not None:
        out["coordinates"] = {**coords, "uncertain": coords.get("uncertain", False),
                              "origin": origins.full(coords["origin"])}
    return out


def _derived_id(dataset: str, rep: _Doc) -> str:
    role = rep["role"]
    return f"{dataset}/primary" if role == "primary" else f"{dataset}/{role}/{rep['name']}"


class _Table:
    """Distinct values by their canonical JSON, ids ``<prefix>1``... in order of first use."""

    def __init__(self, prefix: str) -> None:
        self.prefix = prefix
        self.ids: dict[bytes, str] = {}
        self.table: dict[str, Any] = {}

    def id_of(self, value: Any, key: bytes | None = None) -> str:
        """The value's id (``key``: its canonical JSON, when already known)."""
        key = key or orjson.dumps(value, option=orjson.OPT_SORT_KEYS)
        found = self.ids.get(key)
        if found is None:
            found = f"{self.prefix}{len(self.ids) + 1}"
            self.ids[key] = found
            self.table[found] = value
        return found


def _fact_key(name: str, fact: _Doc) -> bytes:
    return orjson.dumps({name: fact}, option=orjson.OPT_SORT_KEYS)


def _fact_counts(snapshot: _Doc, at: object, origins: _Origins) -> dict[bytes, int]:
    counts: dict[bytes, int] = {}
    for d in snapshot["datasets"]:
        for rep in (d["primary"], *d["copies"]):
            for name, fact in rep["facts"].items():
                key = _fact_key(name, _lean_fact(fact, at, origins))
                counts[key] = counts.get(key, 0) + 1
    return counts


class _Sharer:
    """Fills the ``locations`` and ``shared`` tables while leaning each replica."""

    def __init__(self, snapshot: _Doc) -> None:
        self.at = snapshot["collected_at"]
        self.origins = _Origins(snapshot.get("sources"))
        self.locations = _Table("L")
        self.counts = _fact_counts(snapshot, self.at, self.origins)
        self.facts = _Table("F")

    def fact(self, name: str, fact: _Doc) -> Any:
        lean = _lean_fact(fact, self.at, self.origins)
        key = _fact_key(name, lean)
        if self.counts.get(key, 0) < 2:
            return lean
        return self.facts.id_of(lean, key)

    def replica(self, dataset: str, rep: _Doc) -> _Doc:
        out = dict(rep)
        if rep["id"] == _derived_id(dataset, rep):
            del out["id"]
        out["origin"] = self.origins.short(rep["origin"])
        out["location"] = self.locations.id_of(
            _lean_location(rep["location"], self.at, self.origins))
        out["facts"] = {k: self.fact(k, v) for k, v in rep["facts"].items()}
        return out


def share_facts(snapshot: _Doc) -> _Doc:
    """The shared form of a snapshot document (``snapshot_to_dict``'s output)."""
    sharer = _Sharer(snapshot)
    at, origins = sharer.at, sharer.origins
    datasets = [{
        **d,
        "origin": origins.short(d["origin"]),
        "facts": {k: _lean_fact(v, at, origins) for k, v in d["facts"].items()},
        "primary": sharer.replica(d["name"], d["primary"]),
        "copies": [sharer.replica(d["name"], c) for c in d["copies"]],
    } for d in snapshot["datasets"]]
    return {**snapshot, "datasets": datasets, "locations": sharer.locations.table,
            "shared": sharer.facts.table}


def _expand_replica(dataset: str, rep: _Doc, shared: _Doc, origins: _Origins) -> _Doc:
    at = shared["collected_at"]
    out = {"id": _derived_id(dataset, rep), **rep}
    out["origin"] = origins.full(rep["origin"])
    out["location"] = _full_location(shared["locations"][rep["location"]], at, origins)
    out["facts"] = {k: _full_fact(shared["shared"][v] if isinstance(v, str) else v, at, origins)
                    for k, v in rep["facts"].items()}
    return out


def expand_facts(shared: _Doc) -> _Doc:
    """The snapshot document a shared form was made from (inverse of ``share_facts``)."""
    at = shared["collected_at"]
    origins = _Origins(shared.get("sources"))
    datasets = [{
        **d,
        "origin": origins.full(d["origin"]),
        "facts": {k: _full_fact(v, at, origins) for k, v in d["facts"].items()},
        "primary": _expand_replica(d["name"], d["primary"], shared, origins),
        "copies": [_expand_replica(d["name"], c, shared, origins) for c in d["copies"]],
    } for d in shared["datasets"]]
    rest = {k: v for k, v in shared.items() if k not in ("locations", "shared")}
    return rest | {"datasets": datasets}
