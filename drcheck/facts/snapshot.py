"""The facts snapshot on disk: versioned, schema-checked JSON that can be re-evaluated offline.

``snapshot_to_json`` writes version 3, the compact form (``compact``: each asset's location
and each shared fact once); ``load_snapshot`` reads versions 1 to 3 and gives back the same
snapshot ``snapshot_to_json`` was given. The document carries a sha256 digest of its own
canonical content so tampering or truncation is caught on load. A version 3 file is read by
``reader`` (checked while it is built); anything that reader refuses, and every older
version, goes through the JSON Schema and the sanity checks, which word each problem with
the file, line and JSON path (exit 2).
"""

from __future__ import annotations

import hashlib
import json
import tempfile
from collections.abc import Callable, Mapping
from typing import Any

from drcheck import __version__
from drcheck.facts.compact import (
    FORMAT,
    KINDS,
    VERSION,
    canonical_digest,
    document,
    expand,
    spooled_document,
)
from drcheck.facts.header import business_from, evidence_from_dict, snapshot_with
from drcheck.facts.schema import (
    FACTS_SCHEMA,
    LEGACY_SCHEMA,
    LEGACY_VERSIONS,
    READABLE_VERSIONS,
    WHOLE_SCHEMA,
)
from drcheck.inputs.bounds import load_json, read_bytes
from drcheck.inputs.documents import Document, PathKey, parse_text
from drcheck.inputs.validation import MAX_PROBLEMS, sanity_problems, schema_problems
from drcheck.shared.errors import ConfigError, Problem, UsageError
from drcheck.shared.gcpause import paused_gc
from drcheck.shared.json_stream import Spooled, write_records
from drcheck.shared.model import (
    Claim,
    Coordinates,
    Dataset,
    DomainKind,
    Location,
    Replica,
    ReplicaKind,
    Snapshot,
    Source,
)

__all__ = ["FACTS_SCHEMA", "FORMAT", "LEGACY_SCHEMA", "READABLE_VERSIONS", "VERSION",
           "content_digest", "facts_problems", "load_snapshot", "snapshot_digest",
           "snapshot_from_dict", "snapshot_from_document", "snapshot_to_dict",
           "snapshot_bytes", "snapshot_to_document", "snapshot_to_json", "write_snapshot"]

def content_digest(body: Mapping[str, Any]) -> str:
    """sha256 of the canonical JSON of a snapshot document without its ``digest`` field
    (version 3: ``compact.canonical_digest``, of the compact form even when the document is
    written whole; versions 1 and 2: the standard encoder's)."""
    if _is_whole(body):
        whole = snapshot_from_dict(body)
        return str(document(whole, str(body.get("drcheck_version", __version__)))["digest"])
    if body.get("version") == VERSION and type(body.get("version")) is int:
        return canonical_digest(body)
    canonical = json.dumps({k: v for k, v in body.items() if k != "digest"}, sort_keys=True,
                           separators=(",", ":"), ensure_ascii=False)
    return "sha256:" + hashlib.sha256(canonical.encode("utf-8")).hexdigest()


def snapshot_to_document(s: Snapshot) -> dict[str, Any]:
    """The facts file's document (version 3, compact), digest included: what
    ``snapshot_to_json`` writes and a JSON report embeds as its ``facts``."""
    return document(s)


def snapshot_to_dict(s: Snapshot) -> dict[str, Any]:
    """The snapshot as one whole JSON-ready document: every replica with its location and
    facts written out (the layout of versions 1 and 2, ``version`` and ``digest`` those of the
    version 3 document). Replicas on one location share its entry: treat it as read-only."""
    return expand(document(s))


def snapshot_digest(s: Snapshot) -> str:
    """The ``sha256:…`` digest of a snapshot's canonical content, computed once per snapshot.

    Every report that quotes the facts it rests on (JSON, HTML, SARIF, history) asks for it;
    serialising 100k datasets once per format would be the slowest part of writing them.
    """
    cached = s.__dict__.get("_digest")
    if cached is None:
        cached = str(document(s)["digest"])
    return str(cached)


def snapshot_to_json(s: Snapshot) -> str:
    """The snapshot's facts file: version 3, key-sorted JSON, one record per line (each
    dataset, location and shared fact on a line of its own), ending in a newline."""
    return snapshot_bytes(s).decode("utf-8")


def snapshot_bytes(s: Snapshot) -> bytes:
    """``snapshot_to_json`` as UTF-8, for a caller that stores bytes (no text made)."""
    out: list[bytes] = []
    write_snapshot(s, out.append)
    return b"".join(out)


def write_snapshot(s: Snapshot, write: Callable[[bytes], object]) -> None:
    """``snapshot_bytes`` handed to ``write`` part by part: the datasets' records are
    spooled to a temporary file as they are made, then copied, so a facts file is written
    without a copy of it in memory (at 100k datasets, 12% quicker than holding the
    records in a list, in-process)."""
    with tempfile.TemporaryFile() as body:
        write_records(spooled_document(s, Spooled(body, 1)), write)


