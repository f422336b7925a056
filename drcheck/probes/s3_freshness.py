"""Freshness: the newest restore point under a dataset's prefix, without listing a bucket whole.

One delimited listing of the prefix tells the layout apart:

- restic keeps one small file per snapshot under ``snapshots/``: the newest one is the newest
  restore point;
- pgBackRest keeps ``backup/<stanza>/backup.info``, rewritten after every backup: its
  LastModified (HeadObject) is the newest backup of that stanza;
- borg (synced with rclone) rewrites ``index.N`` and ``hints.N`` at every commit;
- anything else gets a bounded, paginated listing: at most ``listing_pages`` pages of
  ``page_size`` keys (10 × 1000 by default). Past the budget the newest key seen is still
  reported and ``listing_truncated`` is set in the details. A complete listing also gives the
  object count and ``bytes``.

The three tool layouts are dated by an object's LastModified, which the tool also rewrites
without a new backup (``restic tag``/``rewrite``/``copy`` write a new snapshot object that
keeps the older time inside; pgBackRest ``expire`` rewrites ``backup.info``; borg's
``prune``/``delete``/``compact`` commit new ``index.N``/``hints.N``), and the times inside are
encrypted or need the object read: their restore point carries ``restore_point_basis:
proxy``, as the SSH probe labels the same repositories, and never proves freshness alone.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from drcheck.inputs.durations import format_time
from drcheck.probes.s3_client import BucketCalls, CallResult, S3Settings
from drcheck.probes.s3_config import evidence, unknown
from drcheck.shared.model import Evidence, FactKey


@dataclass
class Listing:
    """What a bounded listing saw: newest object, count, bytes, pages, truncation."""

    newest: datetime | None = None
    newest_key: str | None = None
    objects: int = 0
    bytes: int = 0
    pages: int = 0
    truncated: bool = False
    items: list[Mapping[str, Any]] = field(default_factory=list)
    prefixes: list[str] = field(default_factory=list)
    failure: CallResult | None = None

    def add(self, item: Mapping[str, Any]) -> None:
        """Count one object entry of a ListObjectsV2 page."""
        self.objects += 1
        self.bytes += int(item.get("Size") or 0)
        moment = item.get("LastModified")
        if isinstance(moment, datetime) and (self.newest is None or moment > self.newest):
            self.newest = moment
            self.newest_key = str(item.get("Key"))


def dir_prefix(prefix: str) -> str:
    """A dataset path as a key prefix: no leading slash, a trailing slash unless empty."""
    norm = prefix.lstrip("/")
    return norm if not norm or norm.endswith("/") else norm + "/"


def _lister(calls: BucketCalls, args: dict[str, Any]) -> Callable[[], Mapping[str, Any]]:
    """A deferred ListObjectsV2 call with fixed arguments."""
    return lambda: calls.client.list_objects_v2(**args)


def _header(calls: BucketCalls, key: str) -> Callable[[], Mapping[str, Any]]:
    """A deferred HeadObject call on ``key``."""
    return lambda: calls.client.head_object(Bucket=calls.bucket, Key=key)


def list_prefix(calls: BucketCalls, prefix: str, settings: S3Settings,
                delimiter: bool = False, pages: int | None = None) -> Listing:
    """List ``prefix`` page by page within the budget (one page when ``delimiter``)."""
    seen = Listing()
    token: str | None = None
    budget = pages or settings.listing_pages
    while True:
        args: dict[str, Any] = {"Bucket": calls.bucket, "Prefix": prefix,
                                "MaxKeys": settings.page_size}
        if delimiter:
            args["Delimiter"] = "/"
        if token:
            args["ContinuationToken"] = token
        result = calls.call("ListObjectsV2", _lister(calls, args))
        if result.data is None:
            seen.failure = result
            return seen
        seen.pages += 1
        for item in result.data.get("Contents") or []:
            seen.add(item)
            if delimiter:
                seen.items.append(item)
        seen.prefixes += [str(p.get("Prefix")) for p in result.data.get("CommonPrefixes") or []]
        token = result.data.get("NextContinuationToken")
        if not result.data.get("IsTruncated") or not token:
            return seen
        if seen.pages >= budget:
            seen.truncated = True
            return seen


def _pgbackrest(calls: BucketCalls, root: str, settings: S3Settings) -> Listing:
    """Newest ``backup.info`` across the stanzas under ``root`` (``.../backup/``)."""
    stanzas = list_prefix(calls, root, settings, delimiter=True, pages=1)
    out = Listing(failure=stanzas.failure)
    for stanza in stanzas.prefixes:
        key = f"{stanza}backup.info"
        result = calls.call("HeadObject", _header(calls, key))
        if result.data is None:
            out.failure = out.failure or result
            continue
        out.add({"Key": key, "LastModified": result.data.get("LastModified"),
                 "Size": result.data.get("ContentLength")})
    return out


def _borg_markers(top: Listing, prefix: str) -> Listing:
    """Only the ``index.N``/``hints.N`` commit markers of a borg repository's top level."""
    out = Listing(pages=top.pages)
    for item in top.items:
        if str(item.get("Key"))[len(prefix):].startswith(("index.", "hints.")):
            out.add(item)
    return out


