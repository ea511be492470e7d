"""Pausing the cyclic garbage collector around work that makes no reference cycles.

The pipeline (and a batch chunk around it) frees everything it builds by reference
counting: tests/test_totality.py checks that a call leaves nothing for the collector.
Its many short-lived objects would still trigger collections that walk the whole heap,
which made the cost of a long text grow faster than its length (t(100 KB)/t(10 KB) up
to 15.7 instead of 10) and costs a worker with a large heap (a Dask worker) a third of
its time. The collector is switched back on at the end by whichever call switched it
off; a caller who had it off keeps it off.
"""

from __future__ import annotations

import gc
from collections.abc import Iterator
from contextlib import contextmanager

__all__ = ["gc_paused"]


@contextmanager
def gc_paused() -> Iterator[None]:
    """Pause the cyclic collector for the ``with`` block (or a decorated call)."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
