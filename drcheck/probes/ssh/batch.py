"""Pipelined SFTP: every open, read, listing and close of a batch is in flight at once.

A host costs a handful of round trips instead of one per request, which matters on real
networks (tens of milliseconds each) and saves wake-ups on both ends. paramiko has no public
API for this, so ``SftpBatch`` uses its request/response plumbing (``_async_request``,
``_read_response``), the same calls paramiko's own prefetch uses. sftp-server answers in
order, so when a request hangs (a FIFO), the first unanswered one is the culprit.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from typing import Any, cast

import paramiko
from paramiko.message import Message
from paramiko.sftp import (
    CMD_CLOSE,
    CMD_DATA,
    CMD_HANDLE,
    CMD_NAME,
    CMD_OPEN,
    CMD_OPENDIR,
    CMD_READ,
    CMD_READDIR,
    SFTP_EOF,
    SFTP_FLAG_READ,
    SFTP_NO_SUCH_FILE,
    SFTP_PERMISSION_DENIED,
    int64,
)
from paramiko.sftp_attr import SFTPAttributes


@dataclass(frozen=True)
class Outcome:
    """One path's result: data or entries, ``missing``, or a refusal (``denied``/``failed``)."""

    data: bytes | None = None
    entries: tuple[SFTPAttributes, ...] | None = None
    status: str = "ok"
    truncated: bool = False


# OpenSSH's sftp-server answers at most ~255 KiB per READ; a reply that long may be partial.
_SERVER_CAP = 255 * 1024


class Stalled(Exception):
    """The server stopped answering; ``key`` is the request it is stuck on."""

    def __init__(self, key: str) -> None:
        """``key`` names the path whose request never got an answer."""
        super().__init__(key)
        self.key = key


class _Inbox:
    """Receives paramiko's asynchronous SFTP responses, by request number."""

    def __init__(self) -> None:
        self.got: dict[int, tuple[int, Message]] = {}

    def _async_response(self, t: int, msg: Message, num: int) -> None:
        self.got[num] = (t, msg)


class SftpBatch:
    """Batched operations on one SFTP client (drop the client after a ``Stalled``)."""

    def __init__(self, sftp: paramiko.SFTPClient, max_bytes: int) -> None:
        """``max_bytes`` bounds every read."""
        self._inbox = _Inbox()
        self._request = cast(Callable[..., int], getattr(sftp, "_async_request"))  # noqa: B009
        self._pump = cast(Callable[[], Any], getattr(sftp, "_read_response"))  # noqa: B009
        self._max = max_bytes

    def _send(self, cmd: int, *args: object) -> int:
        return self._request(self._inbox, cmd, *args)

    def _wait(self, sent: Mapping[int, str]) -> dict[str, tuple[int, Message]]:
        """The responses to ``sent`` (number → key), keyed by key."""
        try:
            while not all(n in self._inbox.got for n in sent):
                self._pump()
        except (TimeoutError, EOFError, OSError, paramiko.SSHException):  # or closed by us
            raise Stalled(sent[min(n for n in sent if n not in self._inbox.got)]) from None
        return {key: self._inbox.got.pop(num) for num, key in sent.items()}

    def read(self, paths: Mapping[str, str]) -> dict[str, Outcome]:
        """Read every file (key → server path): open all, read all, close all."""
        opened = self._wait({self._send(CMD_OPEN, p, SFTP_FLAG_READ, SFTPAttributes()): k
                             for k, p in paths.items()})
        handles, out = self._handles(opened)
        got = self._wait({self._send(CMD_READ, h, int64(0), self._max): k
                          for k, h in handles.items()})
        for key, (t, msg) in got.items():
            if t == CMD_DATA:
                data = msg.get_string()
                out[key] = Outcome(data=data, truncated=len(data) >= min(self._max, _SERVER_CAP))
            else:
                code = _status(msg)
                out[key] = Outcome(data=b"") if code == "eof" else Outcome(status=code)
        self._close(handles.values())
        return out

    def list(self, paths: Mapping[str, str]) -> dict[str, Outcome]:
        """List every directory (key → server path), reading all of them in parallel."""
        opened = self._wait({self._send(CMD_OPENDIR, p): k for k, p in paths.items()})
        handles, out = self._handles(opened)
        entries: dict[str, list[SFTPAttributes]] = {k: [] for k in handles}
        pending = dict(handles)
        while pending:
            got = self._wait({self._send(CMD_READDIR, h): k for k, h in pending.items()})
            for key, (t, msg) in got.items():
                if t == CMD_NAME:
                    entries[key] += _names(msg)
                    continue
                code = _status(msg)
                if code != "eof":
                    out[key] = Outcome(status=code)
                del pending[key]
        for key, found in entries.items():
            out.setdefault(key, Outcome(entries=tuple(found)))
        self._close(handles.values())
        return out

    def _handles(self, opened: Mapping[str, tuple[int, Message]]) -> tuple[
        dict[str, bytes], dict[str, Outcome]
    ]:
        handles: dict[str, bytes] = {}
        out: dict[str, Outcome] = {}
        for key, (t, msg) in opened.items():
            if t == CMD_HANDLE:
                handles[key] = msg.get_binary()
            else:
                out[key] = Outcome(status=_status(msg))
        return handles, out

    def _close(self, handles: Iterable[bytes]) -> None:
        sent = {self._send(CMD_CLOSE, h): str(i) for i, h in enumerate(handles)}
        self._wait(sent)


def _status(msg: Message) -> str:
    code = msg.get_int()
    if code == SFTP_EOF:
        return "eof"
    if code == SFTP_NO_SUCH_FILE:
        return "missing"
    if code == SFTP_PERMISSION_DENIED:
        return "denied"
    return "failed"


_FROM_MSG = cast(Callable[[Message, str, str], SFTPAttributes],
                 getattr(SFTPAttributes, "_from_msg"))  # noqa: B009


def _names(msg: Message) -> list[SFTPAttributes]:
    found = []
    for _ in range(msg.get_int()):
        filename = msg.get_text()
        longname = msg.get_text()
        attr = _FROM_MSG(msg, filename, longname)
        if filename not in (".", ".."):
            found.append(attr)
    return found
