"""Evidence named by id: what a finding quotes is usually a fact of the snapshot itself.

An id ``<subject>#<key>`` names, when the result document's ``evidence`` table has no entry of
that id:

- ``<replica id>#<fact>`` (or ``<dataset>#<fact>``): that fact of the replica (dataset);
- ``<replica id>#location.<kind>``: the replica's first location claim of that kind
  (``~2``, ``~3``... appended for the second, third);
- ``<replica id>#location.coordinates``: its coordinates, quoted as ``"lat,lon"``.

Evidence that is none of these is written in the ``evidence`` table, under an id ending in
``!1``, ``!2``..., so the two kinds of id never meet.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

from drcheck.shared.model import Dataset, Location, Replica, Snapshot

_Doc = dict[str, Any]


def subject_index(snapshot: _Doc) -> dict[str, _Doc]:
    """Each dataset and replica of a snapshot document by its name or id."""
    out: dict[str, _Doc] = {}
    for d in snapshot["datasets"]:
        out[d["name"]] = d
        for r in (d["primary"], *d["copies"]):
            out[r["id"]] = r
    return out


def _item(subject: str, key: str, value: Any, source: Any, origin: Any,
          observed_at: Any) -> _Doc:
    return {"subject": subject, "key": key, "value": value, "source": source,
            "origin": origin, "observed_at": observed_at}


def _wanted(key: str) -> tuple[str, int]:
    """The kind and the 1-based rank among claims of that kind a ``location.<kind>[~N]``
    key names."""
    kind, _, nth = key[len("location."):].partition("~")
    return kind, int(nth) if nth.isdigit() else 1


def _claim(subject: str, key: str, location: _Doc) -> _Doc | None:
    kind, want = _wanted(key)
    seen = 0
    for c in location.get("claims", []):
        if c["kind"] == kind:
            seen += 1
            if seen == want:
                return _item(subject, f"location.{kind}", c["value"], c["source"],
                             c["origin"], c["observed_at"])
    return None


def resolve(ref: str, index: dict[str, _Doc]) -> _Doc | None:
    """The evidence an id names in the snapshot, or None when it names nothing there."""
    subject, _, key = ref.rpartition("#")
    node = index.get(subject)
    if node is None:
        return None
    if key in node.get("facts", {}):
        f = node["facts"][key]
        return _item(subject, key, f["value"], f["source"], f["origin"], f["observed_at"])
    location = node.get("location")
    if not isinstance(location, dict):
        return None
    if key == "location.coordinates":
        c = location.get("coordinates")
        return None if c is None else _item(subject, key, f"{c['lat']},{c['lon']}",
                                            c["source"], c["origin"], None)
    if key.startswith("location."):
        return _claim(subject, key, location)
    return None


def _candidate_keys(key: str) -> Iterator[str]:
    """The keys an id of evidence under ``key`` may carry, most likely first: the key, and
    for a location claim the same key numbered (``location.campus~2``: its second claim)."""
    yield key
    if key.startswith("location.") and key != "location.coordinates":
        for n in range(2, 9):
            yield f"{key}~{n}"


def candidates(item: _Doc) -> list[str]:
    """The ids that could name ``item`` in the snapshot, most likely first."""
    subject = item["subject"]
    return [f"{subject}#{key}" for key in _candidate_keys(item["key"])]


_Item = tuple[str, str, Any, Any, Any, Any]
"""(subject, key, value, source, origin, observed_at): an evidence item, compared as a whole."""


class ModelIndex:
    """``subject_index`` and ``resolve`` read straight from the model: the same ids resolve
    to the same items, without building the snapshot document first."""

    def __init__(self, snapshot: Snapshot) -> None:
        self.nodes: dict[str, Dataset | Replica] = {}
        for d in snapshot.datasets:
            self.nodes[d.name] = d
            for r in d.replicas:
                self.nodes[r.id] = r

    def resolve(self, ref: str) -> _Item | None:
        """What ``resolve(ref, subject_index(snapshot_to_dict(s)))`` gives, as a tuple."""
        subject, _, key = ref.rpartition("#")
        return self._resolve(subject, key)

    def _resolve(self, subject: str, key: str) -> _Item | None:
        node = self.nodes.get(subject)
        if node is None:
            return None
        ev = node.facts.get(key)
        if ev is not None:
            return (subject, key, ev.value, ev.source._value_, ev.origin, ev.observed_at)
        if not isinstance(node, Replica):
            return None
        if key == "location.coordinates":
            c = node.location.coordinates
            return None if c is None else (subject, key, f"{c.lat},{c.lon}", c.source._value_,
                                           c.origin, None)
        if key.startswith("location."):
            return _model_claim(subject, key, node.location)
        return None

    def names(self, item: _Item) -> str | None:
        """The first of ``candidates`` that resolves to ``item`` here, or None (each id is
        resolved from its parts: an id is made only for the one that names ``item``)."""
        subject = item[0]
        for key in _candidate_keys(item[1]):
            if self._resolve(subject, key) == item:
                return f"{subject}#{key}"
        return None


def _model_claim(subject: str, key: str, location: Location) -> _Item | None:
    kind, want = _wanted(key)
    seen = 0
    for c in location.claims:
        if c.kind._value_ == kind:
            seen += 1
            if seen == want:
                return (subject, f"location.{kind}", c.value, c.source._value_, c.origin,
                        c.observed_at)
    return None
