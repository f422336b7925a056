"""``SshProbe``: log in to every host concurrently and report where its backups go.

One ``ProbeReport`` per host (subject ``host:NAME``), never an exception: a host that cannot
be reached, refuses our key or presents a changed host key gets a report whose ``issues``
say why, and the others go on. See ``drcheck.probes.ssh.operations`` for what is read and run.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Sequence
from concurrent.futures import ThreadPoolExecutor
from datetime import datetime, timezone
from typing import ClassVar

import paramiko

from drcheck.inputs.estate import HostSpec
from drcheck.probes.base import Probe, ProbeReport, probe_bug, raised_at
from drcheck.probes.ssh import operations
from drcheck.probes.ssh.connection import Connector, SshOptions
from drcheck.probes.ssh.copies import merge_targets, to_copies
from drcheck.probes.ssh.gather import (
    Gatherer,
    HostFacts,
    Problem,
    step_commands,
    step_cron,
    step_identity,
    step_location,
    step_mounts,
    step_prefetch,
)
from drcheck.probes.ssh.restorepoints import step_restore_points
from drcheck.probes.ssh.secrets import redact_command
from drcheck.probes.ssh.session import HostSession, ProbeFailure
from drcheck.probes.ssh.tools import (
    step_borgmatic,
    step_pgbackrest,
    step_proxmox,
    step_rclone,
    step_restic,
    step_systemd,
    step_vzdump_times,
)
from drcheck.shared.model import ProbeIssue
from drcheck.shared.progress import Progress

log = logging.getLogger(__name__)
PEER_ERRORS = (paramiko.SSHException, EOFError, OSError)
"""What a host (or the network to it) can make the probe raise; anything else is a bug."""
# paramiko logs transport-thread tracebacks; without a handler Python prints them on stderr.
logging.getLogger("paramiko").addHandler(logging.NullHandler())
PROBE_NAME = "ssh"
STEPS: list[tuple[str, Callable[[Gatherer], None]]] = [
    ("commands", step_commands),
    ("prefetch", step_prefetch),
    ("identity", step_identity),
    ("mounts", step_mounts),
    ("location", step_location),
    ("cron", step_cron),
    ("systemd", step_systemd),
    ("restic", step_restic),
    ("borgmatic", step_borgmatic),
    ("pgbackrest", step_pgbackrest),
    ("proxmox", step_proxmox),
    ("rclone", step_rclone),
    ("vzdump", step_vzdump_times),
    ("restore-points", step_restore_points),
]


def _now() -> str:
    return datetime.now(timezone.utc).strftime("%Y-%m-%dT%H:%M:%SZ")


class SshProbe(Probe):
    """Reads hosts over SSH (SFTP reads and a few fixed commands), read-only."""

    name: ClassVar[str] = PROBE_NAME
    operations: ClassVar[Sequence[str]] = operations.declared()

    def __init__(self, options: SshOptions | None = None,
                 clock: Callable[[], str] = _now) -> None:
        """``clock`` returns the UTC time stamped on reports (injectable for tests)."""
        self.options = options or SshOptions()
        self._clock = clock

    def collect(self, targets: Sequence[object],
                peers: Sequence[HostSpec] | None = None) -> list[ProbeReport]:
        """One report per ``HostSpec`` in ``targets``, in the same order; never raises.

        ``peers`` (default: the targets) are the estate hosts a discovered backup target is
        named after, so a shard of the estate names them as the whole estate would.
        """
        hosts = [t for t in targets if isinstance(t, HostSpec)]
        connector = Connector(self.options)
        index = _host_index(hosts if peers is None else peers)
        progress = _progress(len(hosts), self.options.progress)
        workers = max(1, min(self.options.pool_size, len(hosts) or 1))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="drcheck-ssh") as pool:
            futures = [pool.submit(self._one, connector, h, index, progress) for h in hosts]
            reports = [f.result() for f in futures]
        progress.done()
        return reports

    def _one(self, connector: Connector, host: HostSpec, index: dict[str, str],
             progress: Progress) -> ProbeReport:
        observed_at = self._clock()
        try:
            return self._probe_host(connector, host, index, observed_at)
        except PEER_ERRORS as exc:  # a peer or I/O failure: this host is unknown, not the fleet
            # the message may quote what the host sent: credentials are redacted first
            log.warning("ssh probe of host %s (%s) failed at %s: %s: %s", host.name,
                        host.address, raised_at(exc), type(exc).__name__,
                        redact_command(str(exc))[:300])
            return self._failed(host, observed_at, ProbeFailure(
                "probe-error", f"unexpected {type(exc).__name__} while probing"))
        except Exception as exc:  # anything else is drcheck's own bug: exit 4
            raise probe_bug(PROBE_NAME, host.asset_id, exc) from exc
        finally:
            progress.advance()

    def _probe_host(self, connector: Connector, host: HostSpec, index: dict[str, str],
                    observed_at: str) -> ProbeReport:
        started = time.monotonic()
        deadline = started + self.options.host_deadline
        try:
            session = connector.open(host, deadline)
        except ProbeFailure as failure:
            if failure.security:
                log.warning("%s: %s", host.asset_id, failure.reason)
            return self._failed(host, observed_at, failure)
        try:
            missing = _missing_root(session, host)
            facts = (HostFacts(problems=[missing]) if missing
                     else Gatherer(session, host, observed_at).run(STEPS))
            facts.details["probe"] = {"elapsed_s": round(time.monotonic() - started, 3),
                                      "files_read": facts.files_read,
                                      "bytes_read": session.bytes_read}
            facts.problems += [Problem("output-truncated", f"{p}: more than "
                                       f"{self.options.max_read_bytes} bytes; read cut")
                               for p in dict.fromkeys(session.truncated)]
        finally:
            session.close()
        return self._report(host, facts, index, observed_at)

    def _report(self, host: HostSpec, facts: HostFacts, index: dict[str, str],
                observed_at: str) -> ProbeReport:
        targets = merge_targets(facts.targets)
        own = frozenset(n.lower() for n in (facts.hostname, host.name) if n)
        placed = [(t, to_copies(t, index, own, observed_at)) for t in targets]
        copies = [c for _, found in placed for c in found]
        unplaced = [t for t, found in placed if not found]
        issues = [ProbeIssue(host.asset_id, PROBE_NAME, p.code, p.reason, observed_at,
                             p.security) for p in facts.problems]
        issues += [ProbeIssue(host.asset_id, PROBE_NAME, "unresolved-target",
                              f"{t.tool} target {t.url} ({t.origin}) could not be placed",
                              observed_at) for t in unplaced]
        details = dict(facts.details)
        details["targets"] = [t.as_detail() for t in targets]
        details["unattributed"] = [{"name": c.name, "reason": c.unattributed}
                                   for c in copies if c.unattributed]
        return ProbeReport(probe=PROBE_NAME, subject=host.asset_id, observed_at=observed_at,
                           claims=tuple(facts.claims), details=details,
                           discovered=tuple(copies), issues=tuple(issues))

    def _failed(self, host: HostSpec, observed_at: str, failure: ProbeFailure) -> ProbeReport:
        issue = ProbeIssue(host.asset_id, PROBE_NAME, failure.code, failure.reason, observed_at,
                           failure.security)
        return ProbeReport(probe=PROBE_NAME, subject=host.asset_id, observed_at=observed_at,
                           details={"reachable": False,
                                    "not_probed": f"{failure.code}: {failure.reason}"},
                           issues=(issue,))


def _missing_root(session: HostSession, host: HostSpec) -> Problem | None:
    """Why the host's ``root:`` directory cannot be read, or None when it can (or is unset).

    Every file is read under ``root``; a root that is absent would make every read come
    back empty and the host look as if it had no backups at all.
    """
    if not host.root:
        return None
    try:
        entry = session.stat("/")
    except ProbeFailure as failure:
        if failure.code == "permission-denied":
            return Problem(failure.code, f"root {host.root}: {failure.reason}")
        return None  # SFTP itself failed: the gatherer meets it and reports it, phase named
    if entry is None:
        return Problem("root-missing", f"root {host.root} does not exist on the host "
                       "(or is not a directory)")
    if not entry.is_dir:
        return Problem("root-missing", f"root {host.root} is not a directory")
    return None


def _host_index(hosts: Sequence[HostSpec]) -> dict[str, str]:
    """Lower-cased names and addresses of estate hosts → their estate names."""
    index: dict[str, str] = {}
    for host in hosts:
        index.setdefault(host.name.lower(), host.name)
        if host.address:
            index.setdefault(host.address.lower(), host.name)
    return index


def _progress(total: int, wanted: bool | None) -> Progress:
    """Host progress: False silences it, True shows it from the first host, None is the
    process default (a bar on a terminal, periodic lines in logs, nothing with --quiet)."""
    if wanted is False:
        return Progress("ssh", total, "hosts probed", mode="off")
    return Progress("ssh", total, "hosts probed", eager=bool(wanted),
                    mode="plain" if wanted else None)
