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
from decimal import Decimal
from typing import Final

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import (
    BenchmarkItem,
    ListItem,
    ListKind,
    Sanction,
    SanctionKind,
)
from discretion.catalog.ranges import party_sanctions
from discretion.catalog.sanctions import STAGES, StageName
from discretion.catalog.vocabulary import item_facts
from discretion.decision import (
    FollowUpOut,
    Ground,
    Outcome,
    Procedure,
    SanctionOut,
    TierOut,
    TraceStep,
)
from discretion.law import apl as law
from discretion.law.facts import EnvShape, env_shape
from discretion.law.versions import versions_of
from discretion.money import Range

# Enum members the rules compare with, as module constants: in Python 3.11 reading
# `Enum.member` goes through EnumType.__getattr__'s slot (~60 ns); a Final constant of a
# compiled module is read directly.
_SANCTION_KIND_FINE: Final = SanctionKind.fine

PARTY_KINDS = ("individual", "organization")

# What a penalty kept in the plan depends on (engine/penalty.py, items whose amounts read no
# fact): party kind, stage, 情节严重, tier index, direction of the adjustments, whether the
# tier is still open, whether facts are missing, the case's Art. 58 codes.
PenaltyKey = tuple[str, StageName, bool, int | None, str | None, bool, bool, frozenset[str]]
# What that penalty adds to a draft: the recommended sanctions, the party's own highest fine,
# outcome, mandatory, procedure flags, and the grounds and trace steps it appended.
PenaltyParts = tuple[tuple[SanctionOut, ...], Decimal | None, Outcome | None, bool | None,
                     Procedure | None, tuple[Ground, ...], tuple[TraceStep, ...]]
# Where a recommended fine sits: party kind, stage, 情节严重, the fine's index among the
# statutory sanctions of those three, tier index, direction of the adjustments.
FineKey = tuple[str, StageName, bool, int, int | None, str | None]
# The fine's recommended bounds in its own unit, and, when its amount reads no fact, the fine
# itself: (the highest amount in yuan, the sanction for the decision, its trace step).
FineParts = tuple[Range, tuple[Decimal, SanctionOut, TraceStep] | None]


@dataclass(slots=True)
class ItemPlan:
    """The case-independent parts of deciding ``item`` (see the module docstring)."""

    item: BenchmarkItem
    shape: EnvShape
    item_step: TraceStep
    violated: tuple[Ground, ...]
    # (party kind, stage, serious) -> the statutory sanctions for that party (catalog/sanctions.py)
    sanctions: dict[tuple[str, str, bool], tuple[Sanction, ...]]
    lists: dict[ListKind, tuple[ListItem, ...]]
    lightest: int | None
    versioned: bool  # Art. 37: several versions, or effective dates
    declared: frozenset[str]  # facts declared by any version of the act
    value_free: bool  # no fine is a multiple or per unit: amounts never read the case's facts
    # the provisions that set amounts the penalty clause does not (实施条例), as grounds
    sources: tuple[Ground, ...] = ()
    units: dict[str, str | None] = field(default_factory=dict)  # each fact's unit (平方米…)

    # Parts of decisions that read only the catalog and a few case values, filled on first use
    # by the Engine and shared by every decision that needs them (records are frozen).
    # party kind -> the statutory sanctions for the decision, every layer (value_free only)
    statutory: dict[str, tuple[SanctionOut, ...]] = field(default_factory=dict)
    # (party kind, layer of the clause, index in the layer) -> one statutory sanction whose
    # amount reads no fact, for the decision
    statutory_layers: dict[tuple[str, int, int], SanctionOut] = field(default_factory=dict)
    # tier index -> the decision's tier and its trace step, for a tier its conditions chose
    tier_out: dict[int, tuple[TierOut, TraceStep]] = field(default_factory=dict)
    # list entry id -> the mitigation or lighter ground the entry gives
    list_grounds: dict[str, law.Ground] = field(default_factory=dict)
    # (party kind, stage, 情节严重, index in those sanctions) -> a recommended sanction other
    # than a fine or confiscation, for the decision
    recommended: dict[tuple[str, StageName, bool, int], SanctionOut] = field(default_factory=dict)
    # where a fine sits and the direction -> its bounds, and the fine when no fact is read
    fines: dict[FineKey, FineParts] = field(default_factory=dict)
    # what the whole penalty depends on -> what it adds to a draft (value_free items only)
    penalties: dict[PenaltyKey, PenaltyParts] = field(default_factory=dict)
    # (party kind, stage, 情节严重, tier index) -> the number of what the penalty reads of the
    # item there (engine/penalty.py, ``_penalty_shape``)
    penalty_shapes: dict[tuple[str, StageName, bool, int | None], int] = field(default_factory=dict)
    # the ground naming the penalty clause (处罚依据), once the item has penalised a case
    basis: Ground | None = None
    # follow-up code -> the follow-up measure for the decision, in the item's words
    follow: dict[str, FollowUpOut] = field(default_factory=dict)


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


__all__ = ["PARTY_KINDS", "FineKey", "FineParts", "ItemPlan", "PenaltyKey", "PenaltyParts",
           "build_plan"]
