"""Reading case records from an .xlsx workbook: the rows of its first sheet, as CSV rows.

Case-handling systems export decided cases as Excel workbooks as often as CSV. The first
worksheet is read like a CSV file (its first row is the header, named as in
docs/csv-columns.md), streaming (openpyxl's read-only mode), and each row becomes the same
:class:`~discretion.records.CsvRow` a CSV row would, numbered by its row in the sheet.

A cell becomes the text a CSV export of it would hold: numbers without a binary float's noise
(``1200.1``, ``35``, never ``1.2e3``), dates as ``2022-03-01``, booleans as ``true``/``false``,
empty cells as empty text; a formula's last computed value is read, as Excel shows it.
"""

from __future__ import annotations

import datetime as dt
import zipfile
from collections.abc import Iterator
from contextlib import contextmanager
from decimal import Decimal
from pathlib import Path
from typing import Any

from discretion.errors import DiscretionError, Problem
from discretion.records import CsvRow

SUFFIXES = (".xlsx", ".xlsm")


def cell_text(value: Any) -> str:
    """The text of a cell's value, as in a CSV export of the sheet."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, int):
        return str(value)
    if isinstance(value, float):
        if value.is_integer() and abs(value) < 2**53:
            return str(int(value))
        return format(Decimal(repr(value)), "f")  # the shortest decimal, never in exponent form
    if isinstance(value, dt.datetime):
        return value.date().isoformat() if value.time() == dt.time() else value.isoformat()
    if isinstance(value, dt.date | dt.time):
        return value.isoformat()
    return str(value)


@contextmanager
def workbook_records(path: str | Path) -> Iterator[Iterator[CsvRow]]:
    """The rows of the first sheet of workbook ``path`` after its header row, as CSV rows
    (empty rows skipped, trailing empty cells dropped)."""
    workbook = _open(path)
    try:
        rows = _filled_rows(workbook, path)
        first = next(rows, None)
        if first is None:
            yield iter(())
            return
        header = tuple(name.strip() for name in first[1])
        column = header.index("item") if "item" in header else None
        yield (CsvRow(number, header, cells, column) for number, cells in rows)
    finally:
        workbook.close()


def workbook_header(path: str | Path) -> tuple[str, ...] | None:
    """The header row of the first sheet of workbook ``path`` (names stripped of blanks), or
    ``None`` when the sheet is empty."""
    workbook = _open(path)
    try:
        first = next(_filled_rows(workbook, path), None)
    finally:
        workbook.close()
    return None if first is None else tuple(name.strip() for name in first[1])


def _filled_rows(workbook: Any, path: str | Path) -> Iterator[tuple[int, list[str]]]:
    """The rows of the first sheet that hold a value: their number and their cells' text."""
    try:
        for number, values in enumerate(workbook.worksheets[0].iter_rows(values_only=True), 1):
            cells = [cell_text(value) for value in values]
            while cells and not cells[-1].strip():
                cells.pop()
            if cells:
                yield number, cells
    except (KeyError, ValueError, zipfile.BadZipFile) as exc:  # a damaged sheet
        raise _unreadable(path, exc) from None


def _open(path: str | Path) -> Any:
    from openpyxl import load_workbook
    from openpyxl.utils.exceptions import InvalidFileException

    try:
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise _unreadable(path, exc) from None


def _unreadable(path: str | Path, exc: Exception) -> DiscretionError:
    return DiscretionError(Problem(f"cannot read the workbook: {exc}", file=str(path),
                                   hint="open it in a spreadsheet program and save it again as "
                                        ".xlsx, or as CSV"), "input")
