"""Reading table files: CSV (UTF-8 or GB18030) and ``.xlsx`` sheets, merged cells included.

:func:`read_tables` finds the header row among the first ten rows of the main sheet (a title
row above it is fine) and tells the layout apart: the 16-column table (its columns
:data:`~discretion.tables.columns.REQUIRED`), or else the published layout of an agency's
benchmark, whose local column names are read as their canonical names
(:data:`~discretion.tables.columns.PUBLISHED_ALIASES`). Rows keep the row number a spreadsheet
shows, so that every problem names its row. A merged cell (one violation over its tier rows)
reads as its top-left value on every row it covers.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import re
from collections.abc import Iterable
from dataclasses import dataclass
from pathlib import Path
from typing import Literal

from discretion.errors import DiscretionError, Problem
from discretion.tables.columns import (
    LIST_REQUIRED,
    LIST_SHEET,
    MAIN_SHEET,
    PUBLISHED_REQUIRED,
    REQUIRED,
    published_name,
    read_csv_cell,
)

__all__ = ["Row", "Sheet", "lists_csv_path", "problem", "read_tables"]

Layout = Literal["table", "published"]


@dataclass
class Row:
    number: int  # row number as a spreadsheet shows it (header = its own row number)
    cells: dict[str, str]

    def get(self, column: str) -> str:
        return self.cells.get(column, "").strip()


@dataclass
class Sheet:
    name: str  # file name, with [sheet] for xlsx
    columns: list[str]
    rows: list[Row]
    layout: Layout = "table"


def lists_csv_path(out: Path) -> Path:
    """The list table beside a CSV benchmark table: ``<stem>-lists.csv``."""
    return out.with_name(out.stem + "-lists.csv")


def _cell_text(value: object) -> str:
    if value is None:
        return ""
    if isinstance(value, bool):
        return "是" if value else "否"
    if isinstance(value, float) and value == int(value):
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()[:10]
    return str(value)


def _header_key(text: str) -> str:
    return re.sub(r"\s+", "", text)


def _rows(matrix: list[list[str]], start: int, keys: list[str]) -> list[Row]:
    rows = []
    for offset, raw in enumerate(matrix[start + 1:], start + 2):
        if not any(c.strip() for c in raw):
            continue
        if [_header_key(c) for c in raw[:len(keys)]] == [_header_key(c) for c in matrix[start]]:
            continue  # the second row of a header merged over two rows
        cells = {k: (raw[i] if i < len(raw) else "") for i, k in enumerate(keys) if k}
        rows.append(Row(offset, cells))
    return rows


def _to_sheet(name: str, matrix: list[list[str]], required: Iterable[str],
              published: bool = False) -> Sheet:
    """Find the header row (agency tables may have a title row above it) and read the rows;
    with ``published``, a header of the published layout is accepted too."""
    wanted = set(required)
    for start, header in enumerate(matrix[:10]):
        keys = [_header_key(h) for h in header]
        if wanted <= set(keys):
            return Sheet(name, keys, _rows(matrix, start, keys))
    if published:
        for start, header in enumerate(matrix[:10]):
            names = published_name(header)
            if names:
                keys = [names.get(i, "") for i in range(len(header))]
                return Sheet(name, keys, _rows(matrix, start, keys), "published")
    raise DiscretionError(Problem(
        "no header row with the benchmark-table columns",
        file=name, expected="a row with " + "、".join(sorted(wanted)) + (
            " (the 16-column table), or with " + "、".join(PUBLISHED_REQUIRED)
            + " (an agency's published table, or their usual variants)" if published else ""),
        hint="the table needs the Zhejiang columns 违法行为名称 · 违反法律条款 · 处罚法律条款 · 违法程度 · 裁量基准"
             + (", or 事项名称 · 处罚依据 · 裁量阶次 · 适用条件 · 裁量幅度 (docs/tables.md)\n"
                "    中文：找不到表头行；请确认表格含有“事项名称、处罚依据、裁量阶次、适用条件、裁量幅度”等列"
                if published else "")))


def _read_csv(path: Path) -> list[list[str]]:
    data = path.read_bytes()
    for encoding in ("utf-8-sig", "gb18030"):
        try:
            text = data.decode(encoding)
            break
        except UnicodeDecodeError:
            continue
    else:  # pragma: no cover - gb18030 decodes almost anything
        raise DiscretionError(Problem("the table is neither UTF-8 nor GB18030 text", file=str(path)))
    try:  # cells neutralised against formulas on export are read back as they were
        return [[read_csv_cell(c) for c in r] for r in csv.reader(io.StringIO(text, newline=""))]
    except csv.Error as exc:
        raise DiscretionError(Problem(f"malformed CSV: {exc}", file=str(path))) from None


def _read_xlsx(path: Path) -> dict[str, list[list[str]]]:
    from openpyxl import load_workbook

    try:
        book = load_workbook(path, data_only=True)
    except Exception as exc:  # openpyxl raises many types for damaged files
        raise DiscretionError(Problem(f"cannot read the workbook: {exc}", file=str(path),
                                      expected="an .xlsx file")) from None
    sheets: dict[str, list[list[str]]] = {}
    for ws in book.worksheets:
        matrix = [[_cell_text(v) for v in row] for row in ws.iter_rows(values_only=True)]
        # merged cells (one violation over several tier rows) read as their top-left value
        for merged in ws.merged_cells.ranges:
            value = matrix[merged.min_row - 1][merged.min_col - 1]
            for r in range(merged.min_row, merged.max_row + 1):
                for c in range(merged.min_col, merged.max_col + 1):
                    if r - 1 < len(matrix) and c - 1 < len(matrix[r - 1]):
                        matrix[r - 1][c - 1] = value
        sheets[ws.title] = matrix
    return sheets


def read_tables(path: Path) -> tuple[Sheet, Sheet | None]:
    """The benchmark sheet and (when present) the list sheet of a table file. The benchmark
    sheet's ``layout`` says whether it is the 16-column table or the published layout."""
    if not path.is_file():
        raise DiscretionError(Problem("table file not found", file=str(path)))
    if path.suffix.lower() == ".csv":
        main = _to_sheet(str(path), _read_csv(path), REQUIRED, published=True)
        lists_path = lists_csv_path(path)
        lists = _to_sheet(str(lists_path), _read_csv(lists_path), LIST_REQUIRED) \
            if lists_path.is_file() and main.layout == "table" else None
        return main, lists
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = _read_xlsx(path)
        names = list(sheets)
        main_name = MAIN_SHEET if MAIN_SHEET in sheets else names[0]
        main = _to_sheet(f"{path} [{main_name}]", sheets[main_name], REQUIRED, published=True)
        lists = _to_sheet(f"{path} [{LIST_SHEET}]", sheets[LIST_SHEET], LIST_REQUIRED) \
            if LIST_SHEET in sheets and main.layout == "table" else None
        return main, lists
    raise DiscretionError(Problem(f"unknown table type '{path.suffix}'", file=str(path),
                                  expected=".xlsx or .csv",
                                  hint="save the agency's .xls as .xlsx first"))


def problem(sheet: Sheet, row: Row | None, message: str, column: str | None = None,
            expected: str | None = None, hint: str | None = None) -> Problem:
    """A problem of a table: the file (and sheet), ``row N, column X``."""
    where = None
    if row is not None:
        where = f"row {row.number}" + (f", column {column}" if column else "")
    elif column:
        where = f"column {column}"
    return Problem(message, file=sheet.name, path=where, expected=expected, hint=hint)
