"""Which version of an item applies: Administrative Penalty Law Art. 37 (从旧兼从轻).

Items are versioned by effective dates; a newer version names the ones it replaces in
``supersedes``. The act's date is ``ended_on`` for continuing acts, else ``occurred_on``.

- The version in force on the act's date applies (从旧).
- If on the decision date another version is in force and it is **lighter**, it applies
  instead (从轻); if no version is in force on the decision date because the act is no longer
  listed (the last version ended without a successor), the act is not penalised.
- An act before the first version took effect was not a violation under this provision.

"Lighter" is decided for the case by the engine: each version decides it, and the one that
gives this case the lighter result applies (see ``Engine._version``). :func:`is_lighter` is the
comparison in the abstract, used only when the facts that would decide the concrete comparison
are missing: the statutory maximum fine for the party (in yuan; or as multiples when both
versions fine a multiple of the same base); when the maxima are equal or not comparable, the
heaviest kind of sanction by :data:`SANCTION_SEVERITY`; a version is lighter only if it is
strictly lighter by the first comparison that differs.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Final

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import SANCTION_SEVERITY, BenchmarkItem, SanctionKind
from discretion.catalog.ranges import party_sanctions

# Enum members the rules compare with, as module constants: in Python 3.11 reading
# `Enum.member` goes through EnumType.__getattr__'s slot (~60 ns); a Final constant of a
# compiled module is read directly.
_SANCTION_KIND_FINE: Final = SanctionKind.fine


@dataclass
class VersionChoice:
    """The version to apply, or why none applies, with the reasons in Chinese."""

    item: BenchmarkItem | None
    reasons: list[str] = field(default_factory=list)
    not_violation: str | None = None  # why the act is not (or no longer) penalised
    missing: str | None = None  # the case field the choice needs (decided_on)
    # the version in force on the act's date and the one in force on the decision date, where
    # they differ: Art. 37 then decides, by what each gives the case (see the engine)
    acting: BenchmarkItem | None = None
    current: BenchmarkItem | None = None

    @property
    def decisive(self) -> bool:
        """Art. 37 chose between two versions (and so belongs in the grounds)."""
        return self.acting is not None and self.current is not None


def versions_of(catalog: Catalog, item: BenchmarkItem) -> list[BenchmarkItem]:
    """Every version of the act ``item`` encodes, oldest first."""
    if not item.supersedes and not catalog.successors(item.id):
        return [item]
    seen: set[str] = set()
    stack = [item.id]
    while stack:
        current = stack.pop()
        if current in seen:
            continue
        seen.add(current)
        stack.extend(catalog.benchmarks[current].supersedes)
        stack.extend(catalog.successors(current))
    chain = [catalog.benchmarks[i] for i in seen]
    return sorted(chain, key=lambda v: (v.effective_from or dt.date.min, v.id))


def in_force(chain: list[BenchmarkItem], day: dt.date) -> BenchmarkItem | None:
    for version in reversed(chain):
        if (version.effective_from is None or version.effective_from <= day) and \
                (version.effective_to is None or day <= version.effective_to):
            return version
    return None


def _max_fine(item: BenchmarkItem, party: str) -> tuple[str, Decimal] | None:
    for sanction in party_sanctions(item.statutory, party):
        if sanction.kind is _SANCTION_KIND_FINE and sanction.max is not None:
            unit = f"base:{sanction.base}" if sanction.base else \
                (f"per:{sanction.per}" if sanction.per else "yuan")
            return unit, sanction.max
    return None


def _heaviest_kind(item: BenchmarkItem, party: str) -> int:
    kinds = {s.kind for s in party_sanctions(item.statutory, party)}
    if item.statutory.serious is not None:
        kinds |= {s.kind for s in party_sanctions(item.statutory, party, serious=True)}
    return max((SANCTION_SEVERITY.index(k) for k in kinds), default=-1)


def is_lighter(new: BenchmarkItem, old: BenchmarkItem, party: str) -> bool:
    """Whether ``new`` punishes a party of this kind more lightly than ``old``."""
    new_fine, old_fine = _max_fine(new, party), _max_fine(old, party)
    if new_fine and old_fine and new_fine[0] == old_fine[0] and new_fine[1] != old_fine[1]:
        return new_fine[1] < old_fine[1]
    if old_fine and not new_fine and _heaviest_kind(new, party) <= SANCTION_SEVERITY.index(_SANCTION_KIND_FINE):
        return True  # the new version dropped the fine and imposes nothing heavier
    return _heaviest_kind(new, party) < _heaviest_kind(old, party)


def applicable_version(catalog: Catalog, item: BenchmarkItem, act_day: dt.date,
                       decision_day: dt.date, party: str) -> VersionChoice:
    """Art. 37: the version of ``item``'s act to apply to an act on ``act_day``."""
    chain = versions_of(catalog, item)
    if len(chain) == 1 and item.effective_from is None and item.effective_to is None:
        return VersionChoice(item)
    old = in_force(chain, act_day)
    new = in_force(chain, decision_day)
    if old is None:
        first = chain[0].effective_from
        if first is not None and act_day < first:
            return VersionChoice(None, not_violation=f"违法行为发生于{act_day}，"
                                 f"该规定自{first}起施行，行为发生时不属于该条规定的违法行为")
        return VersionChoice(None, not_violation=f"违法行为发生时（{act_day}）没有有效的规定版本")
    if new is None:
        return VersionChoice(None, not_violation=f"作出处罚决定时（{decision_day}），"
                             f"{old.id}已于{old.effective_to}失效，新规定不再认定为违法")
    if new.id == old.id:
        reasons = [f"适用违法行为发生时的规定{old.id}"] if len(chain) > 1 else []
        return VersionChoice(old, reasons)
    if is_lighter(new, old, party):
        return VersionChoice(new, [f"违法行为发生时适用{old.id}，作出决定时{new.id}处罚较轻，"
                                   f"从轻适用新规定（从旧兼从轻）"], acting=old, current=new)
    return VersionChoice(old, [f"违法行为发生时适用{old.id}；作出决定时的{new.id}不轻于旧规定，"
                               f"适用旧规定（从旧兼从轻）"], acting=old, current=new)
