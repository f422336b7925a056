"""The fast way in for a version 3 facts file: checked while the snapshot is built.

A 100k-dataset facts file has millions of values; checking them against the JSON Schema and
then walking them again for timestamps, depth and non-finite numbers cost more than
everything else a facts-driven audit does. ``read`` checks each value as it builds the typed
snapshot from it (each location and shared fact once), at least as strictly as
``FACTS_SCHEMA`` and the sanity checks. It never words an error: when anything is not as it
expects it raises ``Refused``, and the caller runs the full checks, which say what is wrong
with the file's line and JSON path (or, should the fast reader have been stricter than the
schema, load the file the slow way). It reads what orjson parsed; anything orjson may have
read differently from the standard reader (an integer beyond 64 bits) is refused too.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from drcheck.facts.compact import DEFAULT_SOURCE, FORMAT, VERSION, Origins, derived_id
from drcheck.facts.schema import FACTS_SCHEMA
from drcheck.inputs.bounds import tree_problems
from drcheck.inputs.documents import Document
from drcheck.inputs.durations import parse_time
from drcheck.inputs.validation import TIME_KEYS, passes, time_problems
from drcheck.shared.errors import Problem
from drcheck.shared.model import (
    Claim,
    Coordinates,
    Dataset,
    DomainKind,
    Evidence,
    Location,
    Replica,
    ReplicaKind,
    Snapshot,
    Source,
    new_claim,
    new_coordinates,
    new_dataset,
    new_evidence,
    new_replica,
)


class Refused(Exception):
    """The fast reader does not vouch for this document: run the full checks."""


_SOURCES = {s.value: s for s in Source}
_DOMAINS = {k.value: k for k in DomainKind}
_KINDS = {k.value: k for k in ReplicaKind}
_SCALARS = frozenset((bool, int, float, str, type(None)))
_TEXT_OR_NULL = frozenset((str, type(None)))
_NUMBERS = frozenset((int, float))
_EVIDENCE_KEYS = frozenset(("value", "source", "origin", "observed_at", "reason"))
_CLAIM_KEYS = frozenset(("kind", "value", "source", "origin", "observed_at", "uncertain"))
_COORD_KEYS = frozenset(("lat", "lon", "source", "origin", "uncertain"))
_REPLICA_KEYS = frozenset(FACTS_SCHEMA["properties"]["datasets"]["items"]["properties"]
                          ["primary"]["properties"])
_DATASET_SCHEMA = FACTS_SCHEMA["properties"]["datasets"]["items"]
_DATASET_KEYS = frozenset(_DATASET_SCHEMA["properties"])
_BUSINESS_SCHEMA = _DATASET_SCHEMA["properties"]["business"]
_OWN = ("datasets", "locations", "shared")
_REST_SCHEMA: dict[str, Any] = {
    **FACTS_SCHEMA,
    "required": [k for k in FACTS_SCHEMA["required"] if k not in _OWN],
    "properties": {k: v for k, v in FACTS_SCHEMA["properties"].items() if k not in _OWN},
}
"""The schema of everything but the datasets, locations and shared facts (checked the
compiled way: it is small)."""


_BIG = 2.0 ** 63
"""orjson reads an integer beyond 64 bits as a float: a float this large may have been one,
and only the standard reader can tell."""


def _no_big_floats(data: Any) -> bool:
    """Whether no float in ``data`` is as large as ``_BIG`` (nesting is checked before)."""
    stack = [data]
    while stack:
        value = stack.pop()
        if type(value) is float and abs(value) >= _BIG:
            return False
        if type(value) is dict:
            stack.extend(value.values())
        elif type(value) is list:
            stack.extend(value)
    return True


def _need(ok: bool) -> None:
    if not ok:
        raise Refused


class _Reader:
    """Builds typed records from one version 3 document, refusing anything unexpected.

    Written for speed (a 100k-dataset file holds 400k replicas): the checks are inlined,
    each ``Refused`` is one ``_need`` of several conditions, and a KeyError, TypeError or
    ValueError raised on the way (a missing key, an unhashable enum text) refuses as well.
    """

    def __init__(self, doc: Mapping[str, Any]) -> None:
        self.at = doc["collected_at"]
        self.full = Origins(doc.get("sources")).expander()
        self.times: set[str] = set()
        shared, locations = doc["shared"], doc["locations"]
        _need(type(shared) is dict and type(locations) is dict)
        self.shared = {k: self.evidence(v) for k, v in shared.items()}
        self.locations = {k: self.location(v) for k, v in locations.items()}

    def time(self, text: Any) -> None:
        """A timestamp under a time key (``TIME_KEYS``) must be a real moment."""
        if type(text) is str and text not in self.times:
            try:
                parse_time(text)
            except ValueError:
                raise Refused from None
            self.times.add(text)

    def evidence(self, raw: Any) -> Evidence:
        _need(type(raw) is dict and raw.keys() <= _EVIDENCE_KEYS)
        value, origin = raw["value"], raw["origin"]
        kind = type(value)
        at = raw.get("observed_at", self.at)
        reason = raw.get("reason")
        _need(kind in _SCALARS and type(origin) is str and type(at) in _TEXT_OR_NULL
              and type(reason) in _TEXT_OR_NULL and (kind is not float or abs(value) < _BIG))
        return new_evidence(value, _SOURCES[raw.get("source", DEFAULT_SOURCE)], self.full(origin),
                        at, reason)

    def facts(self, raw: Any, shared: bool) -> dict[str, Evidence]:
        _need(type(raw) is dict)
        if shared:
            found = self.shared
            out = {name: found[value] if type(value) is str else self.evidence(value)
                   for name, value in raw.items()}
        else:
            out = {name: self.evidence(value) for name, value in raw.items()}
        for name in TIME_KEYS:
            ev = out.get(name)
            if ev is not None:
                self.time(ev.value)
        return out

    def claim(self, raw: Any) -> Claim:
        _need(type(raw) is dict and raw.keys() <= _CLAIM_KEYS)
        origin = raw["origin"]
        at = raw.get("observed_at", self.at)
        uncertain = raw.get("uncertain", False)
        _need(type(raw["value"]) is str and type(origin) is str and type(at) in _TEXT_OR_NULL
              and type(uncertain) is bool)
        return new_claim(_DOMAINS[raw["kind"]], raw["value"],
                     _SOURCES[raw.get("source", DEFAULT_SOURCE)], self.full(origin), at,
                     uncertain)

    def coordinates(self, raw: Any) -> Coordinates | None:
        if raw is None:
            return None
        _need(type(raw) is dict and raw.keys() <= _COORD_KEYS and type(raw["origin"]) is str)
        lat, lon, uncertain = raw["lat"], raw["lon"], raw.get("uncertain", False)
        _need(type(lat) in _NUMBERS and type(lon) in _NUMBERS and type(uncertain) is bool
              and -90 <= lat <= 90 and -180 <= lon <= 180)
        return new_coordinates(lat, lon, _SOURCES[raw.get("source", DEFAULT_SOURCE)],
                           self.full(raw["origin"]), uncertain)

    def location(self, raw: Any) -> Location:
        _need(type(raw) is dict and raw.keys() <= {"claims", "coordinates"}
              and type(raw["claims"]) is list)
        return Location(tuple([self.claim(c) for c in raw["claims"]]),
                        self.coordinates(raw.get("coordinates")))

    def replica(self, dataset: str, raw: Any, role_default: str) -> Replica:
        _need(type(raw) is dict and raw.keys() <= _REPLICA_KEYS)
        asset = raw["asset"]
        _need(type(asset) is str)
        kind, _, name = asset.partition(":")
        get = raw.get
        kind, name, role = get("kind", kind), get("name", name), get("role", role_default)
        path, origin = get("path"), get("origin", "")
        rid = raw["id"] if "id" in raw else derived_id(dataset, role, name)
        _need(type(name) is str and (role == "primary" or role == "copy")
              and type(origin) is str and type(path) in _TEXT_OR_NULL and type(rid) is str)
        return new_replica(rid, name, role, _KINDS[kind], asset, path,
                       self.locations[get("location", asset)], self.facts(raw["facts"], True),
                       self.full(origin))

    def labels(self, raw: Any) -> dict[str, str]:
        _need(type(raw) is dict)
        for key, value in raw.items():
            _need(type(value) is str)
            if key in TIME_KEYS:
                self.time(value)
        return dict(raw)

    def dataset(self, raw: Any) -> Dataset:
        _need(type(raw) is dict and raw.keys() <= _DATASET_KEYS)
        get = raw.get
        name, copies = raw["name"], raw["copies"]
        criticality, origin = get("criticality", "medium"), get("origin", "")
        _need(type(name) is str and type(copies) is list and type(criticality) is str
              and type(origin) is str)
        business = get("business")
        if business is not None:
            from drcheck.facts.header import business_from

            _need(passes(business, _BUSINESS_SCHEMA))
            business = business_from(business)
        replica = self.replica
        return new_dataset(name, replica(name, raw["primary"], "primary"),
                       tuple([replica(name, c, "copy") for c in copies]),
                       self.labels(get("labels", {})), criticality,
                       self.facts(get("facts", {}), False), self.full(origin), business)


def _check_rest(rest: dict[str, Any]) -> None:
    """Everything but datasets, locations and shared: schema, nesting, numbers, timestamps."""
    _need(passes(rest, _REST_SCHEMA) and rest["format"] == FORMAT
          and type(rest["version"]) is int and rest["version"] == VERSION)
    _need(not tree_problems(rest, lambda path, message: Problem("", None, None, "", message),
                            limit=1))
    _need(not time_problems(Document("", rest)) and _no_big_floats(rest))


def read(doc: Any) -> Snapshot:
    """The snapshot a version 3 document holds; ``Refused`` for anything the full checks
    must look at. The document's dataset entries are released as they are read."""
    _need(type(doc) is dict and type(doc.get("datasets")) is list)
    return read_each(doc, _released(doc["datasets"]))


def _released(entries: list[Any]) -> Iterator[Any]:
    """Each entry of ``entries``, dropped from the list once handed out."""
    for i, raw in enumerate(entries):
        entries[i] = None
        yield raw


def read_each(doc: Any, entries: Iterable[Any]) -> Snapshot:
    """The snapshot of a version 3 document whose dataset entries come from ``entries``
    (the document's own ``datasets`` is not read); ``Refused`` as ``read``."""
    from drcheck.facts.header import snapshot_with

    try:
        _need(type(doc) is dict)
        _check_rest({k: v for k, v in doc.items() if k not in _OWN})
        dataset = _Reader(doc).dataset
        datasets = tuple([dataset(raw) for raw in entries])
        return snapshot_with({**doc, "datasets": ()}, datasets)
    except (KeyError, TypeError, AttributeError, ValueError, RecursionError):
        raise Refused from None
