"""An authenticated host: fixed commands and bounded SFTP reads, all under one deadline.

Every wait on the peer (opening a channel, starting the SFTP subsystem, each SFTP request
or batch, each command) is a phase of the host's ``HostGuard``: at ``min(its limit, time
left)`` the watchdog closes that channel. The session then asks the transport for a reply
(a keepalive, at most a second): a host that still answers only had that one thing hang
(``command-timeout``, ``read-timeout``, ``sftp-unavailable``; a stuck SFTP channel is
dropped and the next read opens a fresh one); a host that does not is lost
(``peer-timeout``, "timed out after 2.0 s during sftp-start; the host stopped answering").
Output is cut at ``max_read_bytes``.
"""

from __future__ import annotations

import errno
import posixpath
import stat
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import paramiko

from drcheck.probes.ssh.batch import Outcome, SftpBatch, Stalled
from drcheck.probes.ssh.failure import ProbeFailure as ProbeFailure
from drcheck.probes.ssh.operations import COMMANDS
from drcheck.probes.ssh.watchdog import GRACE, HostGuard

if TYPE_CHECKING:
    from drcheck.probes.ssh.connection import SshOptions

T = TypeVar("T")


@dataclass(frozen=True)
class Entry:
    """A directory entry seen over SFTP."""

    name: str
    path: str
    is_dir: bool
    is_file: bool
    mtime: int | None
    size: int | None


@dataclass(frozen=True)
class CommandOutput:
    """What a fixed command printed (stdout only), its exit status and whether it was cut."""

    stdout: str
    status: int | None
    truncated: bool
    timed_out: bool = False


