"""The layouts of benchmark tables: their columns, sheet names and labels, and CSV cell safety.

Two layouts are read and written (docs/tables.md):

- the **16-column table** (浙江省行政处罚裁量基准表) of :data:`COLUMNS`, which ``discretion
  export --format xlsx|csv`` writes with hidden payload columns (:data:`PAYLOAD_COLUMNS`) so that
  an import reproduces the catalog exactly, and a second table of list entries
  (:data:`LIST_COLUMNS`);
- the **published layout** of an agency's official benchmark (:data:`PUBLISHED_COLUMNS`):
  序号 · 事项代码 · 事项名称 · 处罚依据 · 裁量阶次 · 适用条件 · 裁量幅度 · 裁量基准来源, each
  column also known by its usual local names (:data:`PUBLISHED_ALIASES`).
"""

from __future__ import annotations

import re

from discretion.catalog.models import FollowUp

__all__ = [
    "COLUMNS", "LIST_COLUMNS", "PAYLOAD_COLUMNS", "PUBLISHED_ALIASES", "PUBLISHED_COLUMNS",
    "csv_cell", "published_name", "read_csv_cell",
]  # fmt: skip

# --- the 16-column table --------------------------------------------------------------------------

COLUMNS: tuple[str, ...] = (
    "序号", "行业领域", "权力编码", "事项名称", "实施清单编码", "违法行为名称", "实施机关", "业务类别",
    "违反法律条款", "处罚法律条款", "违法程度", "违法情形", "处罚对象", "处罚种类", "裁量基准", "备注",
)  # fmt: skip
PAYLOAD_COLUMNS: tuple[str, ...] = ("_id", "_item", "_catalog")
LIST_COLUMNS: tuple[str, ...] = (
    "序号", "清单类别", "行业领域", "编号", "事项名称", "对应裁量基准", "法律依据", "适用条件",
    "适用方式", "后续措施", "备注",
)  # fmt: skip
LIST_PAYLOAD_COLUMNS: tuple[str, ...] = ("_item",)
MAIN_SHEET, LIST_SHEET = "裁量基准", "清单"
XLSX_CELL_LIMIT = 32767
PAYLOAD_VERSION = 1
# the columns a 16-column table must have (found among its first ten rows), and its list table's
REQUIRED = ("违法行为名称", "违反法律条款", "处罚法律条款", "违法程度", "裁量基准")
LIST_REQUIRED = ("清单类别", "编号")

FOLLOW_UP_LABELS: dict[FollowUp, str] = {
    FollowUp.education: "批评教育",
    FollowUp.correction_order: "责令改正",
    FollowUp.commitment: "告知承诺",
    FollowUp.guardian_discipline: "责令监护人加以管教",
    FollowUp.warning_talk: "约谈提醒",
}
PARTY_WORDS = {"organization": "对单位", "individual": "对个人"}
BASE_LABELS = {"illegal_income": "违法所得", "goods_value": "货值金额"}
FIELD_CODE = re.compile(r"[A-Z][A-Z0-9]*")  # as fields.yaml's codes (catalog.models.Field_)

# --- the published layout ---------------------------------------------------------------------------

