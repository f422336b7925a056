"""Run every probe an estate needs, side by side, and gather their reports.

Probes load lazily (paramiko and boto3 are imported only when a host or bucket is probed).
A probe that blows up as a whole still yields reports: one unknown per target with the
reason, so the audit goes on and marks what it could not see.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone

from drcheck.durations import format_time
from drcheck.estate import Estate
from drcheck.model import ProbeIssue
from drcheck.probes.base import ProbeReport

log = logging.getLogger("drcheck.collect")


@dataclass(frozen=True)
class ProbeOptions:
    """Command-line knobs that reach the probes."""

    concurrency: int | None = None
    timeout: float | None = None
    known_hosts: str | None = None
    trust_new_host_keys: bool = False
    ssh_config: str | None = None
    only: tuple[str, ...] = field(default_factory=tuple)


def _ssh_targets(estate: Estate) -> list[str]:
    return [h.asset_id for h in estate.hosts if h.probe and h.address]


def _bucket_targets(estate: Estate) -> list[str]:
    return [b.asset_id for b in estate.buckets if b.probe]


def _run_s3(estate: Estate, options: ProbeOptions) -> list[ProbeReport]:
    from drcheck.probes.s3 import S3Probe, S3Settings, targets_from_estate

    targets = targets_from_estate(estate)
    if not targets:
        return []
    settings = S3Settings()
    if options.concurrency:
        settings = replace(settings, concurrency=options.concurrency)
    if options.timeout:
        settings = replace(settings, read_timeout=options.timeout)
    return S3Probe(settings).collect(targets)


def _run_ssh(estate: Estate, options: ProbeOptions) -> list[ProbeReport]:
    from drcheck.probes.ssh import SshOptions, SshProbe

    hosts = [h for h in estate.hosts if h.probe and h.address]
    if not hosts:
        return []
    ssh = SshOptions()
    if options.known_hosts:
        ssh = replace(ssh, known_hosts=options.known_hosts, trust_file=options.known_hosts)
    if options.trust_new_host_keys:
        ssh = replace(ssh, trust_new_host_keys=True)
    if options.ssh_config:
        ssh = replace(ssh, ssh_config=options.ssh_config)
    if options.concurrency:
        ssh = replace(ssh, pool_size=options.concurrency)
    if options.timeout:
        ssh = replace(ssh, connect_timeout=options.timeout, command_timeout=options.timeout)
    return SshProbe(ssh).collect(hosts)


RUNNERS: dict[str, tuple[Callable[[Estate, ProbeOptions], list[ProbeReport]],
                         Callable[[Estate], list[str]]]] = {
    "ssh": (_run_ssh, _ssh_targets),
    "s3": (_run_s3, _bucket_targets),
}


def _guarded(name: str, estate: Estate, options: ProbeOptions) -> list[ProbeReport]:
    run, targets = RUNNERS[name]
    subjects = targets(estate)
    if not subjects:
        return []
    try:
        return run(estate, options)
    except Exception as exc:  # the probe as a whole failed: every target becomes unknown
        log.warning("probe %s failed: %s", name, type(exc).__name__)
        at = format_time(datetime.now(timezone.utc))
        reason = f"{name} probe failed: {type(exc).__name__}: {exc}"[:300]
        code = "probe-unavailable" if isinstance(exc, ImportError) else "probe-failed"
        return [ProbeReport(name, s, at, issues=(ProbeIssue(s, name, code, reason, at),))
                for s in subjects]


def collect_reports(estate: Estate, options: ProbeOptions | None = None,
                    probes: Sequence[str] = ("ssh", "s3")) -> list[ProbeReport]:
    """Run the named probes concurrently over the estate; never raises for a probe failure."""
    opts = options or ProbeOptions()
    wanted = [p for p in probes if not opts.only or p in opts.only]
    with ThreadPoolExecutor(max_workers=max(1, len(wanted))) as pool:
        results = list(pool.map(lambda name: _guarded(name, estate, opts), wanted))
    return [report for result in results for report in result]