class HostSession:
    """One connected host; close it when done."""

    def __init__(self, transports: Sequence[paramiko.Transport], options: SshOptions,
                 guard: HostGuard, root: str | None) -> None:
        """``transports`` ends with the target host's (earlier ones are jump hosts)."""
        self._transports = list(transports)
        self._transport = self._transports[-1]
        self._options = options
        self._guard = guard
        self._root = root.rstrip("/") if root else None
        self._sftp: paramiko.SFTPClient | None = None
        self._sftp_refused: str | None = None
        self.bytes_read = 0
        self.truncated: list[str] = []

    def close(self) -> None:
        """Close the SFTP channel and every transport, target first."""
        if self._sftp is not None:
            self._sftp.close()
        for transport in reversed(self._transports):
            transport.close()
        self._guard.close_all()

    @property
    def command_timeout(self) -> float:
        """The per-command timeout in seconds."""
        return self._options.command_timeout

    def remaining(self) -> float:
        """Seconds left before the per-host deadline."""
        return self._guard.remaining()

    def run(self, command: str) -> CommandOutput:
        """Run one command from the fixed list; never a string built from estate or host data."""
        if command not in COMMANDS:
            raise ValueError(f"not a declared command: {command!r}")
        opened: list[paramiko.Channel] = []
        chunks: list[bytes] = []
        try:
            channel = self._open_channel("command")
            opened.append(channel)
            with self._guard.phase("command", self._options.command_timeout,
                                   closer=lambda: _close(opened)) as budget:
                channel.settimeout(budget + GRACE)
                channel.exec_command(command)
                truncated = self._drain(channel, chunks)
                status = channel.recv_exit_status() if channel.exit_status_ready() else None
                channel.close()
        except ProbeFailure as failure:
            self._stalled(failure)
            truncated, status = False, None
            timed_out = True
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise _lost(exc) from None
        else:
            timed_out = False
        text = b"".join(chunks)[: self._options.max_read_bytes].decode("utf-8", "replace")
        return CommandOutput(text, status, truncated, timed_out)

    def _open_channel(self, what: str) -> paramiko.Channel:
        """A new session channel; a peer that does not even confirm it is lost."""
        with self._guard.phase(what, self._options.command_timeout) as budget:
            return self._transport.open_session(timeout=budget + GRACE)

    def _drain(self, channel: paramiko.Channel, chunks: list[bytes]) -> bool:
        """Read stdout into ``chunks`` until EOF or the size limit (True when cut)."""
        size = 0
        while size <= self._options.max_read_bytes:
            chunk = channel.recv(65536)
            if not chunk:
                channel.status_event.wait(max(0.0, min(1.0, self.remaining())))
                return False
            chunks.append(chunk)
            size += len(chunk)
        return True

    def _stalled(self, failure: ProbeFailure) -> None:
        """After one channel timed out: return if the host still answers, else it is lost."""
        if failure.code != "peer-timeout":
            raise failure
        if self._guard.expired is not None:
            raise failure
        if self._alive():
            return
        self._guard.expired = f"{failure.reason}; the host stopped answering"
        raise ProbeFailure("peer-timeout", self._guard.expired) from None

    def _alive(self) -> bool:
        """Whether the transport answers a keepalive within a second."""
        if not self._transport.is_active():
            return False
        try:
            with self._guard.phase("keepalive", min(GRACE, self._options.command_timeout)):
                self._transport.global_request("keepalive@openssh.com", wait=True)
        except ProbeFailure as failure:
            if failure.code == "deadline-exceeded":
                raise
            return False
        return self._transport.is_active()

    def host_path(self, path: str) -> str:
        """Where a host path lives on the server (under ``root`` when set)."""
        if not self._root:
            return path
        return posixpath.join(self._root, path.lstrip("/"))

    def read(self, path: str) -> str | None:
        """A file's text (None when absent or not a file), cut at ``max_read_bytes``."""

        def fetch(sftp: paramiko.SFTPClient) -> bytes:
            with sftp.open(self.host_path(path), "rb") as handle:
                return handle.read(self._options.max_read_bytes)

        data = self._sftp_call(path, "read", "reading", fetch, (errno.ENOTDIR, errno.EISDIR))
        if data is None:
            return None
        self.bytes_read += len(data)
        if len(data) >= self._options.max_read_bytes:
            self.truncated.append(path)
        return data.decode("utf-8", "replace")

    def _sftp_call(self, path: str, verb: str, doing: str,
                   call: Callable[[paramiko.SFTPClient], T],
                   absent: tuple[int, ...] = ()) -> T | None:
        """One SFTP call, its failures mapped once for every operation.

        A missing path (or an errno in ``absent``) is None; the host saying no is a
        ``permission-denied`` or per-path failure; a hang drops the SFTP channel and is a
        ``read-timeout``; a dead transport stops the host.
        """
        sftp = self._sftp_client()
        try:
            with self._guard.phase(f"sftp {verb} of {path}", self._options.command_timeout,
                                   closer=sftp.get_channel().close):  # type: ignore[union-attr]
                return call(sftp)
        except ProbeFailure as failure:
            self._drop_sftp()
            self._stalled(failure)
            raise ProbeFailure("read-timeout", f"{doing} {path} gave no answer in time "
                               f"({failure.reason})") from None
        except FileNotFoundError:
            return None
        except PermissionError:
            raise ProbeFailure("permission-denied", f"cannot {verb} {path}") from None
        except TimeoutError:
            self._drop_sftp()
            raise ProbeFailure("read-timeout", f"{doing} {path} gave no answer in time") from None
        except OSError as exc:
            if exc.errno in absent:
                return None
            raise self._failed(exc, f"cannot {verb} {path}") from None
        except (paramiko.SSHException, EOFError) as exc:
            raise _lost(exc) from None

    def read_many(self, paths: Sequence[str]) -> dict[str, str | None | ProbeFailure]:
        """Many files in one pipelined batch: text, None when absent, or a per-file failure."""
        found = self._batched(paths, "read")
        out: dict[str, str | None | ProbeFailure] = {}
        for path, result in found.items():
            if isinstance(result, Outcome):
                data = result.data or b""
                self.bytes_read += len(data)
                if result.truncated:
                    self.truncated.append(path)
                out[path] = data.decode("utf-8", "replace")
            else:
                out[path] = result
        return out

    def list_many(self, paths: Sequence[str]) -> dict[str, list[Entry] | ProbeFailure]:
        """Many directories in one pipelined batch ([] when absent)."""
        out: dict[str, list[Entry] | ProbeFailure] = {}
        for path, result in self._batched(paths, "list").items():
            if isinstance(result, ProbeFailure):
                out[path] = result
            else:
                attrs = result.entries if result is not None else None
                out[path] = sorted((_entry(path, a) for a in attrs or ()), key=lambda e: e.name)
        return out

    def _batched(self, paths: Sequence[str], op: str) -> dict[str, Outcome | None | ProbeFailure]:
        """Run a batch; a path the server hangs on is a read-timeout and the rest is retried."""
        results: dict[str, Outcome | None | ProbeFailure] = {}
        remaining = list(dict.fromkeys(paths))
        while remaining:
            sftp = self._sftp_client()
            batch = SftpBatch(sftp, self._options.max_read_bytes)
            server = {p: self.host_path(p) for p in remaining}
            try:
                with self._guard.phase(f"sftp {op} of {len(remaining)} paths",
                                       self._options.command_timeout,
                                       closer=sftp.get_channel().close):  # type: ignore[union-attr]
                    outcomes = batch.read(server) if op == "read" else batch.list(server)
            except (Stalled, ProbeFailure) as exc:
                stall = exc if isinstance(exc, Stalled) else exc.__cause__
                self._drop_sftp()
                if isinstance(exc, ProbeFailure):
                    self._stalled(exc)
                if not isinstance(stall, Stalled):
                    raise _lost(exc) from None
                results[stall.key] = ProbeFailure("read-timeout", f"{op} of {stall.key} gave "
                                                  "no answer in time")
                remaining = [p for p in remaining if p != stall.key]
                continue
            except (paramiko.SSHException, EOFError, OSError) as exc:
                raise _lost(exc) from None
            results.update({p: _outcome(p, o, op) for p, o in outcomes.items()})
            break
        return results

    def listdir(self, path: str) -> list[Entry]:
        """Entries of a directory (empty when absent)."""
        attrs = self._sftp_call(path, "list", "listing",
                                lambda sftp: sftp.listdir_attr(self.host_path(path)))
        return sorted((_entry(path, a) for a in attrs or []), key=lambda e: e.name)

    def stat(self, path: str) -> Entry | None:
        """One path's attributes (None when absent)."""
        attrs = self._sftp_call(path, "stat", "stat",
                                lambda sftp: sftp.stat(self.host_path(path)))
        if attrs is None:
            return None
        attrs.filename = posixpath.basename(path)
        return _entry(posixpath.dirname(path), attrs)

    def _failed(self, exc: OSError, what: str) -> ProbeFailure:
        """An SFTP error status (the host said no) or a dead connection (stop the host)."""
        if not self._transport.is_active():
            return _lost(exc)
        return ProbeFailure("unreadable", f"{what}: {exc.strerror or 'SFTP failure'}")

    def _sftp_client(self) -> paramiko.SFTPClient:
        """The session's SFTP client, started (under the watchdog) when first needed."""
        if self._sftp is None:
            if self._sftp_refused:
                raise ProbeFailure("sftp-unavailable", self._sftp_refused)
            self._sftp = self._start_sftp()
        self._sftp.get_channel().settimeout(  # type: ignore[union-attr]
            self._options.command_timeout + GRACE)
        return self._sftp

    def _start_sftp(self) -> paramiko.SFTPClient:
        """``SFTPClient.from_transport``, with every wait (channel, subsystem, version) bounded."""
        opened: list[paramiko.Channel] = []
        try:
            channel = self._open_channel("sftp-start")
            opened.append(channel)
            with self._guard.phase("sftp-start", self._options.command_timeout,
                                   closer=lambda: _close(opened)) as budget:
                channel.settimeout(budget + GRACE)
                channel.invoke_subsystem("sftp")
                return paramiko.SFTPClient(channel)
        except ProbeFailure as failure:
            self._stalled(failure)
            self._sftp_refused = f"the SFTP subsystem did not start: {failure.reason}"
        except (paramiko.SSHException, EOFError, OSError) as exc:
            if not self._transport.is_active():
                raise _lost(exc) from None
            self._sftp_refused = "the server refused the SFTP subsystem; no file could be read"
        _close(opened)
        raise ProbeFailure("sftp-unavailable", self._sftp_refused)

    def _drop_sftp(self) -> None:
        if self._sftp is not None:
            self._sftp.close()
            self._sftp = None


