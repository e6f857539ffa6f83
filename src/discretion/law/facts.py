"""Turning a case into the environment conditions read, and checking its facts against an item.

The environment maps every vocabulary name to its value, or leaves it out when the case does
not establish it (the engine then never guesses: it asks for the fact).
"""

from __future__ import annotations

import difflib
import re
from dataclasses import dataclass, field
from decimal import Decimal

from discretion.case import Case
from discretion.casefields import FLAGS
from discretion.catalog.models import BenchmarkItem, FactDecl, Manifest
from discretion.catalog.vocabulary import (
    BASE_NAMES,
    BASE_PATHS,
    BUILTIN_CIRCUMSTANCES,
    circumstance_codes,
    item_facts,
)
from discretion.errors import Problem
from discretion.money import MoneyError, normalize_digits, shown, to_money

MAX_AMOUNT = Decimal("1e13")  # ten trillion yuan: anything larger is a typing error


@dataclass(slots=True)
class Env:
    """The values a case gives the conditions of one item, with every name's label, path and
    type. ``labels``, ``paths`` and ``types`` belong to the item's :class:`EnvShape` and are
    shared between cases: read them, never change them."""

    values: dict[str, object] = field(default_factory=dict)
    labels: dict[str, str] = field(default_factory=dict)
    paths: dict[str, str] = field(default_factory=dict)
    types: dict[str, str] = field(default_factory=dict)


@dataclass(frozen=True)
class EnvShape:
    """What every environment of one item shares: the names, their labels, paths and types,
    and the item's fact declarations (built once per item by :func:`env_shape`)."""

    labels: dict[str, str]
    paths: dict[str, str]
    types: dict[str, str]
    facts: dict[str, FactDecl]
    absent: dict[str, bool]  # every circumstance code -> False: a case's starting point


def env_shape(item: BenchmarkItem, manifest: Manifest) -> EnvShape:
    labels: dict[str, str] = {}
    paths: dict[str, str] = {}
    types: dict[str, str] = {}
    for name in BASE_PATHS:
        labels[name] = BASE_NAMES[name].label
        paths[name] = BASE_PATHS[name]
        types[name] = BASE_NAMES[name].kind
    codes = circumstance_codes(manifest)
    for code, label in codes.items():
        labels[code] = label
        paths[code] = "circumstances"
        types[code] = "boolean"
    facts = item_facts(item)
    for name, decl in facts.items():
        labels[name] = decl.label
        paths[name] = f"facts.{name}"
        types[name] = decl.type
    return EnvShape(labels, paths, types, facts, dict.fromkeys(codes, False))


def check_circumstances(case: Case, manifest: Manifest) -> list[Problem]:
    known = circumstance_codes(manifest)
    problems = []
    for index, code in enumerate(case.circumstances):
        if code not in known:
            close = difflib.get_close_matches(code, list(known), n=2)
            problems.append(Problem(f"unknown circumstance '{code}'; 没有“{code}”这一法定情节，"
                                    "请按目录的代码填写", path=f"circumstances[{index}]",
                                    expected="one of " + ", ".join(sorted(known)),
                                    hint=("did you mean " + " or ".join(close) + "?") if close
                                    else "catalog-defined circumstances are listed by `discretion list`"))
    return problems


