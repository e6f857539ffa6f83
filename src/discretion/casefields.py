"""What a case derives from its fields (its item ids, the day it is decided, the day it was
found), the forms its values must have, and the checks its fields must pass together.

The checks of :class:`~discretion.case.Case`'s validators, and the Chinese names and labels of
its fields; compiled with the engine (:mod:`discretion.engine.compiled`). Each check returns
the problem's message, or None.

Values are strict (docs/csv-columns.md, "Values are read strictly"): a value is read only in its
documented form, never coerced into another meaning. ``true`` is not an age (it would be 1, and
Art. 30 would spare the party), ``0`` is not a date (it would be 1970-01-01, and Art. 36's
period would have run out), ``"yes"`` is not true. The ``*_problem`` functions below say, in
English and in Chinese, what is wrong with a value and what to write instead; the pydantic
models (:mod:`discretion.case`) refuse the same values with or without them.

What an officer writes is read too, in these forms only: 是/否 for true/false
(:func:`flag_value`), ``2023年9月1日`` or ``2023年09月01日`` for a day (:func:`iso_day`), and the
Chinese names of the contract's choices (:data:`CHOICES`: 个人/单位, 没有/无/轻微/一般/严重,
按期改正/期限未届满/逾期未改正/拒不改正, 完全/尚未完全丧失/不能辨认或者控制,
公民生命健康安全/金融安全). :class:`~discretion.case.Case` reads them into the contract's own
values. Amounts and numbers with their units
(``3.6万元``, ``45平方米``) are facts, read against the item's declarations
(:func:`discretion.law.facts.coerce_fact`). :func:`chinese_line` gives the Chinese line of a
refusal pydantic itself words (a missing or unknown field, a value of the wrong type).
"""

from __future__ import annotations

import datetime as dt
import difflib
import re
from collections.abc import Mapping
from decimal import Decimal
from typing import Final

from discretion.money import shown

# The days a case may name. Outside them a date is a typing error (2202 for 2022, 0 read as
# 1970); and the limitation periods added to a day stay far from year 9999.
FIRST_DAY: Final = dt.date(1900, 1, 1)
LAST_DAY: Final = dt.date(2099, 12, 31)
ISO_DAY: Final = "[0-9]{4}-[0-9]{2}-[0-9]{2}"  # the form of a date as text (ASCII digits)
_ISO_DAY: Final = re.compile(ISO_DAY)
# A day as an officer writes it: 2023年9月1日 or 2023年09月01日 (ASCII digits, after
# normalize_digits), nothing between the parts
_CHINESE_DAY: Final = re.compile("([0-9]{4})年([0-9]{1,2})月([0-9]{1,2})日")
MAX_AGE: Final = 150

_WRITE_DAY: Final = ("write the day as YYYY-MM-DD, e.g. 2022-03-01, or as 2022年3月1日; "
                     "日期应写作“2022-03-01”或“2022年3月1日”（年-月-日）")
_WRITE_FLAG: Final = "write true or false (是 or 否); 应填写 true 或 false，也可写“是”或“否”"

# What an officer writes for yes/no (blanks around it dropped)
FLAGS: Final[dict[str, bool]] = {"是": True, "否": False}

# The Chinese names of the contract's choices, by field: the labels the case template gives them
# (discretion new, render/template.py). Each name reads as the contract's value; blanks around
# it are dropped. The contract's own values are read as before.
CHOICES: Final[dict[str, dict[str, str]]] = {
    "party.kind": {"个人": "individual", "单位": "organization"},
    "party.capacity": {"完全": "full", "尚未完全丧失": "partial", "不能辨认或者控制": "none"},
    "harm": {"没有": "none", "无": "none", "轻微": "minor", "一般": "ordinary", "严重": "serious"},
    "correction": {"按期改正": "in_time", "期限未届满": "pending", "逾期未改正": "overdue",
                   "拒不改正": "refused"},
    "involves": {"公民生命健康安全": "life_health", "金融安全": "financial_security"},
}

# Each field of the contract in Chinese, for the Chinese line of a refusal (the labels of the
# case template)
FIELD_LABELS: Final[dict[str, str]] = {
    "item": "事项编号", "citation": "处罚依据", "citation.law": "法律名称",
    "citation.article": "条", "citation.paragraph": "款", "citation.item": "项",
    "party": "当事人", "party.kind": "当事人类型", "party.age": "年龄",
    "party.capacity": "辨认、控制能力", "party.name": "当事人名称",
    "occurred_on": "违法行为发生日期", "ended_on": "行为终了日期", "discovered_on": "发现违法行为的日期",
    "decided_on": "作出处罚决定的日期", "first_offense": "是否初次违法", "harm": "危害后果",
    "correction": "改正情况", "no_fault_proven": "是否有证据足以证明没有主观过错",
    "circumstances": "法定情节", "involves": "是否涉及生命健康安全、金融安全", "facts": "事实",
    "tier": "裁量阶次", "reference": "案件编号",
}


