"""A validated case copied into a compiled class, which the engine's rules read.

Deciding a case reads its fields about sixty times (the party's kind, its age, the dates, harm,
correction, circumstances…). Each read of a pydantic model's attribute goes through the hook
pydantic installs for private attributes, ~25 ns; a field of a class mypyc compiles is read
directly. So the engine validates a case into a :class:`~discretion.case.Case` (the contract,
with its errors) and then copies it, once, into a :class:`CaseView`: the same fields under the
same names, and the same date helpers, read by the rules of :mod:`discretion.law` and the
engine. The copy reads the model's ``__dict__``, where pydantic keeps a model's fields.
``tests/test_caseview.py`` keeps the two in step.
"""

from __future__ import annotations

import datetime as dt
from typing import Any, Final, final

from pydantic import BaseModel, ValidationError

from discretion import casefields
from discretion.case import (
    Capacity,
    CorrectionStatus,
    FactValue,
    Harm,
    Involvement,
    PartyKind,
    PlainCase,
)
from discretion.catalog.models import Citation

_validate_plain: Final = PlainCase.__pydantic_validator__.validate_python


@final
class PartyView:
    """:class:`~discretion.case.Party`'s fields (of a Party, or of the PlainParty of
    :func:`plain_view`)."""

    kind: Final[PartyKind]
    age: Final[int | None]
    capacity: Final[Capacity]
    name: Final[str | None]

    def __init__(self, party: BaseModel) -> None:
        fields: dict[str, Any] = party.__dict__  # a model's fields, read without its hook
        self.kind = fields["kind"]
        self.age = fields["age"]
        self.capacity = fields["capacity"]
        self.name = fields["name"]


@final
class CaseView:
    """:class:`~discretion.case.Case`'s fields and date helpers (read-only), copied from a
    Case, or from the PlainCase of :func:`plain_view`."""

    item: Final[str | list[str] | None]
    citation: Final[Citation | None]
    party: Final[PartyView]
    occurred_on: Final[dt.date]
    ended_on: Final[dt.date | None]
    discovered_on: Final[dt.date | None]
    decided_on: Final[dt.date | None]
    first_offense: Final[bool | None]
    harm: Final[Harm | None]
    correction: Final[CorrectionStatus | None]
    no_fault_proven: Final[bool]
    circumstances: Final[list[str]]
    involves: Final[list[Involvement] | None]
    facts: Final[dict[str, FactValue]]
    tier: Final[str | None]
    reference: Final[str | None]

    def __init__(self, case: BaseModel) -> None:
        fields: dict[str, Any] = case.__dict__  # a model's fields, read without its hook
        self.item = fields["item"]
        self.citation = fields["citation"]
        self.party = PartyView(fields["party"])
        self.occurred_on = fields["occurred_on"]
        self.ended_on = fields["ended_on"]
        self.discovered_on = fields["discovered_on"]
        self.decided_on = fields["decided_on"]
        self.first_offense = fields["first_offense"]
        self.harm = fields["harm"]
        self.correction = fields["correction"]
        self.no_fault_proven = fields["no_fault_proven"]
        self.circumstances = fields["circumstances"]
        self.involves = fields["involves"]
        self.facts = fields["facts"]
        self.tier = fields["tier"]
        self.reference = fields["reference"]

    @property
    def item_ids(self) -> list[str]:
        return casefields.item_ids(self.item)


def plain_view(data: dict[str, Any]) -> CaseView | None:
    """The view of a case mapping, validated without calling Case's Python validators; None
    when only :class:`~discretion.case.Case` can decide (the caller then validates with it,
    which gives the same fields, or the errors).

    :class:`~discretion.case.PlainCase` has Case's fields and configuration, and the same strict
    forms of their values, checked by pydantic's core (a yes/no field takes only true/false, an
    age only an int, a date only a ``datetime.date`` or ``YYYY-MM-DD`` text from 1900 to 2099,
    a fact only true/false, an int, a Decimal or text). Case's validators refuse the same
    values, with messages that say what to write, and change three kinds of input, all sent to
    Case here: facts given as floats (Case makes them text), dates written with full-width
    digits (which PlainCase cannot parse), and what an officer writes in Chinese (是/否, a day
    as 2023年9月1日, the Chinese names of the choices: :data:`discretion.casefields.CHOICES`),
    which PlainCase's strict types refuse and Case reads as the contract's own values. Their
    other checks are made by the same functions (:func:`_passes_case_checks`).
    ``tests/test_caseview.py`` keeps the two paths in step.
    """
    facts = data.get("facts")
    if isinstance(facts, dict):
        for value in facts.values():
            if isinstance(value, float):
                return None
    try:
        plain = _validate_plain(data)
    except ValidationError:
        return None
    view = CaseView(plain)
    return view if _passes_case_checks(view) else None


def _passes_case_checks(case: CaseView) -> bool:
    """The checks of Case's and Party's validators (``_organization_has_no_age``, ``_items``,
    ``_unique``, ``_consistent``: :mod:`discretion.casefields`), on a plainly validated case."""
    party = case.party
    return not (casefields.party_problem(party.kind, party.age)
                or casefields.items_problem(case.item)
                or casefields.circumstances_problem(case.circumstances)
                or casefields.consistency_problem(case.item, case.citation, case.occurred_on,
                                                  case.ended_on, case.discovered_on,
                                                  case.decided_on))


__all__ = ["CaseView", "PartyView", "plain_view"]
