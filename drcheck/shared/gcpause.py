"""A context manager that pauses the cyclic garbage collector during pure bulk computation.

Evaluation and simulation allocate millions of small immutable objects and create no
reference cycles (reference counting frees everything), but every automatic collection walks
the whole snapshot: on 100k datasets that is most of the run time.

In a drcheck process of its own (``own_process()``, called by the console entry point),
when the outermost pause ends everything still alive (the snapshot, the findings, the memos)
is moved to the collector's permanent generation (``gc.freeze``) before it is enabled again:
otherwise the first allocation after the block would trigger a collection walking
every object the block made (0.5 s for 10k datasets), and each later full collection (the
report stage allocates a lot) would walk them all again. Those objects hold no cycles;
anything they release later is still freed by reference counting. A process that runs many
commands (a test session, a library user) is never frozen: garbage cycles left from one
command would stay for good.

For the same reason ``keep_to_exit`` lets such a process end without freeing its big results
object by object: freeing a 100k-dataset snapshot, its domain index and the sweep made of it
costs about a second of CPU when the command is done, and the system takes the memory back
at once when the process exits.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

_OWN_PROCESS = False


def own_process() -> None:
    """Say that drcheck runs as its own short-lived process: survivors of a pause may be
    frozen from now on."""
    global _OWN_PROCESS
    _OWN_PROCESS = True


def is_own_process() -> bool:
    """Whether ``own_process()`` was called."""
    return _OWN_PROCESS


def keep_to_exit(*objects: object) -> None:
    """In a drcheck process of its own, hold ``objects`` until the process ends and never
    free them one by one (elsewhere: nothing). They are held by a list that holds itself,
    frozen: reference counting cannot free it, and no collection looks at frozen objects,
    not even the last one at interpreter exit."""
    if _OWN_PROCESS:
        holder: list[object] = [objects]
        holder.append(holder)
        gc.freeze()


def freeze_survivors() -> None:
    """In a drcheck process of its own, move what is alive out of the collector's sight."""
    if _OWN_PROCESS:
        gc.freeze()


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state after,
    with the survivors frozen in a process of drcheck's own (see the module's docstring)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            freeze_survivors()
            gc.enable()
