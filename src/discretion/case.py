"""The case contract: what a case-handling system sends for one violation.

Field names are fixed (integrations and conformance suites depend on them); see
``docs/schema/case.schema.json``. Fields a case leaves out are *not established*: the engine
never guesses them, it answers with ``needs_facts`` when a rule depends on them.

Values are strict: each is read only in its documented form (docs/csv-columns.md), never
coerced into another meaning. Yes/no fields take only true and false; ``party.age`` and a
citation's numbers only ints (not true, 1.0 or "35"); dates only a ``datetime.date`` or
``YYYY-MM-DD`` text (full-width digits and surrounding blanks accepted), from 1900 to 2099,
never a number; text fields only text. The forms are checked by pydantic's core (strict
types, :data:`CaseDate`); Case's validators refuse the same values, with messages that say
what to write (:mod:`discretion.casefields`): first, or, for dates, once the core has refused.
Amounts and numbers in ``facts`` are checked against the item's declarations
(:func:`discretion.law.facts.coerce_fact`).

What an officer writes is read as well, by Case's validators: 是/否 for true/false, ``2023年9月1日`` (or
``2023年09月01日``) for a day, and the Chinese names of the choices (个人/单位, 没有/无/轻微/
一般/严重, 按期改正/期限未届满/逾期未改正/拒不改正, 完全/尚未完全丧失/不能辨认或者控制,
公民生命健康安全/金融安全: :data:`discretion.casefields.CHOICES`). Each becomes the contract's
own value, so a case written either way decides the same.

:class:`Case` is the one case type: validated once (``Engine.evaluate`` takes a Case or a
mapping, which it validates into one), then read by the engine and the law's rules as it is.
Its fields are checked one by one by its validators; the checks across fields are
:func:`discretion.casefields.consistency_problem` (the item or citation, the dates in order)
and, for the party, :func:`discretion.casefields.party_problem`.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import (
    BaseModel,
    BeforeValidator,
    ConfigDict,
    Field,
    GetPydanticSchema,
    Strict,
    ValidationError,
    ValidationInfo,
    ValidatorFunctionWrapHandler,
    WithJsonSchema,
    field_validator,
    model_validator,
)
from pydantic_core import core_schema

from discretion import casefields
from discretion.catalog import models
from discretion.money import normalize_digits


class PartyKind(StrEnum):
    individual = "individual"
    organization = "organization"


class Capacity(StrEnum):
    full = "full"
    partial = "partial"
    none = "none"


class Harm(StrEnum):
    none = "none"
    minor = "minor"
    ordinary = "ordinary"
    serious = "serious"


class CorrectionStatus(StrEnum):
    in_time = "in_time"
    pending = "pending"
    overdue = "overdue"
    refused = "refused"


class Involvement(StrEnum):
    """What an act may involve for Art. 36's five-year period (涉及公民生命健康安全、金融安全)."""

    life_health = "life_health"  # 涉及公民生命健康安全
    financial_security = "financial_security"  # 涉及金融安全


FactValue = bool | int | Decimal | str
Text = Annotated[str, Strict()]  # text only (not bytes)


def _case_date(_source: object, _handler: object) -> core_schema.CoreSchema:
    """A day as a case gives it, checked by pydantic's core alone: a ``datetime.date`` (not a
    datetime) or ``YYYY-MM-DD`` text, within the days a case may name. Never a number."""
    bounds: dict[str, Any] = {"ge": casefields.FIRST_DAY, "le": casefields.LAST_DAY}
    text = core_schema.str_schema(strict=True, pattern=f"^{casefields.ISO_DAY}$")
    return core_schema.union_schema([
        core_schema.date_schema(strict=True, **bounds),
        core_schema.chain_schema([text, core_schema.date_schema(**bounds)]),
    ])


CaseDate = Annotated[dt.date, GetPydanticSchema(_case_date),
                     WithJsonSchema({"format": "date", "type": "string"})]

# A fact's value: true/false, an int, a Decimal or text, each strictly (its declared type is
# checked with the item: discretion.law.facts); a float becomes text first (YAML reads 12.5 as
# one), and a refusal is explained.
_FactForms = (Annotated[bool, Strict()] | Annotated[int, Strict()]
                  | Annotated[Decimal, Strict()] | Annotated[str, Strict()])


def _fact_value(value: object) -> object:
    if isinstance(value, float):
        return casefields.float_text(value)
    problem = casefields.fact_value_problem(value)
    if problem:
        raise ValueError(problem)
    return value


CaseFactValue = Annotated[_FactForms, BeforeValidator(_fact_value)]


def _refuse(problem: str | None) -> None:
    if problem:
        raise ValueError(problem)


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Citation(models.Citation):
    """A structured statutory citation: law, article (条), paragraph (款), item (项)."""

    # A case's citation: the catalog's, with its numbers read strictly (true is not article 1)
    law: Text = Field(min_length=1, description="Law title, with or without 中华人民共和国 and 《》")
    article: Annotated[int, Strict()] = Field(ge=1, description="Article number (条)")
    paragraph: Annotated[int, Strict()] | None = Field(default=None, ge=1,
                                                        description="Paragraph (款), 1-based")
    item: Annotated[int, Strict()] | None = Field(default=None, ge=1, description="Item (项), 1-based")

    @field_validator("article", "paragraph", "item", mode="before")
    @classmethod
    def _whole(cls, value: object, info: ValidationInfo) -> object:
        _refuse(casefields.number_problem(value, str(info.field_name)))
        return value


