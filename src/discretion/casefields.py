"""What a case derives from its fields (its item ids, the day it is decided, the day it was
found) and the checks its fields must pass together.

One definition for :class:`~discretion.case.Case` (its methods and validators) and for the
engine's compiled copy and fast path, :mod:`discretion.law.caseview`; compiled with the engine
(:mod:`discretion.compiled`). Each check returns the problem's message, or None.
"""

from __future__ import annotations

import datetime as dt


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


__all__ = ["circumstances_problem", "consistency_problem",
           "item_ids", "items_problem", "party_problem"]
