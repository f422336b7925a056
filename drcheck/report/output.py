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
    target = Path(path)
    try:
        target.parent.mkdir(parents=True, exist_ok=True)
        mode = plain_write_mode(target)
        fd, tmp = tempfile.mkstemp(prefix=f".{target.name}.", dir=target.parent)
        try:
            os.fchmod(fd, mode)
            with os.fdopen(fd, "wb") as fh:
                fh.write(data)
                fh.flush()
                os.fsync(fh.fileno())
            os.replace(tmp, target)
        except BaseException:
            Path(tmp).unlink(missing_ok=True)
            raise
    except OSError as exc:
        raise ReportError(f"{target}: cannot write: {exc.strerror or exc}") from None