def day_problem(value: object) -> str | None:
    """What is wrong with a date as a case gives it (text already stripped, its full-width
    digits read as ASCII), or None: a ``datetime.date``, ``YYYY-MM-DD`` text or the Chinese
    form (:func:`iso_day`), from :data:`FIRST_DAY` to :data:`LAST_DAY`. ``None`` passes (the
    caller knows whether the date is required)."""
    if value is None:
        return None
    if isinstance(value, bool):
        return f"{shown(value)} is not a date: {_WRITE_DAY}"
    if isinstance(value, int | float | Decimal):
        return (f"{shown(value)} is not a date: a number is never read as a date (not as days, "
                f"nor as seconds since 1970); {_WRITE_DAY}")
    if isinstance(value, dt.datetime):
        return (f"{shown(value)} is a date and time: give the day only; {_WRITE_DAY}")
    if isinstance(value, str):
        iso = iso_day(value)
        if _ISO_DAY.fullmatch(iso) is None:
            return f"{shown(value)} is not a date in the form YYYY-MM-DD: {_WRITE_DAY}"
        try:
            day = dt.date.fromisoformat(iso)
        except ValueError:
            return (f"{shown(value)} is not a day of the calendar; "
                    f"日期“{value}”不存在，请核对年、月、日")
        return _bounds_problem(day)
    if isinstance(value, dt.date):
        return _bounds_problem(value)
    return f"{shown(value)} is not a date: {_WRITE_DAY}"


def iso_day(text: str) -> str:
    """``text`` (stripped, its full-width digits read as ASCII) as ``YYYY-MM-DD`` when it is a
    day in the Chinese form, ``2023年9月1日`` or ``2023年09月01日`` (``2023-09-01``); any other
    text as it is. Whether the day is in the calendar is :func:`day_problem`'s to say."""
    found = _CHINESE_DAY.fullmatch(text)
    if found is None:
        return text
    year, month, day = found.groups()
    return f"{year}-{month.zfill(2)}-{day.zfill(2)}"


def _bounds_problem(day: dt.date) -> str | None:
    if FIRST_DAY <= day <= LAST_DAY:
        return None
    return (f"{day.isoformat()} is outside {FIRST_DAY.isoformat()} .. {LAST_DAY.isoformat()}: "
            f"check the year; 日期须在{FIRST_DAY.year}年至{LAST_DAY.year}年之间，请核对年份")


def age_problem(value: object) -> str | None:
    """What is wrong with ``party.age`` (whole years, an int from 0 to 150), or None."""
    if value is None or (type(value) is int and 0 <= value <= MAX_AGE):
        return None
    if isinstance(value, bool):
        return (f"{shown(value)} is not an age (YAML reads a bare yes/no/on/off as true/false): "
                "give the age in whole years as a number, e.g. 35; 年龄应填写整数周岁，如 35")
    if isinstance(value, int):
        return (f"{shown(value)} is not an age from 0 to {MAX_AGE}: check it; "
                f"年龄应在0至{MAX_AGE}周岁之间，请核对")
    return (f"{shown(value)} is not an age: give the age in whole years as a number (not text, "
            "not a decimal), e.g. 35; 年龄应填写整数周岁（数字），如 35")


def flag_problem(value: object) -> str | None:
    """What is wrong with a yes/no field of a case (``first_offense``, ``no_fault_proven``),
    or None: only true and false are read, and 是 and 否 (:func:`flag_value`; null where the
    field may be left unestablished, which the model decides)."""
    if value is None or isinstance(value, bool):
        return None
    if isinstance(value, str) and value.strip() in FLAGS:
        return None
    return (f"{shown(value)} is not true or false (other text and numbers are not read as "
            f"yes/no): {_WRITE_FLAG}")


def flag_value(value: object) -> object:
    """A yes/no value as a case gives it, with 是 and 否 (blanks around them dropped) read as
    true and false; any other value as it is."""
    if isinstance(value, str):
        flag = FLAGS.get(value.strip())
        if flag is not None:
            return flag
    return value


def choice_value(field: str, value: object) -> object:
    """A choice of the contract (``field`` is its path: ``harm``, ``party.kind``…) with its
    Chinese name (:data:`CHOICES`) read as the contract's value; any other value as it is (the
    contract's enum then reads or refuses it)."""
    if type(value) is str and value.isascii():  # the contract's own value (no name is ASCII)
        return value
    if isinstance(value, str):
        named = CHOICES[field].get(value.strip())
        if named is not None:
            return named
    return value


