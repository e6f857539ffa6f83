"""Benchmark tables: export a catalog as the Zhejiang 16-column table, import such a table back.

The table (浙江省行政处罚裁量基准表) has one row per violation × tier::

    序号 · 行业领域 · 权力编码 · 事项名称 · 实施清单编码 · 违法行为名称 · 实施机关 · 业务类别 ·
    违反法律条款 · 处罚法律条款 · 违法程度 · 违法情形 · 处罚对象 · 处罚种类 · 裁量基准 · 备注

:func:`export_table` writes it as ``.xlsx`` or ``.csv`` with three payload columns after the 16
(``_id``, ``_item``: the item as compact JSON on its first row, ``_catalog``: manifest and
fields on the first row), so that :func:`import_table` reproduces every item exactly. The list
entries (不予/减轻/从轻处罚, 免予行政强制) go to a second table (sheet ``清单`` or
``<out>-lists.csv``). A table without payload (an agency's official table) is imported from its
readable columns; whatever cannot be read is reported with the file, row and column — nothing
is guessed. :func:`export_pages` publishes the catalog as Markdown or standalone HTML pages
(Administrative Penalty Law Art. 34: benchmarks are published).
"""

from __future__ import annotations

import csv
import datetime as dt
import html
import io
import json
import re
import string
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from pathlib import Path
from typing import Any

import yaml
from pydantic import BaseModel, ValidationError

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import (
    LIST_LABELS,
    PAYER_LABELS,
    SANCTION_LABELS,
    Band,
    BenchmarkItem,
    Citation,
    FactDecl,
    Field_,
    Fields,
    FollowUp,
    ListItem,
    ListKind,
    Manifest,
    PartyScope,
    Payer,
    Policy,
    Provenance,
    Sanction,
    SanctionKind,
    Statutory,
    Tier,
    TierFine,
)
from discretion.catalog.yamlpos import YamlError, load_yaml
from discretion.errors import CatalogError, DiscretionError, Problem
from discretion.law.ranges import (
    band_name,
    clause_sanctions,
    party_fine,
    statutory_bounds,
    tier_bounds,
    tier_fine_for,
)
from discretion.law.sanctions import STAGES, StageName, stage_words
from discretion.money import Range, fmt_yuan
from discretion.numerals import parse_amount, parse_chinese_integer
from discretion.render.text import cite

__all__ = [
    "COLUMNS",
    "LIST_COLUMNS",
    "PAYLOAD_COLUMNS",
    "ImportResult",
    "csv_cell",
    "export_pages",
    "export_table",
    "import_table",
    "parse_citations",
    "read_csv_cell",
    "tier_penalty_text",
]

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

FOLLOW_UP_LABELS: dict[FollowUp, str] = {
    FollowUp.education: "批评教育",
    FollowUp.correction_order: "责令改正",
    FollowUp.commitment: "告知承诺",
    FollowUp.guardian_discipline: "责令监护人加以管教",
    FollowUp.warning_talk: "约谈提醒",
}
PARTY_WORDS = {"organization": "对单位", "individual": "对个人"}
BASE_LABELS = {"illegal_income": "违法所得", "goods_value": "货值金额"}
LEVEL_FACT = "violation_level"
FIELD_CODE = re.compile(r"[A-Z][A-Z0-9]*")  # as fields.yaml's codes (catalog.models.Field_)
FILE_PART = re.compile(r"[A-Za-z][A-Za-z0-9_-]*(?:\.yaml)?")  # a name in a catalog folder written


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


# --- shared helpers ---------------------------------------------------------------------------


def _compact(model: BaseModel) -> str:
    data = model.model_dump(mode="json", exclude_defaults=True)
    return json.dumps(data, ensure_ascii=False, separators=(",", ":"))


def _plain(value: Any) -> Any:
    """Model dump (python mode) -> YAML-safe values: enums to text, exact decimals kept exact."""
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items()}
    if isinstance(value, list | tuple):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        if value == value.to_integral_value():
            return int(value)
        return format(value, "f")  # quoted in YAML: never a binary float
    return value


def _yaml(data: Any, header: str = "") -> str:
    text = yaml.safe_dump(data, allow_unicode=True, sort_keys=False, width=4096,
                          default_flow_style=False)
    return header + text


def _num(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def _fine_words(item: BenchmarkItem, sanction: Sanction, bounds: Range) -> str:
    if sanction.base:
        label = BASE_LABELS.get(sanction.base) or _fact_label(item, sanction.base)
        text = f"处{label}{_num(bounds.low)}倍以上{_num(bounds.high)}倍以下罚款"
        if sanction.fallback is not None:
            fallback = Range(sanction.fallback.min, sanction.fallback.max)
            below = "" if sanction.threshold is None else f"或者{label}不足{fmt_yuan(sanction.threshold)}"
            text += f"（无{label}{below}的，处{fallback.human()}罚款）"
        return text + _cap_words(sanction)
    if sanction.per:
        decl = next((f for f in item.facts if f.name == sanction.per), None)
        unit = (decl.unit or decl.label) if decl else sanction.per
        return f"按每{unit}{_num(bounds.low)}元以上{_num(bounds.high)}元以下处以罚款" + _cap_words(sanction)
    return f"处{bounds.human()}罚款"


def _cap_words(sanction: Sanction) -> str:
    return "" if sanction.cap is None else f"，但最高不得超过{fmt_yuan(sanction.cap)}"


def _fact_label(item: BenchmarkItem, name: str) -> str:
    decl = next((f for f in item.facts if f.name == name), None)
    return decl.label if decl else name


def tier_penalty_text(item: BenchmarkItem, tier: Tier, catalog: Catalog) -> str:
    """The tier's recommended penalty in words (裁量基准), amounts computed per party."""
    return _penalty_words(item, tier, catalog.manifest.policy)


def _penalty_words(item: BenchmarkItem, tier: Tier, policy: Policy) -> str:
    serious = tier.uses == "serious"
    words: dict[str, str] = {}
    for party in ("organization", "individual"):
        sanction = party_fine(item.statutory, party, serious)
        tier_fine = tier_fine_for(tier, party)
        if sanction is None or tier_fine is None:
            continue
        words[party] = _fine_words(item, sanction, tier_bounds(tier_fine, sanction, policy))
    parts: list[str] = []
    if len(words) == 2 and words["organization"] == words["individual"]:
        parts.append(words["organization"])
    else:
        parts += [PARTY_WORDS[p] + w for p, w in words.items()]
    others = [SANCTION_LABELS[k] for k in tier.sanctions]
    text = "；".join(parts)
    if others:
        text += ("，并处" if text else "给予") + "、".join(others)
    if not text:
        text = "不予罚款"
    return text


def _statutory_kinds(item: BenchmarkItem, tier: Tier) -> str:
    kinds: list[str] = []
    for sanction in clause_sanctions(item.statutory, tier.uses == "serious"):
        label = SANCTION_LABELS[sanction.kind]
        if label not in kinds:
            kinds.append(label)
    return "、".join(kinds)


def _tier_fine_note(tier: Tier) -> str:
    notes = []
    for fine in tier.fines:
        party = {"any": "", "individual": "个人", "organization": "单位"}[fine.party.value]
        notes.append(party + (band_name(fine.band) if fine.band is not None
                              else f"{_num(fine.min or Decimal(0))}–{_num(fine.max or Decimal(0))}"))
    return "、".join(notes)


# --- export: the 16-column table ----------------------------------------------------------------


def _visible_row(item: BenchmarkItem, tier: Tier, field_name: str, policy: Policy,
                 agency: str = "") -> list[str]:
    """The 16 readable columns of one item × tier row, 序号 left empty."""
    remark = [f"档次：{_tier_fine_note(tier)}" if tier.fines else ""]
    if tier.when:
        remark.append(f"适用条件：{tier.when}")
    remark.append(f"编号：{item.id}")
    return [
        "", field_name, item.power_code or "", item.title, "", item.title,
        agency, "行政处罚",
        "；".join(cite(c) for c in item.violated),
        f"{cite(item.penalty)}：{item.clause}",
        tier.level, tier.description or "", item.subject or "",
        _statutory_kinds(item, tier), _penalty_words(item, tier, policy),
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
            row = _visible_row(item, tier, field_name, policy, agency)
            row[0] = str(len(rows) + 1)
            row += [item.id, _compact(item) if index == 0 else "",
                    catalog_payload if not rows else ""]
            rows.append(row)
    if not rows:  # a catalog with list entries only still carries its manifest
        rows.append([""] * len(COLUMNS) + ["", "", catalog_payload])
    return rows


def _visible_list_row(entry: ListItem, field_name: str) -> list[str]:
    """The readable columns of one list entry's row, 序号 left empty."""
    return [
        "", LIST_LABELS[entry.kind], field_name, entry.id, entry.title,
        entry.benchmark, "；".join(cite(c) for c in entry.basis), entry.conditions_text or "",
        "应当" if entry.mandatory else "可以",
        "、".join(FOLLOW_UP_LABELS[f] for f in entry.follow_up),
        f"适用条件：{entry.when}",
    ]


def list_rows(catalog: Catalog) -> list[list[str]]:
    rows: list[list[str]] = []
    for entry in catalog.lists.values():
        field_name = catalog.fields[entry.field].name if entry.field in catalog.fields else entry.field
        row = _visible_list_row(entry, field_name)
        row[0] = str(len(rows) + 1)
        rows.append([*row, _compact(entry)])
    return rows


def lists_csv_path(out: Path) -> Path:
    return out.with_name(out.stem + "-lists.csv")


def export_table(catalog: Catalog, fmt: str, out: Path, agency: str = "") -> list[Path]:
    """Write the benchmark table (and the list table) as xlsx or csv; return the files written."""
    header = [*COLUMNS, *PAYLOAD_COLUMNS]
    list_header = [*LIST_COLUMNS, *LIST_PAYLOAD_COLUMNS]
    rows, lrows = benchmark_rows(catalog, agency), list_rows(catalog)
    out.parent.mkdir(parents=True, exist_ok=True)
    if fmt == "csv":
        lists_path = lists_csv_path(out)
        for path, head, body in ((out, header, rows), (lists_path, list_header, lrows)):
            with path.open("w", encoding="utf-8-sig", newline="") as handle:
                writer = csv.writer(handle)
                writer.writerow(head)
                writer.writerows([csv_cell(cell) for cell in row] for row in body)
        return [out, lists_path]
    if fmt != "xlsx":
        raise ValueError(f"unknown table format {fmt!r}")
    for row in (*rows, *lrows):
        for cell in row:
            if len(cell) > XLSX_CELL_LIMIT:
                raise DiscretionError(Problem(
                    f"a cell of {len(cell)} characters is over the xlsx limit of {XLSX_CELL_LIMIT}",
                    file=str(out), hint="export as csv"))
    from openpyxl import Workbook
    from openpyxl.styles import Alignment, Font

    book = Workbook()
    sheet = book.active
    sheet.title = MAIN_SHEET
    listed = book.create_sheet(LIST_SHEET)
    for ws, head, body, visible in ((sheet, header, rows, len(COLUMNS)),
                                    (listed, list_header, lrows, len(LIST_COLUMNS))):
        ws.append(head)
        for row in body:
            ws.append(row)
        for cell in ws[1]:
            cell.font = Font(bold=True)
        for row_cells in ws.iter_rows(min_row=2):
            for cell in row_cells:
                if isinstance(cell.value, str) and cell.value.startswith("="):
                    cell.data_type = "s"  # text, never a formula
                cell.alignment = Alignment(wrap_text=True, vertical="top")
        ws.freeze_panes = "B2"
        from openpyxl.utils import get_column_letter

        for index, name in enumerate(head, 1):
            letter = get_column_letter(index)
            if index > visible:
                ws.column_dimensions[letter].hidden = True
            else:
                ws.column_dimensions[letter].width = {"序号": 6, "违法程度": 8}.get(name, 24)
    book.save(out)
    return [out]


# --- export: publication pages ----------------------------------------------------------------


@dataclass(frozen=True)
class Link:
    text: str
    href: str


Cell = str | Link


@dataclass
class Page:
    title: str
    blocks: list[tuple[Any, ...]] = field(default_factory=list)

    def h2(self, text: str, anchor: str | None = None) -> None:
        self.blocks.append(("h2", text, anchor))

    def h3(self, text: str) -> None:
        self.blocks.append(("h3", text))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def dl(self, pairs: list[tuple[str, str]]) -> None:
        self.blocks.append(("dl", [(k, v) for k, v in pairs if v]))

    def table(self, head: Sequence[str], rows: list[list[Cell]]) -> None:
        self.blocks.append(("table", list(head), rows))


def _md_cell(value: Cell, ext: str) -> str:
    if isinstance(value, Link):
        return f"[{_md_escape(value.text)}]({value.href})"
    return _md_escape(value).replace("|", "\\|").replace("\n", "<br>")


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*\[\]<>])", r"\\\1", text)


