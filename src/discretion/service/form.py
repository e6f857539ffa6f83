"""The case contract as a form: the case fields and an item's facts, each with its Chinese label.

``GET /v1/items/{id}`` describes the form of an item (:func:`item_form`) and the officer's page
draws it (:mod:`discretion.service.page`); :func:`case_from_form` reads the page's submitted
fields back into a case in exactly the forms the case contract reads (docs/schema/
case.schema.json). A field left empty is *not established* and is left out of the case, so the
engine asks for it rather than guess; a value that is not in its form (``abc`` for an age) is
passed on as written, for the engine to refuse with the field's path and what to write.

The labels and values are those of ``discretion new`` (:mod:`discretion.render.template`).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any, Literal

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem, FactDecl
from discretion.catalog.vocabulary import BUILTIN_CIRCUMSTANCES

__all__ = ["NEITHER", "FormField", "case_fields", "case_from_form", "fact_fields", "item_form"]

FieldType = Literal["enum", "boolean", "integer", "number", "money", "date", "text", "set"]
NEITHER = "neither"  # the page's choice for ``involves: []`` (established: involves neither)


@dataclass(frozen=True, slots=True)
class FormField:
    """One field of a case as a form shows it.

    ``path`` is where the value goes in the case (``party.age``, ``facts.item_count``) and the
    name of the form's input; ``name`` its last part. ``values`` lists the accepted values of
    an ``enum`` or a ``set`` (several may be chosen) with their Chinese labels.
    """

    path: str
    type: FieldType
    label: str
    unit: str | None = None
    values: tuple[tuple[str, str], ...] = ()
    required: bool = False
    default: str | None = None
    hint: str | None = None

    @property
    def name(self) -> str:
        return self.path.rsplit(".", 1)[-1]

    def as_dict(self) -> dict[str, Any]:
        return {"name": self.name, "path": self.path, "type": self.type, "label": self.label,
                "unit": self.unit, "required": self.required, "default": self.default,
                "values": [{"value": v, "label": lab} for v, lab in self.values] or None,
                "hint": self.hint}


_YES_NO = (("true", "是"), ("false", "否"))


def case_fields(catalog: Catalog, item: BenchmarkItem) -> list[FormField]:
    """The case's own fields for ``item``, in the order of ``discretion new``'s template:
    ``involves`` only for an item with Art. 36's five-year period, the catalog's own
    circumstances after the law's."""
    circumstances = [*BUILTIN_CIRCUMSTANCES.items(),
                     *((d.code, d.label) for d in catalog.manifest.circumstances)]
    fields = [
        FormField("party.kind", "enum", "当事人类型",
                  values=(("individual", "个人"), ("organization", "单位")), required=True,
                  default="individual"),
        FormField("party.age", "integer", "年龄（违法行为发生时）", unit="周岁",
                  hint="个人填写；单位不填"),
        FormField("party.capacity", "enum", "辨认、控制能力",
                  values=(("full", "完全"), ("partial", "尚未完全丧失"),
                          ("none", "不能辨认或者控制")), default="full"),
        FormField("occurred_on", "date", "违法行为发生日期", required=True),
        FormField("ended_on", "date", "行为终了日期", hint="连续或者继续状态的填写"),
        FormField("discovered_on", "date", "发现违法行为的日期"),
        FormField("decided_on", "date", "作出处罚决定的日期"),
        FormField("first_offense", "boolean", "是否初次违法", values=_YES_NO),
        FormField("harm", "enum", "危害后果",
                  values=(("none", "没有"), ("minor", "轻微"), ("ordinary", "一般"),
                          ("serious", "严重"))),
        FormField("correction", "enum", "改正情况",
                  values=(("in_time", "按期改正"), ("pending", "期限未届满"),
                          ("overdue", "逾期未改正"), ("refused", "拒不改正"))),
        FormField("no_fault_proven", "boolean", "有证据足以证明没有主观过错", values=_YES_NO,
                  hint="未证明的不填（视为否）"),
        FormField("circumstances", "set", "法定情节", values=tuple(circumstances),
                  hint="可多选；没有的不选"),
    ]
    if item.five_year_limitation:
        fields.append(FormField(
            "involves", "set", "是否涉及",
            values=(("life_health", "公民生命健康安全"), ("financial_security", "金融安全")),
            hint="行政处罚法第三十六条：超过二年发现的须填写；都不涉及的写 []（页面上选“都不涉及”）"))
    if item.tiers:
        officer = any(tier.when is None for tier in item.tiers)
        fields.append(FormField(
            "tier", "enum", "裁量阶次（执法人员认定）",
            values=tuple((t.level, t.level + (f"：{t.description}" if t.description else ""))
                         for t in item.tiers),
            required=officer,
            hint="本事项的阶次由执法人员依违法情形认定，须选择" if officer
            else "可不选：按违法情形自动判定；选择的，以所选阶次为准"))
    fields.append(FormField("reference", "text", "案件编号", hint="可选，原样带回"))
    return fields


_FACT_HINTS = {"number": "数值，如 12.5", "integer": "整数", "money": "金额（元），精确到分，如 1200.50",
               "boolean": None, "enum": None, "text": None}


def _fact_field(fact: FactDecl) -> FormField:
    values: tuple[tuple[str, str], ...] = ()
    if fact.type == "enum":
        values = tuple((v, v) for v in fact.values or ())
    elif fact.type == "boolean":
        values = _YES_NO
    return FormField(f"facts.{fact.name}", fact.type, fact.label, unit=fact.unit, values=values,
                     required=fact.required, hint=_FACT_HINTS[fact.type])


def fact_fields(item: BenchmarkItem) -> list[FormField]:
    """The item's own facts (``facts.<name>``), as the catalog declares them."""
    return [_fact_field(fact) for fact in item.facts]


def item_form(catalog: Catalog, item: BenchmarkItem) -> dict[str, Any]:
    """The form of a case for ``item``: its case fields and its facts (``GET /v1/items/{id}``)."""
    return {"item": item.id,
            "case": [f.as_dict() for f in case_fields(catalog, item)],
            "facts": [f.as_dict() for f in fact_fields(item)]}


_WHOLE = re.compile(r"[+-]?[0-9]+")


def _value(field: FormField, text: str) -> object:
    if field.type == "boolean":
        return {"true": True, "false": False}.get(text, text)
    if field.type == "integer" and _WHOLE.fullmatch(text):
        return int(text)
    return text  # dates, amounts and numbers are read from text, exactly, by the engine


def case_from_form(item: BenchmarkItem, fields: Iterable[FormField],
                   submitted: Iterable[tuple[str, str]]) -> dict[str, Any]:
    """The case the page's form describes: ``submitted`` is the form's (name, value) pairs.

    Empty fields are left out (not established); a ``set`` is the list of its chosen values,
    left out when none is chosen, except ``involves`` with only “都不涉及” chosen, which is
    ``[]``. Names that are not fields of the form are ignored."""
    by_path = {f.path: f for f in fields}
    chosen: dict[str, list[str]] = {}
    case: dict[str, Any] = {"item": item.id}
    for name, raw in submitted:
        field = by_path.get(name)
        text = raw.strip()
        if field is None or not text:
            continue
        if field.type == "set":
            chosen.setdefault(name, []).append(text)
            continue
        target = case
        *parents, last = name.split(".")
        for part in parents:
            target = target.setdefault(part, {})
        target[last] = _value(field, text)
    for name, values in chosen.items():
        real = [v for v in values if v != NEITHER]
        if real or NEITHER in values:
            case[name] = list(dict.fromkeys(real))
    return case
