"""Reading case records from JSON Lines and CSV, one record at a time, with line numbers.

CSV columns flatten the case contract with dots: ``item`` (several ids separated by ``;``),
``citation.law``, ``citation.article``, ``citation.paragraph``, ``citation.item``,
``party.kind``, ``party.age``, ``party.capacity``, ``occurred_on``, ``ended_on``,
``discovered_on``, ``decided_on``, ``first_offense``, ``harm``, ``correction``,
``no_fault_proven``, ``circumstances`` (separated by ``;``), ``facts.<name>`` and ``reference``.
An empty cell is an absent field. Booleans accept true/false, 1/0, yes/no and 是/否. Columns
this module does not know are kept for the caller (the audit reads its own from them); the
commands check the header first (:mod:`discretion.columns`, docs/csv-columns.md).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from discretion import collector
from discretion.case import named_item

if TYPE_CHECKING:
    from discretion.engine.engine import Engine

R = TypeVar("R")
R_in = TypeVar("R_in", bound="Record | JsonLine | CsvRow")

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


def item_key(record: Unparsed) -> Hashable:
    """What the record names as its violation (its first item id, else its citation), as a
    hashable key: records with the same key are best decided by the same worker (its caches
    serve them). An unparsed record's key is read from its text (a JSON line's first
    ``"item": "..."``, a CSV row's ``item`` cell); for grouping only, so a line the pattern
    misreads is merely grouped elsewhere."""
    if isinstance(record, JsonLine):
        found = _ITEM.search(record.text)
        return found.group(1) if found else None
    if isinstance(record, CsvRow):
        column = record.item_column
        if column is None or column >= len(record.cells):
            return None
        return record.cells[column].split(";")[0].strip() or None
    if record.case is None:
        return None
    return named_item(record.case) or repr(record.case.get("citation"))


def ruleset_key(engine: Engine) -> Callable[[Unparsed], Hashable]:
    """How ``--jobs N`` routes a record: by the durable-rules ruleset that decides its item
    (:meth:`Engine.ruleset_group`), so that each worker builds only its own rulesets."""
    return lambda record: engine.ruleset_group(item_key(record))


_ITEM = re.compile(r'"item"\s*:\s*\[?\s*"([^"\\]*)"')


def map_by_item(records: Sequence[R_in], work: Callable[[R_in], R]) -> list[R]:
    """``work`` of each record, in input order, done grouped by item (stable): each item's
    rules and tables stay hot, as in :meth:`Engine.evaluate_many`. As there, the cyclic
    garbage collector is paused while the chunk is worked on (its results, kept until the
    chunk ends, would otherwise be scanned again and again); it runs again between chunks."""
    results: list[R | None] = [None] * len(records)
    with collector.paused():
        items = [str(item_key(record)) for record in records]
        for index in sorted(range(len(records)), key=items.__getitem__):
            results[index] = work(records[index])
    return results  # type: ignore[return-value]  # every position is filled


# Numbers with a fraction stay text (exact decimals); one decoder for every line (json.loads
# builds a new one per call when given parse_float).
_DECODER = json.JSONDecoder(parse_float=str)


class JsonLine(NamedTuple):
    """A JSON Lines record as read, not yet parsed (see :func:`scan_records`)."""

    line: int
    text: str


class CsvRow(NamedTuple):
    """A CSV record as read, not yet turned into a case (see :func:`scan_records`)."""

    line: int
    header: tuple[str, ...]
    cells: list[str]
    item_column: int | None = None  # where the header has ``item`` (for :func:`item_key`)


Unparsed = Record | JsonLine | CsvRow


def parse_json_line(line: int, text: str) -> Record:
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        return Record(line, None, f"malformed JSON at column {exc.colno}: {exc.msg}")
    if not isinstance(value, dict):
        return Record(line, None, "a record is a JSON object")
    return Record(line, value)


def parse_csv_row(line: int, header: Sequence[str], cells: list[str]) -> Record:
    """A CSV row as :class:`csv.DictReader` would give it (short rows padded with None),
    turned into a case."""
    if len(cells) > len(header):
        return Record(line, None, "more cells than header columns")
    row: dict[str, Any] = dict(zip(header, cells, strict=False))
    for column in header[len(cells):]:
        row[column] = None
    try:
        case, extra = row_to_case(row)
    except ValueError as exc:
        return Record(line, None, str(exc))
    return Record(line, case, extra=extra)


def parsed(record: Unparsed) -> Record:
    """The :class:`Record` of a record as :func:`scan_records` read it."""
    if isinstance(record, JsonLine):
        return parse_json_line(record.line, record.text)
    if isinstance(record, CsvRow):
        return parse_csv_row(record.line, record.header, record.cells)
    return record


def scan_jsonl(handle: Iterable[str], first_line: int = 1) -> Iterator[JsonLine]:
    """The records of JSON Lines text (blank lines skipped), numbered from ``first_line``."""
    for number, text in enumerate(handle, first_line):
        if text.strip():
            yield JsonLine(number, text)


def scan_csv(handle: Iterable[str]) -> Iterator[CsvRow]:
    """The rows of CSV text whose first row is its header (names stripped of blanks)."""
    reader = csv.reader(handle)
    first = next(reader, None)
    if first is None:
        return
    yield from _csv_rows(reader, tuple(name.strip() for name in first), 0)


def scan_csv_part(lines: Iterable[str], header: Sequence[str], first_line: int) -> Iterator[CsvRow]:
    """The rows of a part of CSV text, cut at row ends, whose first line is line
    ``first_line`` of the whole, numbered as :func:`scan_csv` numbers the whole. ``header`` is
    the whole text's header; the part that starts at line 1 begins with it, and there it is
    checked against ``header`` and skipped."""
    reader = csv.reader(lines)
    names = tuple(name.strip() for name in header)
    if first_line == 1:
        first = next(reader, None)
        if first is None:
            return
        if first and first[0].startswith("\ufeff"):  # read without dropping the BOM
            first[0] = first[0][1:]
        if tuple(name.strip() for name in first) != names:
            raise ValueError("the part starting at line 1 begins with a header that is not the "
                             "one given: pass the header of this same file (its first row)")
    yield from _csv_rows(reader, names, first_line - 1)


def _csv_rows(reader: Any, header: tuple[str, ...], offset: int) -> Iterator[CsvRow]:
    column = header.index("item") if "item" in header else None
    for cells in reader:
        if cells:  # csv.DictReader skips empty rows
            yield CsvRow(offset + reader.line_num, header, cells, column)


def read_jsonl(handle: Iterable[str]) -> Iterator[Record]:
    for record in scan_jsonl(handle):
        yield parse_json_line(record.line, record.text)


def read_csv(handle: Iterable[str]) -> Iterator[Record]:
    for record in scan_csv(handle):
        yield parse_csv_row(record.line, record.header, record.cells)


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


def open_records(handle: Iterable[str], name: str) -> Iterator[Record]:
    """Records of a ``.csv`` file, else JSON Lines."""
    return map(parsed, scan_records(handle, name))


def scan_records(handle: Iterable[str], name: str) -> Iterator[JsonLine] | Iterator[CsvRow]:
    """The records of :func:`open_records`, read but not parsed: :func:`parsed` makes each a
    :class:`Record`. With ``--jobs N`` the workers parse them: a line of text travels to a
    worker far more cheaply than the parsed case (pickling nested dicts costs more than
    parsing the JSON), and the reading process stays free to feed them."""
    if name.lower().endswith(".csv"):
        return scan_csv(handle)
    return scan_jsonl(handle)
