"""Edits of an exported table: a visible cell that differs from the row's payload is an edit.

An edit is never ignored: :func:`edited_item` and :func:`edited_entry` **apply** it where the
cell maps onto the model (title, citations, a tier's level, description, fine and sanctions,
a list entry's text, mode, follow-up and condition) and **refuse** it otherwise, with the row,
the column, the part of the cell that differs next to what the payload says, and the fix
(docs/tables.md, "Editing an exported table").
"""

from __future__ import annotations

import re
from typing import Any

from pydantic import ValidationError

from discretion.catalog.models import (
    SANCTION_LABELS,
    BenchmarkItem,
    ListItem,
    PartyScope,
    Policy,
    SanctionKind,
    Tier,
    TierFine,
)
from discretion.catalog.ranges import clause_sanctions, party_fine, tier_bounds, tier_fine_for
from discretion.catalog.sanctions import STAGES
from discretion.errors import Problem
from discretion.money import Range
from discretion.tables.cells import CellError, parse_citations, parse_tier_penalty
from discretion.tables.columns import COLUMNS, FOLLOW_UP_LABELS, LIST_COLUMNS, PARTY_WORDS
from discretion.tables.export import visible_list_row, visible_row
from discretion.tables.reader import Row, Sheet, problem

__all__ = ["edited_entry", "edited_item", "validation_message"]


def validation_message(exc: ValidationError) -> str:
    """The first error of a pydantic validation, with its location."""
    first = exc.errors()[0]
    where = ".".join(str(p) for p in first["loc"])
    return f"{where}: {first['msg']}" if where else first["msg"]


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
    return problem(
        sheet, row, f"the cell was edited — it says {said} where the row's payload (_item) has "
                    f"{wrote} — and the edit cannot be imported: {exc.why}",
        column, expected=exc.expected or f"the exported text: {exported}",
        hint=exc.fix + f"\n    中文：第{row.number}行“{column}”列已被修改，与隐藏的事项数据不一致；"
                       + exc.chinese + "；未写入任何文件")


def _applied(sheet: Sheet, row: Row, column: str, what: str, cell: str, exported: str) -> Problem:
    return problem(sheet, row, f"edit applied to {what}: {_short(exported)!r} → {_short(cell)!r}",
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


def edited_item(sheet: Sheet, rows: list[Row], item: BenchmarkItem, policy: Policy,
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
        exported = dict(zip(COLUMNS, visible_row(item, tier, field_name, policy), strict=True))
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
        problems.append(problem(sheet, rows[0], f"after the edits, '{item.id}' has two tiers named "
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
        problems.append(problem(sheet, rows[0], f"the edited item '{item.id}' is not valid: "
                                 f"{validation_message(exc)}", "_item",
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


def edited_entry(sheet: Sheet, row: Row, entry: ListItem, field_name: str,
                  problems: list[Problem], edits: list[Problem]) -> ListItem | None:
    """``entry`` as its exported row now shows it (see :func:`_edited_item`)."""
    exported = dict(zip(LIST_COLUMNS, visible_list_row(entry, field_name), strict=True))
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
        problems.append(problem(sheet, row, f"the edited entry '{entry.id}' is not valid: "
                                 f"{validation_message(exc)}", "_item",
                                 hint="restore the edited cells\n    中文：修改后的条目无效，请恢复修改"))
        return None
    edits.extend(applied)
    return edited


