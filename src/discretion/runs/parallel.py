"""Deciding a stream of records on several processes, in input order, in constant memory.

``discretion check --batch --jobs N`` and ``discretion audit --jobs N`` hand records to ``N``
worker processes in chunks and write the results in input order. Each worker holds its own
:class:`~discretion.engine.engine.Engine` of the same catalog: on Linux it inherits the
parent's (fork), elsewhere it loads the catalog from its folder (through the compiled-catalog
cache). Only a bounded number of chunks is in flight, so memory stays constant however long
the input is.

Each worker is a lane of its own, and records with the same ``affinity`` go to the same lane.
The commands route by the durable-rules ruleset that decides the record's item (a group of
consecutive items, :meth:`Engine.ruleset_group`): a worker's circumstance and plan caches then
serve every case of its items, as one process's would, and each worker builds only its own
rulesets. Handing records to whichever worker is free instead made 50,000 cases cost 31 % more
CPU in all (54 % more durable-rules calls: each worker met every item and its combinations
anew); routing by item rather than by ruleset had every worker build nearly every ruleset
(an item's group-mates went to the other lane), 10 % more CPU and 45 % more memory per worker.
So that one frequent item cannot leave a lane idle, no lane takes more than a quarter over an
even share of any block; the rest spills to the least busy lanes.

The engine is a pure function of catalog and case, so the results are the same as one process
gives, byte for byte; ``tests/test_parallel.py`` checks it.

Workers end with their parent. A worker waits for its next task on a pipe that it shares with
the parent (and, forked, holds the writing end of itself), so a parent killed outright
(``kill -9``, the out-of-memory killer, a closed terminal's SIGHUP) would leave it blocked for
ever. Each worker therefore watches its parent (:func:`multiprocessing.parent_process`: a pipe
that ends, or on Windows a process handle that is signalled, when the parent dies) on a thread
of its own, and exits at once when it does (``tests/test_batch_integrity.py`` kills a parent).
"""

from __future__ import annotations

import datetime as dt
import os
import signal
from collections import deque
from collections.abc import Callable, Hashable, Iterable, Iterator
from typing import TYPE_CHECKING, TypeVar

from discretion.engine.blocks import chunks
from discretion.engine.engine import Engine

if TYPE_CHECKING:
    from concurrent.futures import Future, ProcessPoolExecutor

T = TypeVar("T")
R = TypeVar("R")

CHUNK = 1000  # records per task of a worker: amortises the hand-over, groups cases by item
SOLO_CHUNK = 2048  # records per chunk in one process: several cases per item to group
IN_FLIGHT = 4  # blocks (one task per lane each) handed out ahead of the output
SPILL = 4  # a lane takes at most an even share of a block plus 1/SPILL of it

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


ORPHANED = 3  # a worker's exit status when it ends because its parent has died


def watch_parent() -> bool:
    """In a worker process: end this process as soon as its parent dies (on a daemon thread
    waiting for the parent's sentinel). False when there is no parent process to watch."""
    import multiprocessing
    import threading
    from multiprocessing.connection import wait

    parent = multiprocessing.parent_process()
    if parent is None or parent.sentinel is None:
        return False
    sentinel = parent.sentinel

    def watch() -> None:
        wait([sentinel])  # returns when the parent is gone (its end of the pipe closed)
        os._exit(ORPHANED)  # no cleanup: the output belongs to the parent, which is gone

    threading.Thread(target=watch, name="discretion-parent-watch", daemon=True).start()
    return True


def _start(catalog_dir: str | None, today: dt.date | None, fork: bool) -> None:
    global _engine
    # Ctrl-C reaches the whole process group: the parent stops the run and reports it; a
    # worker must not print a traceback of its own.
    signal.signal(signal.SIGINT, signal.SIG_IGN)
    watch_parent()
    if fork and _inherited is not None:
        _engine = _inherited
        return
    from discretion.catalog.catalog import Catalog

    _engine = Engine(Catalog.load(catalog_dir), today=today)


