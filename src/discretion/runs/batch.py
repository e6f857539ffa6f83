"""Streaming many cases through one engine: order kept, one output record per input record.

``discretion check --batch CASES.jsonl|CASES.csv [--out DECISIONS.jsonl] [--resume]`` writes
one JSON line per input record, in input order::

    {"line": 7, "decision": {...the decision contract...}}
    {"line": 8, "error": {"problems": [{"path": "party.age", "message": ...}]}}

The output is UTF-8 with ``\n`` line ends on every platform (written as bytes: a decision's
JSON is never decoded and encoded again on its way out). A bad record never stops the run.
Memory stays constant: records are read in chunks (``discretion.runs.parallel``: a few thousand
in one process), decided grouped by item (each item's rules and tables stay hot) and written
in input order. ``--jobs N`` decides on N processes (:mod:`discretion.runs.parallel`), still in
input order and with the same output byte for byte.

``--resume`` continues an interrupted run: the lines already in the output that its record
vouches for are kept (a torn last line, and lines written after the record was last updated,
are cut off) and as many input records are skipped, so no record is decided twice or lost.

An ``--out`` file names what it was made from, in a file beside it, ``OUT.run.json``
(:func:`sidecar_path`): the input's path and size, the catalog's SHA-256, ``--on`` and
``--encoding``, how many lines the output held when last flushed and a SHA-256 of the input
records those lines decide (:class:`RecordsDigest`: each record's line number and text, so
the same records read from a file saved again in another encoding still agree), and whether
the run completed. ``--resume`` continues after the lines the sidecar vouches for (those
written after its last update are decided again) and only if the input's first records are
those records, and the catalog and ``--on`` the same: anything else is refused before a
byte is written (:class:`OutputRefused`). So is an ``--out`` that is the input itself (the
same file, a hard link or a symbolic link to it, or the file standard input reads). A run
holds an exclusive lock on its ``--out`` file (``flock``; on Windows ``msvcrt.locking``)
from before it reads or cuts anything to its end, so a second run on the same output —
resumed or not — is refused while the first is writing, and two runs never both append. The
lock is the operating system's: it ends with the process, however that ends.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import re
import sys
from collections import deque
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO, Any, Protocol

from discretion.engine.engine import Engine
from discretion.errors import DiscretionError, Problem
from discretion.io.records import (
    CsvRow,
    JsonLine,
    Record,
    Unparsed,
    map_by_item,
    parsed,
    ruleset_key,
)
from discretion.runs.parallel import map_ordered, worker_engine


class ByteSink(Protocol):
    """Where a batch's JSON Lines go: a binary file, standard output's buffer, or a
    :class:`_TextSink` onto a text-only standard output (not an ``IO[bytes]`` to the type
    checker, though a binary stream all the same)."""

    def write(self, data: bytes, /) -> int: ...

    def flush(self) -> None: ...

    def close(self) -> None: ...


@dataclass
class BatchStats:
    records: int = 0
    decided: int = 0
    errors: int = 0
    skipped: int = 0


def decide_line(engine: Engine, record: Record) -> tuple[bytes, bool]:
    """The output line of one input record (UTF-8, with its newline), and whether it is an
    error."""
    if record.case is None:
        problems = [Problem(record.error or "unreadable record", path=None)]
    else:
        try:
            decision = engine.evaluate(record.case)
        except DiscretionError as exc:
            problems = list(exc.problems)
        except Exception as exc:  # a bug must not lose the record
            problems = [Problem(f"internal error: {type(exc).__name__}: {exc}")]
        else:
            return b'{"line":%d,"decision":%b}\n' % (record.line, decision.to_json_bytes()), False
    result = {"line": record.line, "error": {"problems": [p.as_dict() for p in problems]}}
    return (json.dumps(result, ensure_ascii=False, separators=(",", ":")) + "\n").encode("utf-8"), True


def _decide_chunk(records: list[Unparsed]) -> list[tuple[bytes, bool]]:
    engine = worker_engine()
    return map_by_item(records, lambda record: decide_line(engine, parsed(record)))


def completed_lines(path: Path) -> int:
    """Complete lines in an output file; a torn last line (no newline) is cut off."""
    if not path.exists():
        return 0
    with path.open("rb+") as handle:
        count, end = _count_lines(handle)
        if end != handle.seek(0, os.SEEK_END):
            handle.truncate(end)
    return count


# The output of a long run is never read whole: these read it in blocks.
BLOCK = 1 << 20


def _count_lines(handle: IO[bytes]) -> tuple[int, int]:
    """The complete lines of a file, and the offset just past the last of them."""
    handle.seek(0)
    count = position = end = 0
    while block := handle.read(BLOCK):
        found = block.count(b"\n")
        if found:
            count += found
            end = position + block.rfind(b"\n") + 1
        position += len(block)
    return count, end


def _line_end(handle: IO[bytes], number: int) -> int:
    """The offset just past line ``number`` (from 1) of a file that has that many lines."""
    handle.seek(0)
    seen = position = 0
    while block := handle.read(BLOCK):
        found = block.count(b"\n")
        if seen + found >= number:
            at = -1
            for _ in range(number - seen):
                at = block.index(b"\n", at + 1)
            return position + at + 1
        seen += found
        position += len(block)
    raise ValueError(f"the file has {seen} lines, not {number}")


def _line_before(handle: IO[bytes], end: int) -> bytes:
    """The line that ends (with its newline) at offset ``end``, without the newline."""
    start = cursor = end - 1
    while cursor > 0:
        low = max(0, cursor - (1 << 16))
        handle.seek(low)
        at = handle.read(cursor - low).rfind(b"\n")
        if at >= 0:
            start = low + at + 1
            break
        cursor = start = low
    handle.seek(start)
    return handle.read(end - 1 - start)


def run_batch(engine: Engine, records: Iterable[Unparsed], out: ByteSink, *, skip: int = 0,
              progress: bool = False, total: int | None = None, jobs: int = 1,
              last_line: int | None = None, expect: str | None = None,
              begin: Callable[[], None] | None = None,
              flushed: Callable[[int, str], None] | None = None,
              stream: bool = False) -> BatchStats:
    """Decide ``records`` into ``out`` (JSON Lines, a binary stream), skipping the first
    ``skip`` records, on ``jobs`` processes (1: this one).

    Resuming: ``expect`` is the :class:`RecordsDigest` of the first ``skip`` records and
    ``last_line`` the input line of the last of them, as the output being resumed says; when
    the input disagrees (or has fewer than ``skip`` records) :class:`ResumeMismatch` is
    raised before anything is written. ``begin`` is called once the skipped records are found
    to be those expected, before anything is written. ``flushed`` is called, each time ``out`` has been
    flushed, with the number of lines this run has written and the digest of the records
    they are the output of (from the first, skipped ones included).

    ``stream`` (``check --batch -``: standard input, which may be a pipe kept open between
    records): each record is decided as soon as it is read and its line flushed at once, so a
    program can write a case and read its answer before it writes the next. With ``jobs`` 1
    only: several processes still take records a block at a time."""
    stats = BatchStats()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="case", file=sys.stderr, dynamic_ncols=True)
    digest = RecordsDigest() if (flushed is not None or expect is not None) else None
    waiting: deque[bytes] = deque()  # what identifies each record handed out, not yet written
    verified: list[bool] = []  # the skipped records were the ones expected

    def remaining() -> Iterator[Unparsed]:
        iterator = iter(records)
        for index in range(skip):
            record = next(iterator, None)
            if record is None:
                raise ResumeMismatch(f"the output holds {skip} lines, but the input has only "
                                     f"{index} records (输出文件的行数多于输入的记录数)")
            stats.skipped += 1
            if digest is not None:
                digest.update(digest.identify(record))
            if index == skip - 1 and last_line is not None and record.line != last_line:
                raise ResumeMismatch(f"the output's last line is the record of input line "
                                     f"{last_line}, but the input's record {skip} is on line "
                                     f"{record.line} (输出文件与输入对不上)")
        if expect is not None and digest is not None and digest.hexdigest() != expect:
            raise ResumeMismatch(f"the first {skip} records of the input are not the records "
                                 f"the output holds the decisions of (输入的前{skip}条记录与输出"
                                 f"文件所裁量的记录不同)")
        verified.append(True)  # from here on, the digest is of records the output decides
        if begin is not None:
            begin()
        if digest is None:
            yield from iterator
            return
        for record in iterator:
            waiting.append(digest.identify(record))
            yield record

    def flush() -> None:
        out.flush()
        if flushed is not None and digest is not None and verified:
            flushed(stats.records, digest.hexdigest())

    try:
        for line, error in map_ordered(engine, _decide_chunk, remaining(), jobs=jobs,
                                       chunk=1 if stream and jobs <= 1 else None,
                                       affinity=ruleset_key(engine)):
            out.write(line)
            if stream:
                out.flush()  # the answer now (the sidecar, if any, is brought up to date below)
            if digest is not None:
                digest.update(waiting.popleft())
            stats.records += 1
            if error:
                stats.errors += 1
            else:
                stats.decided += 1
            if bar is not None:
                bar.update(1)
            if stats.records % 1000 == 0:
                flush()
    finally:
        flush()
        if bar is not None:
            bar.close()
    return stats


class RecordsDigest:
    """A SHA-256 of input records as they were read, in order: each record's line number and
    text (a JSON line without its line end; a CSV or workbook row's cells, after its header).
    Two inputs agree on their first N records exactly when the digests of those agree, however
    their bytes are encoded (UTF-8 or GB18030) or their lines ended."""

    def __init__(self) -> None:
        self._hash = hashlib.sha256()
        self._header: tuple[str, ...] | None = None

    def identify(self, record: Unparsed) -> bytes:
        """What the digest takes of ``record``."""
        if isinstance(record, JsonLine):
            return b"%d\tj%b\n" % (record.line,
                                    record.text.rstrip("\r\n").encode("utf-8", "surrogatepass"))
        if isinstance(record, CsvRow):
            text = "\x1f".join(record.cells)
            if record.header is not self._header:
                self._header = record.header
                text = "\x1f".join(record.header) + "\x1e" + text
            return b"%d\tc%d\t%b\n" % (record.line, len(record.cells),
                                        text.encode("utf-8", "surrogatepass"))
        return b"%d\tr%b\n" % (record.line, repr((record.case, record.error)).encode(
            "utf-8", "surrogatepass"))

    def update(self, identity: bytes) -> None:
        self._hash.update(identity)

    def hexdigest(self) -> str:
        return self._hash.hexdigest()


class _TextSink(io.RawIOBase):
    """A binary stream onto a text-only standard output (one replaced by a caller)."""

    def __init__(self, text: IO[str]) -> None:
        super().__init__()
        self._text = text

    def writable(self) -> bool:
        return True

    def write(self, data: bytes) -> int:  # type: ignore[override]
        self._text.write(bytes(data).decode("utf-8"))
        return len(data)

    def flush(self) -> None:
        self._text.flush()


SIDECAR = ".run.json"  # what an --out file was made from: OUT.run.json beside it
FORMAT = 1
MADE_BY = "discretion check --batch"
EMPTY = hashlib.sha256().hexdigest()  # the digest of no records
_LINE = re.compile(rb'\{"line":(\d+),')


class OutputRefused(ValueError):
    """``--out`` cannot be written as asked: it is the input, another run is writing it, it
    exists without ``--resume``, or ``--resume`` would continue another input's output."""


class ResumeMismatch(OutputRefused):
    """The output of ``--resume`` was not made from this input."""


def sidecar_path(out: str | Path) -> Path:
    """The file beside an ``--out`` file that says what it was made from."""
    out = Path(out)
    return out.with_name(out.name + SIDECAR)


def input_identity(source: str) -> dict[str, Any]:
    """Where an input was read from: its absolute path and size (``-``: standard input)."""
    if source == "-":
        return {"path": "-"}
    return {"path": str(Path(source).resolve()), "bytes": os.path.getsize(source)}


@dataclass
class BatchOutput:
    """Where ``check --batch`` writes (:func:`open_output`): ``sink``, and for ``--resume`` the
    records already written (``skip``), their digest (:class:`RecordsDigest`) and the input
    line of the last of them."""

    sink: ByteSink
    skip: int = 0
    expect: str | None = None
    last_line: int | None = None
    path: Path | None = None  # an --out file that carries a sidecar (None: a stream)
    made_from: dict[str, Any] = field(default_factory=dict)
    _handle: IO[bytes] | None = None
    _state: tuple[int, str] = (0, EMPTY)
    _cut: int | None = None  # where the output is cut when the run begins

    def begin(self) -> None:
        """The run begins writing: cut the output back to the lines its sidecar vouches for
        (those after it are decided again) and record the output as this run's."""
        if self._handle is not None and self._cut is not None:
            self._handle.truncate(self._cut)
            self._handle.seek(0, os.SEEK_END)
        self.flushed(0, self.expect or EMPTY)

    def flushed(self, written: int, digest: str) -> None:
        """Record in the sidecar how far the output has got: ``written`` lines of this run
        are flushed, and ``digest`` is that of the records they decide, from the first."""
        self._state = (self.skip + written, digest)
        if self.path is not None:
            self._record(complete=False)

    def finish(self) -> None:
        """Record that the run completed: the output holds a line for every record."""
        if self.path is not None:
            self._record(complete=True)

    def close(self) -> None:
        """Close the file (ending the lock), or flush standard output (which stays open)."""
        if self._handle is not None:
            self._handle.close()
        else:
            self.sink.flush()

    def _record(self, complete: bool) -> None:
        assert self.path is not None
        lines, digest = self._state
        state = {"made_by": MADE_BY, "format": FORMAT, **self.made_from, "lines": lines,
                 "records_sha256": digest, "complete": complete, "pid": os.getpid()}
        side = sidecar_path(self.path)
        temporary = side.with_name(side.name + ".tmp")
        temporary.write_text(json.dumps(state, ensure_ascii=False, indent=2) + "\n",
                             encoding="utf-8")
        os.replace(temporary, side)


def open_output(path: str | None, *, resume: bool = False, source: str = "-",
                made_from: dict[str, Any] | None = None) -> BatchOutput:
    """The output of ``check --batch`` reading ``source`` (a file, or ``-``) into ``path``
    (``None`` or ``-``: standard output), locked and checked as the module docstring says.
    ``made_from``: what else the output depends on (catalog hash, options), recorded in the
    sidecar and compared by ``--resume``. Raises :class:`OutputRefused`."""
    if path is None or path == "-":
        if resume:
            raise OutputRefused("--resume needs --out FILE: there is no output to resume on "
                                "stdout (续写需要用 --out 指定输出文件)")
        sys.stdout.flush()  # what was printed before comes first
        buffer = getattr(sys.stdout, "buffer", None)
        return BatchOutput(buffer if buffer is not None else _TextSink(sys.stdout))
    target = Path(path)
    if target.is_dir():
        raise OutputRefused(f"--out {path} is a folder: name a file "
                            f"(--out 应为文件，不是文件夹)")
    if not target.resolve().parent.is_dir():
        raise OutputRefused(f"--out {path}: its folder does not exist "
                            f"(输出文件所在的文件夹不存在)")
    _refuse_the_input(target, source)
    if target.exists() and not target.is_file():  # a device or a pipe: written as a stream
        if resume:
            raise OutputRefused(f"--resume needs --out to be a regular file; {path} is not "
                                f"(续写需要普通文件)")
        stream = open(target, "wb")
        return BatchOutput(stream, _handle=stream)
    flags = os.O_RDWR | os.O_CREAT | getattr(os, "O_BINARY", 0)
    handle = open(os.open(target, flags, 0o666), "r+b")  # not truncated: locked first
    try:
        return _opened(handle, target, resume, source, made_from or {})
    except BaseException:
        handle.close()
        raise


def _opened(handle: IO[bytes], target: Path, resume: bool, source: str,
            made_from: dict[str, Any]) -> BatchOutput:
    path = str(target)
    side = sidecar_path(target)
    if not _lock(handle.fileno()):
        holder = _read_sidecar(side, quiet=True) or {}
        who = f" (process {holder['pid']})" if isinstance(holder.get("pid"), int) else ""
        raise OutputRefused(f"another run{who} is writing {path}: wait for it to end, or "
                            f"choose another --out (另一个进程正在写入该输出文件)")
    if source == "-" and _same_file(os.fstat(handle.fileno()), _stdin_stat()):
        raise OutputRefused(f"--out {path} is the file standard input reads: it would be "
                            f"overwritten while it is read (输出文件不能是输入文件)")
    output = BatchOutput(handle, path=target, _handle=handle,
                         made_from={"input": input_identity(source), **made_from})
    size = os.fstat(handle.fileno()).st_size
    if not resume and size > 0:
        raise OutputRefused(f"{path} exists; pass --resume to continue it or remove it "
                            f"(输出文件已存在：续写请加 --resume，否则请先删除)")
    if size > 0:
        _resume_point(output, handle, path, side)
    else:
        output._cut = 0
    return output


def _resume_point(output: BatchOutput, handle: IO[bytes], path: str, side: Path) -> None:
    """Check the output against its sidecar and this run, and set where the run resumes: after
    the lines the sidecar vouches for (the output is cut there when the run begins)."""
    previous = _read_sidecar(side)
    if previous is None:
        raise OutputRefused(
            f"cannot resume {path}: it has no {side.name} beside it to say which input it "
            f"was made from (it was not written by `check --batch --out`, or by an older "
            f"version); remove it and run again without --resume "
            f"(输出文件没有记录其来源，不能续写)")
    if previous.get("dask"):
        raise OutputRefused(f"cannot resume {path}: it was written by a --dask run "
                            f"({previous['dask']}), which the cluster retries block by block "
                            f"rather than resumes; run it again without --resume "
                            f"(--dask 的输出不能续写，请重新运行)")
    mismatched = [f"{name} was {_shown(previous.get(key))}, now {_shown(value)}"
                  for key, name in (("catalog_sha256", "the catalog (sha256)"), ("on", "--on"))
                  if (value := output.made_from.get(key, previous.get(key))) != previous.get(key)]
    if mismatched:
        raise ResumeMismatch(f"cannot resume {path}: " + "; ".join(mismatched) + f" ({side.name})."
                             " Resume with the same catalog and options, or write a new --out "
                             "(输出文件由另一套目录或设置生成，不能续写)")
    lines, digest = previous.get("lines"), previous.get("records_sha256")
    if not isinstance(lines, int) or lines < 0 or not isinstance(digest, str):
        raise OutputRefused(f"{side} does not say how far {path} got; remove both to start "
                            f"again (来源记录无效)")
    count, _end = _count_lines(handle)
    if count < lines:
        raise OutputRefused(f"cannot resume {path}: it holds {count} complete lines, but "
                            f"{side.name} says {lines} were written: it was cut after the run; "
                            f"remove both to start again (输出文件已被截短，不能续写)")
    end = _line_end(handle, lines) if lines else 0
    output.skip, output.expect, output._cut = lines, digest, end
    if lines:
        found = _LINE.match(_line_before(handle, end))
        if found is None:
            raise ResumeMismatch(f"cannot resume {path}: its line {lines} is not a record of "
                                 f"`check --batch` (输出文件的内容不是批量裁量的记录)")
        output.last_line = int(found.group(1))


def _shown(value: Any) -> str:
    return "not given" if value is None else str(value)


def _read_sidecar(side: Path, quiet: bool = False) -> dict[str, Any] | None:
    try:
        state = json.loads(side.read_text(encoding="utf-8"))
    except FileNotFoundError:
        return None
    except (OSError, ValueError) as exc:
        if quiet:
            return None
        raise OutputRefused(f"cannot read {side}: {exc}; remove the output and {side.name} to "
                            f"start again (无法读取输出文件的来源记录)") from None
    if not isinstance(state, dict) or state.get("made_by") != MADE_BY:
        if quiet:
            return None
        raise OutputRefused(f"{side} is not the record of a `check --batch` output; remove the "
                            f"output and {side.name} to start again (来源记录无效)")
    return state


def _refuse_the_input(target: Path, source: str) -> None:
    """Refuse an output (or its sidecar) that is the input: the same file, under any name."""
    if source == "-":
        return
    for candidate, what in ((target, "--out"), (sidecar_path(target), f"--out's {SIDECAR}")):
        try:
            same = os.path.samefile(candidate, source)
        except OSError:
            same = False  # one of them does not exist (yet)
        if same:
            raise OutputRefused(f"{what} {candidate} is the input file {source} (or a link to "
                                f"it): the run would overwrite what it reads; choose another "
                                f"--out (输出文件不能是输入文件)")


def _stdin_stat() -> os.stat_result | None:
    try:
        return os.fstat(sys.stdin.fileno())
    except (AttributeError, OSError, ValueError):
        return None


def _same_file(one: os.stat_result, other: os.stat_result | None) -> bool:
    return (other is not None and one.st_ino == other.st_ino and one.st_dev == other.st_dev
            and one.st_ino != 0)


def _lock(fd: int) -> bool:
    """Take the exclusive lock of an output file without waiting; False if another process
    holds it. The lock ends when the file is closed or the process ends."""
    if sys.platform == "win32":
        import msvcrt

        try:
            msvcrt.locking(fd, msvcrt.LK_NBLCK, 1)
        except OSError:
            return False
        return True
    import fcntl

    try:
        fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
    except OSError:
        return False
    return True
