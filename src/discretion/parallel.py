"""Deciding a stream of records on several processes, in input order, in constant memory.

``discretion check --batch --jobs N`` and ``discretion audit --jobs N`` hand records to ``N``
worker processes in chunks and write the results in input order. Each worker holds its own
:class:`~discretion.engine.engine.Engine` of the same catalog: on Linux it inherits the
parent's (fork), elsewhere it loads the catalog from its folder (through the compiled-catalog
cache). Only a bounded number of chunks is in flight, so memory stays constant however long
the input is.

The engine is a pure function of catalog and case, so the results are the same as one process
gives, byte for byte; ``tests/test_parallel.py`` checks it.
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from discretion.engine.engine import Engine

if TYPE_CHECKING:
    from concurrent.futures import Future

T = TypeVar("T")
R = TypeVar("R")

CHUNK = 200  # records per task: large enough to amortise the hand-over, small for the order
IN_FLIGHT = 4  # chunks queued per worker

_engine: Engine | None = None  # the worker's engine
_inherited: Engine | None = None  # the parent's engine, seen by forked workers


def jobs_for(requested: int) -> int:
    """``0`` means one worker per core; anything else is taken as given (at least 1)."""
    if requested <= 0:
        return max(1, len(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity")
                   else (os.cpu_count() or 1))
    return requested


def worker_engine() -> Engine:
    """The engine of the current worker process."""
    if _engine is None:
        raise RuntimeError("not inside a discretion worker process")
    return _engine


def _start(catalog_dir: str | None, today: dt.date | None, fork: bool) -> None:
    global _engine
    # Ctrl-C reaches the whole process group: the parent stops the run and reports it; a
    # worker must not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    if fork and _inherited is not None:
        _engine = _inherited
        return
    from discretion.catalog.catalog import Catalog

    _engine = Engine(Catalog.load(catalog_dir), today=today)


def map_ordered(engine: Engine, work: Callable[[list[T]], list[R]], items: Iterable[T], *,
                jobs: int, chunk: int = CHUNK) -> Iterator[R]:
    """``work`` applied to ``items`` in chunks on ``jobs`` processes; results in input order.

    ``work`` must be a module-level function (it is sent to the workers by name) that reads
    :func:`worker_engine`. With ``jobs == 1`` everything runs in this process.
    """
    global _inherited
    if jobs <= 1:
        global _engine
        previous, _engine = _engine, engine
        try:
            for block in _chunks(items, chunk):
                yield from work(block)
        finally:
            _engine = previous
        return
    import multiprocessing  # here: a single-process run never pays for these imports
    from concurrent.futures import ProcessPoolExecutor

    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    folder = engine.catalog.root
    _inherited = engine
    pending: deque[Future[list[R]]] = deque()
    pool = ProcessPoolExecutor(jobs, mp_context=context, initializer=_start,
                               initargs=(str(folder) if folder else None, engine.today, fork))
    try:
        for block in _chunks(items, chunk):
            pending.append(pool.submit(work, block))
            if len(pending) >= jobs * IN_FLIGHT:
                yield from pending.popleft().result()
        while pending:
            yield from pending.popleft().result()
    except BaseException:  # interrupted, output closed, or a worker failed: stop at once
        pool.shutdown(wait=True, cancel_futures=True)
        raise
    else:
        pool.shutdown(wait=True)
    finally:
        _inherited = None


def _chunks(items: Iterable[T], size: int) -> Iterator[list[T]]:
    block: list[T] = []
    for item in items:
        block.append(item)
        if len(block) >= size:
            yield block
            block = []
    if block:
        yield block


__all__ = ["CHUNK", "jobs_for", "map_ordered", "worker_engine"]
