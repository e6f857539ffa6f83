"""Opening the input of ``check --batch`` and ``audit``: JSON Lines, CSV or an .xlsx workbook.

The kind is read from the file's name (``.csv``; ``.xlsx``/``.xlsm``; anything else, and
standard input, JSON Lines) and checked against the file's first bytes, so that a workbook
saved under another name, an old-format ``.xls``, an OpenDocument sheet or UTF-16 text is
named as what it is, with the fix, rather than reported as text that is not UTF-8; so is a
YAML case file or a JSON array of cases, whose lines are not records.
"""

from __future__ import annotations

import csv
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

from discretion.errors import DiscretionError, Problem
from discretion.io.records import CsvRow, JsonLine, Record, scan_records
from discretion.io.textlines import open_lines
from discretion.io.workbook import SUFFIXES, workbook_header, workbook_records

ZIP_MAGIC = b"PK\x03\x04"  # .xlsx, .ods: ZIP archives
OLE_MAGIC = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"  # .xls, .et: the old compound-file format
UTF16_MARKS = (b"\xff\xfe", b"\xfe\xff")  # Windows "Unicode" text
SNIFF = 4096  # bytes read to tell what a file is
DOCUMENTS = {".yaml": "a YAML document", ".yml": "a YAML document"}
ONE_PER_LINE = ("write one case a line, as JSON Lines (.jsonl), or as CSV or .xlsx with the "
                "columns of docs/csv-columns.md; a file of a few cases is decided whole by "
                "`discretion check FILE`")
OTHER_SHEETS = {".xls": "an old-format Excel workbook (.xls)",
                ".et": "a WPS spreadsheet (.et)",
                ".ods": "an OpenDocument spreadsheet (.ods)",
                ".numbers": "a Numbers spreadsheet"}


def input_kind(path: str) -> str:
    """``"jsonl"``, ``"csv"`` or ``"xlsx"``: how ``path`` is read. Raises
    :class:`DiscretionError` for a spreadsheet that cannot be read as it is named."""
    if path == "-":
        return "jsonl"
    suffix = Path(path).suffix.lower()
    if suffix in OTHER_SHEETS:
        raise _refused(path, f"the file is {OTHER_SHEETS[suffix]}, which is not read directly",
                       "save it as .xlsx, or as CSV (UTF-8)")
    if suffix in DOCUMENTS:
        raise _refused(path, f"the file is {DOCUMENTS[suffix]}, not records one per line", ONE_PER_LINE)
    with open(path, "rb") as handle:
        start = handle.read(SNIFF)
    if suffix in SUFFIXES:
        if not start.startswith(ZIP_MAGIC):
            raise _refused(path, "the file is named as an .xlsx workbook but is not one",
                           "if it is CSV text, name it .csv; else save it again as .xlsx")
        return "xlsx"
    if start.startswith(ZIP_MAGIC):
        raise _refused(path, "the file is a ZIP archive, such as an .xlsx workbook, not text",
                       "if it is an Excel workbook, name it .xlsx; or save it as CSV (UTF-8)")
    if start.startswith(OLE_MAGIC):
        raise _refused(path, "the file is an old-format Excel (.xls) or WPS workbook, not text",
                       "save it as .xlsx, or as CSV (UTF-8)")
    if start.startswith(UTF16_MARKS):
        raise _refused(path, "the file is UTF-16 text (it starts with a UTF-16 byte-order mark)",
                       "save it as UTF-8 (in Notepad: Save as, Encoding UTF-8)")
    if suffix != ".csv" and start.lstrip(b"\xef\xbb\xbf \t\r\n").startswith(b"["):
        raise _refused(path, "the file is a JSON array, not JSON Lines (one case a line)",
                       ONE_PER_LINE)
    return "csv" if suffix == ".csv" else "jsonl"


@contextmanager
def scanned_input(path: str, encoding: str = "auto"
                  ) -> Iterator[Iterator[JsonLine | Record] | Iterator[CsvRow | Record]]:
    """The records of input ``path``, read but not parsed (see :func:`records.parsed`):
    JSON lines, or CSV rows of a CSV file or of a workbook's first sheet."""
    kind = input_kind(path)
    if kind == "xlsx":
        with workbook_records(path) as rows:
            yield rows
        return
    with open_lines(path, encoding, overlong=kind == "jsonl") as lines:
        yield scan_records(lines, path)


def input_header(path: str, encoding: str = "auto") -> tuple[str, ...] | None:
    """The header row of a CSV or workbook input (names stripped of blanks); ``None`` for JSON
    Lines, which have none, and for an empty file."""
    kind = input_kind(path)
    if kind == "xlsx":
        return workbook_header(path)
    if kind == "csv":
        return read_header(path, encoding)
    return None


def read_header(path: str | Path, encoding: str = "auto") -> tuple[str, ...] | None:
    """The header row of a CSV file, each name stripped of surrounding blanks (read as
    :mod:`discretion.io.textlines` reads it: a UTF-8 BOM dropped, UTF-8 or GB18030, bytes of
    neither raising the input error); ``None`` for an empty file."""
    with open_lines(str(path), encoding) as lines:
        try:
            first = next(csv.reader(lines), None)
        except csv.Error as exc:  # a header cell longer than the reader takes, or a stray quote
            raise DiscretionError(Problem(
                f"the header row cannot be read as CSV: {exc} (表头行无法按CSV读取)",
                file=str(path), line=1,
                hint="the first row names the columns (docs/csv-columns.md); check it for a "
                     "quote (\") that is never closed"), "input") from None
    return None if first is None else tuple(name.strip() for name in first)


def _refused(path: str, message: str, hint: str) -> DiscretionError:
    return DiscretionError(Problem(message, file=path, hint=hint), "input")
