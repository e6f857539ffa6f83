"""The state an :class:`~discretion.engine.engine.Engine` keeps, declared once for its parts.

The engine is one class built in layers, each a module with one job: :class:`EngineState`
(here: the catalog, the item plans and the caches), ``Penalty`` (engine/penalty.py: the
recommended sanctions), ``Steps`` (engine/steps.py: the legal steps, in order) and ``Engine``
(engine/engine.py: the public API, the items and versions of a case). Each layer is a plain
subclass of the one before, so mypy checks every attribute a layer reads against the
declarations here, and mypyc compiles the chain as native classes (single inheritance).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import Band, BenchmarkItem, Sanction, TierFine
from discretion.catalog.vocabulary import circumstance_codes
from discretion.decision import (
    Adjustment,
    CatalogRef,
    OptionOut,
    Outcome,
    Procedure,
    SanctionOut,
    TraceStep,
)
from discretion.engine.matcher import Matcher
from discretion.engine.plan import FineParts, ItemPlan, build_plan
from discretion.law import apl as law
from discretion.money import Range

# A composed list of adjustment grounds (engine/penalty.py ``_compose``): the grounds
# themselves (their identities are the key, so the entry keeps them alive), the adjustments
# and trace steps they add, the direction, the conflict named for the officer, the options.
Composed = tuple[tuple[law.Ground, ...], tuple[Adjustment, ...], tuple[TraceStep, ...], str | None,
                 str | None, tuple[OptionOut, ...]]


# A penalty kept by its shape (engine/penalty.py): the recommended sanctions, the party's own
# highest fine, outcome, mandatory, procedure flags and trace steps.
SharedPenalty = tuple[tuple[SanctionOut, ...], Decimal | None, Outcome | None, bool | None,
                      Procedure | None, tuple[TraceStep, ...]]


class EngineState:
    """What the parts of the engine share: the catalog, the day used for a case without a
    decision date, the rule matcher, the item plans and the caches of results that depend on
    a few case values. Every cache is filled by whole entries (safe between threads)."""

    def __init__(self, catalog: Catalog, today: dt.date | None) -> None:
        self.catalog = catalog
        self.today = today
        self._matcher = Matcher(catalog)  # the items' rules, rulesets and their results
        self._plans: dict[str, ItemPlan] = {}  # item id -> what reads only the catalog
        # procedure flags and their trace steps, by what they read (law.apl.procedure_key)
        self._procedures: dict[law.ProcedureKey, tuple[Procedure, tuple[TraceStep, ...]]] = {}
        # Art. 32 and 49 grounds by the case's circumstances; how a list of grounds composes
        # (grounds are shared objects, so the key is their identities; the entry keeps them)
        self._circumstance_grounds: dict[frozenset[str], tuple[law.Ground, ...]] = {}
        self._directions: dict[tuple[int, ...], Composed] = {}
        self._codes = frozenset(circumstance_codes(catalog.manifest))  # every accepted code
        # A number for each shape of a sanction or a tier's fine: what its outputs read (every
        # field but the clause's words); by the object's identity (the entry keeps it alive),
        # and the numbers by the shapes themselves. The caches below are kept by these numbers,
        # so items whose clauses and tiers read alike share their entries.
        self._shapes: dict[int, tuple[Sanction | TierFine, int]] = {}
        self._shape_numbers: dict[tuple[tuple[str, str], ...], int] = {}
        # statutory ranges and policy bands of fines, by the fine's shape and the band
        self._bands: dict[tuple[int, Band | None], Range] = {}
        # a recommended fine's bounds (and the fine, when it reads no fact), by the shapes of
        # the fine and the tier's fine and the direction of the adjustments
        self._fines: dict[tuple[int, int | None, str | None], FineParts] = {}
        # a sanction whose amount reads no fact, for the decision, by shape and layer words
        self._outs: dict[tuple[int, str], SanctionOut] = {}
        # What a penalty gives where no amount reads a fact (engine/penalty.py): the numbers of
        # what it reads of an item (party, the shapes of the sanctions and of the tier's fine, the
        # kinds the tier names), and by that number and the case's direction, open tier,
        # missing facts and Art. 58 codes: the sanctions, highest own fine, outcome, mandatory,
        # procedure and trace steps (the grounds naming the item's clause are added per item).
        self._penalty_numbers: dict[tuple[object, ...], int] = {}
        self._penalties: dict[tuple[int, str | None, bool, bool, frozenset[str]], SharedPenalty] = {}
        self._ref = CatalogRef(jurisdiction=catalog.manifest.jurisdiction,
                               version=catalog.manifest.version, sha256=catalog.sha256,
                               official=catalog.manifest.official)

    def _shape(self, model: Sanction | TierFine) -> int:
        """The number of ``model``'s shape: equal for sanctions (or tiers' fines) whose every
        field but ``text`` (the clause's words, which no output reads) is written the same,
        Decimals with their exponents."""
        found = self._shapes.get(id(model))
        if found is None or found[0] is not model:
            shape = tuple((name, repr(getattr(model, name))) for name in type(model).model_fields
                          if name != "text")
            number = self._shape_numbers.setdefault(shape, len(self._shape_numbers))
            found = self._shapes[id(model)] = (model, number)
        return found[1]

    def _plan(self, item: BenchmarkItem) -> ItemPlan:
        """The item's plan, built on first use (and again for another object of the same id),
        and the shapes of its sanctions and tiers' fines."""
        plan = self._plans.get(item.id)
        if plan is None or plan.item is not item:
            plan = build_plan(self.catalog, item)
            for sanction in item.statutory.every_sanction():  # numbered with the plan
                self._shape(sanction)
            for tier in item.tiers:
                for fine in tier.fines:
                    self._shape(fine)
            self._plans[item.id] = plan
        return plan


__all__ = ["Composed", "EngineState", "SharedPenalty"]