def build_env(case: Case, item: BenchmarkItem, manifest: Manifest,
              also_known: set[str] | frozenset[str] = frozenset(),
              shape: EnvShape | None = None) -> tuple[Env, list[Problem]]:
    """The condition environment of ``case`` for ``item``, and the problems of its facts.

    Facts named in ``also_known`` (declared by the other items of an Art. 29 case) are
    ignored rather than reported as unknown. ``shape`` is the item's :func:`env_shape`
    (computed when not given).
    """
    if shape is None:
        shape = env_shape(item, manifest)
    party = case.party
    values: dict[str, object] = {}
    if case.first_offense is not None:
        values["first_offense"] = case.first_offense
    if case.harm is not None:
        values["harm"] = str(case.harm)
    if case.correction is not None:
        values["correction"] = str(case.correction)
    values["party_kind"] = str(party.kind)
    if party.age is not None:
        values["age"] = Decimal(party.age)
    values["capacity"] = str(party.capacity)
    values["no_fault_proven"] = case.no_fault_proven
    values["duration_days"] = Decimal(((case.ended_on or case.occurred_on) - case.occurred_on).days + 1)
    values.update(shape.absent)
    for code in case.circumstances:
        if code in shape.absent:
            values[code] = True
    env = Env(values, shape.labels, shape.paths, shape.types)
    problems: list[Problem] = []
    facts = shape.facts
    for name, raw in case.facts.items():
        decl = facts.get(name)
        if decl is None and name in also_known:
            continue
        if decl is None:
            close = difflib.get_close_matches(name, list(facts), n=2)
            problems.append(Problem(f"'{name}' is not a fact of {item.id}; “{name}”不是事项"
                                    f"{item.id}的事实，请核对名称", path=f"facts.{name}",
                                    expected="one of " + ", ".join(sorted(facts)),
                                    hint=("did you mean " + " or ".join(close) + "?") if close
                                    else f"see `discretion show {item.id}` for its facts"))
            continue
        try:
            values[name] = coerce_fact(decl, raw)
        except ValueError as exc:
            problems.append(Problem(str(exc), path=f"facts.{name}", expected=_expected(decl)))
    return env, problems


def _expected(decl: FactDecl) -> str:
    unit = f" ({decl.unit})" if decl.unit else ""
    with_unit = f", or with its unit: 12.5{decl.unit}" if decl.unit else ""
    return {
        "number": f"a number{unit}: digits with an optional decimal point, e.g. 12.5{with_unit}",
        "integer": f"a whole number{unit}: digits, e.g. 12{with_unit.replace('12.5', '12')}",
        "money": "an amount in yuan with at most two decimals, as a string: \"1200.00\" "
                 "(thousands separators in groups of three: \"1,200.00\"), or in 万元 or 亿元: "
                 "\"3.6万元\"",
        "boolean": "true or false (是 or 否)",
        "enum": "one of " + ", ".join(decl.values or ()),
        "text": "text",
    }[decl.type]


# A number as text (after normalize_digits): digits with an optional decimal point. No
# exponent (1e28), no thousands separators (1,0 would be 10), no blanks inside (5 5), no sign
# but a minus (refused below as out of range), ASCII digits only (\d would also take other
# scripts' digits, which Decimal reads).
_NUMBER = re.compile(r"-?[0-9]+(?:\.[0-9]+)?")
# A number followed by a unit (45平方米, 45 平方米): what follows the number begins with a letter
# (平, m) and holds no digit, so that 1e28, 0x10 or 5 5 are not read as a number and a unit.
_WITH_UNIT = re.compile(r"(-?[0-9]+(?:\.[0-9]+)?)\s*([^\W\d_][^\d]*)")
# What one declared unit stands for: 头（只） is 头, 只 or 头（只） (and 头(只))
_ALTERNATIVE = re.compile(r"(.+?)\s*[（(]\s*(.+?)\s*[）)]")


