"""Facts file version 3: a snapshot with everything that is shared written once.

A snapshot repeats each asset's location (provider, region, metro, ... with their origins)
for every replica on that asset; written out whole (versions 1 and 2) that was 12.8 KB per
dataset. Version 3 writes, and ``expand`` reads back:

- ``locations``: each asset's location once, keyed by the asset id; a replica's ``location``
  is left out when it is its asset's entry (another key, ``<asset>#2``..., when one asset
  holds replicas with different locations);
- ``shared``: a replica fact that several replicas carry (a bucket's encryption) once, keyed
  ``F1``, ``F2``... in order of first use; each replica's entry for it is that id;
- in a fact, claim or coordinates, ``source`` is left out when ``declared``, ``observed_at``
  when it equals the snapshot's ``collected_at``, ``reason`` when null, ``uncertain`` when
  false;
- a replica's ``id`` is left out when it is ``<dataset>/<role>/<name>`` (``<dataset>/primary``
  for the primary), ``role`` when it is ``primary`` for the primary and ``copy`` for a copy,
  ``kind`` and ``name`` when they are the asset id's two parts, ``path`` when null;
- in every ``origin``, ``@:`` stands for ``<sources.estate>:`` (the estate file's path) and
  ``@@`` for a literal ``@`` (when the estate path has no ``@`` of its own).

The digest is the sha256 of this compact document itself, so writing, verifying and quoting a
snapshot never builds the repeated form. ``document`` writes it from the snapshot's objects,
encoding each location object once.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Callable, Mapping
from typing import Any

from drcheck import __version__
from drcheck.facts.header import business_dict, header_fields
from drcheck.shared.json_stream import Spooled
from drcheck.shared.jsontext import compact
from drcheck.shared.model import (
    Claim,
    Coordinates,
    Dataset,
    Evidence,
    Location,
    Replica,
    ReplicaKind,
    Snapshot,
    Source,
)

FORMAT = "drcheck/facts"
VERSION = 3
DEFAULT_SOURCE = Source.DECLARED.value
KINDS = frozenset(k.value for k in ReplicaKind)
_Doc = dict[str, Any]
_MARK = re.compile(r"@([@:])")
# Enum texts are read as ``member._value_``: Python 3.11's ``member.value`` (a property) and
# hashing a member (a Python-level __hash__) are slow in hot loops.


class Origins:
    """Writes and reads origins with the estate path shortened to ``@``."""

    def __init__(self, sources: Any) -> None:
        estate = sources.get("estate") if isinstance(sources, Mapping) else None
        self.estate = estate if isinstance(estate, str) and estate and "@" not in estate \
            else None
        self._prefix = f"{self.estate}:"

    def short(self, origin: Any) -> Any:
        """``origin`` with the estate path written ``@``."""
        if self.estate is None or not isinstance(origin, str):
            return origin
        if "@" in origin:
            origin = origin.replace("@", "@@")
        return origin.replace(self._prefix, "@:") if self._prefix in origin else origin

    def shortener(self) -> Callable[[Any], Any]:
        """``short`` as the quickest function that gives the same: a writer calls it for
        every origin of a snapshot."""
        if self.estate is None:
            return _same
        prefix, short = self._prefix, self.short

        def shorten(origin: Any) -> Any:
            # str.replace hands back the text itself when it holds no prefix
            if type(origin) is not str or "@" in origin:
                return short(origin)
            return origin.replace(prefix, "@:")

        return shorten

    def full(self, origin: Any) -> Any:
        """The origin ``short`` was given."""
        if self.estate is None or not isinstance(origin, str) or "@" not in origin:
            return origin
        if "@@" not in origin:  # every other @ the writer made stands before a colon
            return origin.replace("@:", self._prefix)
        estate = self.estate
        return _MARK.sub(lambda m: "@" if m.group(1) == "@" else estate + ":", origin)

    def expander(self) -> Callable[[str], str]:
        """``full`` for text origins, as the quickest function that gives the same: a
        reader calls it for every origin of a file (1.3M of them at 100k datasets)."""
        if self.estate is None:
            return str
        prefix, full = self._prefix, self.full

        def expand(origin: str) -> str:
            # str.replace hands back the text itself when it holds no "@:"
            return full(origin) if "@@" in origin else origin.replace("@:", prefix)

        return expand


def _same(origin: Any) -> Any:
    return origin


def canonical_digest(body: Mapping[str, Any]) -> str:
    """sha256 of a version 3 document without its ``digest``: compact, key-sorted JSON as
    orjson writes it (the standard encoder for anything orjson refuses, such as an integer
    beyond 64 bits), so the same document always gives the same digest."""
    import orjson

    rest = {k: v for k, v in body.items() if k != "digest"}
    try:
        raw = orjson.dumps(rest, option=orjson.OPT_SORT_KEYS)
    except TypeError:
        raw = json.dumps(rest, sort_keys=True, separators=(",", ":"),
                         ensure_ascii=False).encode("utf-8")
    return "sha256:" + hashlib.sha256(raw).hexdigest()


def derived_id(dataset: str, role: str, name: str) -> str:
    """A replica's id when nothing says otherwise."""
    return f"{dataset}/primary" if role == "primary" else f"{dataset}/{role}/{name}"


