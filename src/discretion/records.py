"""Reading case records from JSON Lines and CSV, one record at a time, with line numbers.

CSV columns flatten the case contract with dots: ``item`` (several ids separated by ``;``),
``citation.law``, ``citation.article``, ``citation.paragraph``, ``citation.item``,
``party.kind``, ``party.age``, ``party.capacity``, ``occurred_on``, ``ended_on``,
``discovered_on``, ``decided_on``, ``first_offense``, ``harm``, ``correction``,
``no_fault_proven``, ``circumstances`` (separated by ``;``), ``facts.<name>`` and ``reference``.
An empty cell is an absent field. Booleans accept true/false, 1/0, yes/no and 是/否. Columns
this module does not know are kept for the caller (the audit reads its own from them).
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Callable, Hashable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import IO, Any, TypeVar

from discretion.case import named_item
from discretion.errors import DiscretionError, Problem

R = TypeVar("R")

TRUE = {"true", "1", "yes", "y", "是", "t"}
FALSE = {"false", "0", "no", "n", "否", "f"}
INT_COLUMNS = {"party.age", "citation.article", "citation.paragraph", "citation.item"}
BOOL_COLUMNS = {"first_offense", "no_fault_proven"}
LIST_COLUMNS = {"circumstances"}
CASE_COLUMNS = {
    "item", "citation.law", "citation.article", "citation.paragraph", "citation.item",
    "party.kind", "party.age", "party.capacity", "party.name", "occurred_on", "ended_on",
    "discovered_on", "decided_on", "first_offense", "harm", "correction", "no_fault_proven",
    "circumstances", "reference",
}


@dataclass
class Record:
    """One input record: its 1-based line number, the case (or why it could not be read)."""

    line: int
    case: dict[str, Any] | None
    error: str | None = None
    extra: dict[str, str] = field(default_factory=dict)


def item_key(record: Record) -> Hashable:
    """What the record names as its violation (its first item id, else its citation), as a
    hashable key: records with the same key are best decided by the same worker (its caches
    serve them)."""
    if record.case is None:
        return None
    return named_item(record.case) or repr(record.case.get("citation"))


def map_by_item(records: Sequence[Record], work: Callable[[Record], R]) -> list[R]:
    """``work`` of each record, in input order, done grouped by item (stable): each item's
    rules and tables stay hot, as in :meth:`Engine.evaluate_many`."""
    results: list[R | None] = [None] * len(records)
    for index in sorted(range(len(records)), key=lambda index: str(item_key(records[index]))):
        results[index] = work(records[index])
    return results  # type: ignore[return-value]  # every position is filled


# Numbers with a fraction stay text (exact decimals); one decoder for every line (json.loads
# builds a new one per call when given parse_float).
_DECODER = json.JSONDecoder(parse_float=str)


def read_jsonl(handle: IO[str]) -> Iterator[Record]:
    for number, text in enumerate(handle, 1):
        if not text.strip():
            continue
        try:
            value = _DECODER.decode(text)
        except json.JSONDecodeError as exc:
            yield Record(number, None, f"malformed JSON at column {exc.colno}: {exc.msg}")
            continue
        if not isinstance(value, dict):
            yield Record(number, None, "a record is a JSON object")
            continue
        yield Record(number, value)


def read_csv(handle: IO[str]) -> Iterator[Record]:
    reader = csv.DictReader(handle)
    for row in reader:
        number = reader.line_num
        if None in row:
            yield Record(number, None, "more cells than header columns")
            continue
        try:
            case, extra = row_to_case(row)
        except ValueError as exc:
            yield Record(number, None, str(exc))
            continue
        yield Record(number, case, extra=extra)


def row_to_case(row: dict[str, str]) -> tuple[dict[str, Any], dict[str, str]]:
    """A flattened CSV row -> (case mapping, the columns that are not case fields)."""
    case: dict[str, Any] = {}
    extra: dict[str, str] = {}
    for column, raw in row.items():
        kind, path = _COLUMNS.get(column) or _column(column)
        if kind == "extra":
            extra[column] = (raw or "").strip()
            continue
        if not raw:  # most cells of a wide file: facts other items have
            continue
        value = raw.strip()
        if value == "":
            continue
        converted: Any = value
        if kind == "int":
            try:
                converted = int(value)
            except ValueError:
                raise ValueError(f"{column}: '{value}' is not a whole number") from None
        elif kind == "bool":
            lowered = value.lower()
            if lowered not in TRUE | FALSE:
                raise ValueError(f"{column}: '{value}' is not true/false")
            converted = lowered in TRUE
        elif kind == "list" or (kind == "item" and ";" in value):
            converted = [part.strip() for part in value.split(";") if part.strip()]
        elif kind == "fact":
            converted = _fact_cell(value)
        _put(case, path, converted)
    return case, extra


# What each column is, by header name (computed once per name: a wide file repeats them).
_COLUMNS: dict[str, tuple[str, tuple[str, ...]]] = {}


def _column(column: str) -> tuple[str, tuple[str, ...]]:
    if column.startswith("facts."):
        kind = "fact"
    elif column not in CASE_COLUMNS:
        kind = "extra"
    elif column in INT_COLUMNS:
        kind = "int"
    elif column in BOOL_COLUMNS:
        kind = "bool"
    elif column in LIST_COLUMNS:
        kind = "list"
    elif column == "item":
        kind = "item"
    else:
        kind = "text"
    found = (kind, tuple(column.split(".")))
    if len(_COLUMNS) < 10_000:  # headers are short; a hostile one is not kept
        _COLUMNS[column] = found
    return found


def _fact_cell(value: str) -> Any:
    lowered = value.lower()
    if lowered in ("true", "false"):
        return lowered == "true"
    return value  # numbers stay text: the engine checks them exactly against the item's facts


def _put(target: dict[str, Any], path: tuple[str, ...], value: Any) -> None:
    for key in path[:-1]:
        target = target.setdefault(key, {})
    target[path[-1]] = value


def open_records(handle: IO[str], name: str) -> Iterator[Record]:
    """Records of a ``.csv`` file, else JSON Lines."""
    if name.lower().endswith(".csv"):
        return read_csv(handle)
    return read_jsonl(handle)


def not_utf8(exc: UnicodeDecodeError, path: str) -> DiscretionError:
    """The error to raise when reading :func:`text_input` meets bytes that are not UTF-8."""
    return DiscretionError(Problem(f"input is not UTF-8 text (byte {exc.start})", file=path,
                                   hint="re-save the file as UTF-8"), "input")


def text_input(path: str) -> IO[str]:
    """Open an input for reading as UTF-8 (``-`` is standard input); BOM tolerated."""
    import sys

    if path == "-":
        return io.TextIOWrapper(sys.stdin.buffer, encoding="utf-8-sig", errors="strict", newline="")
    return open(path, encoding="utf-8-sig", newline="")