def _markdown(page: Page) -> str:
    out = [f"# {_md_escape(page.title)}", ""]
    for block in page.blocks:
        kind = block[0]
        if kind == "h2":
            out += [f"## {_md_escape(block[1])}", ""]
        elif kind == "h3":
            out += [f"### {_md_escape(block[1])}", ""]
        elif kind == "p":
            out += [_md_escape(block[1]), ""]
        elif kind == "dl":
            out += [f"- **{_md_escape(k)}**：{_md_escape(v)}" for k, v in block[1]] + [""]
        elif kind == "table":
            head, rows = block[1], block[2]
            out.append("| " + " | ".join(_md_cell(h, "md") for h in head) + " |")
            out.append("|" + "---|" * len(head))
            out += ["| " + " | ".join(_md_cell(c, "md") for c in row) + " |" for row in rows]
            out.append("")
    return "\n".join(out)


_CSS = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:75em;
padding:0 1em;line-height:1.6;color:#222}h1{font-size:1.6em;border-bottom:2px solid #444}
h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #bbb}h3{font-size:1.05em}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}th,td{border:1px solid #999;
padding:.3em .5em;vertical-align:top;text-align:left}th{background:#eee}dl{margin:.5em 0}
dt{font-weight:bold;float:left;clear:left;width:8em}dd{margin-left:8.5em}
code{font-size:.9em;background:#f4f4f4}"""


def _html_cell(value: Cell) -> str:
    if isinstance(value, Link):
        return f'<a href="{html.escape(value.href)}">{html.escape(value.text)}</a>'
    return html.escape(value).replace("\n", "<br>")


def _html_body(page: Page) -> list[str]:
    e = html.escape
    out: list[str] = []
    for block in page.blocks:
        kind = block[0]
        if kind == "h2":
            anchor = f' id="{e(block[2])}"' if block[2] else ""
            out.append(f"<h2{anchor}>{e(block[1])}</h2>")
        elif kind == "h3":
            out.append(f"<h3>{e(block[1])}</h3>")
        elif kind == "p":
            out.append(f"<p>{e(block[1])}</p>")
        elif kind == "dl":
            out.append("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in block[1]) + "</dl>")
        elif kind == "table":
            head, rows = block[1], block[2]
            out.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead><tbody>")
            out += ["<tr>" + "".join(f"<td>{_html_cell(c)}</td>" for c in row) + "</tr>" for row in rows]
            out.append("</tbody></table>")
    return out


# The page templates (``export --template DIR`` replaces them): string.Template, ``$name``
# placeholders (``$$`` is a dollar sign). Values are escaped for their format already.
HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>$title</title>
<style>$style</style>
</head>
<body>
<h1>$title</h1>
$body
</body>
</html>
"""
MARKDOWN_TEMPLATE = "# $title\n\n$body"
TEMPLATE_FILES = {"html": "page.html", "md": "page.md"}
STYLE_FILE = "style.css"
PLACEHOLDERS = {
    "title": "the page's title",
    "body": "the page's content (headings, lists and tables)",
    "style": "the style sheet: style.css of the template folder, else the built-in one (HTML)",
    "catalog": "the catalog's title",
    "jurisdiction": "实施地区", "version": "版本",
    "page": "this page's file name (index.html, SRHJ.html …)",
    "index": "the index page's file name",
}


def _statutory_words(item: BenchmarkItem, serious: bool = False, stage: StageName = "base") -> str:
    """The sanctions the clause gives at this stage (serious or not), in words."""
    parts = []
    for sanction in clause_sanctions(item.statutory, serious, stage):
        text = sanction.shown_label
        if sanction.kind is SanctionKind.fine:
            text = _fine_words(item, sanction, statutory_bounds(sanction))
        may = "可以" if sanction.mode.value == "may" else ""
        whom = "" if sanction.on is Payer.party else "对" + PAYER_LABELS[sanction.on]
        parts.append(PARTY_WORDS.get(sanction.party.value, "") + whom + may + text)
    return "；".join(parts)


def _index_page(catalog: Catalog, ext: str) -> Page:
    m = catalog.manifest
    page = Page(f"{m.title}")
    page.dl([("实施地区", m.jurisdiction), ("版本", m.version),
             ("施行日期", m.effective_from.isoformat()
              + (f" 至 {m.effective_to.isoformat()}" if m.effective_to else "")),
             ("说明", m.description if m.description and is_chinese(m.description) else ""),
             ("内容校验", f"sha256 {catalog.sha256}")])
    policy = m.policy
    page.h2("裁量档次划分（政策）", "policy")
    page.table(["档次", "占法定幅度（自最低额起）"], [
        [band_name(band), f"{_num(policy.bands.get(band)[0] * 100)}%–{_num(policy.bands.get(band)[1] * 100)}%"]
        for band in (Band.lighter, Band.ordinary, Band.heavier)])
    page.dl([("边界取整", f"{_num(policy.rounding)}元"),
             ("减轻处罚下限", f"法定最低额的{_num(policy.mitigation_floor * 100)}%"),
             ("简易程序罚款上限（第五十一条）",
              f"个人{fmt_yuan(policy.summary_limit.individual)}，单位{fmt_yuan(policy.summary_limit.organization)}"),
             ("较大数额罚款（第六十三条）",
              f"个人{fmt_yuan(policy.hearing_threshold.individual)}，单位{fmt_yuan(policy.hearing_threshold.organization)}")])
    for note in policy.notes:
        if is_chinese(note):  # the maintainers' notes in English are not for the public page
            page.p(note)
    if m.circumstances:
        page.h2("裁量情节", "circumstances")
        page.table(["代码", "情节", "效果", "依据"],
                   [[c.code, c.label, EFFECT_LABELS.get(c.effect, c.effect),
                     cite(c.basis) if c.basis else ""] for c in m.circumstances])
    page.h2("各领域事项数", "fields")
    kinds = list(ListKind)
    rows: list[list[Cell]] = []
    totals = [0] * (1 + len(kinds))
    for code, entry in catalog.fields.items():
        counts = [len(catalog.items_in_field(code))] + [
            sum(1 for e in catalog.lists.values() if e.field == code and e.kind is k) for k in kinds]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        rows.append([Link(code, f"{code}.{ext}"), entry.name, *map(str, counts)])
    rows.append(["合计", "", *map(str, totals)])
    page.table(["代码", "领域", "裁量基准", *[LIST_LABELS[k] + "清单" for k in kinds]], rows)
    return page


def _field_page(catalog: Catalog, code: str, ext: str) -> Page:
    entry = catalog.fields[code]
    page = Page(f"{catalog.manifest.jurisdiction} {entry.name} 行政处罚裁量基准（{catalog.manifest.version}）")
    page.p(f"领域代码 {code}" + (f"：{entry.description}" if entry.description else ""))
    page.blocks.append(("p_link", Link("返回目录", f"index.{ext}")))
    items = catalog.items_in_field(code)
    if not items:
        page.p("本领域暂无裁量基准。")
    for item in items:
        page.h2(f"{item.id} {item.title}", item.id)
        page.dl([("违反法律条款", "；".join(cite(c) for c in item.violated)),
                 ("处罚法律条款", cite(item.penalty)), ("条文", item.clause),
                 ("处罚对象", item.subject or ""), ("权力编码", item.power_code or ""),
                 ("法定处罚", _statutory_words(item)),
                 *[(stage_words(stage.when), _statutory_words(item, stage=stage.when))
                   for stage in item.statutory.stages],
                 ("情节严重的", _statutory_words(item, serious=True) if item.statutory.serious else ""),
                 ("档次来源", {"reference_default": "参考默认档次（待机关正式基准替换）",
                           "official": "机关正式基准", "none": "未分档"}[item.provenance.tiers])])
        page.table(["违法程度", "违法情形", "裁量基准"],
                   [[t.level, t.description or NOT_WRITTEN, tier_penalty_text(item, t, catalog)]
                    for t in item.tiers])
    for kind in ListKind:
        entries = [e for e in catalog.lists.values() if e.field == code and e.kind is kind]
        if not entries:
            continue
        page.h2(f"{LIST_LABELS[kind]}清单", kind.value)
        page.table(["编号", "事项", "对应裁量基准", "依据", "适用条件", "适用方式", "后续措施"],
                   [[e.id, e.title, Link(e.benchmark, f"#{e.benchmark}"), "；".join(cite(c) for c in e.basis),
                     e.conditions_text or NOT_WRITTEN, "应当" + LIST_LABELS[kind] if e.mandatory
                     else "可以" + LIST_LABELS[kind], "、".join(FOLLOW_UP_LABELS[f] for f in e.follow_up)]
                    for e in entries])
    return page


NOT_WRITTEN = "—"  # a tier or list entry whose circumstances are not written in words
EFFECT_LABELS = {"lighter": "从轻", "mitigated": "减轻", "heavier": "从重", "none": "无"}
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_chinese(text: str) -> bool:
    """Whether a note is written in Chinese: most of its letters are Chinese characters (an
    English note quoting a law's name is not)."""
    han = len(_HAN.findall(text))
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return han > 0 and han >= latin


def load_templates(folder: Path, ext: str) -> tuple[string.Template, str]:
    """The page template of ``folder`` for ``ext`` (``page.html`` / ``page.md``; the built-in one
    where the folder has none) and the style sheet (``style.css``, else the built-in one),
    checked before any page is written: a placeholder that is not one of
    :data:`PLACEHOLDERS`, or a ``$`` that starts none, is refused with its line and column."""
    if not folder.is_dir():
        raise DiscretionError(Problem("template folder not found", file=str(folder),
                                      expected="a folder with page.html and/or page.md (and style.css)",
                                      hint="pass --template DIR\n    中文：找不到模板文件夹"))
    path = folder / TEMPLATE_FILES[ext]
    text = HTML_TEMPLATE if ext == "html" else MARKDOWN_TEMPLATE
    if path.is_file():
        text = _read_template(path)
    template = string.Template(text)
    for match in template.pattern.finditer(text):
        name = match.group("named") or match.group("braced")
        if match.group("invalid") is not None or (name is not None and name not in PLACEHOLDERS):
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            what = f"unknown placeholder ${name}" if name else "a $ that starts no placeholder"
            raise DiscretionError(Problem(
                what, file=str(path), line=line, column=column,
                expected="one of " + ", ".join(f"${n}" for n in PLACEHOLDERS) + " ($$ for a $)",
                hint="correct the placeholder (docs/tables.md, Publication pages)\n"
                     "    中文：模板中的占位符有误，请按文档更正；未写入任何页面"))
    style = _CSS
    if ext == "html" and (folder / STYLE_FILE).is_file():
        style = _read_template(folder / STYLE_FILE)
        if "</style" in style.lower():
            raise DiscretionError(Problem(
                "style.css closes the <style> element", file=str(folder / STYLE_FILE),
                expected="CSS only", hint="remove </style> from the style sheet\n"
                                          "    中文：样式表中不能包含 </style>"))
    return template, style


def _read_template(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DiscretionError(Problem(f"cannot read the template: {exc}", file=str(path),
                                      expected="a UTF-8 text file",
                                      hint="save it as UTF-8\n    中文：无法读取模板文件，请另存为UTF-8")) from None


def export_pages(catalog: Catalog, fmt: str, out: Path, template_dir: Path | None = None) -> list[Path]:
    """Publish the catalog: ``<out>/index.<ext>`` and one page per field, each through the page
    template (``template_dir``'s, else the built-in one)."""
    if fmt not in ("markdown", "html"):
        raise ValueError(f"unknown page format {fmt!r}")
    ext = "md" if fmt == "markdown" else "html"
    if template_dir is not None:
        template, style = load_templates(template_dir, ext)
    else:
        template = string.Template(HTML_TEMPLATE if ext == "html" else MARKDOWN_TEMPLATE)
        style = _CSS
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    pages = [("index", _index_page(catalog, ext))]
    pages += [(code, _field_page(catalog, code, ext)) for code in catalog.fields]
    m = catalog.manifest
    for name, page in pages:
        path = out / f"{name}.{ext}"
        escape = html.escape if ext == "html" else _md_escape
        text = template.substitute(
            title=escape(page.title), body=_render_body(page, ext), style=style,
            catalog=escape(m.title), jurisdiction=escape(m.jurisdiction), version=escape(m.version),
            page=escape(path.name), index=escape(f"index.{ext}"))
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _render_body(page: Page, ext: str) -> str:
    """The page's blocks below its title, in Markdown or HTML."""
    raws: list[str] = []
    blocks: list[tuple[Any, ...]] = []
    for block in page.blocks:
        if block[0] == "p_link":
            link: Link = block[1]
            raws.append(f"[{_md_escape(link.text)}]({link.href})" if ext == "md" else
                        f'<p><a href="{html.escape(link.href)}">{html.escape(link.text)}</a></p>')
        else:
            blocks.append(block)
    body = Page(page.title, blocks)
    if ext == "md":
        text = _markdown(body).partition("\n\n")[2]
        return "\n\n".join(raws) + "\n\n" + text if raws else text
    return "\n".join(raws + _html_body(body))


# --- reading tables -----------------------------------------------------------------------------


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


def _to_sheet(name: str, matrix: list[list[str]], required: Iterable[str]) -> Sheet:
    """Find the header row (agency tables may have a title row above it) and read the rows."""
    wanted = set(required)
    for start, header in enumerate(matrix[:10]):
        keys = [_header_key(h) for h in header]
        if wanted <= set(keys):
            rows = []
            for offset, raw in enumerate(matrix[start + 1:], start + 2):
                if not any(c.strip() for c in raw):
                    continue
                cells = {k: (raw[i] if i < len(raw) else "") for i, k in enumerate(keys) if k}
                rows.append(Row(offset, cells))
            return Sheet(name, keys, rows)
    raise DiscretionError(Problem(
        "no header row with the benchmark-table columns",
        file=name, expected="a row with " + "、".join(sorted(wanted)),
        hint="the table needs the Zhejiang columns 违法行为名称 · 违反法律条款 · 处罚法律条款 · 违法程度 · 裁量基准"))


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


REQUIRED = ("违法行为名称", "违反法律条款", "处罚法律条款", "违法程度", "裁量基准")
LIST_REQUIRED = ("清单类别", "编号")


def read_tables(path: Path) -> tuple[Sheet, Sheet | None]:
    """The benchmark sheet and (when present) the list sheet of a table file."""
    if not path.is_file():
        raise DiscretionError(Problem("table file not found", file=str(path)))
    if path.suffix.lower() == ".csv":
        main = _to_sheet(str(path), _read_csv(path), REQUIRED)
        lists_path = lists_csv_path(path)
        lists = _to_sheet(str(lists_path), _read_csv(lists_path), LIST_REQUIRED) \
            if lists_path.is_file() else None
        return main, lists
    if path.suffix.lower() in (".xlsx", ".xlsm"):
        sheets = _read_xlsx(path)
        names = list(sheets)
        main_name = MAIN_SHEET if MAIN_SHEET in sheets else names[0]
        main = _to_sheet(f"{path} [{main_name}]", sheets[main_name], REQUIRED)
        lists = _to_sheet(f"{path} [{LIST_SHEET}]", sheets[LIST_SHEET], LIST_REQUIRED) \
            if LIST_SHEET in sheets else None
        return main, lists
    raise DiscretionError(Problem(f"unknown table type '{path.suffix}'", file=str(path),
                                  expected=".xlsx or .csv",
                                  hint="save the agency's .xls as .xlsx first"))


# --- parsing readable columns -----------------------------------------------------------------

_CN = "零〇一二两三四五六七八九十百千万"
_CITE_TOKEN = re.compile(
    rf"《(?P<law>[^》]+)》"
    rf"|第(?P<num>[{_CN}\d０-９]+)(?P<unit>条|款)"
    rf"|第[（(]?(?P<item>[{_CN}\d０-９]+)[）)]?项"
    rf"|(?P<sep>[\s、，,；;和及与或者以规定的之]+)")


class CellError(ValueError):
    """A readable cell that cannot be parsed; carries the column."""

    def __init__(self, column: str, message: str, expected: str | None = None) -> None:
        super().__init__(message)
        self.column = column
        self.expected = expected


def parse_citations(text: str, column: str = "") -> tuple[list[Citation], str]:
    """``《X条例》第十一条第一款、第二款：…`` → the citations, and the text after them.

    A 款 or 项 without a law and article before it, or an article without a law, is refused.
    """
    citations: list[Citation] = []
    law: str | None = None
    article = paragraph = item = None
    pending = False

    def flush() -> None:
        nonlocal pending
        if not pending:
            return
        if law is None or article is None:
            raise CellError(column, f"citation without a law name or article in {text!r}",
                            "《法规名称》第N条第N款")
        try:
            citations.append(Citation(law=law, article=article, paragraph=paragraph, item=item))
        except ValidationError as exc:
            raise CellError(column, f"bad citation in {text!r}: {exc.errors()[0]['msg']}") from None
        pending = False

    pos = 0
    s = text.strip()
    while pos < len(s):
        match = _CITE_TOKEN.match(s, pos)
        if match is None:
            break
        try:
            if match.group("law"):
                flush()
                law, article, paragraph, item = match.group("law").strip(), None, None, None
            elif match.group("unit") == "条":
                flush()
                article, paragraph, item = parse_chinese_integer(match.group("num")), None, None
                pending = True
            elif match.group("unit") == "款":
                if paragraph is not None:
                    flush()
                paragraph, item = parse_chinese_integer(match.group("num")), None
                pending = True
            elif match.group("item"):
                if item is not None:
                    flush()
                item = parse_chinese_integer(match.group("item"))
                pending = True
        except ValueError as exc:
            raise CellError(column, f"unreadable number in citation {text!r}: {exc}") from None
        pos = match.end()
    flush()
    rest = s[pos:].lstrip("：:　 \n")
    return citations, rest


_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|[\d０-９.．零〇一二两三四五六七八九十百千]+)[万亿]?"
_T_RANGE = re.compile(rf"(?P<lo>{_NUM})元?(?:以上|至|到|-|－|—|~|～)(?P<hi>{_NUM})元(?:以下)?")
_T_MAX = re.compile(rf"(?P<hi>{_NUM})元以下")
_T_FIXED = re.compile(rf"(?P<hi>{_NUM})元")
_T_MULT = re.compile(rf"(?P<lo>{_NUM})倍(?:以上|至|到|-|－|—|~|～)(?P<hi>{_NUM})倍(?:以下)?")
_KIND_WORDS: tuple[tuple[SanctionKind, str], ...] = (
    (SanctionKind.warning, "警告"),
    (SanctionKind.public_criticism, "通报批评"),
    (SanctionKind.confiscate_income, "没收违法所得"),
    (SanctionKind.confiscate_property, "没收非法财物"),
    (SanctionKind.suspend_licence, "暂扣"),
    (SanctionKind.revoke_licence, "吊销"),
    (SanctionKind.suspend_business, "停产停业"),
    (SanctionKind.close, "责令关闭"),
)


@dataclass
class TierReading:
    fines: list[TierFine]
    kinds: list[SanctionKind]
    multiple: bool


def parse_tier_penalty(text: str, column: str = "裁量基准") -> TierReading:
    """``对单位处500元以上1200元以下罚款；对个人处200元以上400元以下罚款`` → explicit tier fines."""
    fines: list[TierFine] = []
    kinds: list[SanctionKind] = []
    multiple = False
    for segment in re.split(r"[；;。\n]", text):
        seg = segment.strip()
        if not seg:
            continue
        party = PartyScope.any
        if "单位" in seg and "个人" not in seg:
            party = PartyScope.organization
        elif ("个人" in seg or "公民" in seg) and "单位" not in seg:
            party = PartyScope.individual
        elif "单位" in seg and "个人" in seg:
            raise CellError(column, f"one segment names both 单位 and 个人: {seg!r}",
                            "separate the parties with ；")
        for kind, word in _KIND_WORDS:
            if word in seg and kind not in kinds:
                kinds.append(kind)
        amount = _T_MULT.search(seg)
        try:
            if amount is not None:
                low, high = Decimal(_multiple(amount["lo"])), Decimal(_multiple(amount["hi"]))
                multiple = True
            elif (amount := _T_RANGE.search(seg)) is not None:
                low, high = parse_amount(amount["lo"]), parse_amount(amount["hi"])
            elif (amount := _T_MAX.search(seg)) is not None:
                low, high = Decimal(0), parse_amount(amount["hi"])
            elif (amount := _T_FIXED.search(seg)) is not None:
                low = high = parse_amount(amount["hi"])
            else:
                if "罚款" in seg and not re.search(r"不(?:予|处)罚款", seg):
                    raise CellError(column, f"a fine without an amount that can be read: {seg!r}",
                                    "X元以上Y元以下罚款, Y元以下罚款 or X元罚款")
                continue
        except ValueError as exc:
            if isinstance(exc, CellError):
                raise
            raise CellError(column, f"unreadable amount in {seg!r}: {exc}") from None
        if low > high:
            raise CellError(column, f"minimum {low} above maximum {high} in {seg!r}")
        if any(f.party is party for f in fines):
            raise CellError(column, f"two fines for the same party in {text!r}")
        fines.append(TierFine(min=low, max=high, party=party))
    if not fines and not kinds and not re.search(r"不(?:予|处)(?:行政)?(?:处罚|罚款)", text):
        raise CellError(column, f"no recommended penalty can be read from {text!r}",
                        "X元以上Y元以下罚款, or 警告, or 不予罚款")
    return TierReading(fines, kinds, multiple)


def _multiple(text: str) -> Decimal:
    from discretion.numerals import parse_multiple

    return parse_multiple(text)


# --- import ---------------------------------------------------------------------------------------


@dataclass
class ImportResult:
    out: Path
    benchmarks: int
    lists: int
    rows: int
    from_payload: int
    warnings: list[Problem]
    catalog: Catalog | None = None
    edits: list[Problem] = field(default_factory=list)  # visible cells of exported rows applied
    changed: list[Path] = field(default_factory=list)  # the files an update wrote over


def _problem(sheet: Sheet, row: Row | None, message: str, column: str | None = None,
             expected: str | None = None, hint: str | None = None) -> Problem:
    where = None
    if row is not None:
        where = f"row {row.number}" + (f", column {column}" if column else "")
    elif column:
        where = f"column {column}"
    return Problem(message, file=sheet.name, path=where, expected=expected, hint=hint)


def _load_json(sheet: Sheet, row: Row, column: str) -> Any:
    try:
        return json.loads(row.get(column))
    except json.JSONDecodeError as exc:
        raise CellError(column, f"payload is not JSON: {exc.msg}") from None


def _validation_message(exc: ValidationError) -> str:
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


def import_table(table: Path, out: Path, *, manifest_file: Path | None = None,
                 fields_file: Path | None = None, field_code: str | None = None,
                 prefix: str = "LS", update: bool = False) -> ImportResult:
    """Read an exported or an agency table and write a catalog folder that ``Catalog.load`` accepts.

    Rows with payload (``_id``/``_item``) are restored from it, with the edits of their visible
    cells applied where a cell maps onto the model and refused otherwise (docs/tables.md); rows
    without are built from the readable columns. Every unreadable or refused cell is reported
    (file, row, column) and nothing is written then. With ``update``, ``out`` is an existing
    catalog folder, written over with the comments and layout of its YAML files kept
    (:func:`_write_catalog`).
    """
    main, list_sheet = read_tables(table)
    problems: list[Problem] = []
    warnings: list[Problem] = []

    # catalog-level payload: manifest and fields
    catalog_payload: dict[str, Any] | None = None
    for row in main.rows:
        if row.get("_catalog"):
            try:
                catalog_payload = _load_json(main, row, "_catalog")
            except CellError as exc:
                problems.append(_problem(main, row, str(exc), exc.column))
            break
    manifest_text: str | None = None
    manifest: Manifest | None = None
    if manifest_file is not None:
        try:
            manifest_text = manifest_file.read_text(encoding="utf-8")
            manifest = Manifest.model_validate(yaml.safe_load(manifest_text))
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
            message = _validation_message(exc) if isinstance(exc, ValidationError) else str(exc)
            raise DiscretionError(Problem(f"manifest not usable: {message}", file=str(manifest_file))) from None
    elif catalog_payload and "manifest" in catalog_payload:
        try:
            manifest = Manifest.model_validate(catalog_payload["manifest"])
        except ValidationError as exc:
            problems.append(_problem(main, None, f"manifest payload: {_validation_message(exc)}", "_catalog"))
    else:
        problems.append(Problem("the table has no manifest payload (_catalog column)", file=main.name,
                                hint="an agency table needs --manifest FILE (a catalog manifest.yaml)"))

    fields: list[Field_] | None = None
    if fields_file is not None:
        try:
            fields = Fields.model_validate(yaml.safe_load(fields_file.read_text(encoding="utf-8"))).fields
        except (OSError, UnicodeDecodeError, yaml.YAMLError, ValidationError) as exc:
            message = _validation_message(exc) if isinstance(exc, ValidationError) else str(exc)
            raise DiscretionError(Problem(f"fields file not usable: {message}", file=str(fields_file))) from None
    elif catalog_payload and "fields" in catalog_payload:
        try:
            fields = Fields.model_validate({"fields": catalog_payload["fields"]}).fields
        except ValidationError as exc:
            problems.append(_problem(main, None, f"fields payload: {_validation_message(exc)}", "_catalog"))
    else:
        from discretion.catalog.loader import default_catalog_path

        bundled = default_catalog_path() / "fields.yaml"
        fields = Fields.model_validate(yaml.safe_load(bundled.read_text(encoding="utf-8"))).fields
    field_codes = {f.code: f for f in fields or []}
    by_name = {f.name: f.code for f in fields or []}
    # what the export wrote the visible cells from: the payload's manifest (policy) and fields
    export_policy = manifest.policy if manifest is not None else None
    export_names = {f.code: f.name for f in fields or []}
    if isinstance(catalog_payload, dict):
        try:
            export_policy = Manifest.model_validate(catalog_payload.get("manifest")).policy
            export_names = {f.code: f.name for f in Fields.model_validate(
                {"fields": catalog_payload.get("fields")}).fields}
        except ValidationError:
            pass  # reported above, or the table's own manifest and fields are used
    edits: list[Problem] = []
    if field_code is not None and field_code not in field_codes:
        raise DiscretionError(Problem(f"--field {field_code} is not a field code",
                                      expected=", ".join(field_codes)))

    # benchmark items: payload groups and plain groups
    benchmarks: list[BenchmarkItem] = []
    payload_rows: dict[str, list[Row]] = {}
    plain_groups: dict[tuple[str, str], list[Row]] = {}
    for row in main.rows:
        if not any(row.get(c) for c in COLUMNS if c != "序号") and not row.get("_id"):
            continue  # the manifest-only row of a catalog without benchmarks
        if row.get("_id"):
            payload_rows.setdefault(row.get("_id"), []).append(row)
        else:
            plain_groups.setdefault((row.get("违法行为名称"), row.get("处罚法律条款")), []).append(row)
    for item_id, rows in payload_rows.items():
        head = next((r for r in rows if r.get("_item")), None)
        if head is None:
            problems.append(_problem(main, rows[0], f"rows of '{item_id}' have no _item payload", "_item",
                                     hint="keep the _item cell of the item's first row, or clear _id "
                                          "to import the rows from the readable columns"))
            continue
        try:
            item = BenchmarkItem.model_validate(_load_json(main, head, "_item"))
        except CellError as exc:
            problems.append(_problem(main, head, str(exc), exc.column))
            continue
        except ValidationError as exc:
            problems.append(_problem(main, head, f"item payload: {_validation_message(exc)}", "_item"))
            continue
        if item.id != item_id:
            problems.append(_problem(main, head, f"_id '{item_id}' but the payload is item '{item.id}'", "_id"))
            continue
        wrong_field = _payload_field_problem(main, head, f"item '{item.id}'", item.field, field_codes,
                                             fields is not None)
        if wrong_field is not None:
            problems.append(wrong_field)
            continue
        if len(rows) != len(item.tiers):
            problems.append(_problem(main, rows[0], f"item '{item_id}' has {len(item.tiers)} tiers but "
                                     f"{len(rows)} rows", "_id",
                                     hint="rows of an exported item are restored from its payload; "
                                          "edit tiers in the catalog YAML, or clear _id/_item\n"
                                          "    中文：已导出事项的行数与其档次数不一致；请在YAML中增删档次"))
            continue
        if export_policy is not None:
            edited = _edited_item(main, rows, item, export_policy,
                                  export_names.get(item.field, item.field), problems, edits)
            if edited is None:
                continue
            item = edited
        benchmarks.append(item)

    used_ids = {b.id for b in benchmarks}
    counters: dict[str, int] = {}
    for rows in plain_groups.values():
        built = _plain_item(main, rows, field_code, field_codes, by_name, prefix, used_ids, counters,
                            problems, warnings, table.name)
        if built is not None:
            benchmarks.append(built)
            used_ids.add(built.id)

    # list entries: payload only
    entries: list[ListItem] = []
    if list_sheet is not None:
        for row in list_sheet.rows:
            if not row.get("_item"):
                problems.append(_problem(list_sheet, row, "a list row without payload cannot be imported",
                                         "_item", hint="write the entry in lists/<kind>/<FIELD>.yaml; "
                                                       "its condition (when) is not a table column"))
                continue
            try:
                entry = ListItem.model_validate(_load_json(list_sheet, row, "_item"))
            except CellError as exc:
                problems.append(_problem(list_sheet, row, str(exc), exc.column))
                continue
            except ValidationError as exc:
                problems.append(_problem(list_sheet, row, f"list payload: {_validation_message(exc)}", "_item"))
                continue
            wrong_field = _payload_field_problem(list_sheet, row, f"list entry '{entry.id}'", entry.field,
                                                 field_codes, fields is not None)
            if wrong_field is not None:
                problems.append(wrong_field)
                continue
            edited_entry = _edited_entry(list_sheet, row, entry,
                                         export_names.get(entry.field, entry.field), problems, edits)
            if edited_entry is None:
                continue
            entries.append(edited_entry)

    if problems:
        raise DiscretionError(problems, "table")
    assert manifest is not None and fields is not None
    try:
        changed = _write_catalog(out, manifest, manifest_text, fields, benchmarks, entries,
                                 update=update)
    except CatalogError as exc:
        if edits:  # the edits of visible cells are the likely cause: name their rows
            exc.problems.append(Problem(
                "the cells edited in the table: " + "; ".join(
                    f"{e.file} {e.path}" for e in edits[:10]) + ("; …" if len(edits) > 10 else ""),
                hint="line numbers above are those of the files as the import would write them\n"
                     "    中文：以上行号为导入后文件的行号；表格中被修改的单元格如上，请核对"))
        raise
    try:
        catalog = Catalog.load(out, cache=False)
    except CatalogError as exc:
        exc.problems.append(Problem(f"the catalog was written to {out} but does not validate",
                                    hint="fix the table rows of the items named above (or the YAML) "
                                         "and import again\n"
                                         "    中文：裁量基准已写入但未通过校验，请按上述位置修改后重新导入"))
        raise
    return ImportResult(out, len(benchmarks), len(entries), len(main.rows), len(payload_rows), warnings,
                        catalog, edits, changed)


def _payload_field_problem(sheet: Sheet, row: Row, what: str, code: str, field_codes: dict[str, Field_],
                           fields_known: bool) -> Problem | None:
    """The problem of a payload's ``field``, or None. The field names the file the item is
    written to (``benchmarks/<field>.yaml``): anything but a field code of the catalog — a path
    such as ``../x`` or ``/etc/x`` above all — is refused before anything is written."""
    known = ", ".join(field_codes) or "the codes of fields.yaml"
    if not FIELD_CODE.fullmatch(code):
        return _problem(sheet, row, f"{what} has the field {code!r}, which is not a field code: "
                        "the import writes each field's items to a file named after its code, and "
                        "this one would not be a file inside --out", "_item",
                        expected=f"a field code (capital letters and digits): {known}",
                        hint="correct \"field\" in the _item payload, or clear the row's _id and "
                             "_item to import it from its readable columns\n"
                             "    中文：事项数据（_item）中的领域代码无效，不能作为文件名；已拒绝导入，未写入任何文件。"
                             "请更正领域代码后重新导入")
    if fields_known and code not in field_codes:
        return _problem(sheet, row, f"{what} has the field '{code}', which the table's fields do not "
                        "list", "_item", expected=f"a field code: {known}",
                        hint="correct \"field\" in the _item payload, or add the field to --fields FILE\n"
                             "    中文：事项数据（_item）中的领域代码不在领域清单中；已拒绝导入，未写入任何文件")
    return None


def _plain_item(sheet: Sheet, rows: list[Row], field_code: str | None, field_codes: dict[str, Field_],
                by_name: dict[str, str], prefix: str, used_ids: set[str], counters: dict[str, int],
                problems: list[Problem], warnings: list[Problem], table_name: str) -> BenchmarkItem | None:
    """A benchmark item from the readable rows of one violation (违法行为名称 + 处罚法律条款)."""
    head = rows[0]
    before = len(problems)

    def report(row: Row, exc: CellError) -> None:
        problems.append(_problem(sheet, row, str(exc), exc.column, exc.expected))

    title = head.get("违法行为名称")
    if not title:
        problems.append(_problem(sheet, head, "违法行为名称 is empty", "违法行为名称"))
        return None
    code = field_code
    if code is None:
        name = head.get("行业领域")
        code = name if name in field_codes else by_name.get(name)
        if code is None:
            problems.append(_problem(sheet, head, f"unknown 行业领域 '{name}'", "行业领域",
                                     expected="a field name or code: " + "、".join(by_name),
                                     hint="pass --field CODE, or --fields FILE with this field"))
    violated: list[Citation] = []
    try:
        violated, _ = parse_citations(head.get("违反法律条款"), "违反法律条款")
        if not violated:
            raise CellError("违反法律条款", "no citation found", "《法规名称》第N条第N款")
    except CellError as exc:
        report(head, exc)
    penalty: Citation | None = None
    clause_text = ""
    try:
        cited, clause_text = parse_citations(head.get("处罚法律条款"), "处罚法律条款")
        if len(cited) != 1:
            raise CellError("处罚法律条款", f"{len(cited)} citations; a benchmark has one penalty clause",
                            "《法规名称》第N条第N款[：条文]")
        penalty = cited[0]
    except CellError as exc:
        report(head, exc)

    readings: list[tuple[Row, TierReading]] = []
    levels: list[str] = []
    for row in rows:
        level = row.get("违法程度")
        if not level:
            problems.append(_problem(sheet, row, "违法程度 is empty", "违法程度"))
            continue
        if level in levels:
            problems.append(_problem(sheet, row, f"tier '{level}' appears twice for '{title}'", "违法程度"))
            continue
        levels.append(level)
        try:
            readings.append((row, parse_tier_penalty(row.get("裁量基准"))))
        except CellError as exc:
            report(row, exc)
    if len(problems) > before or penalty is None or code is None:
        return None

    # the statutory penalty: parsed from the clause text when the table gives it
    note = f"imported from {table_name} rows " + ", ".join(str(r.number) for r in rows)
    statutory: Statutory | None = None
    clause = clause_text
    if clause_text:
        from discretion.statutes.clauses import parse_clause

        parsed = parse_clause(clause_text)
        statutory = parsed.statutory
        if statutory is None:
            reasons = "; ".join(str(u) for u in parsed.unparsed) or f"{len(parsed.variants)} ranges"
            problems.append(_problem(sheet, head, f"the penalty clause is not understood: {reasons}",
                                     "处罚法律条款", hint="split the clause's ranges into separate rows "
                                                          "or give the citation only"))
            return None
    else:
        statutory = _span_statutory(readings, sheet, problems)
        if statutory is None:
            return None
        clause = head.get("处罚法律条款")
        note += ("; the table gives no clause text: the statutory range is the span of the table's "
                 "tiers — check it against the statute")
        warnings.append(_problem(sheet, head, "no clause text after the citation: the statutory range "
                                 "is taken as the span of the tiers", "处罚法律条款"))

    tiers: list[Tier] = []
    kinds_of_clause = {s.kind for s in statutory.sanctions}
    multiples = any(s.base or s.per for s in statutory.sanctions if s.kind is SanctionKind.fine)
    for row, reading in readings:
        if reading.multiple != multiples and reading.fines:
            problems.append(_problem(sheet, row, "the tier's fine is " + ("a multiple" if reading.multiple
                                     else "an amount in yuan") + ", the clause's is not", "裁量基准"))
            continue
        extra = [k for k in reading.kinds if k not in kinds_of_clause]
        if extra:
            problems.append(_problem(sheet, row, "sanction not in the penalty clause: "
                                     + "、".join(SANCTION_LABELS[k] for k in extra), "裁量基准"))
            continue
        fine: TierFine | list[TierFine] | None = None
        if len(reading.fines) == 1:
            fine = reading.fines[0]
        elif reading.fines:
            fine = reading.fines
        level = row.get("违法程度")
        tiers.append(Tier(level=level,
                          when=f'{LEVEL_FACT} == "{level}"' if len(readings) > 1 else None,
                          description=row.get("违法情形") or None, fine=fine,
                          sanctions=[k for k in reading.kinds if k is not SanctionKind.fine]))
    if len(problems) > before:
        return None
    facts = [FactDecl(name=LEVEL_FACT, type="enum", label="违法程度",
                      values=[t.level for t in tiers])] if len(tiers) > 1 else []
    counters[code] = counters.get(code, 0)
    while True:
        counters[code] += 1
        item_id = f"{prefix}-{code}-{counters[code]:04d}"
        if item_id not in used_ids:
            break
    try:
        return BenchmarkItem(
            id=item_id, field=code, title=title, power_code=head.get("权力编码") or None,
            violated=violated, penalty=penalty, clause=clause, subject=head.get("处罚对象") or None,
            statutory=statutory, facts=facts, tiers=tiers,
            provenance=Provenance(file=penalty.law, article=penalty.article, tiers="official", note=note))
    except ValidationError as exc:
        problems.append(_problem(sheet, head, f"cannot build the item: {_validation_message(exc)}"))
        return None


def _span_statutory(readings: list[tuple[Row, TierReading]], sheet: Sheet,
                    problems: list[Problem]) -> Statutory | None:
    """Without clause text: one fine per party spanning the tiers, plus the other kinds named."""
    spans: dict[PartyScope, tuple[Decimal, Decimal]] = {}
    kinds: list[SanctionKind] = []
    for _, reading in readings:
        if reading.multiple:
            problems.append(_problem(sheet, readings[0][0], "a multiple-of-income fine needs the clause text "
                                     "(which income or value it multiplies)", "处罚法律条款",
                                     expected="《法规名称》第N条第N款：条文"))
            return None
        for fine in reading.fines:
            low, high = spans.get(fine.party, (fine.min, fine.max))
            assert fine.min is not None and fine.max is not None and low is not None and high is not None
            spans[fine.party] = (min(low, fine.min), max(high, fine.max))
        kinds += [k for k in reading.kinds if k not in kinds]
    sanctions = [Sanction(kind=SanctionKind.fine, party=party, min=low, max=high)
                 for party, (low, high) in spans.items()]
    sanctions += [Sanction(kind=k) for k in kinds if k is not SanctionKind.fine]
    if not sanctions:
        problems.append(_problem(sheet, readings[0][0] if readings else None,
                                 "no sanction can be read from the tiers", "裁量基准"))
        return None
    return Statutory(sanctions=sanctions)


# --- edits of exported rows: applied where the cell maps onto the model, refused otherwise ------

NOT_CATALOG_DATA = ("序号", "实施机关", "业务类别")  # running number, --agency, 行政处罚: not read
_ITEM_ATTRIBUTES = {"违法行为名称": "title", "事项名称": "title", "权力编码": "power_code",
                    "处罚对象": "subject", "违反法律条款": "violated"}
# A visible cell of an exported row that cannot be imported: why, the fix, and the officers' line.
_REFUSED: dict[str, tuple[str, str, str]] = {
    "行业领域": ("the field decides the file an item is written to and its id (LS-<FIELD>-…)",
             "restore the cell; to move the item, move it to benchmarks/<FIELD>.yaml in the "
             "catalog YAML with a new id, or clear the row's _id and _item to import its rows "
             "as a new item",
             "行业领域决定事项所在文件和编号，不能在表格中修改；请恢复原值，或者在YAML中移动该事项"),
    "处罚法律条款": ("the statutory penalty (statutory) is modelled from this clause in the catalog "
               "YAML: a new citation or clause text would leave it stale",
               "restore the cell and edit penalty, clause and statutory in the catalog YAML, or "
               "clear the rows' _id and _item to import them as an agency's rows (their clause "
               "text is then parsed)",
               "处罚法律条款决定法定处罚幅度，不能在表格中修改；请恢复原值，并在YAML中修改条款和法定处罚"),
    "处罚种类": ("it is derived from the penalty clause's sanctions",
             "restore the cell; a tier's own sanctions are edited in 裁量基准, the clause's in "
             "statutory.sanctions of the catalog YAML",
             "处罚种类由处罚条款生成，不能在表格中修改；请恢复原值"),
    "备注": ("it is generated from the tier's band, its condition and the item's id",
           "restore the cell; edit the tier's condition (tiers[N].when) or band in the catalog YAML",
           "备注由档次、适用条件和编号生成，不能在表格中修改；请恢复原值，在YAML中修改适用条件"),
    "清单类别": ("the kind of list decides the folder the entry is written to (lists/<kind>/)",
             "restore the cell; to move the entry, move it to the other list's file in the "
             "catalog YAML with a new id",
             "清单类别决定条目所在文件夹，不能在表格中修改；请恢复原值，或者在YAML中移动该条目"),
    "编号": ("ids are stable: an entry's id is never changed once published",
           "restore the cell; a new entry is written in lists/<kind>/<FIELD>.yaml with a new id",
           "编号一经公布不再变更，不能在表格中修改；请恢复原值"),
}
_LIST_ATTRIBUTES = {"事项名称": "title", "对应裁量基准": "benchmark", "法律依据": "basis",
                    "适用条件": "conditions_text", "适用方式": "mandatory", "后续措施": "follow_up",
                    "备注": "when"}
FOLLOW_UP_BY_LABEL = {label: kind for kind, label in FOLLOW_UP_LABELS.items()}
WHEN_PREFIX = "适用条件："


def _norm(text: str) -> str:
    return text.replace("\r\n", "\n").replace("\r", "\n").strip()


def _short(text: str, limit: int = 60) -> str:
    return text if len(text) <= limit else text[:limit - 1] + "…"


class _Refused(ValueError):
    """An edited cell that cannot be applied: why, what to do, the officers' line."""

    def __init__(self, why: str, fix: str, chinese: str, expected: str | None = None) -> None:
        super().__init__(why)
        self.why, self.fix, self.chinese, self.expected = why, fix, chinese, expected


def _excerpts(cell: str, exported: str, context: int = 12) -> tuple[str, str]:
    """The part of two texts that differs, with a little of what surrounds it."""
    if len(cell) <= 60 and len(exported) <= 60:
        return repr(cell), repr(exported)
    start = 0
    while start < min(len(cell), len(exported)) and cell[start] == exported[start]:
        start += 1
    end = 0
    while end < min(len(cell), len(exported)) - start and cell[-1 - end] == exported[-1 - end]:
        end += 1
    left = max(0, start - context)

    def cut(text: str) -> str:
        right = min(len(text), len(text) - end + context)
        middle = text[left:right]
        if len(middle) > 80:
            middle = middle[:79] + "…"
        return repr(("…" if left else "") + middle + ("…" if right < len(text) else ""))

    return cut(cell), cut(exported)


def _refusal(sheet: Sheet, row: Row, column: str, cell: str, exported: str, exc: _Refused) -> Problem:
    said, wrote = _excerpts(cell, exported)
    return _problem(
        sheet, row, f"the cell was edited — it says {said} where the row's payload (_item) has "
                    f"{wrote} — and the edit cannot be imported: {exc.why}",
        column, expected=exc.expected or f"the exported text: {exported}",
        hint=exc.fix + f"\n    中文：第{row.number}行“{column}”列已被修改，与隐藏的事项数据不一致；"
                       + exc.chinese + "；未写入任何文件")


def _applied(sheet: Sheet, row: Row, column: str, what: str, cell: str, exported: str) -> Problem:
    return _problem(sheet, row, f"edit applied to {what}: {_short(exported)!r} → {_short(cell)!r}",
                    column, hint=f"中文：已按第{row.number}行“{column}”列的修改更新{what}")


def _pair_rows(rows: list[Row], levels: list[str]) -> list[tuple[Row, int]]:
    """Each row with the tier it shows: by 违法程度 where it names a tier, else in row order (a
    sorted sheet, or a renamed level, still pairs each row with its own tier)."""
    free = list(range(len(levels)))
    paired: dict[int, int] = {}
    for position, row in enumerate(rows):
        match = next((t for t in free if levels[t] == row.get("违法程度")), None)
        if match is not None:
            paired[position] = match
            free.remove(match)
    rest = iter(free)
    return [(row, paired[p] if p in paired else next(rest)) for p, row in enumerate(rows)]


def _item_value(attribute: str, cell: str) -> Any:
    if attribute == "title":
        if not cell:
            raise _Refused("the title cannot be empty", "restore the cell or write the title",
                           "违法行为名称不能为空", "the violation's title")
        return cell
    if attribute == "violated":
        try:
            cited, rest = parse_citations(cell, "违反法律条款")
        except CellError as exc:
            raise _Refused(str(exc), "write the provisions as 《法规名称》第N条第N款；…",
                           "违反法律条款无法识别，请按“《法规名称》第N条第N款”填写",
                           exc.expected) from None
        if not cited or rest:
            raise _Refused(f"no citation can be read from {_short(cell)!r}" if not cited else
                           f"text after the citations: {_short(rest)!r}",
                           "write the provisions as 《法规名称》第N条第N款；…",
                           "违反法律条款无法识别，请按“《法规名称》第N条第N款”填写",
                           "《法规名称》第N条第N款") from None
        return [c.model_dump() for c in cited]
    return cell or None  # power_code, subject


def _fines_by_party(item: BenchmarkItem, tier: Tier, fines: list[TierFine],
                    policy: Policy) -> dict[str, Range | None]:
    """Per party kind: the bounds ``fines`` give, in the clause fine's unit."""
    result: dict[str, Range | None] = {}
    probe = Tier(level=tier.level, fine=fines or None, uses=tier.uses)
    for party in PARTY_WORDS:
        sanction = party_fine(item.statutory, party, tier.uses == "serious")
        tier_fine = tier_fine_for(probe, party)
        result[party] = None if sanction is None or tier_fine is None else \
            tier_bounds(tier_fine, sanction, policy)
    return result


def _penalty_update(item: BenchmarkItem, tier: Tier, cell: str, exported: str,
                    policy: Policy) -> dict[str, Any]:
    """The tier's ``fine`` and ``sanctions`` as an edited 裁量基准 cell gives them, or
    :class:`_Refused`. A fine that the words give as exported keeps its band."""
    fix = ("write the tier's penalty as the export does (处X元以上Y元以下罚款, 对单位…；对个人…, "
           "处违法所得N倍以上M倍以下罚款, 警告, 不予罚款), or edit tiers[N].fine in the catalog YAML")
    chinese = "裁量基准无法识别，请按导出的写法填写（如“处X元以上Y元以下罚款”），或者在YAML中修改"
    try:
        original = parse_tier_penalty(exported)
    except CellError:
        original = None
    own = _fines_by_party(item, tier, tier.fines, policy)
    kinds = [k for k in tier.sanctions]
    if original is None or _fines_by_party(item, tier, original.fines, policy) != own \
            or set(original.kinds) != set(kinds):
        raise _Refused("this tier's penalty cannot be read back from its words exactly (a "
                       "per-unit, capped or fallback fine, or a sanction the words do not name)",
                       "restore the cell and edit tiers[N].fine or sanctions in the catalog YAML",
                       "该档次的裁量基准不能从文字还原，请恢复原值并在YAML中修改")
    try:
        reading = parse_tier_penalty(cell)
    except CellError as exc:
        raise _Refused(str(exc), fix, chinese, exc.expected) from None
    update: dict[str, Any] = {}
    clause = {s.kind for stage in STAGES for s in clause_sanctions(item.statutory,
                                                                   tier.uses == "serious", stage)}
    if set(reading.kinds) != set(kinds):
        extra = [k for k in reading.kinds if k not in clause]
        if extra:
            raise _Refused("sanction not in the penalty clause: "
                           + "、".join(SANCTION_LABELS[k] for k in extra), fix,
                           "裁量基准中的处罚种类不在处罚条款中", "、".join(SANCTION_LABELS[k] for k in
                                                           clause if k is not SanctionKind.fine))
        update["sanctions"] = list(reading.kinds)
    if _fines_by_party(item, tier, reading.fines, policy) != own or \
            (not reading.fines) != (not tier.fines):
        multiple = any(s.base for s in clause_sanctions(item.statutory, tier.uses == "serious")
                       if s.kind is SanctionKind.fine)
        if reading.fines and reading.multiple != multiple:
            raise _Refused("the fine is " + ("a multiple" if reading.multiple else "an amount in "
                           "yuan") + ", the clause's is not", fix, chinese)
        for fine in reading.fines:
            kinds_of = [fine.party.value] if fine.party is not PartyScope.any else list(PARTY_WORDS)
            if all(party_fine(item.statutory, p, tier.uses == "serious") is None for p in kinds_of):
                raise _Refused(f"the clause has no fine for {fine.party.value}", fix, chinese)
        if reading.fines and SanctionKind.fine not in clause:
            raise _Refused("the clause has no fine", fix, chinese)
        update["fine"] = (None if not reading.fines else reading.fines[0].model_dump()
                          if len(reading.fines) == 1 else [f.model_dump() for f in reading.fines])
    return update


def _edited_item(sheet: Sheet, rows: list[Row], item: BenchmarkItem, policy: Policy,
                 field_name: str, problems: list[Problem], edits: list[Problem]) -> BenchmarkItem | None:
    """``item`` as its exported rows now show it: every visible cell that differs from what the
    export wrote is applied where it maps onto the model, or refused (a problem naming the row,
    the column, both texts and the fix). Returns None when something was refused."""
    before = len(problems)
    data = item.model_dump()
    item_cells: dict[str, list[tuple[Row, str, str, str]]] = {}
    applied: list[Problem] = []
    for row, index in _pair_rows(rows, [t.level for t in item.tiers]):
        tier = item.tiers[index]
        exported = dict(zip(COLUMNS, _visible_row(item, tier, field_name, policy), strict=True))
        for column in COLUMNS:
            cell, want = _norm(row.get(column)), _norm(exported[column])
            if column in NOT_CATALOG_DATA or cell == want:
                continue
            try:
                if column in _REFUSED:
                    raise _Refused(*_REFUSED[column])
                if column in _ITEM_ATTRIBUTES:
                    item_cells.setdefault(_ITEM_ATTRIBUTES[column], []).append((row, column, cell, want))
                    continue
                what = f"tiers[{index}]"
                if column == "违法程度":
                    if not cell:
                        raise _Refused("a tier needs its level", "restore the cell or write the level",
                                       "违法程度不能为空", "a tier level such as 一般")
                    data["tiers"][index]["level"] = cell
                    what += ".level"
                elif column == "违法情形":
                    data["tiers"][index]["description"] = cell or None
                    what += ".description"
                elif column == "裁量基准":
                    data["tiers"][index].update(_penalty_update(item, tier, cell, want, policy))
                    what += ".fine"
                else:  # pragma: no cover - every column is listed above
                    raise _Refused("this column is not read", "restore the cell", "该列不能修改")
                applied.append(_applied(sheet, row, column, f"{item.id} {what}", cell, want))
            except _Refused as exc:
                problems.append(_refusal(sheet, row, column, cell, want, exc))
    for attribute, cells in item_cells.items():
        values = {cell for _, _, cell, _ in cells}
        row, column, cell, want = cells[0]
        if len(values) > 1:
            where = ", ".join(f"row {r.number} {c}" for r, c, _, _ in cells)
            problems.append(_refusal(sheet, row, column, cell, want, _Refused(
                f"the item's rows were edited to different values ({where})",
                "give every row of the item the same text",
                "同一事项各行的内容不一致，请统一修改")))
            continue
        try:
            data[attribute] = _item_value(attribute, cell)
        except _Refused as exc:
            problems.append(_refusal(sheet, row, column, cell, want, exc))
            continue
        applied.append(_applied(sheet, row, column, f"{item.id} {attribute}", cell, want))
    levels = [t["level"] for t in data["tiers"]]
    if len(set(levels)) != len(levels) and len(problems) == before:
        problems.append(_problem(sheet, rows[0], f"after the edits, '{item.id}' has two tiers named "
                                 + "、".join(sorted({v for v in levels if levels.count(v) > 1})),
                                 "违法程度", hint="give each tier of the item its own level\n"
                                                  "    中文：同一事项的违法程度不能重复"))
    if len(problems) > before:
        return None
    if not applied:
        return item
    try:
        edited = BenchmarkItem.model_validate(data)
    except ValidationError as exc:
        problems.append(_problem(sheet, rows[0], f"the edited item '{item.id}' is not valid: "
                                 f"{_validation_message(exc)}", "_item",
                                 hint="restore the edited cells\n    中文：修改后的事项无效，请恢复修改"))
        return None
    edits.extend(applied)
    return edited


def _list_value(attribute: str, cell: str) -> Any:
    fix = "restore the cell, or write it as the export does"
    if attribute in ("title", "benchmark"):
        if not cell:
            raise _Refused("the cell cannot be empty", fix, "该列不能为空")
        return cell
    if attribute == "conditions_text":
        return cell or None
    if attribute == "mandatory":
        if cell not in ("应当", "可以"):
            raise _Refused(f"{cell!r} is neither 应当 nor 可以", fix, "适用方式只能填写“应当”或者“可以”",
                           "应当 or 可以")
        return cell == "应当"
    if attribute == "follow_up":
        words = [w for w in re.split(r"[、，,；;\s]+", cell) if w]
        unknown = [w for w in words if w not in FOLLOW_UP_BY_LABEL]
        if unknown:
            raise _Refused("unknown follow-up measure " + "、".join(unknown), fix,
                           "后续措施只能从以下选择：" + "、".join(FOLLOW_UP_BY_LABEL),
                           "、".join(FOLLOW_UP_BY_LABEL) + " (separated by 、)")
        return [FOLLOW_UP_BY_LABEL[w] for w in words]
    if attribute == "basis":
        return _item_value("violated", cell)
    # when: 备注 is 适用条件：<condition>
    when = cell[len(WHEN_PREFIX):].strip() if cell.startswith(WHEN_PREFIX) else ""
    if not when:
        raise _Refused(f"备注 holds the entry's condition as {WHEN_PREFIX}<condition>",
                       "write 适用条件： and the condition, or restore the cell",
                       f"备注应为“{WHEN_PREFIX}”加适用条件", f"{WHEN_PREFIX}<condition>")
    from discretion.conditions.parser import ConditionSyntaxError, parse_condition

    try:
        parse_condition(when)
    except ConditionSyntaxError as exc:
        raise _Refused(f"the condition does not parse at character {exc.offset + 1}: "
                       f"{exc.message}", "correct the condition (docs/catalog-format.md)",
                       "适用条件的写法有误，请更正", exc.expected) from None
    return when


def _edited_entry(sheet: Sheet, row: Row, entry: ListItem, field_name: str,
                  problems: list[Problem], edits: list[Problem]) -> ListItem | None:
    """``entry`` as its exported row now shows it (see :func:`_edited_item`)."""
    exported = dict(zip(LIST_COLUMNS, _visible_list_row(entry, field_name), strict=True))
    data = entry.model_dump()
    applied: list[Problem] = []
    before = len(problems)
    for column in LIST_COLUMNS:
        cell, want = _norm(row.get(column)), _norm(exported[column])
        if column == "序号" or cell == want:
            continue
        try:
            if column in _REFUSED and column not in _LIST_ATTRIBUTES:
                raise _Refused(*_REFUSED[column])
            attribute = _LIST_ATTRIBUTES[column]
            data[attribute] = _list_value(attribute, cell)
            applied.append(_applied(sheet, row, column, f"{entry.id} {attribute}", cell, want))
        except _Refused as exc:
            problems.append(_refusal(sheet, row, column, cell, want, exc))
    if len(problems) > before:
        return None
    if not applied:
        return entry
    try:
        edited = ListItem.model_validate(data)
    except ValidationError as exc:
        problems.append(_problem(sheet, row, f"the edited entry '{entry.id}' is not valid: "
                                 f"{_validation_message(exc)}", "_item",
                                 hint="restore the edited cells\n    中文：修改后的条目无效，请恢复修改"))
        return None
    edits.extend(applied)
    return edited


# --- writing the catalog folder; over an existing one, its comments and layout kept --------------

_MISSING: Any = object()


FLOW_WIDTH = 120  # a collection of scalars is written on one line up to this width


def _scalar_text(value: Any, column: int) -> str:
    text = yaml.safe_dump(value, allow_unicode=True, width=1 << 30, default_flow_style=True,
                          sort_keys=False)
    text = text.rstrip("\n")
    if text.endswith("\n..."):
        text = text[:-4]
    return text.replace("\n", "\n" + " " * column)


def _flow(value: Any) -> str | None:
    """A collection of scalars on one line, as the catalog files write citations and fines."""
    values = value.values() if isinstance(value, dict) else value
    if any(isinstance(v, dict | list) for v in values):
        return None
    text = _scalar_text(value, 0)
    return None if "\n" in text else text


def _dump_entry(key: str, value: Any, column: int) -> str:
    """``key: value`` as the catalog files write it (a short collection of scalars on one
    line, the rest in block style, sequences indented under their key); no line end."""
    head = _scalar_text(key, column) + ":"
    if not isinstance(value, dict | list) or not value:
        return f"{head} {_scalar_text(value, column + 2)}"
    flow = _flow(value)
    if flow is not None and column + len(head) + 1 + len(flow) <= FLOW_WIDTH:
        return f"{head} {flow}"
    inner = column + 2
    if isinstance(value, dict):
        return head + "".join("\n" + " " * inner + _dump_entry(str(k), v, inner)
                              for k, v in value.items())
    return head + "".join("\n" + " " * inner + "- " + _dump_value(v, inner + 2) for v in value)


def _dump_value(value: Any, column: int) -> str:
    """A sequence element, written after its ``- `` with its keys at ``column``."""
    if not isinstance(value, dict | list) or not value:
        return _scalar_text(value, column)
    flow = _flow(value)
    if flow is not None and column + len(flow) <= FLOW_WIDTH:
        return flow
    if isinstance(value, dict):
        return ("\n" + " " * column).join(_dump_entry(str(k), v, column) for k, v in value.items())
    return ("\n" + " " * column).join("- " + _dump_value(v, column + 2) for v in value)


def _end(text: str, node: yaml.Node) -> int:
    """Where ``node``'s own text ends: after its last character, not after the line breaks,
    blank lines and comments that follow it."""
    if isinstance(node, yaml.MappingNode) and not node.flow_style and node.value:
        key, value = node.value[-1]
        return max(_end(text, key), _end(text, value))
    if isinstance(node, yaml.SequenceNode) and not node.flow_style and node.value:
        return _end(text, node.value[-1])
    end = node.end_mark.index
    while end > node.start_mark.index and text[end - 1] in " \t\r\n":
        end -= 1
    return end


def _is_block(node: yaml.Node) -> bool:
    return isinstance(node, yaml.MappingNode | yaml.SequenceNode) and not node.flow_style \
        and bool(node.value)


def _patch(text: str, node: yaml.Node, old: Any, new: Any) -> str | None:
    """The text of ``node``'s span once its value ``old`` (as normalized) becomes ``new``: the
    span itself where they are equal, a block mapping or sequence patched entry by entry (each
    unchanged entry keeps its text and the comments above it), or None when the node is to be
    written anew by the caller."""
    if old == new:
        return text[node.start_mark.index:_end(text, node)]
    if not new:  # an empty mapping or sequence is written `{}` / `[]` by the caller
        return None
    if isinstance(node, yaml.MappingNode) and _is_block(node) and isinstance(old, dict) \
            and isinstance(new, dict):
        return _patch_mapping(text, node, old, new)
    if isinstance(node, yaml.SequenceNode) and _is_block(node) and isinstance(old, list) \
            and isinstance(new, list):
        return _patch_sequence(text, node, old, new)
    return None


def _patch_mapping(text: str, node: yaml.MappingNode, old: dict[str, Any], new: dict[str, Any]) -> str:
    column = node.value[0][0].start_mark.column
    pieces: list[str] = []
    previous_end = node.start_mark.index
    seen: set[str] = set()
    for key_node, value_node in node.value:
        key = str(key_node.value)
        seen.add(key)
        start, end = key_node.start_mark.index, _end(text, key_node)
        if isinstance(value_node, yaml.ScalarNode) and value_node.value == "" \
                and value_node.start_mark.index == value_node.end_mark.index:
            end = max(end, value_node.start_mark.index)  # `key:` with nothing after the colon
        else:
            end = max(end, _end(text, value_node))
        gap, previous_end = text[previous_end:start], end
        before, after = old.get(key, _MISSING), new.get(key, _MISSING)
        if after is _MISSING and before is not _MISSING:
            continue  # removed, with the comments above it
        if before == after:  # unchanged, or a default both leave out
            piece = text[start:end]
        else:
            patched = _patch(text, value_node, before, after) if _is_block(value_node) else None
            piece = text[start:value_node.start_mark.index] + patched if patched is not None \
                else _dump_entry(key, after, column)
        pieces.append((gap if gap else "\n" + " " * column) if pieces else "")
        pieces.append(piece)
    for key, value in new.items():
        if key not in seen:
            pieces.append(("\n" + " " * column) if pieces else "")
            pieces.append(_dump_entry(key, value, column))
    return "".join(pieces)


def _patch_sequence(text: str, node: yaml.SequenceNode, old: list[Any], new: list[Any]) -> str:
    elements = node.value
    dash = node.start_mark.column
    inner = elements[0].start_mark.column
    by_id = all(isinstance(v, dict) and "id" in v for v in (*old, *new))
    old_ids = [v["id"] for v in old] if by_id else []
    starts = [e.start_mark.index for e in elements]
    leads = [text[node.start_mark.index:starts[0]]] + [
        text[_end(text, elements[i - 1]):starts[i]] for i in range(1, len(elements))]
    pieces: list[str] = []
    for position, value in enumerate(new):
        if by_id:
            index = old_ids.index(value["id"]) if value["id"] in old_ids else None
        else:
            index = position if position < len(old) else None
        body = None
        if index is not None:
            body = _patch(text, elements[index], old[index], value)
        if body is None:
            body = _dump_value(value, inner)
        if index is None or index == 0:
            lead = "- " if position == 0 else "\n" + " " * dash + "- "
        else:
            lead = leads[index].lstrip("\r\n ") if position == 0 else leads[index]
        pieces.append(lead + body)
    return "".join(pieces)


def _patched_text(old_text: str, old: Any, new: Any) -> str | None:
    """``old_text`` (a YAML file whose value, normalized, is ``old``) rewritten to hold ``new``,
    its comments and layout kept wherever the values did not change; None when the file's layout
    is not one this can follow (the caller then keeps its header comments only)."""
    loader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # the C parser when present
    try:
        root = yaml.compose(old_text, Loader=loader)
    except yaml.YAMLError:
        return None
    if root is None:
        return None
    patched = _patch(old_text, root, old, new)
    if patched is None:
        return None
    return old_text[:root.start_mark.index] + patched + old_text[_end(old_text, root):]


def _header_comments(text: str) -> str:
    """The comment block at the top of a YAML file (its provenance notes)."""
    lines: list[str] = []
    for line in text.splitlines(keepends=True):
        if line.lstrip().startswith("#") or not line.strip():
            lines.append(line)
        else:
            break
    return "".join(lines)


def _normalized(raw: Any, model: type[BaseModel] | None, inherited: tuple[str, ...] = ()) -> Any:
    """A file's value as the import would write it, so that equal content compares equal:
    each item (or the whole file, for ``model``) validated and dumped without defaults. What
    does not validate stays as it is (and so differs from anything the import writes)."""
    if model is None or not isinstance(raw, dict):
        return raw
    if model is Manifest:
        try:
            return _plain(Manifest.model_validate(raw).model_dump(exclude_defaults=True))
        except ValidationError:
            return raw
    if model is Fields:
        try:
            return {**raw, "fields": [_plain(f.model_dump(exclude_defaults=True))
                                      for f in Fields.model_validate(raw).fields]}
        except ValidationError:
            return raw
    if not isinstance(raw.get("items"), list):
        return raw
    items: list[Any] = []
    for entry in raw["items"]:
        if not isinstance(entry, dict):
            items.append(entry)
            continue
        data = {**{k: raw[k] for k in inherited if k in raw}, **entry}
        try:
            dumped = _plain(model.model_validate(data).model_dump(exclude_defaults=True))
        except ValidationError:
            items.append(entry)
            continue
        for key in inherited:
            if key not in entry:
                dumped.pop(key, None)
        items.append(dumped)
    return {**raw, "items": items}


def _align_items(new: dict[str, Any], old: Any) -> dict[str, Any]:
    """New items keep the ``field``/``kind`` keys their old version wrote out itself."""
    if not isinstance(old, dict) or not isinstance(old.get("items"), list):
        return new
    written = {e.get("id"): e for e in old["items"] if isinstance(e, dict)}
    items = []
    for entry in new["items"]:
        before = written.get(entry.get("id"))
        if before is not None:
            extra = {k: new[k] for k in ("field", "kind") if k in before and before[k] == new.get(k)}
            if extra:
                entry = {**entry, **extra}
        items.append(entry)
    return {**new, "items": items}


@dataclass
class _Planned:
    data: Any  # what the file holds (plain values), None for a verbatim text
    verbatim: str | None = None  # the text to write as it is (a --manifest FILE)
    model: type[BaseModel] | None = None
    inherited: tuple[str, ...] = ()

    @property
    def text(self) -> str:
        """The file written anew."""
        if self.verbatim is not None:
            return self.verbatim
        return _yaml(self.data, "# Written by `discretion import` from a benchmark table.\n")


def _plan_catalog(manifest: Manifest, manifest_text: str | None, fields: list[Field_],
                  benchmarks: list[BenchmarkItem], entries: list[ListItem]) -> dict[tuple[str, ...], _Planned]:
    files: dict[tuple[str, ...], _Planned] = {}
    if manifest_text is not None:
        files[("manifest.yaml",)] = _Planned(None, manifest_text)
    else:
        data = _plain(manifest.model_dump(exclude_defaults=True))
        files[("manifest.yaml",)] = _Planned(data, None, Manifest)
    data = {"fields": [_plain(f.model_dump(exclude_defaults=True)) for f in fields]}
    files[("fields.yaml",)] = _Planned(data, None, Fields)
    by_field: dict[str, list[dict[str, Any]]] = {}
    for item in benchmarks:
        dumped = _plain(item.model_dump(exclude_defaults=True))
        dumped.pop("field", None)
        by_field.setdefault(item.field, []).append(dumped)
    for code, items in by_field.items():
        data = {"field": code, "items": items}
        files[("benchmarks", f"{code}.yaml")] = _Planned(data, None, BenchmarkItem, ("field",))
    by_list: dict[tuple[str, str], list[dict[str, Any]]] = {}
    for entry in entries:
        dumped = _plain(entry.model_dump(exclude_defaults=True))
        dumped.pop("field", None)
        dumped.pop("kind", None)
        by_list.setdefault((entry.kind.value, entry.field), []).append(dumped)
    for (kind, code), items in by_list.items():
        data = {"field": code, "kind": kind, "items": items}
        files[("lists", kind, f"{code}.yaml")] = _Planned(data, None, ListItem, ("field", "kind"))
    return files


def _over_existing(path: Path, planned: _Planned) -> str:
    """The text of ``path`` once it holds ``planned``: the existing file patched where its
    values changed (comments and layout kept), else the header comments and a new dump."""
    try:
        old_text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        return planned.text
    if planned.data is None:
        return planned.text
    try:  # read as the loader reads it (a key `on:` is the word, not a boolean)
        old_raw = load_yaml(old_text, str(path)).value
    except YamlError:
        old_raw = _MISSING
    if old_raw is not _MISSING:
        old = _normalized(old_raw, planned.model, planned.inherited)
        new = _align_items(planned.data, old_raw) if planned.inherited else planned.data
        patched = _patched_text(old_text, old, new)
        if patched is not None:
            return patched if patched.endswith("\n") else patched + "\n"
    header = _header_comments(old_text)
    return (header if header.strip() else "") + _yaml(planned.data)


def _catalog_item_files(root: Path) -> list[Path]:
    """The item files of a catalog folder (benchmarks/*.yaml, lists/<kind>/*.yaml)."""
    found = sorted((root / "benchmarks").glob("*.yaml")) if (root / "benchmarks").is_dir() else []
    for kind in ListKind:
        folder = root / "lists" / kind.value
        if folder.is_dir():
            found += sorted(folder.glob("*.yaml"))
    return [p for p in found if p.is_file()]


def _write_catalog(out: Path, manifest: Manifest, manifest_text: str | None, fields: list[Field_],
                   benchmarks: list[BenchmarkItem], entries: list[ListItem], *,
                   update: bool = False) -> list[Path]:
    """Write the catalog folder: every file is planned first, and nothing is written unless each
    one is inside ``out`` (file names come from field codes, which the table's payload carries).

    With ``update``, ``out`` is an existing catalog folder: each file is written over with its
    comments and layout kept (an unchanged item, or an unchanged key of a changed one, keeps
    its text and the comments above it; a file whose layout cannot be followed keeps its
    header comments), an item file the table no longer fills keeps its comments and no items,
    and nothing is changed unless the result validates first (in a folder beside ``out``).
    Returns the files an update wrote (an unchanged file is not touched).
    """
    if update:
        if not (out / "manifest.yaml").is_file():
            raise DiscretionError(Problem(
                "--update writes over an existing catalog folder, and this one has no manifest.yaml",
                file=str(out), expected="a catalog folder (manifest.yaml, fields.yaml, benchmarks/)",
                hint="import into a new folder without --update\n"
                     "    中文：--update 只能用于已有的裁量基准文件夹；新建时请去掉 --update"))
    elif out.exists() and (not out.is_dir() or any(out.iterdir())):
        raise DiscretionError(Problem("the output folder exists and is not empty", file=str(out),
                                      hint="import into a new folder, or add --update to write "
                                           "over the catalog in it (its YAML comments are kept)\n"
                                           "    中文：输出文件夹已存在且不为空；请换用新文件夹，"
                                           "或者加 --update 更新其中的裁量基准（保留YAML注释）"))
    files = _plan_catalog(manifest, manifest_text, fields, benchmarks, entries)
    for parts in files:  # import_table refuses such codes first; this is the last guard
        if not all(FILE_PART.fullmatch(part) for part in parts):
            raise DiscretionError(Problem(
                f"refusing to write {'/'.join(parts)!r}: it would not be a file inside --out",
                file=str(out), expected="files named after field codes (capital letters and digits)",
                hint="correct the field codes of the table's payload\n"
                     "    中文：拒绝写入 --out 以外的位置；请更正表格数据中的领域代码"))
    if not update:
        out.mkdir(parents=True, exist_ok=True)
        for parts, planned in files.items():
            path = out.joinpath(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(planned.text, encoding="utf-8")
        return []
    for path in _catalog_item_files(out):  # a file the table fills no longer: its items go, its
        parts = path.relative_to(out).parts  # comments (what is not encoded, and why) stay
        if parts not in files:
            kind = parts[1] if parts[0] == "lists" else None
            data = {"field": path.stem, **({"kind": kind} if kind else {}), "items": []}
            try:  # its own keys (field, kind) stay as it writes them
                raw = load_yaml(path.read_text(encoding="utf-8"), str(path)).value
            except (OSError, UnicodeDecodeError, YamlError):
                raw = None
            if isinstance(raw, dict):
                data = {**{k: v for k, v in raw.items() if k != "items"}, "items": []}
            files[parts] = _Planned(data, None, ListItem if kind else BenchmarkItem,
                                    ("field", "kind") if kind else ("field",))
    texts = {parts: _over_existing(out.joinpath(*parts), planned) if out.joinpath(*parts).is_file()
             else planned.text for parts, planned in files.items()}
    _validate_planned(out, texts)
    changed: list[Path] = []
    for parts, text in texts.items():
        path = out.joinpath(*parts)
        if path.is_file() and path.read_text(encoding="utf-8") == text:
            continue  # unchanged: not touched
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
        changed.append(path)
    return changed


def _validate_planned(out: Path, texts: dict[tuple[str, ...], str]) -> None:
    """Load the planned catalog from a folder beside ``out``; raise its problems (named as the
    files of ``out``) before anything in ``out`` is changed."""
    import shutil
    import tempfile

    scratch = Path(tempfile.mkdtemp(prefix=f".{out.name}-import-", dir=out.parent))
    try:
        for parts, text in texts.items():
            path = scratch.joinpath(*parts)
            path.parent.mkdir(parents=True, exist_ok=True)
            path.write_text(text, encoding="utf-8")
        try:
            Catalog.load(scratch, cache=False)
        except CatalogError as exc:
            from dataclasses import replace

            problems = [replace(p, file=p.file.replace(str(scratch), str(out))) if p.file else p
                        for p in exc.problems]
            problems.append(Problem(
                f"the imported catalog does not validate, so {out} was not changed",
                hint="fix the table rows of the items named above and import again\n"
                     "    中文：导入后的裁量基准未通过校验，原文件夹未作任何修改"))
            raise CatalogError(problems) from None
    finally:
        shutil.rmtree(scratch, ignore_errors=True)