def _content(name: str, ev: Evidence) -> tuple[Any, ...]:
    """A fact's content as a tuple of plain values (hashed in C, unlike the dataclass); a
    list or mapping value by its canonical JSON (unhashable, and ``[1]`` is not ``[true]``)."""
    value = ev.value
    kind: Any = type(value)
    if kind not in _PLAIN:  # the common case (str, bool, int, None) is keyed by its type
        if isinstance(value, (list, dict)):
            value = ("json", json.dumps(value, sort_keys=True, separators=(",", ":")))
        kind = _value_key(ev.value)
    return (name, value, kind, ev.source._value_, ev.origin, ev.observed_at, ev.reason)


_PLAIN = frozenset((str, bool, int, type(None)))
"""Value types whose ``_value_key`` is their type: checked first, since nearly every fact
holds one."""


def _value_key(value: Any) -> Any:
    """What tells apart values Python finds equal but JSON writes differently (1, 1.0, True)."""
    kind = type(value)
    return (kind, repr(value)) if kind is float else kind


class _Writer:
    """Builds the version 3 document of one snapshot."""

    def __init__(self, s: Snapshot) -> None:
        self.at = s.collected_at
        self.origins = Origins(s.sources)
        self.short = self.origins.shortener()
        self.locations: dict[str, _Doc] = {}
        self._lean: dict[int, tuple[Location, _Doc]] = {}
        self._by_asset: dict[str, list[tuple[Location, str]]] = {}
        self.shared: dict[str, _Doc] = {}
        self._shared_ids: dict[tuple[Any, ...], str] = {}
        counts: dict[tuple[Any, ...], int] = {}
        get, content = counts.get, _content
        for d in s.datasets:
            for r in (d.primary, *d.copies):
                for name, ev in r.facts.items():
                    key = content(name, ev)
                    counts[key] = get(key, 0) + 1
        self._many = {key for key, n in counts.items() if n > 1}
        """The content of every fact several replicas carry (written once, under ``shared``):
        a set of the few, not a map of every fact, which held 1.5 M entries at 100k datasets
        while the document was written."""

    def fact(self, ev: Evidence) -> _Doc:
        out: _Doc = {"value": ev.value, "origin": self.short(ev.origin)}
        source = ev.source._value_
        if source != DEFAULT_SOURCE:
            out["source"] = source
        if ev.observed_at != self.at:
            out["observed_at"] = ev.observed_at
        if ev.reason is not None:
            out["reason"] = ev.reason
        return out

    def claim(self, c: Claim) -> _Doc:
        out: _Doc = {"kind": c.kind._value_, "value": c.value,
                     "origin": self.short(c.origin)}
        source = c.source._value_
        if source != DEFAULT_SOURCE:
            out["source"] = source
        if c.observed_at != self.at:
            out["observed_at"] = c.observed_at
        if c.uncertain:
            out["uncertain"] = True
        return out

    def coordinates(self, c: Coordinates | None) -> _Doc | None:
        if c is None:
            return None
        out: _Doc = {"lat": c.lat, "lon": c.lon, "origin": self.short(c.origin)}
        source = c.source._value_
        if source != DEFAULT_SOURCE:
            out["source"] = source
        if c.uncertain:
            out["uncertain"] = True
        return out

    def lean_location(self, loc: Location) -> _Doc:
        """A location as written, worked out once per location object."""
        seen = self._lean.get(id(loc))
        if seen is None:
            seen = self._lean[id(loc)] = (loc, {
                "claims": [self.claim(c) for c in loc.claims],
                "coordinates": self.coordinates(loc.coordinates)})
        return seen[1]

    def location_key(self, r: Replica) -> str:
        """The key of ``r``'s location in ``locations``: its asset id, or ``<asset>#2``...
        for a further location of the same asset (compared by content as written)."""
        import orjson

        entries = self._by_asset.setdefault(r.asset, [])
        for loc, key in entries:
            if loc is r.location:
                return key
        lean = self.lean_location(r.location)
        raw = orjson.dumps(lean, option=orjson.OPT_SORT_KEYS) if entries else b""
        for loc, key in entries:
            if orjson.dumps(self.lean_location(loc), option=orjson.OPT_SORT_KEYS) == raw:
                entries.append((r.location, key))
                return key
        key, n = str(r.asset), 1  # a plain str: orjson takes no subclass as a key
        while key in self.locations:
            n += 1
            key = f"{r.asset}#{n}"
        self.locations[key] = lean
        entries.append((r.location, key))
        return key

    def replica_fact(self, name: str, ev: Evidence) -> Any:
        key = _content(name, ev)
        if key not in self._many:
            return self.fact(ev)
        found = self._shared_ids.get(key)
        if found is None:
            found = self._shared_ids[key] = f"F{len(self._shared_ids) + 1}"
            self.shared[found] = self.fact(ev)
        return found

    def replica(self, dataset: str, r: Replica, role: str) -> _Doc:
        asset = r.asset
        kind, _, asset_name = asset.partition(":")
        facts = r.facts
        out: _Doc = {"asset": asset, "origin": self.short(r.origin),
                     "facts": {k: self.replica_fact(k, facts[k]) for k in sorted(facts)}
                     if facts else {}}
        if r.role != role:
            out["role"] = r.role
        if r.name != asset_name:
            out["name"] = r.name
        if r.id != derived_id(dataset, r.role, r.name):
            out["id"] = r.id
        if r.kind._value_ != kind:
            out["kind"] = r.kind._value_
        if r.path is not None:
            out["path"] = r.path
        key = self.location_key(r)
        if key != asset:
            out["location"] = key
        return out

    def dataset(self, d: Dataset) -> _Doc:
        out: _Doc = {
            "name": d.name, "criticality": d.criticality,
            "labels": dict(sorted(d.labels.items())), "origin": self.short(d.origin),
            "facts": {k: self.fact(v) for k, v in sorted(d.facts.items())},
            "primary": self.replica(d.name, d.primary, "primary"),
            "copies": [self.replica(d.name, c, "copy") for c in d.copies],
        }
        if d.business is not None:
            out["business"] = business_dict(d.business)
        return out


