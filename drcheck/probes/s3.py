"""The object-storage probe: real facts from any S3 endpoint (AWS, OVHcloud, Scaleway, Ceph…).

``S3Probe().collect(targets)`` reads every bucket concurrently (a bounded thread pool over
shared clients) and returns one ``ProbeReport`` per bucket, then follows replication rules to
their destinations and reports those too (subject ``bucket:<destination>``). It only calls the
read-only operations listed in ``S3Probe.operations``; docs/iam-policy.json grants exactly
those. ``discover_buckets`` lists every bucket a credential can see so none can hide.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from typing import ClassVar

from drcheck.durations import format_time
from drcheck.errors import DrcheckError, ExitCode
from drcheck.estate import BucketSpec, Estate
from drcheck.model import ProbeIssue
from drcheck.probes.base import Probe, ProbeReport
from drcheck.probes.s3_bucket import PROBE, BucketOutcome, BucketProbe, S3Target
from drcheck.probes.s3_client import BucketCalls, ClientKey, ClientPool, S3Settings
from drcheck.probes.s3_location import HostResolver, catalog_resolver
from drcheck.progress import Progress

__all__ = ["S3Probe", "S3Settings", "S3Target", "discover_buckets", "targets_from_estate"]

log = logging.getLogger("drcheck.probes.s3")


def targets_from_estate(estate: Estate) -> list[S3Target]:
    """Every probed bucket of an estate with the dataset prefixes that live in it."""
    prefixes: dict[str, list[str]] = {}
    for dataset in estate.datasets:
        for replica in (dataset.primary, *dataset.copies):
            if replica.asset_id.startswith("bucket:"):
                found = prefixes.setdefault(replica.asset_id, [])
                path = replica.path or ""
                if path not in found:
                    found.append(path)
    return [S3Target(spec, tuple(prefixes.get(spec.asset_id, ())))
            for spec in estate.buckets if spec.probe]


def _as_target(item: object) -> S3Target:
    if isinstance(item, S3Target):
        return item
    if isinstance(item, BucketSpec):
        return S3Target(item)
    raise TypeError(f"S3Probe cannot probe {type(item).__name__}")


class S3Probe(Probe):
    """Reads location, versioning, object lock, encryption, lifecycle, replication and
    freshness of buckets over the S3 API, read-only."""

    name: ClassVar[str] = PROBE
    operations: ClassVar[Sequence[str]] = (
        "GetBucketLocation",
        "GetBucketVersioning",
        "GetObjectLockConfiguration",
        "GetBucketEncryption",
        "GetBucketLifecycleConfiguration",
        "GetBucketReplication",
        "ListObjectsV2",
        "HeadObject",
        "ListBuckets",
    )
    #: The IAM actions behind ``operations`` (docs/iam-policy.json grants exactly these).
    permissions: ClassVar[Sequence[str]] = (
        "s3:GetBucketLocation",
        "s3:GetBucketVersioning",
        "s3:GetBucketObjectLockConfiguration",
        "s3:GetEncryptionConfiguration",
        "s3:GetLifecycleConfiguration",
        "s3:GetReplicationConfiguration",
        "s3:ListBucket",
        "s3:GetObject",
        "s3:ListAllMyBuckets",
    )

    def __init__(self, settings: S3Settings | None = None,
                 resolver: HostResolver | None = None) -> None:
        """A probe with its timeouts, concurrency and listing budget (``S3Settings``)."""
        self.settings = settings or S3Settings()
        self.resolver = resolver or catalog_resolver
        self.pool = ClientPool(self.settings)

    def collect(self, targets: Sequence[object]) -> list[ProbeReport]:
        """Probe every target, then every replication destination found, never raising."""
        wave = [_as_target(t) for t in targets]
        names = {(t.spec.bucket, t.spec.endpoint): t.spec.name for t in wave}
        worker = BucketProbe(self.pool, self.settings, self.resolver, names)
        done: dict[str, ProbeReport] = {}
        sources: dict[str, list[tuple[str, str]]] = {}
        progress = Progress("s3", len(wave), "buckets probed")

        def one(target: S3Target) -> BucketOutcome:
            try:
                return self._safely(worker, target)
            finally:
                progress.advance()

        with ThreadPoolExecutor(max_workers=max(1, self.settings.concurrency)) as executor:
            while wave:
                outcomes = list(executor.map(one, wave))
                wave = self._next_wave(outcomes, done, sources)
                progress.grow(len(wave))  # replication destinations found on the way
        progress.done()
        return [self._with_dangling(report, sources, done) for report in done.values()]

    def _next_wave(self, outcomes: Iterable[BucketOutcome], done: dict[str, ProbeReport],
                   sources: dict[str, list[tuple[str, str]]]) -> list[S3Target]:
        """Record reports; return the destinations not yet probed (each once)."""
        outcomes = list(outcomes)
        for outcome in outcomes:
            done[outcome.report.subject] = outcome.report
        wave: dict[str, S3Target] = {}
        for outcome in outcomes:
            for dest in outcome.follow:
                sources.setdefault(dest.subject, []).append(
                    (outcome.report.subject, dest.spec.bucket))
                if self.settings.follow_replication and dest.subject not in done:
                    wave.setdefault(dest.subject, dest)
        return list(wave.values())

    def _safely(self, worker: BucketProbe, target: S3Target) -> BucketOutcome:
        """Run one bucket; an unexpected error becomes a ``probe-error`` issue."""
        try:
            return worker.run(target)
        except Exception as exc:  # never let one bucket sink the run
            at = format_time(self.settings.now())
            reason = self.pool.scrub(f"{type(exc).__name__}: {exc}")
            log.warning("s3 probe of %s failed: %s", target.subject, reason)
            issue = ProbeIssue(target.subject, PROBE, "probe-error", reason, at)
            return BucketOutcome(ProbeReport(PROBE, target.subject, at, issues=(issue,)))

    @staticmethod
    def _with_dangling(report: ProbeReport, sources: dict[str, list[tuple[str, str]]],
                       done: dict[str, ProbeReport]) -> ProbeReport:
        """Add ``dangling-replication`` to a source whose destination does not exist."""
        extra: list[ProbeIssue] = []
        for dest_subject, pairs in sources.items():
            dest = done.get(dest_subject)
            if dest is None or not any(i.code == "no-such-bucket" for i in dest.issues):
                continue
            extra += [ProbeIssue(report.subject, PROBE, "dangling-replication",
                                 f"replication destination bucket {bucket} does not exist",
                                 report.observed_at)
                      for source, bucket in pairs if source == report.subject]
        return replace(report, issues=report.issues + tuple(extra)) if extra else report


def discover_buckets(endpoint: str | None = None, *, region: str | None = None,
                     profile: str | None = None, provider: str | None = None,
                     addressing_style: str | None = None,
                     settings: S3Settings | None = None) -> list[BucketSpec]:
    """Every bucket the credential can list (ListBuckets), as estate bucket specs.

    Raises ``DiscoveryError`` when the listing itself fails (the message carries no keys).
    """
    pool = ClientPool(settings or S3Settings())
    client = pool.client(ClientKey(endpoint, region, profile, addressing_style))
    calls = BucketCalls(client, "", pool)
    result = calls.call("ListBuckets", lambda: client.list_buckets())
    if result.data is None:
        raise DiscoveryError(str(result.reason), str(result.code))
    specs = []
    for bucket in result.data.get("Buckets") or []:
        name = str(bucket.get("Name"))
        specs.append(BucketSpec(
            name=name, origin="s3:ListBuckets", bucket=name, endpoint=endpoint,
            provider=provider, region=bucket.get("BucketRegion") or region, profile=profile,
            addressing_style=addressing_style))
    return specs


class DiscoveryError(DrcheckError):
    """ListBuckets failed; ``code`` is the probe issue code (``access-denied``…). Exit 3."""

    exit_code = ExitCode.INCOMPLETE

    def __init__(self, reason: str, code: str) -> None:
        """The scrubbed reason and the issue code."""
        super().__init__(f"cannot list buckets ({code}): {reason}",
                         "check the endpoint and that the credential may s3:ListAllMyBuckets")
        self.code = code
