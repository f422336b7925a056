"""An authenticated host: fixed commands and bounded SFTP reads, all under one deadline.

Every call checks the per-host deadline and uses ``min(its own timeout, time left)``. A
command or read that hangs raises ``ProbeFailure`` (``command-timeout``, ``read-timeout``)
and leaves the session usable: a stuck SFTP channel is dropped and the next read opens a
fresh one. Output is cut at ``max_read_bytes``.
"""

from __future__ import annotations

import errno
import posixpath
import stat
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING, TypeVar

import paramiko

from drcheck.probes.ssh.batch import Outcome, SftpBatch, Stalled
from drcheck.probes.ssh.operations import COMMANDS

if TYPE_CHECKING:
    from drcheck.probes.ssh.connection import SshOptions

T = TypeVar("T")


class ProbeFailure(Exception):
    """Something that stops one step (or the whole host) with a ProbeIssue code."""

    def __init__(self, code: str, reason: str, security: bool = False) -> None:
        """``code`` is kebab-case and stable; ``reason`` is safe to print (no secrets)."""
        super().__init__(reason)
        self.code = code
        self.reason = reason
        self.security = security


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
                 deadline: float, root: str | None) -> None:
        """``transports`` ends with the target host's (earlier ones are jump hosts)."""
        self._transports = list(transports)
        self._transport = self._transports[-1]
        self._options = options
        self._deadline = deadline
        self._root = root.rstrip("/") if root else None
        self._sftp: paramiko.SFTPClient | None = None
        self._sftp_refused = False
        self.bytes_read = 0
        self.truncated: list[str] = []

    def close(self) -> None:
        """Close the SFTP channel and every transport, target first."""
        if self._sftp is not None:
            self._sftp.close()
        for transport in reversed(self._transports):
            transport.close()

    @property
    def command_timeout(self) -> float:
        """The per-command timeout in seconds."""
        return self._options.command_timeout

    def remaining(self) -> float:
        """Seconds left before the per-host deadline."""
        return self._deadline - time.monotonic()

    def _timeout(self, limit: float, what: str) -> float:
        left = self.remaining()
        if left <= 0:
            raise ProbeFailure("deadline-exceeded", f"per-host deadline passed before {what}")
        return min(limit, left)

    def run(self, command: str) -> CommandOutput:
        """Run one command from the fixed list; never a string built from estate or host data."""
        if command not in COMMANDS:
            raise ValueError(f"not a declared command: {command!r}")
        timeout = self._timeout(self._options.command_timeout, f"running {command!r}")
        try:
            channel = self._transport.open_session(timeout=timeout)
            channel.settimeout(timeout)
            channel.exec_command(command)
            chunks, truncated, timed_out = self._drain(channel, time.monotonic() + timeout)
            status = channel.recv_exit_status() if channel.exit_status_ready() else None
            channel.close()
        except TimeoutError:
            raise ProbeFailure("command-timeout", f"{command!r} gave no answer within "
                               f"{timeout:.1f}s") from None
        except (paramiko.SSHException, EOFError, OSError) as exc:
            raise _lost(exc) from None
        text = b"".join(chunks)[: self._options.max_read_bytes].decode("utf-8", "replace")
        return CommandOutput(text, status, truncated, timed_out)

    def _drain(self, channel: paramiko.Channel, until: float) -> tuple[list[bytes], bool, bool]:
        """Read stdout until EOF, the size limit or the time limit (keeping what came)."""
        chunks: list[bytes] = []
        size = 0
        while size <= self._options.max_read_bytes:
            left = until - time.monotonic()
            if left <= 0:
                return chunks, False, True
            channel.settimeout(left)
            try:
                chunk = channel.recv(65536)
            except TimeoutError:
                return chunks, False, True
            if not chunk:
                channel.status_event.wait(max(0.0, min(1.0, until - time.monotonic())))
                return chunks, False, False
            chunks.append(chunk)
            size += len(chunk)
        return chunks, True, False

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
        try:
            return call(self._sftp_client(f"{doing} {path}"))
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
            batch = SftpBatch(self._sftp_client(f"{op} of {len(remaining)} paths"),
                              self._options.max_read_bytes)
            server = {p: self.host_path(p) for p in remaining}
            try:
                outcomes = batch.read(server) if op == "read" else batch.list(server)
            except Stalled as stall:
                self._drop_sftp()
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

    def _sftp_client(self, what: str) -> paramiko.SFTPClient:
        timeout = self._timeout(self._options.command_timeout, what)
        if self._sftp is None:
            if self._sftp_refused:
                raise ProbeFailure("sftp-unavailable", "the server refused the SFTP subsystem; "
                                   "no file could be read")
            try:
                client = paramiko.SFTPClient.from_transport(self._transport)
            except (paramiko.SSHException, EOFError, OSError) as exc:
                if not self._transport.is_active():
                    raise _lost(exc) from None
                client = None
            if client is None:
                self._sftp_refused = True
                raise ProbeFailure("sftp-unavailable", "the server refused the SFTP subsystem; "
                                   "no file could be read")
            self._sftp = client
        self._sftp.get_channel().settimeout(timeout)  # type: ignore[union-attr]
        return self._sftp

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


def _lost(exc: BaseException) -> ProbeFailure:
    text = str(exc).strip()
    return ProbeFailure("connection-lost", f"the SSH connection failed: {type(exc).__name__}"
                        + (f": {text}" if text else ""))
