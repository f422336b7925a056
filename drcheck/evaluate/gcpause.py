"""A context manager that pauses the cyclic garbage collector during pure bulk computation.

Evaluation and simulation allocate millions of small immutable objects and create no
reference cycles (reference counting frees everything), but every automatic collection walks
the whole snapshot: on 100k datasets that is most of the run time.

When the outermost pause ends, everything still alive (the snapshot, the findings, the
memos) is moved to the collector's permanent generation (``gc.freeze``) before it is enabled
again: otherwise the first allocation after the block would trigger a collection walking
every object the block made (0.5 s for 10k datasets), and each later full collection (the
report stage allocates a lot) would walk them all again. Those objects hold no cycles;
anything they release later is still freed by reference counting.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager


@contextmanager
def paused_gc() -> Iterator[None]:
    """Disable the cyclic collector inside the block; restore its previous state after,
    with the survivors frozen (see the module's docstring)."""
    was_enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if was_enabled:
            gc.freeze()
            gc.enable()