def _outcome(path: str, outcome: Outcome, op: str) -> Outcome | None | ProbeFailure:
    if outcome.status == "ok":
        return outcome
    if outcome.status == "missing":
        return None if op == "read" else Outcome(entries=())
    if outcome.status == "denied":
        return ProbeFailure("permission-denied", f"cannot {op} {path}")
    return ProbeFailure("unreadable", f"cannot {op} {path}: SFTP failure")


def _entry(directory: str, attrs: paramiko.SFTPAttributes) -> Entry:
    mode = attrs.st_mode or 0
    return Entry(
        name=attrs.filename,
        path=posixpath.join(directory, attrs.filename),
        is_dir=stat.S_ISDIR(mode),
        is_file=stat.S_ISREG(mode),
        mtime=int(attrs.st_mtime) if attrs.st_mtime is not None else None,
        size=int(attrs.st_size) if attrs.st_size is not None else None,
    )


def _close(channels: list[paramiko.Channel]) -> None:
    """Close the channels a phase opened (the watchdog's closer for that phase)."""
    for channel in channels:
        channel.close()


def _lost(exc: BaseException) -> ProbeFailure:
    text = str(exc).strip()
    return ProbeFailure("connection-lost", f"the SSH connection failed: {type(exc).__name__}"
                        + (f": {text}" if text else ""))