class Party(_Model):
    kind: PartyKind
    age: Annotated[int, Strict(), Field(ge=0, le=casefields.MAX_AGE)] | None = Field(
        default=None, description="Age in whole years on the day of the act (individuals)")
    capacity: Capacity = Capacity.full
    name: Text | None = Field(default=None, description="Not used by the engine; kept for reports")

    @field_validator("age", mode="before")
    @classmethod
    def _age(cls, value: object) -> object:
        _refuse(casefields.age_problem(value))
        return value

    @field_validator("kind", "capacity", mode="before")
    @classmethod
    def _choice(cls, value: object, info: ValidationInfo) -> object:
        return casefields.choice_value(f"party.{info.field_name}", value)  # 个人 → individual

    @model_validator(mode="after")
    def _organization_has_no_age(self) -> Party:
        problem = casefields.party_problem(self.kind, self.age)
        if problem:
            raise ValueError(problem)
        return self


class Case(_Model):
    """One case: the act, the party, what is established, and the catalog item(s) it breaks."""

    item: Text | list[Text] | None = Field(
        default=None, description="Catalog id, or several ids for one act breaking several provisions")
    citation: Citation | None = Field(default=None, description="Instead of item: the provision broken")
    party: Party
    occurred_on: CaseDate
    ended_on: CaseDate | None = None
    discovered_on: CaseDate | None = None
    decided_on: CaseDate | None = None
    first_offense: Annotated[bool, Strict()] | None = None
    harm: Harm | None = None
    correction: CorrectionStatus | None = None
    no_fault_proven: Annotated[bool, Strict()] = False
    circumstances: list[Text] = Field(default_factory=list)
    involves: list[Involvement] | None = Field(
        default=None,
        description="Art. 36: what the act involves — life_health (公民生命健康安全), "
                    "financial_security (金融安全); [] when established that it involves "
                    "neither; omitted when not established")
    facts: dict[Text, CaseFactValue] = Field(default_factory=dict)
    tier: Text | None = Field(
        default=None,
        description="The tier (裁量阶次) the officer found, by its name in the item (e.g. 一般): "
                    "used instead of the tiers' conditions; the law applies on top as for a "
                    "computed tier")
    reference: Text | None = Field(default=None, description="The caller's case number, echoed back")

    @field_validator("occurred_on", "ended_on", "discovered_on", "decided_on", mode="wrap")
    @classmethod
    def _date(cls, value: object, handler: ValidatorFunctionWrapHandler,
              info: ValidationInfo) -> object:
        try:  # YYYY-MM-DD or a date, as nearly every case gives it: read by pydantic's core
            return handler(value)  # (:data:`CaseDate`; it takes only what day_problem takes)
        except ValidationError:
            pass
        if isinstance(value, str):
            value = normalize_digits(value).strip()
        elif value is None and info.field_name == "occurred_on":
            raise ValueError("occurred_on is required: the day of the act; "
                             "应填写违法行为发生日期，如 2022-03-01") from None
        _refuse(casefields.day_problem(value))
        return handler(casefields.iso_day(value) if isinstance(value, str) else value)  # 2023年9月1日

    @field_validator("first_offense", "no_fault_proven", mode="before")
    @classmethod
    def _flag(cls, value: object, info: ValidationInfo) -> object:
        if value is True or value is False:
            return value
        if value is None and info.field_name == "no_fault_proven":
            raise ValueError("null is not true or false: write false, or leave no_fault_proven "
                             "out (it is false unless proven); 应填写 true 或 false，未证明的可不填")
        _refuse(casefields.flag_problem(value))
        return casefields.flag_value(value)  # 是 → true

    @field_validator("harm", "correction", mode="before")
    @classmethod
    def _choice(cls, value: object, info: ValidationInfo) -> object:
        return casefields.choice_value(str(info.field_name), value)  # 轻微 → minor

    @field_validator("involves", mode="before")
    @classmethod
    def _involves(cls, value: object) -> object:
        return casefields.involves_value(value)  # 金融安全 → financial_security

    @field_validator("item", mode="before")
    @classmethod
    def _item_form(cls, value: object) -> object:
        if type(value) is str:
            return value
        _refuse(casefields.item_form_problem(value))
        return value

    @field_validator("item")
    @classmethod
    def _items(cls, value: str | list[str] | None) -> str | list[str] | None:
        if type(value) is str:
            return value
        problem = casefields.items_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("circumstances")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        if len(value) < 2:
            return value
        problem = casefields.circumstances_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @model_validator(mode="after")
    def _consistent(self) -> Case:
        problem = casefields.consistency_problem(self.item, self.citation, self.occurred_on,
                                                 self.ended_on, self.discovered_on, self.decided_on)
        if problem:
            raise ValueError(problem)
        return self

    @property
    def item_ids(self) -> list[str]:
        return casefields.item_ids(self.item)


def item_key(case: Case | Mapping[str, object] | None) -> str:
    """The item id a case (or an unvalidated case mapping) names, the first when it names
    several; "" when it names none (a citation, or nothing readable)."""
    if type(case) is dict:  # the common input, without the ABC check of Mapping
        named = case.get("item")
    else:
        named = case.item if isinstance(case, Case) else \
            case.get("item") if isinstance(case, Mapping) else None
    if isinstance(named, list) and named:
        named = named[0]
    return named if isinstance(named, str) else ""
