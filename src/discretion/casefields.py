"""What a case derives from its fields: its item ids, the day it is decided, the day it was found.

One definition for :class:`~discretion.case.Case` and for the engine's compiled copy of it,
:class:`~discretion.law.caseview.CaseView`; compiled with the engine (:mod:`discretion.compiled`).
"""

from __future__ import annotations

import datetime as dt


def item_ids(item: str | list[str] | None) -> list[str]:
    """The catalog ids a case names: none (a citation instead), one, or several (Art. 29)."""
    if item is None:
        return []
    return [item] if isinstance(item, str) else list(item)


def decision_date(decided_on: dt.date | None, today: dt.date | None = None) -> dt.date:
    """The day the decision is dated: ``decided_on``, else ``today``, else the system date."""
    return decided_on or today or dt.date.today()


def discovery_date(discovered_on: dt.date | None, decided_on: dt.date | None,
                   today: dt.date | None = None) -> dt.date:
    """The day the act was discovered (Art. 36): ``discovered_on``, else the decision date."""
    return discovered_on or decision_date(decided_on, today)


__all__ = ["decision_date", "discovery_date", "item_ids"]