def document(s: Snapshot, drcheck_version: str = __version__) -> _Doc:
    """The version 3 facts document of ``s``, digest included (computed once per snapshot);
    ``drcheck_version`` is the writer's."""
    from drcheck.shared.gcpause import paused_gc

    with paused_gc():
        writer = _Writer(s)
        datasets = [writer.dataset(d) for d in s.datasets]
    body = _head(s, writer, drcheck_version)
    body["datasets"] = datasets
    return _digested(s, body, lambda: canonical_digest(body))


def spooled_document(s: Snapshot, spool: Spooled) -> _Doc:
    """``document(s)`` for a writer that streams it: every field but ``datasets``, which is
    ``spool``, each dataset's compact record added to it as it is made (what the facts file
    and a JSON report write on a line each). No list of records is kept: 100k datasets'
    records (137 MB) go to the spool's file, not to memory; the digest is the same. For a
    value orjson refuses, the standard encoder's records instead (slower, the same bytes).
    """
    try:
        head = streamed_document(s, spool.add)
    except TypeError:  # something orjson refuses: start again
        spool.restart()
        head, records = standard_records(s)
        for record in records:
            spool.add(record)
    return {**head, "datasets": spool}


def standard_records(s: Snapshot) -> tuple[_Doc, list[bytes]]:
    """Every field of ``document(s)`` but ``datasets``, and the datasets as their compact
    records, by the standard encoder: for a value orjson refuses (an integer beyond 64
    bits). Slower than ``streamed_document``, the same bytes."""
    whole = document(s)
    return ({k: v for k, v in whole.items() if k != "datasets"},
            [compact(d) for d in whole["datasets"]])