def involves_value(value: object) -> object:
    """``involves`` as a case gives it, each Chinese name in the list read as the contract's
    value (:func:`choice_value`); any other value as it is."""
    if isinstance(value, list):
        return [choice_value("involves", entry) for entry in value]
    return value


def choices_chinese(field: str) -> str:
    """The Chinese names of ``field``'s choices, as a message lists them: 没有（无）、轻微…"""
    names: dict[str, list[str]] = {}
    for name, value in CHOICES[field].items():
        names.setdefault(value, []).append(name)
    return "、".join(group[0] + "".join(f"（{other}）" for other in group[1:])
                    for group in names.values())


def item_form_problem(value: object) -> str | None:
    """What is wrong with the form of ``item`` (a catalog id, or a list of them), or None;
    refuses only what the model's types refuse too (a number, true, bytes, a date; a list
    holding one of them)."""
    if isinstance(value, bool | int | float | Decimal | bytes | dt.date):
        return (f"{shown(value)} is not a catalog id: give the id as text, e.g. LS-SRHJ-0001, or "
                "a list of ids; 应填写事项编号（文本），如 LS-SRHJ-0001")
    if isinstance(value, list):
        for index, entry in enumerate(value):
            if not isinstance(entry, str):
                return (f"item[{index}]: {shown(entry)} is not a catalog id: give each id as "
                        "text, e.g. LS-SRHJ-0001; 应填写事项编号（文本）")
    return None


def number_problem(value: object, part: str) -> str | None:
    """What is wrong with a whole number of a citation (``article``, ``paragraph``, ``item``),
    or None."""
    if value is None or type(value) is int:
        return None
    return (f"{shown(value)} is not a whole number: give the {part} as a number, e.g. 30; "
            "条、款、项应填写数字，如 30")


def fact_value_problem(value: object) -> str | None:
    """What is wrong with a fact's value before its item's declaration is read, or None:
    true/false, a number, or text (a float is made text first: :func:`float_text`)."""
    if isinstance(value, bool | int | Decimal | str):
        return None
    return (f"{shown(value)} is not a fact value: give true/false, a number, or text (amounts as "
            "text, e.g. \"1200.50\"); 事实应填写 true/false、数字或文本")


def float_text(value: float) -> str:
    """A binary float (as YAML reads ``12.5``) as the decimal text it was written as, never in
    exponent form (``1e-05`` is ``0.00001``): facts are read from text, exactly."""
    text = repr(value)
    if "e" in text:
        return format(Decimal(text), "f")
    return text


def item_ids(item: str | list[str] | None) -> list[str]:
    """The catalog ids a case names: none (a citation instead), one, or several (Art. 29)."""
    if item is None:
        return []
    return [item] if isinstance(item, str) else list(item)


def party_problem(kind: str, age: int | None) -> str | None:
    if kind == "organization" and age is not None:
        return "an organization has no age; remove party.age; 当事人为单位的，不填写年龄，请删除 age"
    return None


def items_problem(item: str | list[str] | None) -> str | None:
    if isinstance(item, list):
        if not item:
            return "an empty list names no item; 事项编号列表为空，请至少填写一个事项编号"
        if len(set(item)) != len(item):
            return "the same item is listed twice; 同一事项编号填写了两次，请删除重复的"
    return None


def circumstances_problem(codes: list[str]) -> str | None:
    if len(set(codes)) != len(codes):
        return "a circumstance is listed twice; 同一法定情节填写了两次，请删除重复的"
    return None


def consistency_problem(item: object, citation: object, occurred_on: dt.date,
                        ended_on: dt.date | None, discovered_on: dt.date | None,
                        decided_on: dt.date | None) -> str | None:
    """The violation is named once (item or citation), and the dates are in order."""
    if item is None and citation is None:
        return ("name the violation: give item (a catalog id) or citation; "
                "请填写事项编号（item）或者处罚依据（citation）")
    if item is not None and citation is not None:
        return "give item or citation, not both; 事项编号（item）和处罚依据（citation）只填写一项"
    if ended_on and ended_on < occurred_on:
        return ("ended_on is before occurred_on; "
                "行为终了日期（ended_on）早于违法行为发生日期（occurred_on），请核对")
    if decided_on and decided_on < occurred_on:
        return ("decided_on is before occurred_on; "
                "作出处罚决定的日期（decided_on）早于违法行为发生日期（occurred_on），请核对")
    if discovered_on and discovered_on < occurred_on:
        return ("discovered_on is before occurred_on; "
                "发现违法行为的日期（discovered_on）早于违法行为发生日期（occurred_on），请核对")
    if decided_on and discovered_on and decided_on < discovered_on:
        return ("decided_on is before discovered_on; "
                "作出处罚决定的日期（decided_on）早于发现违法行为的日期（discovered_on），请核对")
    return None


