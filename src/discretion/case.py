"""The case contract: what a case-handling system sends for one violation.

Field names are fixed (integrations and conformance suites depend on them); see
``docs/schema/case.schema.json``. Fields a case leaves out are *not established*: the engine
never guesses them, it answers with ``needs_facts`` when a rule depends on them.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Any

from pydantic import BaseModel, ConfigDict, Field, create_model, field_validator, model_validator

from discretion import casefields
from discretion.catalog.models import Citation
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


BUILTIN_CIRCUMSTANCES: dict[str, str] = {
    "eliminated_harm": "主动消除或者减轻违法行为危害后果",
    "coerced": "受他人胁迫或者诱骗实施违法行为",
    "confessed_unknown": "主动供述行政机关尚未掌握的违法行为",
    "meritorious": "配合行政机关查处违法行为有立功表现",
    "emergency_measures": "违反突发事件应对措施",
    # Art. 58 ¶1: what makes legal review (法制审核) required, where the case establishes it
    "major_public_interest": "涉及重大公共利益",
    "hearing_held": "经过听证程序",
    "complex_case": "案件情况疑难复杂、涉及多个法律关系",
}

FactValue = bool | int | Decimal | str


class _Model(BaseModel):
    model_config = ConfigDict(extra="forbid", str_strip_whitespace=True)


class Party(_Model):
    kind: PartyKind
    age: Annotated[int, Field(ge=0, le=150)] | None = Field(
        default=None, description="Age in whole years on the day of the act (individuals)")
    capacity: Capacity = Capacity.full
    name: str | None = Field(default=None, description="Not used by the engine; kept for reports")

    @model_validator(mode="after")
    def _organization_has_no_age(self) -> Party:
        problem = casefields.party_problem(self.kind, self.age)
        if problem:
            raise ValueError(problem)
        return self


class Case(_Model):
    """One case: the act, the party, what is established, and the catalog item(s) it breaks."""

    item: str | list[str] | None = Field(
        default=None, description="Catalog id, or several ids for one act breaking several provisions")
    citation: Citation | None = Field(default=None, description="Instead of item: the provision broken")
    party: Party
    occurred_on: dt.date
    ended_on: dt.date | None = None
    discovered_on: dt.date | None = None
    decided_on: dt.date | None = None
    first_offense: bool | None = None
    harm: Harm | None = None
    correction: CorrectionStatus | None = None
    no_fault_proven: bool = False
    circumstances: list[str] = Field(default_factory=list)
    involves: list[Involvement] | None = Field(
        default=None,
        description="Art. 36: what the act involves — life_health (公民生命健康安全), "
                    "financial_security (金融安全); [] when established that it involves "
                    "neither; omitted when not established")
    facts: dict[str, FactValue] = Field(default_factory=dict)
    reference: str | None = Field(default=None, description="The caller's case number, echoed back")

    @field_validator("occurred_on", "ended_on", "discovered_on", "decided_on", mode="before")
    @classmethod
    def _date(cls, value: object) -> object:
        if isinstance(value, str):
            return normalize_digits(value).strip()
        return value

    @field_validator("item")
    @classmethod
    def _items(cls, value: str | list[str] | None) -> str | list[str] | None:
        problem = casefields.items_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("circumstances")
    @classmethod
    def _unique(cls, value: list[str]) -> list[str]:
        problem = casefields.circumstances_problem(value)
        if problem:
            raise ValueError(problem)
        return value

    @field_validator("facts", mode="before")
    @classmethod
    def _no_floats(cls, value: object) -> object:
        if isinstance(value, dict):
            return {k: (str(v) if isinstance(v, float) else v) for k, v in value.items()}
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


def named_item(case: Case | Mapping[str, object] | None) -> str:
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


def _without_validators(model: type[BaseModel], name: str, **replace: Any) -> type[BaseModel]:
    """``model``'s fields, configuration and documentation, without its Python validators."""
    fields: dict[str, Any] = {field: (info.annotation, info) for field, info in model.model_fields.items()}
    fields.update(replace)
    return create_model(name, __config__=model.model_config, __doc__=model.__doc__, **fields)


# The contract without its Python validators, for the engine's fast path
# (discretion.law.caseview.plain_view): pydantic calling out of Rust to the validators above
# costs ~1.4 µs a case. A case that passes these models and the same checks in compiled code
# has the fields Case gives it; any other case is validated by Case, for its errors.
PlainParty = _without_validators(Party, "Party")
PlainCase = _without_validators(Case, "Case", party=(PlainParty, Case.model_fields["party"]))
