"""Read one host over an open session: identity, location, mounts, schedules, backup tools.

``Gatherer.run`` calls each step in turn. A step that fails (a read that times out, a file
that is garbage) becomes a problem with a code and the next step runs; only a lost
connection or the per-host deadline stops the host. Nothing here keeps a secret: parsers
redact, and raw file text is never stored.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Callable
from dataclasses import dataclass, field

from drcheck.inputs.estate import HostSpec
from drcheck.probes.ssh import operations as ops
from drcheck.probes.ssh.location import claims_from_fields, pattern_fields
from drcheck.probes.ssh.parsers import ConfigSyntaxError, identity
from drcheck.probes.ssh.parsers.cron import CronEntry, parse_crontab
from drcheck.probes.ssh.parsers.mounts import Mount, parse_mounts
from drcheck.probes.ssh.parsers.sections import Section, parse_sections
from drcheck.probes.ssh.parsers.targets import Target
from drcheck.probes.ssh.session import CommandOutput, Entry, HostSession, ProbeFailure
from drcheck.shared.model import Claim

FATAL_CODES = frozenset({"deadline-exceeded", "connection-lost", "peer-timeout"})
ONCE_CODES = frozenset({"sftp-unavailable"})  # one per host, however many files it blocks
MAX_DIR_FILES = 200


@dataclass(frozen=True)
class Problem:
    """A step that could not be completed: a ProbeIssue without its subject yet."""

    code: str
    reason: str
    security: bool = False


@dataclass
class HostFacts:
    """Everything gathered about one host, JSON-safe apart from claims and targets."""

    details: dict[str, object] = field(default_factory=dict)
    claims: list[Claim] = field(default_factory=list)
    targets: list[Target] = field(default_factory=list)
    problems: list[Problem] = field(default_factory=list)
    mounts: list[Mount] = field(default_factory=list)
    hostname: str | None = None
    addresses: list[str] = field(default_factory=list)
    files_read: int = 0


class Gatherer:
    """Runs the fixed steps against one host and accumulates ``HostFacts``."""

    def __init__(self, session: HostSession, host: HostSpec, observed_at: str) -> None:
        """``observed_at`` stamps every claim and fact from this visit."""
        self.session = session
        self.host = host
        self.observed_at = observed_at
        self.facts = HostFacts()
        self.sections: dict[str, Section] = {}
        self._files: dict[str, str | None | ProbeFailure] = {}
        self._dirs: dict[str, list[Entry] | ProbeFailure] = {}
        self._seen: set[str] = set()
        self.sourced: set[str] = set()
        self.pgbackrest_options: set[tuple[str | None, str | None, str | None]] = set()
        self.pgbackrest_repos: list[dict[str, str]] = []
        self.borgmatic_configs: set[str] = set()
        self.pgbackrest_runs: list[tuple[str, str, str]] = []  # (check|restore, when, origin)

    def job_reader(self, path: str) -> str | None:
        """Read a file a job sources or runs (an env file, a wrapper script), noting it."""
        self.sourced.add(path)
        return self.read(path)

    def run(self, steps: list[tuple[str, Callable[[Gatherer], None]]]) -> HostFacts:
        """Every step, isolated from the others; stops early only when the host is lost."""
        for name, step in steps:
            if not self._run_step(name, step):
                break
        return self.facts

    def _run_step(self, name: str, step: Callable[[Gatherer], None]) -> bool:
        try:
            step(self)
        except ProbeFailure as failure:
            self.problem(failure.code, f"{name}: {failure.reason}", failure.security)
            return failure.code not in FATAL_CODES
        except ConfigSyntaxError as exc:
            self.problem("garbage-output", f"{name}: {exc}")
        except (ValueError, UnicodeError) as exc:  # content that does not parse; never quote it
            self.problem("garbage-output", f"{name}: unparseable ({type(exc).__name__})")
        return True

    def problem(self, code: str, reason: str, security: bool = False) -> None:
        """Record a step that could not be completed (each distinct problem once)."""
        found = Problem(code, reason, security)
        if found in self.facts.problems or (
                code in ONCE_CODES and any(p.code == code for p in self.facts.problems)):
            return
        self.facts.problems.append(found)

    def prefetch(self, files: list[str], directories: list[str]) -> None:
        """Fetch the fixed directories, then the fixed files and their contents, in batches."""
        self._dirs.update(self.session.list_many(directories))
        listed = [e.path for d in directories if isinstance(self._dirs[d], list)
                  for e in self._dirs[d][:MAX_DIR_FILES] if _wanted(e)]  # type: ignore[index]
        self._files.update(self.session.read_many([*files, *listed]))

    def read(self, path: str) -> str | None:
        """A file's text, or None when absent; unreadable files become problems."""
        try:
            found = self._files[path] if path in self._files else self.session.read(path)
            if isinstance(found, ProbeFailure):
                raise found
        except ProbeFailure as failure:
            if failure.code in FATAL_CODES:
                raise
            if path not in self._seen:
                self.problem(failure.code, failure.reason)
            self._seen.add(path)
            return None
        if found is not None and path not in self._seen:
            self.facts.files_read += 1
        self._seen.add(path)
        return found

    def exists(self, path: str) -> bool:
        """Whether a file is there, readable or not (what a tool's file precedence asks)."""
        found = self._files[path] if path in self._files else self._stat(path)
        return found is not None

    def _stat(self, path: str) -> object | None:
        try:
            return self.session.stat(path)
        except ProbeFailure as failure:
            if failure.code in FATAL_CODES:
                raise
            return failure  # it is there, we may not look

    def entries(self, directory: str) -> list[Entry]:
        """A directory's entries ([] when absent); a refusal becomes a problem."""
        try:
            found = self._dirs[directory] if directory in self._dirs \
                else self.session.listdir(directory)
            if isinstance(found, ProbeFailure):
                raise found
        except ProbeFailure as failure:
            if failure.code in FATAL_CODES:
                raise
            if directory not in self._seen:
                self.problem(failure.code, failure.reason)
            self._seen.add(directory)
            return []
        return found

    def read_dir(self, directory: str, suffixes: tuple[str, ...] = ()) -> list[tuple[str, str]]:
        """(path, text) of the regular files in a directory, optionally by suffix."""
        out = []
        for entry in self.entries(directory)[:MAX_DIR_FILES]:
            if not _wanted(entry) or (suffixes and not entry.name.endswith(suffixes)):
                continue
            text = self.read(entry.path)
            if text is not None:
                out.append((entry.path, text))
        return out

    def run_command(self, command: str) -> CommandOutput | None:
        """A fixed command's output; a failure becomes a problem and None."""
        try:
            return self.session.run(command)
        except ProbeFailure as failure:
            if failure.code in FATAL_CODES:
                raise
            self.problem(failure.code, failure.reason)
            return None

    def section(self, name: str) -> str | None:
        """The output of one part of the facts command when it finished with status 0."""
        found = self.sections.get(name)
        return found.body if found is not None and found.status == 0 else None

    def parse(self, path: str, parser: Callable[[], None]) -> None:
        """Run one file's parser; garbage becomes a problem naming the file, not the text."""
        try:
            parser()
        except ConfigSyntaxError as exc:
            self.problem("garbage-output", f"{path}: {exc}")
        except (ValueError, UnicodeError) as exc:  # content that does not parse; never quote it
            self.problem("garbage-output", f"{path}: unparseable ({type(exc).__name__})")


