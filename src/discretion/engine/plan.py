"""What the engine precomputes once per catalog item: the parts of a decision no case changes.

A benchmark item's statutory sanctions for each kind of party, its list entries by kind, its
lightest tier, its versions (Art. 37), the shape of its condition environment and the trace
steps and grounds that read only the catalog are the same for every case. :class:`ItemPlan`
holds them so that deciding a case only computes what depends on the case. Plans are built on
first use and kept by the :class:`~discretion.engine.engine.Engine` of their catalog.

Everything here is read-only once built: the records (:mod:`discretion.decision`) are frozen
and shared between decisions.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Final

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import (
    BenchmarkItem,
    ListItem,
    ListKind,
    Sanction,
    SanctionKind,
)
from discretion.catalog.vocabulary import item_facts
from discretion.decision import Ground, TraceStep
from discretion.law.facts import EnvShape, env_shape
from discretion.law.ranges import party_sanctions
from discretion.law.sanctions import STAGES
from discretion.law.versions import versions_of

# Enum members the rules compare with, as module constants: in Python 3.11 reading
# `Enum.member` goes through EnumType.__getattr__'s slot (~60 ns); a Final constant of a
# compiled module is read directly.
_SANCTION_KIND_FINE: Final = SanctionKind.fine

PARTY_KINDS = ("individual", "organization")


@dataclass(slots=True)
class ItemPlan:
    """The case-independent parts of deciding ``item`` (see the module docstring)."""

    item: BenchmarkItem
    shape: EnvShape
    item_step: TraceStep
    violated: tuple[Ground, ...]
    # (party kind, stage, serious) -> the statutory sanctions for that party (law/sanctions.py)
    sanctions: dict[tuple[str, str, bool], tuple[Sanction, ...]]
    lists: dict[ListKind, tuple[ListItem, ...]]
    lightest: int | None
    versioned: bool  # Art. 37: several versions, or effective dates
    declared: frozenset[str]  # facts declared by any version of the act
    value_free: bool  # no fine is a multiple or per unit: amounts never read the case's facts
    # the provisions that set amounts the penalty clause does not (实施条例), as grounds
    sources: tuple[Ground, ...] = ()
    units: dict[str, str | None] = field(default_factory=dict)  # each fact's unit (平方米…)
    # parts of decisions that read only the catalog and a few case values, filled on first
    # use by the Engine: (what, the values it reads...) -> the shared result
    memo: dict[tuple[object, ...], object] = field(default_factory=dict)


def build_plan(catalog: Catalog, item: BenchmarkItem) -> ItemPlan:
    chain = versions_of(catalog, item)
    sanctions: dict[tuple[str, str, bool], tuple[Sanction, ...]] = {}
    for party in PARTY_KINDS:
        for stage in STAGES:
            for serious in (False, True):
                sanctions[(party, stage, serious)] = tuple(
                    party_sanctions(item.statutory, party, serious, stage))
    every = item.statutory.every_sanction()
    value_free = not any(s.kind is _SANCTION_KIND_FINE and (s.base or s.per) for s in every)
    entries = catalog.lists_for(item.id)
    base = [i for i, t in enumerate(item.tiers) if t.uses == "base"]
    return ItemPlan(
        item=item,
        shape=env_shape(item, catalog.manifest),
        item_step=TraceStep(rule="item", detail=f"{item.id} {item.title}", citation=item.penalty),
        violated=tuple(Ground(citation=c, reason=f"违反：{item.title}") for c in item.violated),
        sanctions=sanctions,
        lists={kind: tuple(e for e in entries if e.kind is kind) for kind in ListKind},
        lightest=base[0] if base else None,
        versioned=len(chain) > 1 or item.effective_from is not None or item.effective_to is not None
        or item.not_encoded_before is not None,
        declared=frozenset(f.name for version in chain for f in version.facts),
        value_free=value_free,
        units={name: decl.unit for name, decl in item_facts(item).items()},
        sources=tuple(Ground(citation=source, reason=f"{item.penalty.human()}未规定的处罚数额，依本条规定")
                      for source in dict.fromkeys(s.source for s in every if s.source is not None)),
    )


__all__ = ["PARTY_KINDS", "ItemPlan", "build_plan"]
