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

from discretion.case import Capacity, Case, CorrectionStatus, FactValue, Harm, Party, PartyKind
from discretion.catalog.models import Citation


@final
class PartyView:
    """:class:`~discretion.case.Party`'s fields."""

    kind: Final[PartyKind]
    age: Final[int | None]
    capacity: Final[Capacity]
    name: Final[str | None]

    def __init__(self, party: Party) -> None:
        fields: dict[str, Any] = party.__dict__  # a model's fields, read without its hook
        self.kind = fields["kind"]
        self.age = fields["age"]
        self.capacity = fields["capacity"]
        self.name = fields["name"]


@final
class CaseView:
    """:class:`~discretion.case.Case`'s fields and date helpers (read-only)."""

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
    facts: Final[dict[str, FactValue]]
    reference: Final[str | None]

    def __init__(self, case: Case) -> None:
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
        self.facts = fields["facts"]
        self.reference = fields["reference"]

    @property
    def item_ids(self) -> list[str]:
        """As :attr:`Case.item_ids <discretion.case.Case.item_ids>`."""
        if self.item is None:
            return []
        return [self.item] if isinstance(self.item, str) else list(self.item)

    def decision_date(self, today: dt.date | None = None) -> dt.date:
        """As :meth:`Case.decision_date <discretion.case.Case.decision_date>`."""
        return self.decided_on or today or dt.date.today()

    def discovery_date(self, today: dt.date | None = None) -> dt.date:
        """As :meth:`Case.discovery_date <discretion.case.Case.discovery_date>`."""
        return self.discovered_on or self.decision_date(today)


__all__ = ["CaseView", "PartyView"]