def _location(loc: Mapping[str, Any]) -> Location:
    coords = loc.get("coordinates")
    return Location(
        tuple(Claim(DomainKind(c["kind"]), c["value"], Source(c["source"]), c["origin"],
                    c.get("observed_at"), bool(c.get("uncertain", False)))
              for c in loc["claims"]),
        None if coords is None else Coordinates(coords["lat"], coords["lon"],
                                                Source(coords["source"]), coords["origin"],
                                                bool(coords.get("uncertain", False))),
    )


def _rep(raw: Mapping[str, Any], locations: dict[bytes, Location]) -> Replica:
    import orjson  # C encoder: this key is only compared, never written or digested

    key = orjson.dumps(raw["location"], option=orjson.OPT_SORT_KEYS)
    if key not in locations:
        locations[key] = _location(raw["location"])
    return Replica(
        id=raw["id"], name=raw["name"], role=raw["role"], kind=ReplicaKind(raw["kind"]),
        asset=raw["asset"], path=raw.get("path"), origin=raw.get("origin", ""),
        location=locations[key], facts={k: evidence_from_dict(v) for k, v in raw["facts"].items()},
    )


def snapshot_from_dict(data: Mapping[str, Any]) -> Snapshot:
    """Rebuild a ``Snapshot`` from a whole document (versions 1 and 2, or
    ``snapshot_to_dict``'s) that passed the schema.

    Replicas with identical locations share one ``Location`` object (memory, and the
    per-location claim index is built once).
    """
    locations: dict[bytes, Location] = {}
    return snapshot_with(data, tuple(Dataset(
        name=d["name"], primary=_rep(d["primary"], locations),
        copies=tuple(_rep(c, locations) for c in d["copies"]), labels=dict(d.get("labels", {})),
        criticality=d.get("criticality", "medium"),
        facts={k: evidence_from_dict(v) for k, v in d.get("facts", {}).items()},
        origin=d.get("origin", ""),
        business=business_from(d.get("business")),
    ) for d in data["datasets"]))


def snapshot_from_document(data: Mapping[str, Any]) -> Snapshot:
    """A snapshot from a checked facts document of any readable version."""
    if data.get("version") == VERSION and not _is_whole(data):
        from drcheck.facts.reader import Refused, read

        try:
            return read(dict(data, datasets=list(data["datasets"])))
        except Refused:
            return snapshot_from_dict(expand(dict(data)))
    return snapshot_from_dict(data)


def _embedded_facts(path: str, shared: dict[str, Any]) -> Any:
    """The facts snapshot a result document (``--format json``) embeds: version 3 as it
    stands, the shared form of result documents before it expanded."""
    if shared.get("version") == VERSION:
        return shared
    from drcheck.facts.shared_facts import expand_legacy

    try:
        return expand_legacy(shared)
    except (KeyError, TypeError, AttributeError) as exc:
        raise ConfigError([Problem(path, None, None, "$.facts", "the result document's facts "
                                   f"are incomplete ({type(exc).__name__}: {exc})")]) from None


def _is_legacy(data: Any) -> bool:
    version = data.get("version") if isinstance(data, Mapping) else None
    return type(version) is int and version in LEGACY_VERSIONS


def _is_whole(data: Any) -> bool:
    """A version 3 snapshot written whole (``snapshot_to_dict``, a JSON report's
    ``result_reader.facts_of``): no ``locations`` table, replicas carry their locations."""
    return isinstance(data, Mapping) and type(data.get("version")) is int \
        and data["version"] == VERSION and "locations" not in data \
        and isinstance(data.get("datasets"), list) and "shared" not in data


def _shared_view(data: dict[str, Any]) -> dict[str, Any]:
    """``data`` with each replica's shared fact ids replaced by the facts (for the timestamp
    check, which reads every fact's value)."""
    shared = data["shared"]

    def facts(rep: dict[str, Any]) -> dict[str, Any]:
        return {**rep, "facts": {k: shared.get(v, v) if isinstance(v, str) else v
                                 for k, v in rep["facts"].items()}}

    return {**data, "datasets": [{**d, "primary": facts(d["primary"]),
                                  "copies": [facts(c) for c in d["copies"]]}
                                 for d in data["datasets"]]}


def _reference_problems(doc: Document) -> list[Problem]:
    """Ids in a version 3 document that name nothing: a location, a shared fact, an asset
    kind left out that the asset id does not give."""
    data = doc.data
    problems: list[Problem] = []
    for i, d in enumerate(data["datasets"]):
        for where, rep in [(("primary",), d["primary"])] + [
                (("copies", j), c) for j, c in enumerate(d["copies"])]:
            at: PathKey = ("datasets", i, *where)
            key = rep.get("location", rep["asset"])
            if key not in data["locations"]:
                field = "location" if "location" in rep else "asset"
                problems.append(doc.problem(at + (field,), f"{key!r} names no entry of "
                                            "locations (a replica's location is its asset's "
                                            "entry unless it names another)"))
            if "kind" not in rep and rep["asset"].partition(":")[0] not in KINDS:
                problems.append(doc.problem(at + ("asset",), f"{rep['asset']!r} does not "
                                            "start with host:, bucket: or medium:, so the "
                                            "replica must give its kind"))
            problems += [doc.problem(at + ("facts", k), f"{v!r} names no entry of shared")
                         for k, v in rep["facts"].items()
                         if isinstance(v, str) and v not in data["shared"]]
        if len(problems) >= MAX_PROBLEMS:
            break
    return problems[:MAX_PROBLEMS]


