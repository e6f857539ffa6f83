"""Benchmark tables: export a catalog as a table, import a table into a catalog.

Two layouts (docs/tables.md): the Zhejiang 16-column table, which ``discretion export --format
xlsx|csv`` writes with a payload that makes the round trip lossless and which an agency may
fill without payload; and the **published layout** of an agency's official benchmark
(序号 · 事项代码 · 事项名称 · 处罚依据 · 裁量阶次 · 适用条件 · 裁量幅度 · 裁量基准来源), whose tiers
are prose circumstances the officer decides between, read by ``discretion import`` as it comes
and written by ``discretion export --format published-csv|published-xlsx``.

Modules, by job: :mod:`~discretion.tables.columns` (layouts, CSV cell safety),
:mod:`~discretion.tables.cells` (the one grammar of cells: citations, penalties in words),
:mod:`~discretion.tables.reader` (CSV and xlsx sheets, merged cells),
:mod:`~discretion.tables.export` (the 16-column table), :mod:`~discretion.tables.importer`
(import), :mod:`~discretion.tables.edits` (edits of an exported table),
:mod:`~discretion.tables.agency` (items from an agency's rows, amounts checked against the
clause) and :mod:`~discretion.tables.published` (the published layout). Publication pages are
:mod:`discretion.render.pages`; writing the catalog folder is :mod:`discretion.catalog.writer`.
"""

from __future__ import annotations

from discretion.tables.cells import (
    CellError,
    parse_citations,
    parse_tier_penalty,
    tier_penalty_text,
)
from discretion.tables.columns import (
    COLUMNS,
    LIST_COLUMNS,
    PAYLOAD_COLUMNS,
    PUBLISHED_ALIASES,
    PUBLISHED_COLUMNS,
    csv_cell,
    read_csv_cell,
)
from discretion.tables.export import export_table
from discretion.tables.importer import ImportResult, import_table
from discretion.tables.published import export_published
from discretion.tables.reader import read_tables

__all__ = [
    "COLUMNS",
    "LIST_COLUMNS",
    "PAYLOAD_COLUMNS",
    "PUBLISHED_ALIASES",
    "PUBLISHED_COLUMNS",
    "CellError",
    "ImportResult",
    "csv_cell",
    "export_published",
    "export_table",
    "import_table",
    "parse_citations",
    "parse_tier_penalty",
    "read_csv_cell",
    "read_tables",
    "tier_penalty_text",
]