def coerce_fact(decl: FactDecl, raw: object) -> object:
    """Check and convert one fact value to its declared type (exact decimals, no floats).

    Each type takes only its documented forms (docs/csv-columns.md): a boolean true or false,
    or 是 or 否; an enum or text fact text (an enum fact one of its catalog values); a money fact
    an amount as :func:`~discretion.money.to_money` reads it, in 万元 and 亿元 too
    (``scaled``: ``3.6万元`` is 36000.00); a number or integer fact an int, a Decimal or digits
    with an optional decimal point (full-width digits read as ASCII), the text optionally
    followed by the fact's declared unit (``45平方米`` where the unit is 平方米; any other unit
    is refused, naming the fact's). Anything else raises ValueError, whose message says what to
    write, in English and Chinese.
    """
    kind = decl.type  # read once: a catalog model's attribute read is slow (pydantic's hook)
    label = decl.label
    if kind == "boolean":
        if isinstance(raw, str) and raw.strip() in FLAGS:
            return FLAGS[raw.strip()]
        if not isinstance(raw, bool):
            raise ValueError(f"{label} must be true or false (是 or 否), got {shown(raw)}; "
                             f"{label}应填写 true（是）或 false（否）")
        return raw
    if kind in ("enum", "text"):
        if not isinstance(raw, str):
            raise ValueError(f"{label} must be text, got {shown(raw)}; {label}应填写文字")
        if kind == "enum" and raw not in (decl.values or ()):
            raise ValueError(f"{shown(raw)} is not a value of {label}; "
                             f"{label}应填写：" + "、".join(decl.values or ()))
        return raw
    if isinstance(raw, bool):
        raise ValueError(f"{label} must be a number, got {shown(raw)}; {label}应填写数字")
    if kind == "money":
        try:
            amount = to_money(raw, scaled=True)
        except MoneyError as refused:
            raise ValueError(f"{label}: {refused}") from None
        if amount < 0 or amount > MAX_AMOUNT:
            raise ValueError(f"{label} {amount} is outside 0 .. {MAX_AMOUNT:,f}; "
                             f"{label}应在0至{MAX_AMOUNT:,f}元之间")
        return amount
    example = "12" if kind == "integer" else "12.5"
    number = _number(raw, decl.unit, label, example)
    if number is None:
        unit = decl.unit or ""
        raise ValueError(f"{label} must be a number, got {shown(raw)}: write digits with an "
                         f"optional decimal point, e.g. {example} (no thousands separators, no "
                         f"exponent){f', or {example}{unit}' if unit else ''}; "
                         f"{label}应填写数字，如 {example}{f' 或 {example}{unit}' if unit else ''}")
    if number < 0 or number > MAX_AMOUNT:
        raise ValueError(f"{label} {shown(raw)} is outside 0 .. {MAX_AMOUNT:,f}; "
                         f"{label}应在0至{MAX_AMOUNT:,f}之间")
    if kind == "integer" and number != number.to_integral_value():
        raise ValueError(f"{label} must be a whole number, got {shown(raw)}; {label}应填写整数")
    return number


def _number(raw: object, unit: str | None, label: str, example: str) -> Decimal | None:
    """A number fact's value as an exact decimal, or None when it is not in a number's form.
    Text may end in the fact's ``unit``; a number followed by any other unit raises
    ValueError naming the fact's unit."""
    if isinstance(raw, int):  # not a bool: refused before
        return Decimal(raw)
    if isinstance(raw, Decimal):
        return raw if raw.is_finite() else None
    if isinstance(raw, str):
        text = normalize_digits(raw).strip()
        if _NUMBER.fullmatch(text) is not None:
            return Decimal(text)
        found = _WITH_UNIT.fullmatch(text)
        if found is not None:
            number, written = found.groups()
            if written.strip() in _units(unit):
                return Decimal(number)
            raise ValueError(_unit_problem(label, raw, number, written.strip(), unit, example))
    return None


def _units(unit: str | None) -> tuple[str, ...]:
    """The ways to write the declared ``unit`` after a number: itself, and for 头（只） also
    头(只), 头 and 只."""
    if not unit:
        return ()
    found = _ALTERNATIVE.fullmatch(unit)
    if found is None:
        return (unit,)
    first, second = found.groups()
    return (unit, f"{first}({second})", f"{first}（{second}）", first, second)


def _unit_problem(label: str, raw: str, number: str, written: str, unit: str | None,
                  example: str) -> str:
    if not unit:
        return (f"{label} is a number without a unit, got {shown(raw)}: write the number "
                f"alone, e.g. {number}; {label}没有计量单位，只填写数字，如 {number}")
    return (f"{label} is counted in {unit}, not in {written} (got {shown(raw)}): write the "
            f"number of {unit}, e.g. {example}{unit} or {example}; {label}的计量单位是{unit}，"
            f"不是{written}，请以{unit}为单位填写数字，如 {example}{unit} 或 {example}")


__all__ = ["BUILTIN_CIRCUMSTANCES", "Env", "EnvShape", "build_env", "check_circumstances", "coerce_fact",
           "env_shape"]