def facts_problems(doc: Document) -> list[Problem]:
    """Everything wrong with a facts document of any readable version, in words: the JSON
    Schema of its version, then references, nesting, numbers and timestamps."""
    if _is_legacy(doc.data) or _is_whole(doc.data):
        schema = LEGACY_SCHEMA if _is_legacy(doc.data) else WHOLE_SCHEMA
        return schema_problems(doc, schema) or sanity_problems(doc)
    problems = schema_problems(doc, FACTS_SCHEMA) or _reference_problems(doc)
    if problems:
        return problems
    return sanity_problems(Document(doc.path, _shared_view(doc.data), doc.marks, doc.digest))


def _fast(raw: bytes, keep: bool) -> Snapshot | None:
    """The snapshot of a version 3 file (or a result document embedding one) the fast way,
    or ``None`` when the full checks must run."""
    import orjson

    from drcheck.facts.lines import read_lines
    from drcheck.facts.reader import Refused, read
    from drcheck.facts.stored import keep_source

    lined = read_lines(raw)  # a file in the writer's layout: one dataset line at a time
    if lined is not None:
        if lined.drcheck_version == __version__:
            object.__setattr__(lined.snapshot, "_digest", lined.digest)
            if keep:
                keep_source(lined.snapshot, raw, lined.datasets)
        return lined.snapshot
    try:
        data = orjson.loads(raw)
    except orjson.JSONDecodeError:
        return None
    embedded = isinstance(data, dict) and data.get("format") == "drcheck/result"
    if embedded:
        data = data.get("facts")
    if not isinstance(data, dict) or type(data.get("version")) is not int \
            or data["version"] != VERSION or canonical_digest(data) != data.get("digest"):
        return None
    digest, same = data["digest"], data.get("drcheck_version") == __version__
    try:
        snapshot = read(data)
    except Refused:
        return None
    if same:  # written back the same: same digest, and the same document
        object.__setattr__(snapshot, "_digest", digest)
        if keep and not embedded:
            keep_source(snapshot, raw)
    return snapshot


def _checked(text: str, path: str) -> Snapshot:
    """The snapshot of a facts file of any version, every problem worded (exit 2)."""
    data = load_json(text, path)
    embedded = isinstance(data, dict) and data.get("format") == "drcheck/result" \
        and isinstance(data.get("facts"), dict)
    if embedded:
        data = _embedded_facts(path, data["facts"])
    problems = facts_problems(Document(path, data))
    if problems:  # lines from the file itself (a report's facts are not where paths say)
        raise ConfigError(problems if embedded else facts_problems(parse_text(text, path))
                          or problems)
    if content_digest(data) != data["digest"]:
        raise ConfigError([Problem(path, None, None, "$.digest", "digest does not match the "
                                   "content: the file was edited or truncated after it was "
                                   "written")], hint="re-run drcheck probe to write it again")
    whole = _is_legacy(data) or _is_whole(data)
    snapshot = snapshot_from_dict(data if whole else expand(data))
    if data.get("drcheck_version") == __version__ and not _is_legacy(data):
        object.__setattr__(snapshot, "_digest", data["digest"])
    return snapshot


def load_snapshot(path: str, partial_ok: bool = False, keep_source: bool = False) -> Snapshot:
    """Read, validate and verify a facts file (or the facts a JSON report embeds); any
    problem is a ``ConfigError`` (exit 2).

    A shard's snapshot (``partial``) is refused unless ``partial_ok``: its datasets are not
    assembled until ``drcheck merge`` has every shard. ``keep_source``: a file this version
    wrote stays with the snapshot, for a JSON report to embed its lines (``facts.stored``);
    it costs the file's size in memory, so only a command writing one asks.
    """
    raw = read_bytes(path)
    with paused_gc():
        snapshot = _fast(raw, keep_source)
        if snapshot is None:
            try:
                text = raw.decode("utf-8")
            except UnicodeDecodeError as exc:
                raise UsageError(f"{path}: not UTF-8 text (byte {exc.start})") from None
            del raw
            snapshot = _checked(text, path)
    if snapshot.partial is not None and not partial_ok:
        raise ConfigError([Problem(path, None, None, "$.partial", "a shard's snapshot (written "
                                   "with --shard or --only) holds raw probe reports, not "
                                   "assembled datasets")],
                          hint="merge every shard first: drcheck merge facts-*.json -o facts.json")
    return snapshot


def share_facts(snapshot: dict[str, Any]) -> dict[str, Any]:
    """The compact (version 3) document of a whole snapshot document (``snapshot_to_dict``'s
    output): what a result document embeds. ``snapshot_to_document`` gives it directly."""
    return snapshot_to_document(snapshot_from_dict(snapshot))
