"""Reading case records from JSON Lines and CSV, one record at a time, with line numbers.

CSV columns flatten the case contract with dots: ``item`` (several ids separated by ``;``),
``citation.law``, ``citation.article``, ``citation.paragraph``, ``citation.item``,
``party.kind``, ``party.age``, ``party.capacity``, ``occurred_on``, ``ended_on``,
``discovered_on``, ``decided_on``, ``first_offense``, ``harm``, ``correction``,
``no_fault_proven``, ``circumstances`` (separated by ``;``), ``facts.<name>`` and ``reference``.
An empty cell is an absent field. Booleans accept true/false, 1/0, yes/no and 是/否. Columns
this module does not know are kept for the caller (the audit reads its own from them); the
commands check the header first (:mod:`discretion.io.columns`, docs/csv-columns.md).

A record that cannot be read is a record with its error (:func:`parsed` never raises), so that
a hostile line costs one error line of the output and never the run: a JSON line nested deeper
than ``MAX_DEPTH`` (measured before parsing, as the decoder recurses once per level) or holding
a number of more digits than Python converts, a CSV row with a cell longer than the CSV
reader's limit (its lines skipped exactly, to the end of a quoted cell left open).
"""

from __future__ import annotations

import csv
import json
import re
from collections.abc import Callable, Hashable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, NamedTuple, TypeVar

from discretion.case import item_key
from discretion.engine import collector
from discretion.io.columns import bool_cell, int_cell
from discretion.io.textlines import MAX_LINE, OverlongText

if TYPE_CHECKING:
    from discretion.engine.engine import Engine

R = TypeVar("R")
R_in = TypeVar("R_in", bound="Record | JsonLine | CsvRow")

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


def record_key(record: Unparsed) -> Hashable:
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
    return item_key(record.case) or repr(record.case.get("citation"))


def ruleset_key(engine: Engine) -> Callable[[Unparsed], Hashable]:
    """How ``--jobs N`` routes a record: by the durable-rules ruleset that decides its item
    (:meth:`Engine.ruleset_group`), so that each worker builds only its own rulesets."""
    return lambda record: engine.ruleset_group(record_key(record))


_ITEM = re.compile(r'"item"\s*:\s*\[?\s*"([^"\\]*)"')


def map_by_item(records: Sequence[R_in], work: Callable[[R_in], R]) -> list[R]:
    """``work`` of each record, in input order, done grouped by item (stable): each item's
    rules and tables stay hot, as in :meth:`Engine.evaluate_many`. As there, the cyclic
    garbage collector is paused while the chunk is worked on (its results, kept until the
    chunk ends, would otherwise be scanned again and again); it runs again between chunks."""
    results: list[R | None] = [None] * len(records)
    with collector.paused():
        items = [str(record_key(record)) for record in records]
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
    item_column: int | None = None  # where the header has ``item`` (for :func:`record_key`)


Unparsed = Record | JsonLine | CsvRow


MAX_DEPTH = 64  # levels of nesting in a record (a case needs 3: case, facts, a value's list)
_BRACKETS = re.compile(r'"[^"\\]*(?:\\.[^"\\]*)*"?|[\[\]{}]')  # a string (skipped), a bracket


def json_depth(text: str) -> int:
    """How deeply the JSON text ``text`` nests (0: a scalar), read without parsing it: what a
    string holds does not count. Malformed text is measured as far as it goes."""
    depth = deepest = 0
    for found in _BRACKETS.finditer(text):
        token = found.group()
        if token in "[{":
            depth += 1
            deepest = max(deepest, depth)
        elif token in "]}":
            depth -= 1
    return deepest


def parse_json_line(line: int, text: str) -> Record:
    # Nesting is measured before parsing: the decoder recurses once per level, and a line of
    # 100,000 brackets would raise RecursionError out of the run. A line with few brackets
    # cannot nest deeply, so the exact count is only taken for the rare line with many.
    if (text.count("[") + text.count("{") > MAX_DEPTH
            and (depth := json_depth(text)) > MAX_DEPTH):
        return Record(line, None, f"the record nests {depth} levels deep; a case has at most "
                                  f"{MAX_DEPTH} (记录嵌套层数过多，不是一个案件)")
    try:
        value = _DECODER.decode(text)
    except json.JSONDecodeError as exc:
        return Record(line, None, f"malformed JSON at column {exc.colno}: {exc.msg}")
    except ValueError as exc:  # a number of more digits than Python converts (4,300)
        return Record(line, None, f"the record holds a number that cannot be read: {exc} "
                                  "(记录中的数字过长)")
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
    """The :class:`Record` of a record as :func:`scan_records` read it. Never raises: a record
    that cannot be read is a record with its error, so that it costs one error line and never
    the run."""
    try:
        if isinstance(record, JsonLine):
            return parse_json_line(record.line, record.text)
        if isinstance(record, CsvRow):
            return parse_csv_row(record.line, record.header, record.cells)
    except (RecursionError, MemoryError, ValueError, TypeError) as exc:
        return Record(record.line, None, f"the record cannot be read ({type(exc).__name__}: "
                                         f"{exc}) (无法读取该记录)")
    return record


def scan_jsonl(handle: Iterable[str], first_line: int = 1) -> Iterator[JsonLine | Record]:
    """The records of JSON Lines text (blank lines skipped), numbered from ``first_line``; a
    line too long to be read (:class:`~discretion.io.textlines.OverlongText`) is a record with its
    error."""
    for number, text in enumerate(handle, first_line):
        if isinstance(text, OverlongText):
            yield Record(number, None, f"the line is {text.size:,} bytes long, more than a "
                                       f"record may be ({MAX_LINE:,} bytes); it was not read "
                                       f"(该行过长，未读取)")
        elif text.strip():
            yield JsonLine(number, text)


