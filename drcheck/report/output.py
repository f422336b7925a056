"""Atomic file output: a report or facts file is either written whole or not at all.

The file gets the mode a plain ``open(path, "w")`` would give it: an existing file keeps its
mode, a new one gets 0666 less the umask (0644 under the usual 022), so node_exporter's
textfile collector, running as another user, can read ``drcheck.prom``. The temporary file
(``mkstemp``: 0600) is chmod-ed before the rename, so no reader ever sees a wrong mode.
"""

from __future__ import annotations

import os
import stat
import tempfile
import threading
from pathlib import Path
from typing import BinaryIO

from drcheck.shared.errors import ReportError

_UMASK_LOCK = threading.Lock()


def current_umask() -> int:
    """The process umask (read by setting and restoring it, under a lock)."""
    with _UMASK_LOCK:
        mask = os.umask(0o077)
        os.umask(mask)
    return mask


def plain_write_mode(target: Path) -> int:
    """The permission bits ``open(target, "w")`` would leave: the existing file's, or
    0666 less the umask for a new file."""
    try:
        return stat.S_IMODE(target.stat().st_mode)
    except FileNotFoundError:
        return 0o666 & ~current_umask()


def atomic_write(path: str | os.PathLike[str], text: str) -> None:
    """Write ``text`` (UTF-8) to ``path`` atomically, as ``atomic_write_bytes`` does."""
    atomic_write_bytes(path, text.encode("utf-8"))


def atomic_write_bytes(path: str | os.PathLike[str], data: bytes) -> None:
    """Write ``data`` to ``path`` via a temporary file in the same directory and a rename,
    with the mode a plain write would give (``plain_write_mode``): reports, facts files,
    signatures and evidence bundles alike."""
    with AtomicFile(path) as fh:
        fh.write(data)


class AtomicFile:
    """A file that appears at ``path`` whole or not at all, written as a stream.

    ``open`` makes the temporary file (same directory, the mode of a plain write); ``commit``
    syncs it and renames it into place; ``discard`` removes it. As a context manager it
    commits on success and discards on any error. OS errors become ``ReportError``.
    """

    def __init__(self, path: str | os.PathLike[str]) -> None:
        self.target = Path(path)
        self.tmp: str | None = None
        self.fh: BinaryIO | None = None

    def open(self) -> BinaryIO:
        """The temporary file, open for writing (binary, buffered)."""
        try:
            self.target.parent.mkdir(parents=True, exist_ok=True)
            mode = plain_write_mode(self.target)
            fd, self.tmp = tempfile.mkstemp(prefix=f".{self.target.name}.",
                                            dir=self.target.parent)
            os.fchmod(fd, mode)
            self.fh = os.fdopen(fd, "wb", buffering=1 << 20)
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None
        return self.fh

    def commit(self) -> None:
        """Flush, sync and rename the temporary file into place."""
        assert self.fh is not None and self.tmp is not None
        try:
            self.fh.flush()
            os.fsync(self.fh.fileno())
            self.fh.close()
            os.replace(self.tmp, self.target)
        except OSError as exc:
            self.discard()
            raise self._error(exc) from None
        self.tmp = None

    def discard(self) -> None:
        """Close and remove the temporary file, if any (nothing appears at the target)."""
        if self.fh is not None and not self.fh.closed:
            self.fh.close()
        if self.tmp is not None:
            Path(self.tmp).unlink(missing_ok=True)
            self.tmp = None

    def _error(self, exc: OSError) -> ReportError:
        return ReportError(f"{self.target}: cannot write: {exc.strerror or exc}")

    def __enter__(self) -> BinaryIO:
        return self.open()

    def __exit__(self, kind: type[BaseException] | None, *_: object) -> None:
        if kind is None:
            self.commit()
        else:
            self.discard()
