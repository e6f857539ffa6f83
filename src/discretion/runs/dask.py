"""``check --batch`` and ``audit`` on a Dask cluster (``--dask SCHEDULER``; docs/scaling.md).

The input file is read by the workers, in blocks cut at line ends, through Dask's own reader
(:func:`dask.bytes.read_bytes`), so it must be where every worker can read it under the same
path (shared storage; on a ``local:N`` cluster, this machine). The client never reads the
records. A run has two passes over the blocks:

1. Each block is *scanned*: how many lines it holds, what its first non-ASCII line decides
   under ``--encoding auto``, and for CSV the first line with an odd number of quotes (a line
   break inside a quoted cell, which a cut at line ends would split: refused).
2. Each block is *decided* (or audited) as the one-process run decides those lines: numbered
   from the block's first line in the whole file, decoded as the lines before it chose. The
   results come back to the client in input order and are written as they come; a few blocks
   are in flight at a time (:data:`WINDOW`), so neither the client nor the cluster holds the
   whole output.

The output is byte for byte that of one process, ``--summary`` and ``--chart`` too (the
audit's counters are summed over blocks).

The catalog travels by content (:class:`ShippedCatalog`: its files, their sha256, and a
fingerprint of the discretion code and of the libraries that shape a decision). A worker
writes the files into a folder of its own, loads them, and refuses before any decision
(:class:`WorkerRefused`) if the loaded catalog's sha256 is not the one sent or if it runs
other code. A worker that dies mid-run costs a retry of its blocks: blocks are pure
functions of the file, so the scheduler runs them again elsewhere and the output is the same.
"""

from __future__ import annotations

import atexit
import hashlib
import importlib.metadata
import io
import logging
import re
import shutil
import sys
import tempfile
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import date
from pathlib import Path
from typing import IO, Any

from discretion.catalog.catalog import Catalog
from discretion.engine.engine import Engine
from discretion.errors import DiscretionError, Problem
from discretion.io.records import CsvRow, JsonLine, Record, scan_csv_part, scan_jsonl
from discretion.io.textlines import MAX_LINE, decoded_lines, line_decides, raw_lines
from discretion.runs.audit import CSV_HEADER, Auditor, AuditStats, run_audit
from discretion.runs.batch import BatchStats, ByteSink, run_batch

BLOCK_SIZE = 4 * 1024 * 1024  # bytes a block (about 20,000 decided records)
WINDOW = 2  # blocks in flight per worker (at least 3 in all)
LOCAL = re.compile(r"local:(\d+)")
SCHEMES = ("tcp://", "tls://", "ucx://", "ws://", "wss://")
GLOB = re.compile(r"[*?\[]")  # read_bytes would expand these into several files
# What shapes a decision besides discretion's own code: a worker that runs other versions
# of these could decide otherwise.
LIBRARIES = ("pydantic", "pydantic-core", "durable-rules")


class WorkerRefused(DiscretionError):
    """A worker would not decide: its catalog or its code is not the client's."""

    def __init__(self, message: str) -> None:
        super().__init__(Problem(message, hint="install the same discretion (and pydantic, "
                                              "durable-rules) on every worker as on the client; "
                                              "各工作节点应安装与客户端相同的版本"), "input")


@dataclass(frozen=True)
class ShippedCatalog:
    """A catalog as it travels to the workers: its folders and files (relative POSIX paths and
    bytes), its sha256, and :func:`code_fingerprint` of the client."""

    sha256: str
    code: str
    folders: tuple[str, ...]
    files: dict[str, bytes] = field(repr=False)

    @classmethod
    def of(cls, catalog: Catalog) -> ShippedCatalog:
        from discretion.catalog.loader import catalog_contents

        folders, files = catalog_contents(catalog.root)
        return cls(catalog.sha256, code_fingerprint(), tuple(folders), files)


_fingerprint: list[str] = []


def code_fingerprint() -> str:
    """A sha256 over the discretion package's Python sources (relative path and bytes) and the
    versions of :data:`LIBRARIES`: equal on two machines when they decide alike."""
    if not _fingerprint:
        import discretion

        digest = hashlib.sha256()
        package = Path(discretion.__file__).resolve().parent
        for path in sorted(package.rglob("*.py")):
            digest.update(path.relative_to(package).as_posix().encode("utf-8") + b"\0")
            digest.update(path.read_bytes() + b"\0")
        for name in LIBRARIES:
            try:
                version = importlib.metadata.version(name)
            except importlib.metadata.PackageNotFoundError:
                version = "-"
            digest.update(f"{name}=={version}\0".encode())
        _fingerprint.append(digest.hexdigest())
    return _fingerprint[0]