def _layout(calls: BucketCalls, prefix: str, settings: S3Settings) -> tuple[str, Listing]:
    """Detect the layout under ``prefix`` and read the listing that dates it."""
    top = list_prefix(calls, prefix, settings, delimiter=True, pages=1)
    if top.failure is not None:
        return "unknown", top
    if f"{prefix}snapshots/" in top.prefixes:
        return "restic", list_prefix(calls, f"{prefix}snapshots/", settings)
    if f"{prefix}backup/" in top.prefixes:
        found = _pgbackrest(calls, f"{prefix}backup/", settings)
        if found.newest is not None:
            return "pgbackrest", found
    markers = _borg_markers(top, prefix)
    if markers.objects and f"{prefix}data/" in top.prefixes:
        return "borg", markers
    return "listing", list_prefix(calls, prefix, settings)


# The tool commands that rewrite the dating object of each layout without a new backup.
_REWRITTEN_BY = {
    "restic": "restic tag, rewrite and copy also write (keeping the older snapshot time inside)",
    "pgbackrest": "pgBackRest expire also rewrites",
    "borg": "borg prune, delete and compact also rewrite",
}


def path_freshness(calls: BucketCalls, prefix: str, settings: S3Settings,
                   at: str) -> tuple[dict[str, Evidence], dict[str, object]]:
    """Facts (``newest_restore_point``, ``bytes``) and details for one dataset prefix."""
    key_prefix = dir_prefix(prefix)
    layout, seen = _layout(calls, key_prefix, settings)
    details: dict[str, object] = {
        "layout": layout, "prefix": key_prefix, "pages": seen.pages,
        "objects": seen.objects, "newest_key": seen.newest_key,
        "listing_truncated": seen.truncated,
    }
    facts: dict[str, Evidence] = {}
    origin = "HeadObject" if layout == "pgbackrest" else "ListObjectsV2"
    if seen.newest is not None:
        facts[FactKey.NEWEST_RESTORE_POINT.value] = evidence(format_time(seen.newest), origin, at)
        if layout in _REWRITTEN_BY:
            facts[FactKey.RESTORE_POINT_BASIS.value] = evidence(
                "proxy", origin, at, f"LastModified of {seen.newest_key}, which "
                f"{_REWRITTEN_BY[layout]} without a new backup")
    elif seen.failure is not None:
        facts[FactKey.NEWEST_RESTORE_POINT.value] = unknown(seen.failure, at)
    else:
        facts[FactKey.NEWEST_RESTORE_POINT.value] = evidence(
            None, origin, at, f"no objects under {key_prefix or 'the bucket root'}")
    if layout == "listing" and not seen.truncated and seen.failure is None:
        facts[FactKey.BYTES.value] = evidence(seen.bytes, origin, at)
        details["bytes"] = seen.bytes
    return facts, details