def has_chinese(text: str) -> bool:
    """Whether ``text`` holds a Chinese character (a refusal's Chinese line)."""
    return any("\u4e00" <= char <= "\u9fff" for char in text)


def field_label(path: str) -> str:
    """The Chinese name of the field at ``path`` (``party.age``, ``involves[1]``,
    ``facts.area_m2``), with its path: 年龄（party.age）."""
    bare = re.sub(r"\[[0-9]+\]", "", path)
    label = FIELD_LABELS.get(bare)
    if label is None and bare.startswith("facts."):
        label = "事实"
    return f"{label}（{path}）" if label else f"“{path}”"


# An example of each field that is a group of fields (for chinese_line)
_GROUPS: Final[dict[str, str]] = {
    "party": "party: {kind: 个人, age: 35}",
    "citation": "citation: {law: 浙江省城市市容和环境卫生管理条例, article: 11}",
    "facts": "facts: {area_m2: 12.5}",
}


def chinese_line(kind: str, path: str, context: Mapping[str, object] | None) -> str:
    """The Chinese line of a refusal pydantic words itself (its error type ``kind``), at the
    field ``path``, with the error's ``context`` (pydantic's ``ctx``: a bound, a length)."""
    where = field_label(path) if path else "案件"
    bare = re.sub(r"\[[0-9]+\]", "", path)
    ctx = context or {}
    if kind == "missing":
        return f"缺少必填项：{where}，请补充"
    if kind == "extra_forbidden":
        return f"案件没有{where}这一项，请删除或者核对名称"
    if kind in ("enum", "literal_error"):
        if bare in CHOICES:
            return f"{where}应填写：{choices_chinese(bare)}"
        return f"{where}不是可以填写的取值，请按说明填写"
    if kind in ("dict_type", "model_type", "model_attributes_type"):
        return f"{where}应填写为一组“名称: 值”（如 {_GROUPS.get(bare, 'party: {kind: 个人}')}）"
    if kind in ("list_type", "tuple_type", "set_type"):
        return f"{where}应填写为列表（如 [a, b]），没有的写 []"
    if kind in ("string_type", "string_sub_type", "string_unicode"):
        return f"{where}应填写文字"
    if kind == "string_too_short":
        return f"{where}不能为空"
    if kind == "string_too_long":
        return f"{where}过长，请核对"
    if kind.startswith("int_") or kind.startswith("float_") or kind.startswith("decimal_"):
        return f"{where}应填写数字"
    if kind.startswith("bool_"):
        return f"{where}应填写 true 或 false，也可写“是”或“否”"
    if kind.startswith("date") or kind.startswith("datetime"):
        return f"{where}应写作“2022-03-01”或“2022年3月1日”"
    if kind in ("greater_than_equal", "greater_than"):
        bound = ctx.get("ge", ctx.get("gt"))
        return f"{where}不能小于{bound}" if kind == "greater_than_equal" else f"{where}应大于{bound}"
    if kind in ("less_than_equal", "less_than"):
        bound = ctx.get("le", ctx.get("lt"))
        return f"{where}不能大于{bound}" if kind == "less_than_equal" else f"{where}应小于{bound}"
    if kind in ("too_short", "too_long"):
        return f"{where}所填项数不符合要求，请核对"
    return f"{where}填写有误，请按说明核对"


def unknown_field_hint(path: str) -> str:
    """How to fix the unknown field at ``path``: the field it looks meant as (its Chinese name,
    or a near spelling of a field beside it), else where the fields are listed; in English and
    Chinese."""
    parent, _, name = path.rpartition(".")
    prefix = parent + "." if parent else ""
    known = [field[len(prefix):] for field in FIELD_LABELS
             if field.startswith(prefix) and "." not in field[len(prefix):]]
    for field in known:
        if FIELD_LABELS[prefix + field] == name.strip():
            return f"name the field {field}; 字段名应写作 {field}"
    close = difflib.get_close_matches(name, known, n=1, cutoff=0.75)
    if close:
        return f"did you mean {close[0]}? 是否应为 {close[0]}？"
    return ("remove it; see docs/schema/case.schema.json for the fields; "
            "请删除，可填写的项目见 docs/schema/case.schema.json")


__all__ = ["CHOICES", "FIELD_LABELS", "FIRST_DAY", "FLAGS", "ISO_DAY", "LAST_DAY", "MAX_AGE",
           "age_problem", "chinese_line", "choice_value", "choices_chinese", "circumstances_problem",
           "consistency_problem", "day_problem", "fact_value_problem", "field_label",
           "flag_problem", "flag_value", "float_text", "has_chinese", "involves_value",
           "iso_day", "item_form_problem", "item_ids", "items_problem", "number_problem",
           "party_problem", "unknown_field_hint"]
