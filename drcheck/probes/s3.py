"""The object-storage probe: real facts from any S3 endpoint (AWS, OVHcloud, Scaleway, Ceph…).

``S3Probe().collect(targets)`` reads every bucket concurrently (a bounded thread pool over
shared clients) and returns one ``ProbeReport`` per bucket, then follows replication rules to
their destinations and reports those too (subject ``bucket:<destination>``). It only calls the
read-only operations listed in ``S3Probe.operations``; docs/iam-policy.json grants exactly
those. ``discover_buckets`` lists every bucket a credential can see so none can hide.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import replace
from typing import ClassVar
from xml.etree.ElementTree import ParseError

from botocore.exceptions import BotoCoreError, ClientError

from drcheck.inputs.durations import format_time
from drcheck.inputs.estate import BucketSpec, Estate
from drcheck.probes.base import Probe, ProbeReport, probe_bug, raised_at
from drcheck.probes.s3_bucket import PROBE, BucketOutcome, BucketProbe, S3Target
from drcheck.probes.s3_client import (
    BucketCalls,
    ClientKey,
    ClientPool,
    S3Settings,
    credential_scope,
    env_endpoint,
)
from drcheck.probes.s3_deadline import bounded_map
from drcheck.probes.s3_location import HostResolver, catalog_resolver
from drcheck.probes.s3_split import (
    Send,
    Shares,
    Tell,
    fork_shares,
    idle_limit,
    read_verdicts,
)
from drcheck.shared import progress as progress_style
from drcheck.shared.errors import DrcheckError, ExitCode
from drcheck.shared.model import ProbeIssue
from drcheck.shared.progress import Progress

__all__ = ["S3Probe", "S3Settings", "S3Target", "discover_buckets", "targets_from_estate"]

log = logging.getLogger("drcheck.probes.s3")
MALFORMED = (ParseError,)
"""What botocore lets through on an answer that is no XML: its GetBucketLocation handler
parses the body with ElementTree itself (the response parsers turn a bad body into an error
answer of their own)."""


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
        self._shares: Shares | None = None

    def collect(self, targets: Sequence[object],
                peers: Sequence[BucketSpec] | None = None) -> list[ProbeReport]:
        """Probe every target, then every replication destination found, never raising.

        ``peers`` (default: the targets) are the estate buckets a destination is named after,
        so a shard of the estate names them as the whole estate would. When ``share_out``
        forked workers for these targets, they probe their shares of the first wave.
        """
        wave = [_as_target(t) for t in targets]
        worker = BucketProbe(self.pool, self.settings, self.resolver, _names(wave, peers))
        done: dict[str, ProbeReport] = {}
        sources: dict[str, list[tuple[str, str, str | None]]] = {}
        progress = Progress("s3", len(wave), "buckets probed")

        def one(target: S3Target) -> BucketOutcome:
            try:
                return self._safely(worker, target)
            finally:
                progress.advance()

        def run(items: list[S3Target], concurrency: int) -> list[BucketOutcome]:
            return bounded_map(one, items, concurrency, self.settings.bucket_deadline,
                               lambda t, limit: self._expired(worker, t, limit))

        split, self._shares = self._shares, None
        if split is not None and split.covers([t.subject for t in wave]):
            outcomes = self._shared_wave(wave, split, run, progress.advance)
        else:
            outcomes = run(wave, self.settings.concurrency) if wave else []
        while outcomes:
            wave = self._next_wave(outcomes, done, sources)
            progress.grow(len(wave))  # replication destinations found on the way
            outcomes = run(wave, self.settings.concurrency) if wave else []
        progress.done()
        return [self._with_dangling(report, sources, done) for report in done.values()]

    @contextmanager
    def share_out(self, targets: Sequence[object],
                  peers: Sequence[BucketSpec] | None = None) -> Iterator[bool]:
        """Fork workers for the later shares of a large first wave (``s3_split``), for the
        next ``collect`` of the same targets; call it where no other thread runs yet. The
        block gets whether it did; the workers never outlive it."""
        wave = [_as_target(t) for t in targets]
        names = _names(wave, peers)
        settings = self.settings

        def work(share: range, concurrency: int, verdicts: int, send: Send, tell: Tell) -> None:
            self._probe_share(wave, share, concurrency, names, verdicts, tell, send)

        with fork_shares([t.subject for t in wave], settings.concurrency,
                         idle_limit(settings.bucket_deadline, settings.connect_timeout),
                         work) as split:
            if split is not None:
                log.info("s3: the first %d buckets shared over %d processes (%d calls in "
                         "flight at most, as in one)", len(wave), split.processes,
                         settings.concurrency)
            self._shares = split
            try:
                yield split is not None
            finally:
                self._shares = None

    def _shared_wave(self, wave: list[S3Target], split: Shares,
                     run: Callable[[list[S3Target], int], list[BucketOutcome]],
                     advance: Callable[[int], object]) -> list[BucketOutcome]:
        """The first wave with the workers: the process probes the first share while they
        probe theirs, then probes itself whatever a worker did not report."""
        self.pool.share_with(split.tell)
        split.follow(advance, self.pool.learn)
        try:
            mine = run([wave[i] for i in split.first], split.concurrency)
        finally:
            self.pool.share_with(None)
        theirs = split.outcomes()
        missing = [i for i in range(len(split.first), len(wave)) if i not in theirs]
        if missing:
            log.warning("s3: %d bucket(s) a forked worker did not report are probed here",
                        len(missing))
            theirs.update(zip(missing, run([wave[i] for i in missing],
                                           self.settings.concurrency), strict=True))
        return mine + [theirs[i] for i in range(len(split.first), len(wave))]

    def _probe_share(self, wave: list[S3Target], share: range, concurrency: int,
                     names: dict[tuple[str, str | None], str], listen: int, tell: Tell,
                     send: Send) -> None:
        """In a forked worker: probe ``share`` of the wave with a pool of its own (no
        socket of the parent's is ever used) and send each outcome as it comes. A
        credential with buckets earlier in the wave is vetted by the process holding the
        first of them: its verdict is waited for (``listen``: the descriptor it comes on),
        and this pool's own verdicts go to the parent (``tell``), which passes them on."""
        progress_style.configure("off")  # the parent counts what this worker sends
        probe = S3Probe(self.settings, self.resolver)
        earlier = {credential_scope(t.client_key()) for t in wave[:share.start]}
        probe.pool.expect(earlier & {credential_scope(wave[i].client_key()) for i in share})
        probe.pool.share_with(tell)
        threading.Thread(target=read_verdicts, args=(listen, probe.pool.learn),
                         name="drcheck-s3-verdicts", daemon=True).start()
        worker = BucketProbe(probe.pool, self.settings, self.resolver, names)

        def one(index: int) -> BucketOutcome:
            outcome = probe._safely(worker, wave[index])
            send(index, outcome)
            return outcome

        def expired(index: int, limit: float) -> BucketOutcome:
            outcome = probe._expired(worker, wave[index], limit)
            send(index, outcome)
            return outcome

        bounded_map(one, list(share), concurrency, self.settings.bucket_deadline, expired)

    def _next_wave(self, outcomes: Iterable[BucketOutcome], done: dict[str, ProbeReport],
                   sources: dict[str, list[tuple[str, str, str | None]]]) -> list[S3Target]:
        """Record reports; return the destinations not yet probed (each once)."""
        outcomes = list(outcomes)
        for outcome in outcomes:
            done[outcome.report.subject] = outcome.report
        wave: dict[str, S3Target] = {}
        for outcome in outcomes:
            for dest in outcome.follow:
                sources.setdefault(dest.subject, []).append(
                    (outcome.report.subject, dest.spec.bucket, dest.not_visible))
                if self.settings.follow_replication and dest.subject not in done:
                    wave.setdefault(dest.subject, dest)
        return list(wave.values())

    def _expired(self, worker: BucketProbe, target: S3Target, limit: float) -> BucketOutcome:
        """The report of a bucket whose server held it past the per-bucket deadline."""
        at = format_time(self.settings.now())
        doing = worker.current.get(target.subject, "connecting")
        issue = ProbeIssue(target.subject, PROBE, "timeout",
                           f"timed out after {limit:.1f} s during {doing} (per-bucket "
                           "deadline)", at)
        return BucketOutcome(ProbeReport(PROBE, target.subject, at, issues=(issue,)))

    def _safely(self, worker: BucketProbe, target: S3Target) -> BucketOutcome:
        """Run one bucket; an unexpected error becomes a ``probe-error`` issue."""
        try:
            return worker.run(target)
        except (BotoCoreError, ClientError, OSError) as exc:  # the endpoint: never sink the run
            return self._failed(target, exc, f"{type(exc).__name__}: {exc}")
        except MALFORMED as exc:  # an answer that is no S3 XML: the peer's failure, not ours
            doing = worker.current.get(target.subject, "a call")
            return self._failed(target, exc, f"{doing}: malformed answer from the endpoint "
                                f"({type(exc).__name__}: {exc})")
        except Exception as exc:  # anything else is drcheck's own bug: exit 4
            raise probe_bug(PROBE, target.subject, exc) from exc

    def _failed(self, target: S3Target, exc: BaseException, why: str) -> BucketOutcome:
        """The report of a bucket whose endpoint failed: one ``probe-error`` issue."""
        at = format_time(self.settings.now())
        reason = self.pool.scrub(why)
        log.warning("s3 probe of %s (bucket %s at %s) failed at %s: %s", target.subject,
                    target.spec.bucket, target.spec.endpoint or "the default endpoint",
                    raised_at(exc), reason)
        issue = ProbeIssue(target.subject, PROBE, "probe-error", reason, at)
        return BucketOutcome(ProbeReport(PROBE, target.subject, at, issues=(issue,)))

    @staticmethod
    def _with_dangling(report: ProbeReport,
                       sources: dict[str, list[tuple[str, str, str | None]]],
                       done: dict[str, ProbeReport]) -> ProbeReport:
        """Add ``dangling-replication`` to a source whose destination does not exist.

        A destination in another account or on another endpoint that the estate does not
        declare is only invisible to the source's credentials: that is
        ``replication-destination-not-visible`` (unknown), never "does not exist".
        """
        extra: list[ProbeIssue] = []
        for dest_subject, pairs in sources.items():
            dest = done.get(dest_subject)
            if dest is None or not any(i.code in ("no-such-bucket", "access-denied",
                                                  "invalid-credentials") for i in dest.issues):
                continue
            missing = any(i.code == "no-such-bucket" for i in dest.issues)
            extra += [_dest_issue(report, bucket, why, missing)
                      for source, bucket, why in pairs if source == report.subject
                      and (why is not None or missing)]
        return replace(report, issues=report.issues + tuple(extra)) if extra else report


def _names(wave: Sequence[S3Target],
           peers: Sequence[BucketSpec] | None) -> dict[tuple[str, str | None], str]:
    """The estate names of buckets by (bucket, endpoint): of ``peers`` (default: the wave)."""
    named = [t.spec for t in wave] if peers is None else peers
    return {(b.bucket, b.endpoint): b.name for b in named}


def _dest_issue(report: ProbeReport, bucket: str, why: str | None, missing: bool) -> ProbeIssue:
    if why is not None:
        return ProbeIssue(report.subject, PROBE, "replication-destination-not-visible",
                          f"replication destination bucket {bucket} is {why}, which the estate "
                          "does not declare: not visible with the source's credentials; "
                          "declare it with its own credentials to probe it",
                          report.observed_at)
    return ProbeIssue(report.subject, PROBE, "dangling-replication",
                      f"replication destination bucket {bucket} does not exist",
                      report.observed_at)


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
    # The endpoint that answered goes into every bucket, so a later probe asks the same one
    # (AWS's own default stays unset: botocore picks each bucket's regional endpoint).
    used = endpoint or env_endpoint()
    seen = used or str(client.meta.endpoint_url)
    specs = []
    for bucket in result.data.get("Buckets") or []:
        name = str(bucket.get("Name"))
        specs.append(BucketSpec(
            name=name, origin=f"s3:ListBuckets on {seen}", bucket=name, endpoint=used,
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