def streamed_document(s: Snapshot, sink: Callable[[bytes], object]) -> _Doc:
    """``document(s)`` without its datasets, each dataset's compact record handed to ``sink``
    as it is made, in order, and the digest hashed as they go: no list of them is kept.
    ``TypeError`` if orjson refuses a value (``sink`` then has part of them: start again
    with ``standard_records``)."""
    import orjson

    from drcheck.shared.gcpause import paused_gc

    sort = orjson.OPT_SORT_KEYS
    with paused_gc():
        writer = _Writer(s)
        head = _head(s, writer, __version__)
        digest = None if isinstance(s.__dict__.get("_digest"), str) else _Digest(head)
        for d in s.datasets:
            line = orjson.dumps(writer.dataset(d), option=sort)
            if digest is not None:
                digest.dataset(line)
            sink(line)
    return _digested(s, head, lambda: digest.finish() if digest is not None else "")


class _Digest:
    """``canonical_digest`` of a document hashed as it is written: the fields before
    ``datasets``, each dataset's record, then the fields after (orjson writes a key-sorted
    mapping as its members in key order, so these are the bytes ``canonical_digest``
    hashes). The fields after ``datasets`` are read when ``finish`` is called."""

    def __init__(self, head: _Doc) -> None:
        import orjson

        self.dumps, self.head, self.count = orjson.dumps, head, 0
        self.keys = sorted([*(k for k in head if k != "digest"), "datasets"])
        self.at = self.keys.index("datasets")
        self.hash = hashlib.sha256(b"{")
        for i, key in enumerate(self.keys[:self.at]):
            self._field(i, key)
        self.hash.update((b"," if self.at else b"") + b'"datasets":[')

    def _field(self, i: int, key: str) -> None:
        import orjson

        self.hash.update((b"," if i else b"") + self.dumps(key) + b":"
                         + self.dumps(self.head[key], option=orjson.OPT_SORT_KEYS))

    def dataset(self, line: bytes) -> None:
        self.hash.update((b"," if self.count else b"") + line)
        self.count += 1

    def finish(self) -> str:
        self.hash.update(b"]")
        for key in self.keys[self.at + 1:]:
            self._field(1, key)
        self.hash.update(b"}")
        return "sha256:" + self.hash.hexdigest()


def _head(s: Snapshot, writer: _Writer, drcheck_version: str) -> _Doc:
    return {"format": FORMAT, "version": VERSION, "drcheck_version": drcheck_version,
            **header_fields(s), "locations": writer.locations, "shared": writer.shared}