def _wanted(entry: Entry) -> bool:
    """A regular file that is not hidden or an editor/package backup."""
    return entry.is_file and not entry.name.startswith(".") and not entry.name.endswith(
        ("~", ".dpkg-old", ".dpkg-dist", ".bak", ".swp"))


def step_prefetch(g: Gatherer) -> None:
    """Every fixed file and directory in a few pipelined SFTP batches."""
    g.prefetch(list(ops.SINGLE_FILES), [*ops.DIRECTORIES, *ops.LIST_ONLY])


def step_commands(g: Gatherer) -> None:
    """Run the one fixed facts command; a part that hangs is named in the timeout issue."""
    out = g.run_command(ops.CMD_FACTS)
    if out is None:
        return
    g.sections = parse_sections(out.stdout)
    if out.stdout.strip() and not g.sections:
        g.problem("garbage-output", "the facts command printed no section markers")
    if out.timed_out:
        started = [s.name for s in g.sections.values() if s.status is None]
        part = dict(ops.SECTIONS).get(started[0] if started else "", ops.CMD_FACTS)
        g.problem("command-timeout", f"{part!r} gave no answer within "
                  f"{g.session.command_timeout:.1f}s")
    elif out.truncated:
        g.problem("output-truncated", "the facts command printed more than the read limit")


