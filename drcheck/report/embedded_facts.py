"""The facts snapshot in the shared form the result document embeds, built from the model.

``share_facts(snapshot_to_dict(s))`` gives the same document, but builds every replica's
whole location and every fact as a dict first and then leans it: at 100k datasets that is
millions of dicts for a few thousand distinct locations. Here each distinct ``Location``,
``Claim`` object is turned into its lean form once (by identity: replicas of one host or
bucket share them), facts are counted by content without being encoded, and the datasets are
produced one at a time, so the document can be written as it is made and nothing per fact
is kept. ``tests/report/test_embedded_facts.py`` checks the result is
exactly ``share_facts(snapshot_to_dict(s))``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import replace
from typing import Any

import orjson

from drcheck.facts.shared_facts import _derived_id, _lean_fact, _lean_location, _Origins
from drcheck.facts.snapshot import _business, _claim, _evidence, snapshot_digest, snapshot_to_dict
from drcheck.shared.model import Dataset, Evidence, Location, Replica, Snapshot

_Doc = dict[str, Any]
_SORT = orjson.OPT_SORT_KEYS
_EXACT = frozenset({str, int, bool})  # JSON tells these apart exactly as (type, value) does


class EmbeddedFacts:
    """Lean forms by object identity, and the ``locations`` and ``shared`` tables."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.snapshot = snapshot
        self.at = snapshot.collected_at
        self.origins = _Origins(dict(snapshot.sources))
        self.locations: _Doc = {}
        self.shared: _Doc = {}
        self._location_ids: dict[bytes, str] = {}
        self._by_location: dict[int, str] = {}
        self._uses = self._fact_uses()

    def _lean(self, ev: Evidence) -> _Doc:
        return _lean_fact(_evidence(ev), self.at, self.origins)

    def _key(self, name: str, ev: Evidence) -> tuple[object, ...]:
        """What makes two replica facts the same ``shared`` entry: their lean JSON, or for a
        string, integer or boolean value (most facts) the fields it is made of, with the
        value's type (``true`` and ``1`` are equal in Python, not in JSON): the same
        equality without encoding every fact."""
        value = ev.value
        if type(value) in _EXACT:
            return (name, type(value), value, ev.source, ev.origin, ev.observed_at, ev.reason)
        return (name, orjson.dumps(self._lean(ev), option=_SORT))

    def _fact_uses(self) -> dict[tuple[object, ...], list[Any]]:
        """Each distinct replica fact: [how many replicas have it, its ``shared`` id]."""
        uses: dict[tuple[object, ...], list[Any]] = {}
        key_of = self._key
        for d in self.snapshot.datasets:
            for rep in d.replicas:
                for name, ev in rep.facts.items():
                    key = key_of(name, ev)
                    cell = uses.get(key)
                    if cell is None:
                        uses[key] = [1, None]
                    else:
                        cell[0] += 1
        return uses

    def _fact(self, name: str, ev: Evidence) -> Any:
        cell = self._uses[self._key(name, ev)]
        if cell[0] < 2:
            return self._lean(ev)
        ident = cell[1]
        if ident is None:
            ident = cell[1] = f"F{len(self.shared) + 1}"
            self.shared[ident] = self._lean(ev)
        return ident

    def _location(self, loc: Location) -> str:
        found = self._by_location.get(id(loc))
        if found is not None:
            return found
        coords = loc.coordinates
        doc = {"claims": [_claim(c) for c in loc.claims],
               "coordinates": None if coords is None else {
                   "lat": coords.lat, "lon": coords.lon, "source": coords.source.value,
                   "origin": coords.origin, "uncertain": coords.uncertain}}
        lean = _lean_location(doc, self.at, self.origins)
        key = orjson.dumps(lean, option=_SORT)
        found = self._location_ids.get(key)
        if found is None:
            found = self._location_ids[key] = f"L{len(self._location_ids) + 1}"
            self.locations[found] = lean
        self._by_location[id(loc)] = found
        return found

    def replica(self, dataset: str, r: Replica) -> _Doc:
        """A replica as the shared form writes it (``snapshot._replica``, leaned)."""
        out: _Doc = {"name": r.name, "role": r.role, "kind": r.kind._value_, "asset": r.asset,
                     "path": r.path, "origin": self.origins.short(r.origin),
                     "location": self._location(r.location)}
        if r.id != _derived_id(dataset, out):
            out["id"] = r.id
        fact = self._fact
        out["facts"] = {k: fact(k, v) for k, v in sorted(r.facts.items())}  # ids in order
        return out

    def dataset(self, d: Dataset) -> _Doc:
        """A dataset as the shared form writes it (``snapshot._dataset``, leaned)."""
        at, origins = self.at, self.origins
        out: _Doc = {
            "name": d.name, "criticality": d.criticality,
            "labels": dict(d.labels), "origin": origins.short(d.origin),  # keys sorted when
            "facts": {k: _lean_fact(_evidence(v), at, origins)  # encoded
                      for k, v in d.facts.items()},
            "primary": self.replica(d.name, d.primary),
            "copies": [self.replica(d.name, c) for c in d.copies],
        }
        if d.business is not None:
            out["business"] = _business(d.business)
        return out

    def datasets(self) -> Iterator[_Doc]:
        """Every dataset in snapshot order; the tables are complete once this is exhausted."""
        return map(self.dataset, self.snapshot.datasets)

    def head(self) -> _Doc:
        """Every field of the shared form but ``datasets``, ``locations`` and ``shared``."""
        body = snapshot_to_dict(replace(self.snapshot, datasets=()))
        del body["datasets"]
        body["digest"] = snapshot_digest(self.snapshot)
        return body


def embedded_facts(snapshot: Snapshot) -> _Doc:
    """The whole shared form as one dict (``share_facts(snapshot_to_dict(snapshot))``)."""
    facts = EmbeddedFacts(snapshot)
    datasets = list(facts.datasets())
    return {**facts.head(), "datasets": datasets, "locations": facts.locations,
            "shared": facts.shared}