def remember_digest(s: Snapshot, digest: str) -> None:
    """Keep ``digest`` as the digest of ``s``, worked out elsewhere from ``s`` itself (a
    forked worker that wrote its document)."""
    if not isinstance(s.__dict__.get("_digest"), str):
        object.__setattr__(s, "_digest", digest)


def _digested(s: Snapshot, body: _Doc, digest: Callable[[], str]) -> _Doc:
    """``body`` with the snapshot's digest (worked out by ``digest`` the first time)."""
    cached = s.__dict__.get("_digest")
    body["digest"] = cached if isinstance(cached, str) else digest()
    object.__setattr__(s, "_digest", body["digest"])
    return body


def _full_fact(fact: _Doc, at: Any, origins: Origins) -> _Doc:
    return {"value": fact.get("value"), "source": fact.get("source", DEFAULT_SOURCE),
            "origin": origins.full(fact.get("origin")),
            "observed_at": fact.get("observed_at", at), "reason": fact.get("reason")}


def _full_location(loc: _Doc, at: Any, origins: Origins) -> _Doc:
    coords = loc.get("coordinates")
    return {
        "claims": [{"kind": c.get("kind"), "value": c.get("value"),
                    "source": c.get("source", DEFAULT_SOURCE),
                    "origin": origins.full(c.get("origin")),
                    "observed_at": c.get("observed_at", at),
                    "uncertain": c.get("uncertain", False)} for c in loc["claims"]],
        "coordinates": None if coords is None else {
            "lat": coords.get("lat"), "lon": coords.get("lon"),
            "source": coords.get("source", DEFAULT_SOURCE),
            "origin": origins.full(coords.get("origin")),
            "uncertain": coords.get("uncertain", False)},
    }


class _Expander:
    """Turns version 3 replicas back into whole ones (each location expanded once)."""

    def __init__(self, doc: _Doc) -> None:
        self.doc = doc
        self.at = doc["collected_at"]
        self.origins = Origins(doc.get("sources"))
        self._locations: dict[str, _Doc] = {}

    def location(self, key: str) -> _Doc:
        found = self._locations.get(key)
        if found is None:
            found = self._locations[key] = _full_location(self.doc["locations"][key], self.at,
                                                          self.origins)
        return found

    def fact(self, value: Any) -> _Doc:
        raw = self.doc["shared"][value] if isinstance(value, str) else value
        return _full_fact(raw, self.at, self.origins)

    def replica(self, dataset: str, rep: _Doc, role_default: str) -> _Doc:
        kind, _, asset_name = rep["asset"].partition(":")
        role = rep.get("role", role_default)
        name = rep.get("name", asset_name)
        return {
            "id": rep.get("id", derived_id(dataset, role, name)), "name": name, "role": role,
            "kind": rep.get("kind", kind), "asset": rep["asset"], "path": rep.get("path"),
            "origin": self.origins.full(rep.get("origin", "")),
            "location": self.location(rep["location"] if "location" in rep else rep["asset"]),
            "facts": {k: self.fact(v) for k, v in rep["facts"].items()},
        }

    def dataset(self, d: _Doc) -> _Doc:
        out = {**d, "origin": self.origins.full(d.get("origin", "")),
               "facts": {k: self.fact(v) for k, v in d.get("facts", {}).items()},
               "primary": self.replica(d["name"], d["primary"], "primary"),
               "copies": [self.replica(d["name"], c, "copy") for c in d["copies"]]}
        return out


def expand(doc: _Doc) -> _Doc:
    """The whole (repeated) form of a version 3 document: every replica with its location,
    facts and defaults written out, as versions 1 and 2 held them (``version`` and ``digest``
    stay those of the version 3 document). Location entries are shared between replicas:
    treat the result as read-only."""
    expander = _Expander(doc)
    datasets = [expander.dataset(d) for d in doc["datasets"]]
    rest = {k: v for k, v in doc.items() if k not in ("locations", "shared")}
    return rest | {"datasets": datasets}
