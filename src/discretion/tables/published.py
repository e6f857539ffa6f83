"""The published layout of an agency's benchmark: one row per violation × tier, the tier in prose.

Zhejiang agencies publish their 行政处罚裁量基准 with the columns 序号 · 事项代码 · 事项名称 (or
违法行为) · 处罚依据 (the citation, often with the clause) · 裁量阶次 (or 违法程度) · 适用条件 (or
违法情形: the circumstances in words) · 裁量幅度 (or 处罚标准: the amount in words) ·
裁量基准来源, with local variations (:data:`~discretion.tables.columns.PUBLISHED_ALIASES`). In a
workbook the item's cells are merged over its tier rows; in a CSV the rows after an item's
first may leave them empty.

:func:`published_items` builds the items of such a table (:class:`~discretion.tables.agency.ItemBuilder`:
tiers without conditions, found by the officer; amounts checked against the clause) and tells
whether it is an **official** benchmark: every row names its 裁量基准来源. :func:`export_published`
writes a catalog back in this layout (merged cells in ``.xlsx``), so that importing the export
gives the catalog again.
"""

from __future__ import annotations

from pathlib import Path

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem, Policy, Tier
from discretion.errors import Problem
from discretion.tables.agency import ItemBuilder
from discretion.tables.cells import penalty_words, reference_citations
from discretion.tables.columns import (
    MAIN_SHEET,
    PUBLISHED_COLUMNS,
    PUBLISHED_ITEM_COLUMNS,
)
from discretion.tables.reader import Row, Sheet, problem

__all__ = ["export_published", "published_items", "published_rows"]

SOURCE = "裁量基准来源"


def _filled(sheet: Sheet) -> list[Row]:
    """The rows with an item's empty cells filled from the row above (a CSV written as a
    workbook with merged cells): a row whose 事项名称 and 处罚依据 are both empty continues the
    item above."""
    rows: list[Row] = []
    previous: Row | None = None
    for row in sheet.rows:
        if previous is not None and not row.get("事项名称") and not row.get("处罚依据"):
            cells = dict(row.cells)
            for column in PUBLISHED_ITEM_COLUMNS:
                if not cells.get(column, "").strip():
                    cells[column] = previous.cells.get(column, "")
            row = Row(row.number, cells)
        rows.append(row)
        previous = row
    return rows


def _groups(rows: list[Row]) -> list[list[Row]]:
    """Consecutive rows of one violation (the same 事项名称 and 处罚依据) are its tiers."""
    groups: list[list[Row]] = []
    for row in rows:
        key = (row.get("事项名称"), row.get("处罚依据"))
        if groups and (groups[-1][0].get("事项名称"), groups[-1][0].get("处罚依据")) == key:
            groups[-1].append(row)
        else:
            groups.append([row])
    return groups


def published_items(sheet: Sheet, builder: ItemBuilder, *,
                    require_official: bool = False) -> tuple[list[BenchmarkItem], bool]:
    """The items of a table in the published layout, and whether it is an official benchmark
    (a 裁量基准来源 column filled on every row). With ``require_official`` a row without its
    source is a problem."""
    rows = _filled(sheet)
    missing = [row for row in rows if not row.get(SOURCE)]
    has_column = SOURCE in sheet.columns
    if require_official:
        if not has_column:
            builder.problems.append(Problem(
                f"--official, but the table has no {SOURCE} column", file=sheet.name,
                expected=f"a {SOURCE} column naming the published document on every row",
                hint="add the column, or leave out --official\n    中文：表格没有“裁量基准来源”列，"
                     "不能作为官方裁量基准导入"))
        for row in missing if has_column else []:
            builder.problems.append(problem(
                sheet, row, f"--official, but the row names no {SOURCE}", SOURCE,
                expected="the document the tier was published in (issuer, title, 文号, date)",
                hint=f"fill the cell, or leave out --official\n    中文：第{row.number}行未注明裁量基准来源"))
    items = [item for group in _groups(rows) if (item := builder.item(group)) is not None]
    return items, has_column and bool(rows) and not missing


# --- export --------------------------------------------------------------------------------------


def _violated_in_clause(item: BenchmarkItem) -> bool:
    """Whether an import reads the item's violated provisions back from its clause (as
    :meth:`~discretion.tables.agency.ItemBuilder.from_text` does without the column)."""
    from discretion.statutes.clauses import parse_clause

    parsed = parse_clause(item.clause)
    if len(parsed.variants) != 1:
        return False  # the import needs 违反法律条款 to choose the clause's range
    derived = reference_citations(parsed.variants[0].reference or parsed.reference, item.penalty)
    return (derived or [item.penalty]) == item.violated


def published_rows(catalog: Catalog) -> tuple[list[str], list[list[str]], list[tuple[int, int]]]:
    """The header, the rows (one per item × tier) and each item's first and last row index of
    the catalog in the published layout. 行业领域 is a column when the items are in more than
    one field; 违反法律条款 when some item's violated provisions are not those its clause names;
    处罚对象 when some item names its subject."""
    items = list(catalog.benchmarks.values())
    derived = {item.id: _violated_in_clause(item) for item in items}
    columns = [c for c in PUBLISHED_COLUMNS
               if (c != "行业领域" or len({i.field for i in items}) > 1)
               and (c != "违反法律条款" or not all(derived.values()))
               and (c != "处罚对象" or any(i.subject for i in items))]
    policy = catalog.manifest.policy
    rows: list[list[str]] = []
    spans: list[tuple[int, int]] = []
    for number, item in enumerate(items, 1):
        first = len(rows)
        for tier in item.tiers:
            values = _cells(catalog, item, tier, number, policy, derived[item.id])
            rows.append([values[c] for c in columns])
        spans.append((first, len(rows) - 1))
    return columns, rows, spans


def _cells(catalog: Catalog, item: BenchmarkItem, tier: Tier, number: int, policy: Policy,
           violated_in_clause: bool) -> dict[str, str]:
    field = catalog.fields.get(item.field)
    return {
        "序号": str(number),
        "行业领域": field.name if field is not None else item.field,
        "事项代码": item.power_code or "",
        "事项名称": item.title,
        # only where the clause does not name them: the import derives the others as before
        "违反法律条款": "" if violated_in_clause else "；".join(c.human() for c in item.violated),
        "处罚对象": item.subject or "",
        "处罚依据": f"{item.penalty.human()}：{item.clause}",
        "裁量阶次": tier.level,
        "适用条件": tier.description or "",
        "裁量幅度": penalty_words(item, tier, policy, may=True),
        SOURCE: item.provenance.source or "",
    }


def export_published(catalog: Catalog, fmt: str, out: Path) -> list[Path]:
    """Write the catalog in the published layout, ``csv`` or ``xlsx`` (the item's cells merged
    over its tier rows); return the files written. Conditions, facts and bands are not in the
    layout: what a tier's circumstances say is its ``description``, and its amounts are
    computed from the policy (docs/tables.md)."""
    from discretion.tables.export import XlsxSheet, write_csv, write_xlsx

    header, rows, spans = published_rows(catalog)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        write_csv(out, header, rows)
        return [out]
    if fmt != "xlsx":
        raise ValueError(f"unknown table format {fmt!r}")
    merged = [index for index, name in enumerate(header) if name in PUBLISHED_ITEM_COLUMNS]
    merges = [(first, last, column) for first, last in spans for column in merged]
    write_xlsx(out, [XlsxSheet(MAIN_SHEET, header, rows, len(header), merges,
                               {"序号": 6, "裁量阶次": 10, "适用条件": 36, "裁量幅度": 30,
                                "处罚依据": 48})])
    return [out]
