"""Streaming many cases through one engine: order kept, one output record per input record.

``discretion check --batch CASES.jsonl|CASES.csv [--out DECISIONS.jsonl] [--resume]`` writes
one JSON line per input record, in input order::

    {"line": 7, "decision": {...the decision contract...}}
    {"line": 8, "error": {"problems": [{"path": "party.age", "message": ...}]}}

The output is UTF-8 with ``\n`` line ends on every platform (written as bytes: a decision's
JSON is never decoded and encoded again on its way out). A bad record never stops the run.
Memory stays constant: records are read in chunks (``discretion.parallel``: a few thousand
in one process), decided grouped by item (each item's rules and tables stay hot) and written
in input order. ``--jobs N`` decides on N processes (:mod:`discretion.parallel`), still in
input order and with the same output byte for byte.

``--resume`` continues an interrupted run: the complete lines already in the output are kept
(a torn last line is cut off) and as many input records are skipped, so no record is decided
twice or lost.
"""

from __future__ import annotations

import io
import json
import sys
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import IO, Protocol

from discretion.engine.engine import Engine
from discretion.errors import DiscretionError, Problem
from discretion.parallel import map_ordered, worker_engine
from discretion.records import Record, Unparsed, map_by_item, parsed, ruleset_key


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
        data = handle.read()
        end = data.rfind(b"\n") + 1
        if end != len(data):
            handle.truncate(end)
    return data[:end].count(b"\n")


def run_batch(engine: Engine, records: Iterable[Unparsed], out: ByteSink, *, skip: int = 0,
              progress: bool = False, total: int | None = None, jobs: int = 1) -> BatchStats:
    """Decide ``records`` into ``out`` (JSON Lines, a binary stream), skipping the first
    ``skip`` records, on ``jobs`` processes (1: this one)."""
    stats = BatchStats()
    bar = None
    if progress:
        from tqdm import tqdm

        bar = tqdm(total=total, unit="case", file=sys.stderr, dynamic_ncols=True)

    def remaining() -> Iterator[Unparsed]:
        for index, record in enumerate(records):
            if index < skip:
                stats.skipped += 1
                continue
            yield record

    try:
        for line, error in map_ordered(engine, _decide_chunk, remaining(), jobs=jobs,
                                       affinity=ruleset_key(engine)):
            out.write(line)
            stats.records += 1
            if error:
                stats.errors += 1
            else:
                stats.decided += 1
            if bar is not None:
                bar.update(1)
            if stats.records % 1000 == 0:
                out.flush()
    finally:
        out.flush()
        if bar is not None:
            bar.close()
    return stats


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


def output_for(path: str | None, resume: bool) -> tuple[ByteSink, int]:
    """The output stream (binary: standard output's buffer for ``-``) and how many input
    records to skip (``--resume``)."""
    if path is None or path == "-":
        if resume:
            raise ValueError("--resume needs --out FILE: there is no output to resume on stdout")
        sys.stdout.flush()  # what was printed before comes first
        buffer = getattr(sys.stdout, "buffer", None)
        return (buffer if buffer is not None else _TextSink(sys.stdout)), 0
    target = Path(path)
    skip = completed_lines(target) if resume else 0
    if not resume and target.exists() and target.stat().st_size > 0:
        raise FileExistsError(f"{path} exists; pass --resume to continue it or remove it")
    handle = open(target, "ab" if resume else "wb")
    return handle, skip