# The columns ``export --format published-csv|published-xlsx`` writes, in order. 行业领域 is
# written only when the catalog's items are in more than one field, 违反法律条款 only when an
# item's violated provisions cannot be read back from its clause (违反本条例第N条…的), 处罚对象
# only when an item names its subject.
PUBLISHED_COLUMNS: tuple[str, ...] = (
    "序号", "行业领域", "事项代码", "事项名称", "违反法律条款", "处罚对象", "处罚依据", "裁量阶次",
    "适用条件", "裁量幅度", "裁量基准来源",
)  # fmt: skip
# Each column's names in published tables, the canonical name first. Where a table has two
# columns of one meaning, the first name in this order is read (违法行为 before 事项名称: a
# table with both names the power item in 事项名称 and the violation in 违法行为).
PUBLISHED_ALIASES: dict[str, tuple[str, ...]] = {
    "序号": ("序号", "编号"),
    "行业领域": ("行业领域", "执法领域", "所属领域", "领域"),
    "事项代码": ("事项代码", "事项编码", "权力编码", "权力事项编码", "处罚事项编码", "事项编号"),
    "事项名称": ("违法行为", "违法行为名称", "事项名称", "处罚事项", "处罚事项名称"),
    "违反法律条款": ("违反法律条款", "违法依据", "违反条款", "违法条款"),
    "处罚依据": ("处罚依据", "处罚法律条款", "法律依据", "法定依据", "处罚条款"),
    "裁量阶次": ("裁量阶次", "违法程度", "裁量等级", "裁量档次", "处罚阶次"),
    "适用条件": ("适用条件", "违法情形", "适用情形", "具体情形", "违法情节"),
    "裁量幅度": ("裁量幅度", "处罚标准", "裁量基准", "处罚幅度", "裁量标准"),
    "裁量基准来源": ("裁量基准来源", "基准来源", "裁量依据来源", "来源"),
    "处罚对象": ("处罚对象",),
}
PUBLISHED_REQUIRED = ("事项名称", "处罚依据", "裁量阶次", "适用条件", "裁量幅度")
# the columns of an item (merged over its tier rows in a workbook; in a CSV the rows after the
# first may leave them empty)
PUBLISHED_ITEM_COLUMNS = ("序号", "行业领域", "事项代码", "事项名称", "违反法律条款", "处罚依据",
                          "处罚对象", "裁量基准来源")


def header_key(text: str) -> str:
    """A header cell as compared: without spaces and line breaks, and without a trailing
    note in brackets (``裁量幅度（元）`` is ``裁量幅度``)."""
    key = re.sub(r"\s+", "", text)
    return re.sub(r"[（(][^）)]*[）)]$", "", key) or key


def published_name(header: list[str]) -> dict[int, str]:
    """The published column each header cell is (by its position), or {} when the header is
    not one of the published layout (:data:`PUBLISHED_REQUIRED` missing)."""
    keys = [header_key(h) for h in header]
    found: dict[int, str] = {}
    for name, aliases in PUBLISHED_ALIASES.items():
        for alias in aliases:
            if alias in keys:
                found[keys.index(alias)] = name
                break
    return found if set(PUBLISHED_REQUIRED) <= set(found.values()) else {}


# --- CSV cells and spreadsheet formulas -----------------------------------------------------------

# A spreadsheet program opening a CSV reads a cell beginning with one of these as a formula
# (CSV/formula injection: ``=HYPERLINK(...)``, ``@SUM(...)``, ``-2+3+cmd|' /C calc'!A0``).
FORMULA_START = frozenset("=+-@\t\r")
_PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")


def csv_cell(text: str) -> str:
    """A cell as written to a CSV file, neutralised against formula injection (docs/tables.md).

    A text beginning with ``=``, ``+``, ``-``, ``@``, a tab or a carriage return gets a leading
    apostrophe, which spreadsheet programs read as "text, not a formula"; a plain number
    (``-5``, ``+1.50``) is left alone, being no formula. So that :func:`read_csv_cell` can undo
    exactly this, a text that already begins with an apostrophe followed by one of those
    characters or by a second apostrophe gets one more. Other cells are written as they are.
    """
    if not text:
        return text
    first = text[0]
    if first in FORMULA_START:
        return text if _PLAIN_NUMBER.fullmatch(text) else "'" + text
    if first == "'" and len(text) > 1 and (text[1] in FORMULA_START or text[1] == "'"):
        return "'" + text
    return text


def read_csv_cell(text: str) -> str:
    """The inverse of :func:`csv_cell`: one apostrophe before ``= + - @``, a tab, a carriage
    return or another apostrophe is removed; every other cell is read as it is."""
    if len(text) > 1 and text[0] == "'" and (text[1] in FORMULA_START or text[1] == "'"):
        return text[1:]
    return text