def map_ordered(engine: Engine, work: Callable[[list[T]], list[R]], items: Iterable[T], *,
                jobs: int, chunk: int | None = None,
                affinity: Callable[[T], Hashable] | None = None) -> Iterator[R]:
    """``work`` applied to ``items`` in chunks on ``jobs`` processes; results in input order.

    ``work`` must be a module-level function (it is sent to the workers by name) that reads
    :func:`worker_engine`. With ``jobs == 1`` everything runs in this process, in chunks of
    ``SOLO_CHUNK`` (else ``CHUNK`` per worker) unless ``chunk`` says otherwise. Items with the
    same ``affinity`` (for records: their catalog item) go to the same worker, within the
    balance described in the module docstring.
    """
    global _inherited
    if jobs <= 1:
        global _engine
        previous, _engine = _engine, engine
        try:
            for block in chunks(items, chunk or SOLO_CHUNK):
                yield from work(block)
        finally:
            _engine = previous
        return
    import multiprocessing  # here: a single-process run never pays for these imports
    from concurrent.futures import ProcessPoolExecutor

    fork = "fork" in multiprocessing.get_all_start_methods()
    context = multiprocessing.get_context("fork" if fork else "spawn")
    folder = engine.catalog.root
    catalog_dir = str(folder) if folder else None
    _inherited = engine
    pending: deque[tuple[list[tuple[int, int]], list[Future[list[R]] | None]]] = deque()
    lanes: list[ProcessPoolExecutor] = []
    try:
        for _ in range(jobs):
            lanes.append(ProcessPoolExecutor(1, mp_context=context, initializer=_start,
                                             initargs=(catalog_dir, engine.today, fork)))
        blocks = chunks(items, (chunk or CHUNK) * jobs)
        failed: Exception | None = None  # the input's own error, raised after what came before
        while True:
            try:
                block = next(blocks)
            except StopIteration:
                break
            except Exception as exc:
                failed = exc
                break
            parts, where = split_block(block, jobs, affinity)
            pending.append((where, [lane.submit(work, part) if part else None
                                    for lane, part in zip(lanes, parts, strict=True)]))
            if len(pending) >= IN_FLIGHT:
                yield from _in_order(*pending.popleft())
        while pending:
            yield from _in_order(*pending.popleft())
        if failed is not None:
            raise failed
    except BaseException:  # interrupted, output closed, or a worker failed: stop at once
        for lane in lanes:
            lane.shutdown(wait=True, cancel_futures=True)
        raise
    else:
        for lane in lanes:
            lane.shutdown(wait=True)
    finally:
        _inherited = None


def split_block(block: list[T], lanes: int, affinity: Callable[[T], Hashable] | None
                ) -> tuple[list[list[T]], list[tuple[int, int]]]:
    """The part of ``block`` each lane decides, and where each item's result will be: (lane,
    position in the lane's part), in block order. Without ``affinity`` the items are dealt in
    turn; with it, by its hash, no lane taking more than an even share plus 1/SPILL."""
    parts: list[list[T]] = [[] for _ in range(lanes)]
    where: list[tuple[int, int]] = []
    even = -(-len(block) // lanes)
    cap = even + even // SPILL
    for index, item in enumerate(block):
        lane = hash(affinity(item)) % lanes if affinity is not None else index % lanes
        if len(parts[lane]) >= cap:
            lane = min(range(lanes), key=lambda other: len(parts[other]))
        where.append((lane, len(parts[lane])))
        parts[lane].append(item)
    return parts, where


def _in_order(where: list[tuple[int, int]], futures: list[Future[list[R]] | None]) -> Iterator[R]:
    """The results of one block in block order, each lane waited for when first needed."""
    results: list[list[R] | None] = [None] * len(futures)
    for lane, position in where:
        done = results[lane]
        if done is None:
            future = futures[lane]
            assert future is not None  # a lane without a part has no positions
            done = results[lane] = future.result()
        yield done[position]


__all__ = ["CHUNK", "ORPHANED", "SOLO_CHUNK", "jobs_for", "map_ordered", "split_block",
           "watch_parent", "worker_engine"]
