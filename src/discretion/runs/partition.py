"""Deciding and auditing one part of a larger input, for running on a distributed engine.

A *part* is a run of consecutive lines of one JSON Lines or CSV input, cut at line ends (at
row ends for CSV), together with the number of its first line in the whole input. Its output
is exactly what ``discretion check --batch`` or ``discretion audit`` writes for those lines when
run over the whole input, so the outputs of all parts, joined in input order, are byte for
byte the output of one run. docs/scaling.md shows this on Dask and Spark.

The functions take the catalog's folder, not an engine: a worker process builds one
:class:`~discretion.engine.engine.Engine` per catalog with :func:`engine_for` and keeps it for
every part it is given (this module is imported by reference in the workers, so its cache
lives as long as the worker process does).
"""

from __future__ import annotations

import csv
import io
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import IO

from discretion.catalog.catalog import Catalog
from discretion.engine.engine import Engine
from discretion.io.columns import check_header
from discretion.io.records import CsvRow, JsonLine, Record, scan_csv_part, scan_jsonl
from discretion.runs.audit import CSV_HEADER, Auditor, AuditStats, run_audit
from discretion.runs.batch import run_batch

_engines: dict[str | None, Engine] = {}


def engine_for(catalog: str | Path | None = None) -> Engine:
    """This process's engine for the catalog folder ``catalog`` (``None``: the bundled one),
    loaded on first use (through the compiled-catalog cache) and kept. With no fixed ``today``,
    as the commands run: a case without ``decided_on`` is decided as of the day it is run."""
    key = None if catalog is None else str(Path(catalog).resolve())
    engine = _engines.get(key)
    if engine is None:
        engine = _engines[key] = Engine(Catalog.load(key))
    return engine


def csv_header(path: str | Path, *, audit: bool = False, encoding: str = "auto") -> tuple[str, ...]:
    """The header row of a CSV file (a UTF-8 BOM is dropped, names stripped of blanks), to pass
    to every part of it; checked first as the commands check it (:mod:`discretion.io.columns`,
    with ``audit`` for a decided-cases file): a header they refuse raises
    :class:`~discretion.errors.DiscretionError` listing its problems."""
    header = check_header(path, audit=audit, encoding=encoding)
    if header is None:
        raise ValueError(f"{path} is empty: a CSV input starts with its header row")
    return header


def first_lines(counts: Iterable[int]) -> list[int]:
    """The number of each part's first line in the whole input, from the parts' line counts
    in input order: ``[1, 1 + counts[0], 1 + counts[0] + counts[1], ...]``."""
    starts, line = [], 1
    for count in counts:
        starts.append(line)
        line += count
    return starts


def decide_part(lines: Iterable[str], *, first_line: int = 1,
                header: Sequence[str] | None = None,
                catalog: str | Path | None = None) -> bytes:
    """``discretion check --batch``'s output for a part of its input: one JSON line per record
    (UTF-8, ``\\n`` line ends), numbered from ``first_line``.

    ``header``: the input's CSV header (:func:`csv_header`) when the input is CSV; ``None``
    for JSON Lines. ``catalog``: the catalog folder (``None``: the bundled one)."""
    out = io.BytesIO()
    run_batch(engine_for(catalog), _records(lines, first_line, header), out)
    return out.getvalue()


@dataclass
class AuditPart:
    """The audit of one part: its rows of the deviations CSV (UTF-8, no header, ``\\n`` line
    ends, as ``discretion audit --out`` writes them), its counters, and the content hash of
    the catalog that audited it."""

    rows: bytes
    stats: AuditStats = field(default_factory=AuditStats)
    sha256: str = ""


def audit_part(lines: Iterable[str], *, first_line: int = 1,
               header: Sequence[str] | None = None,
               catalog: str | Path | None = None) -> AuditPart:
    """``discretion audit`` of a part of its input (arguments as for :func:`decide_part`)."""
    auditor = Auditor(engine_for(catalog))
    text = io.StringIO()
    stats = run_audit(auditor, _records(lines, first_line, header), text, header=False)
    return AuditPart(text.getvalue().encode("utf-8"), stats, auditor.catalog.sha256)


def join_audits(parts: Iterable[AuditPart], out: IO[bytes] | None = None) -> AuditStats:
    """The counters of a whole audit from its parts, given in input order, for
    :func:`~discretion.runs.audit_report.summary_markdown` and :func:`~discretion.runs.audit_report.draw_chart`.
    With ``out``, also writes the whole deviations CSV there, as ``discretion audit --out``
    does (BOM, header, then each part's rows). Raises ``ValueError`` when the parts were
    audited with different catalogs."""
    stats = AuditStats()
    hashes: set[str] = set()
    if out is not None:
        text = io.StringIO()
        csv.writer(text, lineterminator="\n").writerow(CSV_HEADER)
        out.write(text.getvalue().encode("utf-8-sig"))
    for part in parts:
        hashes.add(part.sha256)
        if len(hashes) > 1:
            raise ValueError("the parts were audited with different catalogs (sha256 "
                             + ", ".join(sorted(hashes)) + "): audit them again with one")
        stats.merge(part.stats)
        if out is not None:
            out.write(part.rows)
    return stats


def _records(lines: Iterable[str], first_line: int,
             header: Sequence[str] | None) -> Iterator[JsonLine | CsvRow | Record]:
    if first_line < 1:
        raise ValueError(f"first_line is the number of the part's first line (from 1), "
                         f"not {first_line}")
    if header is None:
        return scan_jsonl(lines, first_line)
    return scan_csv_part(lines, header, first_line)


__all__ = ["AuditPart", "audit_part", "csv_header", "decide_part", "engine_for", "first_lines",
           "join_audits"]