# --- on the workers ---------------------------------------------------------------------

_engines: dict[tuple[str, date | None], Engine] = {}


def worker_engine(shipped: ShippedCatalog, on: date | None) -> Engine:
    """This worker process's engine for ``shipped``, loaded from its files on first use and
    kept; refuses (:class:`WorkerRefused`) if the worker's code or the loaded catalog is not
    the client's."""
    here = code_fingerprint()
    if here != shipped.code:
        raise WorkerRefused(f"the worker on {_where()} runs other code than the client "
                            f"(fingerprint {here[:12]}, the client's {shipped.code[:12]}): it "
                            f"would not decide alike (工作节点的程序版本与客户端不同)")
    engine = _engines.get((shipped.sha256, on))
    if engine is not None:
        return engine
    folder = Path(tempfile.mkdtemp(prefix=f"discretion-catalog-{shipped.sha256[:12]}-"))
    atexit.register(shutil.rmtree, folder, True)
    for name in shipped.folders:
        (folder / name).mkdir(parents=True, exist_ok=True)
    for name, data in shipped.files.items():
        target = folder / name
        target.parent.mkdir(parents=True, exist_ok=True)
        target.write_bytes(data)
    catalog = Catalog.load(folder)
    if catalog.sha256 != shipped.sha256:
        raise WorkerRefused(f"the catalog sent to the worker on {_where()} loads there with "
                            f"sha256 {catalog.sha256[:12]}, not {shipped.sha256[:12]} "
                            f"(工作节点上的裁量基准与客户端不同)")
    engine = _engines[(shipped.sha256, on)] = Engine(catalog, today=on)
    return engine


def _where() -> str:
    try:
        from distributed import get_worker

        return str(get_worker().address)
    except ValueError:  # not in a worker (called directly)
        import socket

        return socket.gethostname()


@dataclass(frozen=True)
class BlockScan:
    """What the first pass learns of a block: its lines and those not blank (records, for the
    progress bar), what its first line that decides an encoding decides
    (:func:`~discretion.io.textlines.line_decides`), and the first line (counted from 0 in the
    block) with an odd number of quotes, for CSV."""

    lines: int
    filled: int
    decides: str | None
    odd_quotes: int | None


def scan_block(block: bytes, csv: bool, starts_file: bool) -> BlockScan:
    """The first pass over a block (``starts_file``: it is the file's first)."""
    lines, filled, decides, odd = 0, 0, None, None
    for index, line in enumerate(raw_lines(io.BytesIO(block), limit=MAX_LINE)):
        lines += 1
        if line.strip():
            filled += 1
        if decides is None:
            decides = line_decides(line, index + 1 if starts_file else 2)
        if csv and odd is None and line.count(b'"') % 2:
            odd = index
    return BlockScan(lines, filled, decides, odd)


@dataclass(frozen=True)
class BlockTask:
    """What a worker needs, besides the block and the catalog, to decide a block as the whole
    run would: the input's name, kind and CSV header, its first line in the file, the
    encoding given and the one the lines before it chose, and ``--on``."""

    file: str
    csv_header: tuple[str, ...] | None
    first_line: int
    encoding: str
    earlier: str | None
    on: date | None
    audit: bool
    records: bool = False  # the audit's --records lines too


@dataclass
class BlockResult:
    """A decided block: its output bytes (JSON Lines, or the deviations CSV's rows), the
    ``--records`` lines of an audit, and its counters."""

    output: bytes
    records: bytes
    count: int
    batch: BatchStats | None = None
    audit: AuditStats | None = None


def decide_block(block: bytes, task: BlockTask, shipped: ShippedCatalog) -> BlockResult:
    """The second pass over a block: ``check --batch``'s or ``audit``'s output for its lines."""
    engine = worker_engine(shipped, task.on)
    lines = decoded_lines(raw_lines(io.BytesIO(block), limit=MAX_LINE), task.file,
                          task.encoding, overlong=task.csv_header is None,
                          first_line=task.first_line, earlier=task.earlier)
    records: Iterator[JsonLine | CsvRow | Record] = (
        scan_jsonl(lines, task.first_line) if task.csv_header is None
        else scan_csv_part(lines, task.csv_header, task.first_line))
    if not task.audit:
        out = io.BytesIO()
        stats = run_batch(engine, records, out)
        return BlockResult(out.getvalue(), b"", stats.records, batch=stats)
    auditor = Auditor(engine)
    text = io.StringIO()
    kept = io.StringIO() if task.records else None
    audited = run_audit(auditor, records, text, header=False, records_out=kept)
    return BlockResult(text.getvalue().encode("utf-8"),
                       kept.getvalue().encode("utf-8") if kept is not None else b"",
                       audited.records, audit=audited)


