"""Reading case records from an .xlsx workbook: the rows of its first sheet, as CSV rows.

Case-handling systems export decided cases as Excel workbooks as often as CSV. The first
worksheet is read like a CSV file (its first row is the header, named as in
docs/csv-columns.md), streaming (openpyxl's read-only mode), and each row becomes the same
:class:`~discretion.io.records.CsvRow` a CSV row would, numbered by its row in the sheet.

A cell becomes the text a CSV export of it would hold: numbers without a binary float's noise
(``1200.1``, ``35``, never ``1.2e3``), dates as ``2022-03-01``, booleans as ``true``/``false``,
empty cells as empty text; a formula's last computed value is read, as Excel shows it.

What a workbook says about itself is not trusted where it could lose rows or exhaust memory:

- the sheet's ``<dimension>`` element (its used range, which programs other than Excel often
  leave stale) is ignored: the rows are read as the sheet holds them, so a sheet that claims
  ``A1:A1`` still gives all its rows;
- a workbook is a ZIP archive, and its parts are checked before anything is read from them: a
  part that expands to more than ``RATIO`` times its compressed size (past ``FLOOR``) is a
  "ZIP bomb", and a part read whole into memory (the shared strings, styles, theme: every part
  but the worksheets, which are streamed) may not expand past ``MAX_PART``. The sizes checked
  are the archive's own; reading a part never yields more than its stated size (``zipfile``
  stops there and fails the part's checksum).
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
from discretion.io.records import CsvRow

SUFFIXES = (".xlsx", ".xlsm")
RATIO = 100  # expansion of a part past FLOOR: real sheets deflate 5-25 times, bombs 1,000
FLOOR = 16 * 1024 * 1024  # a part may expand this far whatever its ratio
MAX_PART = 256 * 1024 * 1024  # a part read whole (shared strings: about 3 bytes of memory a byte)
MAX_MANIFEST = 1024 * 1024  # [Content_Types].xml, read to tell the worksheets (streamed) apart
WORKSHEET = "application/vnd.openxmlformats-officedocument.spreadsheetml.worksheet+xml"


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
        sheet = workbook.worksheets[0]
        if hasattr(sheet, "reset_dimensions"):  # read-only: read every row, whatever the
            sheet.reset_dimensions()  # <dimension> element says (often stale)
        for number, values in enumerate(sheet.iter_rows(values_only=True), 1):
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
        check_sizes(path)
        return load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, KeyError, ValueError, OSError, zipfile.BadZipFile) as exc:
        raise _unreadable(path, exc) from None


def check_sizes(path: str | Path) -> None:
    """Refuse a workbook whose parts would expand past the bounds of the module docstring
    (:class:`DiscretionError` naming the part), before any part is read."""
    with zipfile.ZipFile(path) as archive:
        parts = archive.infolist()
        for part in parts:
            if part.file_size > max(FLOOR, RATIO * part.compress_size):
                raise _too_big(path, part, f"it expands {part.file_size // max(1, part.compress_size):,} "
                                           f"times (a ZIP bomb, or damaged)")
        streamed = _worksheets(archive)
        for part in parts:
            if part.file_size > MAX_PART and part.filename not in streamed:
                raise _too_big(path, part, f"it is read whole, and may hold at most "
                                           f"{MAX_PART // (1024 * 1024)} MiB")


def _worksheets(archive: zipfile.ZipFile) -> set[str]:
    """The parts the manifest names as worksheets and as nothing else (read as a stream)."""
    import xml.etree.ElementTree as ElementTree

    try:
        info = archive.getinfo("[Content_Types].xml")
    except KeyError:
        return set()
    if info.file_size > MAX_MANIFEST:
        return set()
    try:
        root = ElementTree.fromstring(archive.read(info))
    except ElementTree.ParseError:
        return set()
    sheets: set[str] = set()
    others: set[str] = set()
    for override in root:
        if not override.tag.endswith("}Override"):
            continue
        name = override.get("PartName", "").lstrip("/")
        (sheets if override.get("ContentType") == WORKSHEET else others).add(name)
    return sheets - others


def _too_big(path: str | Path, part: zipfile.ZipInfo, why: str) -> DiscretionError:
    return DiscretionError(Problem(
        f"the workbook's part {part.filename} expands from {part.compress_size:,} to "
        f"{part.file_size:,} bytes: {why}; it is not read (工作簿内部文件解压后过大，拒绝读取)",
        file=str(path), hint="open it in a spreadsheet program and save it again as .xlsx, or "
                             "save it as CSV (UTF-8)"), "input")


def _unreadable(path: str | Path, exc: Exception) -> DiscretionError:
    return DiscretionError(Problem(f"cannot read the workbook: {exc}", file=str(path),
                                   hint="open it in a spreadsheet program and save it again as "
                                        ".xlsx, or as CSV"), "input")
