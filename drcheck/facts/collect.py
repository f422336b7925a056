"""Run every probe an estate needs, side by side, and gather their reports.

Probes load lazily (paramiko and boto3 are imported only when a host or bucket is probed).
A probe that cannot run at all (its library missing, an I/O failure) still yields reports:
one unknown per target with the reason, so the audit goes on and marks what it could not
see. Any other exception is drcheck's own bug (``ProbeBug``): logged with its traceback,
exit 4.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterator, Mapping, Sequence
from concurrent.futures import ThreadPoolExecutor
from contextlib import contextmanager
from dataclasses import dataclass, field, replace
from datetime import datetime, timezone
from functools import partial
from typing import TYPE_CHECKING, NamedTuple

from drcheck.facts.shards import probed_buckets, probed_hosts
from drcheck.inputs.durations import format_time
from drcheck.inputs.estate import BucketSpec, Estate, HostSpec
from drcheck.probes.base import ProbeBug, ProbeReport, probe_bug, raised_at
from drcheck.shared.errors import DrcheckError
from drcheck.shared.model import ProbeIssue

if TYPE_CHECKING:
    from drcheck.probes.s3 import S3Probe, S3Target

log = logging.getLogger("drcheck.facts.collect")


@dataclass(frozen=True)
class ProbeOptions:
    """Command-line knobs that reach the probes."""

    concurrency: int | None = None
    timeout: float | None = None
    known_hosts: str | None = None
    trust_new_host_keys: bool = False
    ssh_config: str | None = None
    only: tuple[str, ...] = field(default_factory=tuple)
    allow_proxy_command: bool = False
    assets: frozenset[str] | None = None
    """The asset ids to probe (a shard or ``--only`` selection); None: every probed asset."""


def _chosen(specs: Sequence[HostSpec | BucketSpec], options: ProbeOptions) -> list[
    HostSpec | BucketSpec
]:
    if options.assets is None:
        return list(specs)
    return [s for s in specs if s.asset_id in options.assets]


class _S3Plan(NamedTuple):
    """The S3 probe of an estate, built once: its probe, targets and peers."""

    probe: S3Probe
    targets: list[S3Target]
    peers: list[BucketSpec]


def _s3_plan(estate: Estate, specs: Sequence[object], options: ProbeOptions) -> _S3Plan:
    from drcheck.probes.s3 import S3Probe, S3Settings, targets_from_estate

    settings = S3Settings()
    if options.concurrency:
        settings = replace(settings, concurrency=options.concurrency)
    if options.timeout:
        settings = replace(settings, read_timeout=options.timeout,
                           connect_timeout=min(settings.connect_timeout, options.timeout))
    wanted = {getattr(s, "asset_id", None) for s in specs}
    targets = targets_from_estate(estate)
    return _S3Plan(S3Probe(settings), [t for t in targets if t.spec.asset_id in wanted],
                   [t.spec for t in targets])


def _run_s3(estate: Estate, specs: Sequence[object], options: ProbeOptions,
            plan: _S3Plan | None = None) -> list[ProbeReport]:
    probe, targets, peers = plan or _s3_plan(estate, specs, options)
    return probe.collect(targets, peers=peers)


@contextmanager
def _s3_shared_out(estate: Estate, options: ProbeOptions,
                   wanted: Sequence[str]) -> Iterator[_S3Plan | None]:
    """The S3 plan, its large first wave already shared out over forked workers
    (``S3Probe.share_out``), made here while no thread runs; None for a small wave or
    when the probe cannot be built (``_guarded`` then says why, as without workers)."""
    from drcheck.probes.s3_split import FORK_FROM

    specs = _chosen(probed_buckets(estate), options) if "s3" in wanted else []
    if len(specs) < FORK_FROM:  # no fork: boto3 is imported on the probe's thread, as before
        yield None
        return
    try:
        plan = _s3_plan(estate, specs, options)
    except (ImportError, OSError):
        yield None
        return
    with plan.probe.share_out(plan.targets, plan.peers):
        yield plan


def _run_ssh(estate: Estate, hosts: Sequence[object], options: ProbeOptions) -> list[
    ProbeReport
]:
    from drcheck.probes.ssh import SshOptions, SshProbe

    ssh = SshOptions()
    if options.known_hosts:
        ssh = replace(ssh, known_hosts=options.known_hosts, trust_file=options.known_hosts)
    if options.trust_new_host_keys:
        ssh = replace(ssh, trust_new_host_keys=True)
    if options.ssh_config:
        ssh = replace(ssh, ssh_config=options.ssh_config)
    if options.concurrency:
        ssh = replace(ssh, pool_size=options.concurrency)
    if options.allow_proxy_command:
        ssh = replace(ssh, allow_proxy_command=True)
    if options.timeout:
        ssh = replace(ssh, connect_timeout=options.timeout, auth_timeout=options.timeout,
                      command_timeout=options.timeout)
    return SshProbe(ssh).collect(hosts, peers=probed_hosts(estate))


Select = Callable[[Estate], Sequence[HostSpec | BucketSpec]]
Run = Callable[[Estate, Sequence[object], ProbeOptions], list[ProbeReport]]
RUNNERS: dict[str, tuple[Select, Run]] = {
    "ssh": (probed_hosts, _run_ssh),
    "s3": (probed_buckets, _run_s3),
}
"""Each probe: which estate assets it reads, and how to run it over them."""


def _guarded(name: str, estate: Estate, options: ProbeOptions,
             runners: Mapping[str, tuple[Select, Run]] = RUNNERS) -> list[ProbeReport]:
    select, run = runners[name]
    specs = _chosen(select(estate), options)
    if not specs:
        return []
    try:
        return run(estate, specs, options)
    except (ProbeBug, DrcheckError):
        raise
    except (ImportError, OSError) as exc:  # the probe as a whole failed: targets unknown
        at = format_time(datetime.now(timezone.utc))
        reason = f"{name} probe failed: {type(exc).__name__}: {exc}"[:300]
        log.warning("%s, at %s (%d asset(s) left unknown: %s)", reason, raised_at(exc),
                    len(specs), ", ".join(s.asset_id for s in specs[:5])
                    + (", ..." if len(specs) > 5 else ""))
        code = "probe-unavailable" if isinstance(exc, ImportError) else "probe-failed"
        return [ProbeReport(name, s.asset_id, at,
                            issues=(ProbeIssue(s.asset_id, name, code, reason, at),))
                for s in specs]
    except Exception as exc:  # no peer did this: drcheck's own bug, exit 4
        raise probe_bug(name, "the estate", exc) from exc


def collect_reports(estate: Estate, options: ProbeOptions | None = None,
                    probes: Sequence[str] = ("ssh", "s3")) -> list[ProbeReport]:
    """Run the named probes concurrently over the estate; never raises for a probe failure."""
    opts = options or ProbeOptions()
    wanted = [p for p in probes if not opts.only or p in opts.only]
    with _s3_shared_out(estate, opts, wanted) as plan:  # forks before any thread starts
        run_s3: Run = partial(_run_s3, plan=plan)
        runners: dict[str, tuple[Select, Run]] = {**RUNNERS, "s3": (probed_buckets, run_s3)}
        with ThreadPoolExecutor(max_workers=max(1, len(wanted))) as pool:
            results = list(pool.map(lambda name: _guarded(name, estate, opts, runners),
                                    wanted))
    return [report for result in results for report in result]