# --- on the client ----------------------------------------------------------------------

def check_scheduler(value: str) -> str:
    """``value`` if it names a scheduler (``tcp://host:8786`` and the like, or ``local:N``
    with N ≥ 1); ``ValueError`` saying what is expected otherwise."""
    local = LOCAL.fullmatch(value)
    if local is not None and int(local.group(1)) >= 1:
        return value
    if value.startswith(SCHEMES) and len(value) > value.index("://") + 3:
        return value
    raise ValueError(f"--dask is a scheduler's address (tcp://HOST:8786) or local:N for a "
                     f"cluster of N worker processes on this machine, not {value!r} "
                     f"(--dask 应为调度器地址或 local:N)")


@contextmanager
def connect(scheduler: str) -> Iterator[Any]:
    """A Dask client of ``scheduler`` (:func:`check_scheduler`): ``local:N`` starts a cluster
    of N single-threaded worker processes for the run and stops it after."""
    try:
        from distributed import Client, LocalCluster
    except ImportError:
        raise DiscretionError(Problem(
            "--dask needs Dask's distributed scheduler, which is not installed",
            hint="pip install 'discretion[dask]' (需要安装 dask 扩展)"), "input") from None
    local = LOCAL.fullmatch(check_scheduler(scheduler))
    if local is not None:
        with LocalCluster(n_workers=int(local.group(1)), threads_per_worker=1, processes=True,
                          dashboard_address=":0", silence_logs=logging.ERROR) as cluster, \
                Client(cluster) as client:
            yield client
        return
    try:
        client = Client(scheduler, timeout="20s")
    except (OSError, TimeoutError) as exc:
        raise DiscretionError(Problem(
            f"cannot reach the Dask scheduler at {scheduler}: {exc}",
            hint="start it (dask scheduler) and its workers, or give its address; "
                 "无法连接 Dask 调度器"), "input") from None
    with client:
        yield client


def check_dask_input(path: str) -> None:
    """Refuse inputs a Dask run cannot read in blocks: standard input, a workbook, a name
    that Dask would read as a pattern of several files. ``ValueError`` says why and what to
    do instead."""
    if path == "-":
        raise ValueError("--dask reads its input on the workers: give a file on storage they "
                         "share, not - (standard input) (--dask 不能读取标准输入)")
    if Path(path).suffix.lower() in (".xlsx", ".xlsm"):
        raise ValueError("--dask reads CSV or JSON Lines in blocks; a workbook cannot be cut "
                         "so: save it as CSV (UTF-8) (--dask 不支持 Excel 工作簿，请另存为 CSV)")
    if GLOB.search(path):
        raise ValueError(f"--dask would read {path!r} as a pattern of files: rename the input "
                         f"without *, ? or [ (文件名不能含 * ? [)")


@dataclass
class _Plan:
    blocks: list[Any]  # dask.delayed reads of the file's blocks
    tasks: list[BlockTask]
    total: int  # records, for the progress bar (lines not blank, less the header)


def _plan(client: Any, path: str, *, csv_header: tuple[str, ...] | None, encoding: str,
          on: date | None, audit: bool, records: bool, blocksize: int) -> _Plan:
    import dask
    from dask.bytes import read_bytes

    source = str(Path(path).resolve())
    _, parts = read_bytes(source, delimiter=b"\n", blocksize=blocksize, sample=False)
    blocks = [block for part in parts for block in part]
    scan = dask.delayed(scan_block, pure=True)
    csv = csv_header is not None
    scans: list[BlockScan] = client.gather(client.compute(
        [scan(block, csv, index == 0) for index, block in enumerate(blocks)]))
    tasks, line, filled, earlier = [], 1, 0, None
    for found in scans:
        if found.odd_quotes is not None:
            raise DiscretionError(Problem(
                "the line has an odd number of quotes (\"): a quoted cell holds a line break, "
                "or a quote is not closed. --dask cuts the file at line ends, which would "
                "split that row (单元格内含换行或引号未闭合，--dask 无法按行切分)",
                file=path, line=line + found.odd_quotes,
                hint="remove line breaks from the cells (or close the quote), or run without "
                     "--dask"), "input")
        tasks.append(BlockTask(path, csv_header, line, encoding,
                               earlier if earlier in ("utf-8", "gb18030") else None, on, audit,
                               records))
        line += found.lines
        filled += found.filled
        if earlier is None:
            earlier = found.decides
    return _Plan(blocks, tasks, max(0, filled - (1 if csv else 0)))


