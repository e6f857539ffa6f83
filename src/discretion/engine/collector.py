"""Pausing and freezing the cyclic garbage collector around work that allocates much and
frees little.

:func:`paused` is used by the library (``Engine.evaluate_many`` while it decides a block) and
restores the collector as it found it. :func:`freeze_loaded` belongs to discretion's own
commands only: it changes the process for good, which a library must not do to its host.
"""

from __future__ import annotations

import contextlib
import gc
from collections.abc import Iterator


@contextlib.contextmanager
def paused() -> Iterator[None]:
    """No cyclic collection inside the block; the collector's state is restored after it."""
    collecting = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if collecting:
            gc.enable()


def freeze_loaded() -> None:
    """What is loaded so far (the catalog) lives until the process ends, so the collector need
    not scan it again: a few per cent of a batch, and for one ``check`` the full collection at
    interpreter exit (about a tenth of its wall time). For commands, not for the library."""
    gc.freeze()


__all__ = ["freeze_loaded", "paused"]
