"""Export of a catalog as the 16-column benchmark table, with the payload that makes it lossless.

:func:`export_table` writes ``.xlsx`` (sheets 裁量基准 and 清单, payload columns hidden) or
``.csv`` (the list entries in ``<out>-lists.csv``): one row per benchmark item × tier, the 16
readable columns (:data:`~discretion.tables.columns.COLUMNS`) and ``_id`` · ``_item`` (the item
as compact JSON on its first row) · ``_catalog`` (manifest and fields on the first row), so that
:func:`~discretion.tables.importer.import_table` reproduces every item exactly.
"""

from __future__ import annotations

import csv
import json
from dataclasses import dataclass, field
from pathlib import Path

from pydantic import BaseModel

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import LIST_LABELS, BenchmarkItem, ListItem, Policy, Tier
from discretion.errors import DiscretionError, Problem
from discretion.tables.cells import penalty_words, statutory_kinds, tier_fine_note
from discretion.tables.columns import (
    COLUMNS,
    FOLLOW_UP_LABELS,
    LIST_COLUMNS,
    LIST_PAYLOAD_COLUMNS,
    LIST_SHEET,
    MAIN_SHEET,
    PAYLOAD_COLUMNS,
    PAYLOAD_VERSION,
    XLSX_CELL_LIMIT,
    csv_cell,
)
from discretion.tables.reader import lists_csv_path

__all__ = ["XlsxSheet", "benchmark_rows", "export_table", "list_rows", "visible_list_row",
           "visible_row", "write_csv", "write_xlsx"]


def _compact(model: BaseModel) -> str:
    data = model.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def visible_row(item: BenchmarkItem, tier: Tier, field_name: str, policy: Policy,
                 agency: str = "") -> list[str]:
    """The 16 readable columns of one item × tier row, 序号 left empty."""
    remark = [f"档次：{tier_fine_note(tier)}" if tier.fines else ""]
    if tier.when:
        remark.append(f"适用条件：{tier.when}")
    remark.append(f"编号：{item.id}")
    return [
        "", field_name, item.power_code or "", item.title, "", item.title,
        agency, "行政处罚",
        "；".join(c.human() for c in item.violated),
        f"{item.penalty.human()}：{item.clause}",
        tier.level, tier.description or "", item.subject or "",
        statutory_kinds(item, tier), penalty_words(item, tier, policy),
        "；".join(r for r in remark if r),
    ]


def benchmark_rows(catalog: Catalog, agency: str = "") -> list[list[str]]:
    """One row per benchmark item × tier: the 16 columns, then the payload columns."""
    rows: list[list[str]] = []
    catalog_payload = json.dumps({
        "version": PAYLOAD_VERSION,
        "manifest": catalog.manifest.model_dump(mode="json", exclude_defaults=True),
        "fields": [f.model_dump(mode="json", exclude_defaults=True) for f in catalog.fields.values()],
    }, ensure_ascii=False, separators=(",", ":"))
    policy = catalog.manifest.policy
    for item in catalog.benchmarks.values():
        field_name = catalog.fields[item.field].name if item.field in catalog.fields else item.field
        for index, tier in enumerate(item.tiers):
            row = visible_row(item, tier, field_name, policy, agency)
            row[0] = str(len(rows) + 1)
            row += [item.id, _compact(item) if index == 0 else "",
                    catalog_payload if not rows else ""]
            rows.append(row)
    if not rows:  # a catalog with list entries only still carries its manifest
        rows.append([""] * len(COLUMNS) + ["", "", catalog_payload])
    return rows


def visible_list_row(entry: ListItem, field_name: str) -> list[str]:
    """The readable columns of one list entry's row, 序号 left empty."""
    return [
        "", LIST_LABELS[entry.kind], field_name, entry.id, entry.title,
        entry.benchmark, "；".join(c.human() for c in entry.basis), entry.conditions_text or "",
        "应当" if entry.mandatory else "可以",
        "、".join(FOLLOW_UP_LABELS[f] for f in entry.follow_up),
        f"适用条件：{entry.when}",
    ]


def list_rows(catalog: Catalog) -> list[list[str]]:
    rows: list[list[str]] = []
    for entry in catalog.lists.values():
        field_name = catalog.fields[entry.field].name if entry.field in catalog.fields else entry.field
        row = visible_list_row(entry, field_name)
        row[0] = str(len(rows) + 1)
        rows.append([*row, _compact(entry)])
    return rows


def export_table(catalog: Catalog, fmt: str, out: Path, agency: str = "") -> list[Path]:
    """Write the benchmark table (and the list table) as xlsx or csv; return the files written."""
    header = [*COLUMNS, *PAYLOAD_COLUMNS]
    list_header = [*LIST_COLUMNS, *LIST_PAYLOAD_COLUMNS]
    rows, lrows = benchmark_rows(catalog, agency), list_rows(catalog)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        lists_path = lists_csv_path(out)
        write_csv(out, header, rows)
        write_csv(lists_path, list_header, lrows)
        return [out, lists_path]
    if fmt != "xlsx":
        raise ValueError(f"unknown table format {fmt!r}")
    write_xlsx(out, [XlsxSheet(MAIN_SHEET, header, rows, len(COLUMNS)),
                     XlsxSheet(LIST_SHEET, list_header, lrows, len(LIST_COLUMNS))])
    return [out]


def write_csv(path: Path, header: list[str], rows: list[list[str]]) -> None:
    """A CSV table as Excel opens it (UTF-8 with BOM), every cell neutralised against formulas
    (:func:`~discretion.tables.columns.csv_cell`)."""
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows([csv_cell(cell) for cell in row] for row in rows)


@dataclass
class XlsxSheet:
    """One sheet of a workbook: its header and rows, how many columns are visible (the rest
    are hidden payload), and the cell ranges to merge as (first row, last row, column), rows
    counted from the first data row (0) and columns from 0."""

    title: str
    header: list[str]
    rows: list[list[str]]
    visible: int
    merges: list[tuple[int, int, int]] = field(default_factory=list)
    widths: dict[str, int] = field(default_factory=lambda: {"序号": 6, "违法程度": 8})


def write_xlsx(out: Path, sheets: list[XlsxSheet]) -> None:
    """A workbook of text cells (never formulas), wrapped, the header bold and frozen."""
    for sheet in sheets:
        for row in sheet.rows:
            for cell in row:
                if len(cell) > XLSX_CELL_LIMIT:
                    raise DiscretionError(Problem(
                        f"a cell of {len(cell)} characters is over the xlsx limit of {XLSX_CELL_LIMIT}",
                        file=str(out), hint="export as csv"))
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font
    from openpyxl.utils import get_column_letter

    book = Workbook()
    for number, sheet in enumerate(sheets):
        ws = book.active if number == 0 else book.create_sheet(sheet.title)
        ws.title = sheet.title
        ws.append(sheet.header)
        for row in sheet.rows:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        for first, last, column in sheet.merges:
            if last > first:
                ws.merge_cells(start_row=first + 2, end_row=last + 2, start_column=column + 1,
                               end_column=column + 1)
        ws.freeze_panes = "B2"
        for index, name in enumerate(sheet.header, 1):
            letter = get_column_letter(index)
            if index > sheet.visible:
                ws.column_dimensions[letter].hidden = True
            else:
                ws.column_dimensions[letter].width = sheet.widths.get(name, 24)
    book.save(out)