def _results(client: Any, plan: _Plan, shipped: ShippedCatalog) -> Iterator[BlockResult]:
    """Each block's result, in input order, with a bounded number in flight."""
    import dask

    workers = max(1, len(client.scheduler_info().get("workers", {})))
    window = max(3, WINDOW * workers)
    catalog = client.scatter(shipped, broadcast=True, hash=False)
    decide = dask.delayed(decide_block, pure=True)
    waiting: deque[Any] = deque()
    queued = iter(zip(plan.blocks, plan.tasks, strict=True))

    def submit() -> None:
        nxt = next(queued, None)
        if nxt is not None:
            waiting.append(client.compute(decide(nxt[0], nxt[1], catalog)))

    for _ in range(window):
        submit()
    try:
        while waiting:
            future = waiting.popleft()
            result: BlockResult = future.result()
            future.release()
            submit()
            yield result
    finally:
        for future in waiting:
            future.cancel()


def _bar(progress: bool, total: int) -> Any:
    if not progress:
        return None
    from tqdm import tqdm

    return tqdm(total=total, unit="case", file=sys.stderr, dynamic_ncols=True, mininterval=0.5)


def _run(path: str, catalog: Catalog, scheduler: str, *, audit: bool, csv_header: tuple[str, ...] | None,
         encoding: str, on: date | None, records: bool, progress: bool, blocksize: int | None,
         each: Callable[[BlockResult], None]) -> None:
    check_dask_input(path)
    shipped = ShippedCatalog.of(catalog)
    with connect(scheduler) as client:
        plan = _plan(client, path, csv_header=csv_header, encoding=encoding, on=on, audit=audit,
                     records=records, blocksize=blocksize or BLOCK_SIZE)
        bar = _bar(progress, plan.total)
        try:
            for result in _results(client, plan, shipped):
                each(result)
                if bar is not None:
                    bar.update(result.count)
        finally:
            if bar is not None:
                bar.close()


def dask_batch(catalog: Catalog, path: str, out: ByteSink, *, scheduler: str,
               csv_header: tuple[str, ...] | None = None, encoding: str = "auto",
               on: date | None = None, progress: bool = False,
               blocksize: int | None = None) -> BatchStats:
    """``discretion check --batch PATH --dask SCHEDULER``: decide the JSON Lines or CSV file
    ``path`` (``csv_header``: its header row, for CSV) on the cluster into ``out``, byte for
    byte what :func:`~discretion.runs.batch.run_batch` writes in one process."""
    stats = BatchStats()

    def each(result: BlockResult) -> None:
        out.write(result.output)
        assert result.batch is not None
        stats.records += result.batch.records
        stats.decided += result.batch.decided
        stats.errors += result.batch.errors

    _run(path, catalog, scheduler, audit=False, csv_header=csv_header, encoding=encoding, on=on,
         records=False, progress=progress, blocksize=blocksize, each=each)
    out.flush()
    return stats


def dask_audit(catalog: Catalog, path: str, out: IO[bytes], *, scheduler: str,
               csv_header: tuple[str, ...] | None = None, encoding: str = "auto",
               records_out: IO[bytes] | None = None, progress: bool = False,
               blocksize: int | None = None, bom: bool = True) -> AuditStats:
    """``discretion audit PATH --dask SCHEDULER``: the deviations CSV into ``out`` (with a
    UTF-8 byte-order mark when ``bom``, and the header), ``--records`` lines into
    ``records_out``; returns the counters of the whole audit for the summary and chart."""
    import csv

    header = io.StringIO()
    csv.writer(header, lineterminator="\n").writerow(CSV_HEADER)
    out.write(header.getvalue().encode("utf-8-sig" if bom else "utf-8"))
    stats = AuditStats()

    def each(result: BlockResult) -> None:
        out.write(result.output)
        if records_out is not None:
            records_out.write(result.records)
        assert result.audit is not None
        stats.merge(result.audit)

    _run(path, catalog, scheduler, audit=True, csv_header=csv_header, encoding=encoding,
         on=None, records=records_out is not None, progress=progress, blocksize=blocksize,
         each=each)
    out.flush()
    return stats


__all__ = ["BLOCK_SIZE", "BlockScan", "BlockTask", "ShippedCatalog", "WorkerRefused",
           "check_dask_input", "check_scheduler", "code_fingerprint", "connect", "dask_audit",
           "dask_batch", "decide_block", "scan_block", "worker_engine"]