def scan_csv(handle: Iterable[str]) -> Iterator[CsvRow | Record]:
    """The rows of CSV text whose first row is its header (names stripped of blanks)."""
    lines = _CountedLines(handle)
    reader = csv.reader(lines)
    try:
        first = next(reader, None)
    except csv.Error as exc:
        raise ValueError(f"the header row cannot be read as CSV: {exc}") from None
    if first is None:
        return
    yield from _csv_rows(reader, lines, tuple(name.strip() for name in first), 0)


def scan_csv_part(lines: Iterable[str], header: Sequence[str],
                  first_line: int) -> Iterator[CsvRow | Record]:
    """The rows of a part of CSV text, cut at row ends, whose first line is line
    ``first_line`` of the whole, numbered as :func:`scan_csv` numbers the whole. ``header`` is
    the whole text's header; the part that starts at line 1 begins with it, and there it is
    checked against ``header`` and skipped."""
    counted = _CountedLines(lines)
    reader = csv.reader(counted)
    names = tuple(name.strip() for name in header)
    if first_line == 1:
        try:
            first = next(reader, None)
        except csv.Error as exc:
            raise ValueError(f"the header row cannot be read as CSV: {exc}") from None
        if first is None:
            return
        if first and first[0].startswith("\ufeff"):  # read without dropping the BOM
            first[0] = first[0][1:]
        if tuple(name.strip() for name in first) != names:
            raise ValueError("the part starting at line 1 begins with a header that is not the "
                             "one given: pass the header of this same file (its first row)")
    yield from _csv_rows(reader, counted, names, first_line - 1)


class _CountedLines:
    """The lines a CSV reader reads, counted, with the lines of the row being read kept so
    that a row the reader refuses can be skipped exactly (:func:`_csv_rows`)."""

    def __init__(self, lines: Iterable[str]) -> None:
        self.source = iter(lines)
        self.count = 0  # lines read, as csv.reader's line_num counts them
        self.row: list[str] = []  # the lines of the row being read

    def __iter__(self) -> _CountedLines:
        return self

    def __next__(self) -> str:
        line = next(self.source)
        self.count += 1
        self.row.append(line)
        return line


def _csv_rows(reader: Any, lines: _CountedLines, header: tuple[str, ...],
              offset: int) -> Iterator[CsvRow | Record]:
    """The rows of ``reader`` (reading ``lines``) numbered from ``offset``. A row the reader
    refuses (a field longer than its limit, 131,072 characters) becomes one error record: its
    lines are skipped (to the end of its quoted field when one is left open) and the rows after
    it are read as they are."""
    column = header.index("item") if "item" in header else None
    while True:
        lines.row = []
        try:
            cells = next(reader)
        except StopIteration:
            return
        except csv.Error as exc:
            first = lines.count - len(lines.row) + 1
            if _ends_quoted("".join(lines.row)):  # the reader stopped inside a quoted field
                for line in lines.source:
                    lines.count += 1
                    if not _ends_quoted(line, quoted=True):
                        break
            lines.row = []
            where = (f"line {offset + first}" if first == lines.count
                     else f"lines {offset + first} to {offset + lines.count}")
            yield Record(offset + lines.count, None,
                         f"the row ({where}) cannot be read as CSV: {exc}; a cell holds more "
                         "text than a case needs, or a quote (\") opened in it is never closed "
                         "(该行无法按CSV读取：单元格过长，或引号未闭合)")
            continue
        if cells:  # csv.DictReader skips empty rows
            yield CsvRow(offset + lines.count, header, cells, column)


_FIELD_END = re.compile(r"[,\r\n]")


def _ends_quoted(text: str, quoted: bool = False) -> bool:
    """Whether CSV text (the excel dialect, as csv.reader reads it) ends inside a quoted field,
    read from the start of a row, or from inside a quoted field (``quoted``)."""
    at, end = 0, len(text)
    while at < end:
        if quoted:
            closing = text.find('"', at)
            if closing < 0:
                return True
            if text.startswith('""', closing):  # a quote inside the field
                at = closing + 2
            else:
                at, quoted = closing + 1, False
            continue
        if text[at] == '"':  # a field that starts with a quote is quoted
            at, quoted = at + 1, True
            continue
        field_end = _FIELD_END.search(text, at)  # an unquoted field, or a closed one's tail
        if field_end is None:
            return False
        at = field_end.end()
    return quoted


def read_jsonl(handle: Iterable[str]) -> Iterator[Record]:
    for record in scan_jsonl(handle):
        yield parsed(record)


def read_csv(handle: Iterable[str]) -> Iterator[Record]:
    for record in scan_csv(handle):
        yield parsed(record)


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
            converted = int_cell(column, value)
        elif kind == "bool":
            converted = bool_cell(column, value)
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


def scan_records(handle: Iterable[str], name: str
                 ) -> Iterator[JsonLine | Record] | Iterator[CsvRow | Record]:
    """The records of :func:`open_records`, read but not parsed: :func:`parsed` makes each a
    :class:`Record`. With ``--jobs N`` the workers parse them: a line of text travels to a
    worker far more cheaply than the parsed case (pickling nested dicts costs more than
    parsing the JSON), and the reading process stays free to feed them."""
    if name.lower().endswith(".csv"):
        return scan_csv(handle)
    return scan_jsonl(handle)