def step_identity(g: Gatherer) -> None:
    """Hostname, machine-id, OS, DMI vendor/product, addresses."""
    hostname = identity.first_line(g.read(ops.HOSTNAME) or "")
    g.facts.hostname = hostname
    info: dict[str, object] = {"hostname": hostname,
                               "machine_id": identity.machine_id(g.read(ops.MACHINE_ID) or "")}
    info["os"] = identity.os_release(g.read(ops.OS_RELEASE) or "")
    info["dmi"] = {"vendor": identity.first_line(g.read(ops.DMI_VENDOR) or ""),
                   "product": identity.first_line(g.read(ops.DMI_PRODUCT) or "")}
    text = g.section("addresses")
    if text is not None:
        words = text.split()
        valid = [w for w in words if _is_address(w)]
        if len(valid) != len(words):
            g.problem("garbage-output", f"{ops.CMD_ADDRESSES!r} printed something that is not "
                      "an address list")
        g.facts.addresses = valid
    info["addresses"] = g.facts.addresses
    g.facts.details["identity"] = info


def _is_address(word: str) -> bool:
    try:
        ipaddress.ip_address(word.split("%", 1)[0])
    except ValueError:
        return False
    return True


def step_location(g: Gatherer) -> None:
    """The declared location file, cloud-init instance data and estate patterns."""
    found: dict[str, object] = {}
    for path in ops.LOCATION_FILES:
        text = g.read(path)
        if text is not None:
            fields = identity.location_file(text)
            found["file"] = {**fields, "origin": path}
            g.facts.claims += claims_from_fields(fields, f"{path} on {g.host.asset_id}",
                                                 g.observed_at)
            break
    text = g.read(ops.CLOUD_INIT)
    if text is not None:
        cloud = identity.cloud_instance_data(text)
        found["cloud_init"] = cloud
        g.facts.claims += claims_from_fields(cloud, f"{ops.CLOUD_INIT} on {g.host.asset_id}",
                                             g.observed_at)
    names = [g.facts.hostname or "", g.host.name]
    addrs = [*g.facts.addresses, g.host.address or ""]
    matched = pattern_fields(g.host.location_patterns, names, addrs)
    for fields, origin in matched:
        g.facts.claims += claims_from_fields(fields, origin, g.observed_at)
    if matched:
        found["patterns"] = [{**f, "origin": o} for f, o in matched]
    g.facts.details["location"] = found


def step_mounts(g: Gatherer) -> None:
    """Mounted filesystems (remote ones are other locations)."""
    text = g.read(ops.MOUNTS)
    source = ops.MOUNTS
    if text is None:
        text, source = g.read(ops.FSTAB), ops.FSTAB
    g.facts.mounts = parse_mounts(text or "")
    g.facts.details["mounts"] = {"source": source,
                                 "entries": [m.as_detail() for m in g.facts.mounts]}


def step_cron(g: Gatherer) -> None:
    """System and user crontabs and the destinations their entries write to."""
    entries: list[CronEntry] = []
    system = [(ops.SYSTEM_CRONTAB, g.read(ops.SYSTEM_CRONTAB))] + g.read_dir(ops.CRON_DIR)
    for path, text in system:
        if text is not None:
            entries += parse_crontab(text, path, system=True, read=g.job_reader)
    for path, text in g.read_dir(ops.USER_CRONTAB_DIR):
        entries += parse_crontab(text, path, system=False, owner=path.rsplit("/", 1)[-1],
                                 read=g.job_reader)
    text = g.section("crontab")
    if text:
        entries += parse_crontab(text, ops.CMD_USER_CRONTAB, system=False, read=g.job_reader)
    g.facts.details["crontabs"] = [e.as_detail() for e in entries]
    for entry in entries:
        g.facts.targets += entry.targets
        g.pgbackrest_options.update(entry.pgbackrest)
        g.borgmatic_configs.update(entry.borgmatic)
