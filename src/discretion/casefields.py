"""What a case derives from its fields (its item ids, the day it is decided, the day it was
found), the forms its values must have, and the checks its fields must pass together.

One definition for :class:`~discretion.case.Case` (its methods and validators) and for the
engine's compiled copy and fast path, :mod:`discretion.law.caseview`; compiled with the engine
(:mod:`discretion.compiled`). Each check returns the problem's message, or None.

Values are strict (docs/csv-columns.md, "Values are read strictly"): a value is read only in its
documented form, never coerced into another meaning. ``true`` is not an age (it would be 1, and
Art. 30 would spare the party), ``0`` is not a date (it would be 1970-01-01, and Art. 36's
period would have run out), ``"yes"`` is not true. The ``*_problem`` functions below say, in
English and in Chinese, what is wrong with a value and what to write instead; the pydantic
models (:mod:`discretion.case`) refuse the same values with or without them.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from typing import Final

from discretion.money import shown

# The days a case may name. Outside them a date is a typing error (2202 for 2022, 0 read as
# 1970); and the limitation periods added to a day stay far from year 9999.
FIRST_DAY: Final = dt.date(1900, 1, 1)
LAST_DAY: Final = dt.date(2099, 12, 31)
ISO_DAY: Final = "[0-9]{4}-[0-9]{2}-[0-9]{2}"  # the form of a date as text (ASCII digits)
_ISO_DAY: Final = re.compile(ISO_DAY)
MAX_AGE: Final = 150

_WRITE_DAY: Final = ("write the day as YYYY-MM-DD, e.g. 2022-03-01; "
                     "日期应写作“2022-03-01”（年-月-日）")
_WRITE_FLAG: Final = "write true or false; 应填写 true（是）或 false（否）"


def day_problem(value: object) -> str | None:
    """What is wrong with a date as a case gives it (text already stripped, its full-width
    digits read as ASCII), or None: a ``datetime.date`` or ``YYYY-MM-DD`` text, from
    :data:`FIRST_DAY` to :data:`LAST_DAY`. ``None`` passes (the caller knows whether the date
    is required)."""
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
        if _ISO_DAY.fullmatch(value) is None:
            return f"{shown(value)} is not a date in the form YYYY-MM-DD: {_WRITE_DAY}"
        try:
            day = dt.date.fromisoformat(value)
        except ValueError:
            return (f"{shown(value)} is not a day of the calendar; "
                    f"日期“{value}”不存在，请核对年、月、日")
        return _bounds_problem(day)
    if isinstance(value, dt.date):
        return _bounds_problem(value)
    return f"{shown(value)} is not a date: {_WRITE_DAY}"


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
    or None: only true and false are read (null where the field may be left unestablished,
    which the model decides)."""
    if value is None or isinstance(value, bool):
        return None
    return (f"{shown(value)} is not true or false (text and numbers are not read as yes/no): "
            f"{_WRITE_FLAG}")


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
        return "an organization has no age; remove party.age"
    return None


def items_problem(item: str | list[str] | None) -> str | None:
    if isinstance(item, list):
        if not item:
            return "an empty list names no item"
        if len(set(item)) != len(item):
            return "the same item is listed twice"
    return None


def circumstances_problem(codes: list[str]) -> str | None:
    if len(set(codes)) != len(codes):
        return "a circumstance is listed twice"
    return None


def consistency_problem(item: object, citation: object, occurred_on: dt.date,
                        ended_on: dt.date | None, discovered_on: dt.date | None,
                        decided_on: dt.date | None) -> str | None:
    """The violation is named once (item or citation), and the dates are in order."""
    if item is None and citation is None:
        return "name the violation: give item (a catalog id) or citation"
    if item is not None and citation is not None:
        return "give item or citation, not both"
    if ended_on and ended_on < occurred_on:
        return "ended_on is before occurred_on"
    if decided_on and decided_on < occurred_on:
        return "decided_on is before occurred_on"
    if discovered_on and discovered_on < occurred_on:
        return "discovered_on is before occurred_on"
    if decided_on and discovered_on and decided_on < discovered_on:
        return "decided_on is before discovered_on"
    return None


__all__ = ["FIRST_DAY", "ISO_DAY", "LAST_DAY", "MAX_AGE", "age_problem", "circumstances_problem",
           "consistency_problem", "day_problem", "fact_value_problem", "flag_problem",
           "float_text", "item_form_problem", "item_ids", "items_problem", "number_problem",
           "party_problem"]
