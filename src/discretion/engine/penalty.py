"""The recommended sanctions of a case that is penalised: the tier's band moved by the
adjustment grounds (lighter, mitigated, heavier, and how opposite grounds compose), never above
the statutory maximum, in yuan; Art. 28 confiscation; the procedure flags (Arts. 51, 58, 63);
and the statutory sanctions as the decision lists them.

:class:`Penalty` is the layer of the engine that does this (a plain subclass of
:class:`~discretion.engine.state.EngineState`, whose caches it reads; see there). What reads
only the catalog and a few case values is kept in the item's plan (engine/plan.py).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final, Literal

from discretion.case import Case
from discretion.catalog.models import (
    SANCTION_LABELS,
    Band,
    BenchmarkItem,
    Mode,
    Payer,
    Sanction,
    SanctionKind,
    Tier,
    TierFine,
)
from discretion.catalog.ranges import (
    multiples_words,
    policy_band,
    statutory_bounds,
    tier_bounds,
    tier_fine_for,
    to_yuan,
)
from discretion.catalog.sanctions import StageName
from discretion.decision import (
    Adjustment,
    Ground,
    Money,
    OptionOut,
    Outcome,
    Procedure,
    SanctionOut,
    TraceStep,
)
from discretion.engine.plan import FineKey, FineParts, ItemPlan, PenaltyKey, PenaltyParts
from discretion.engine.state import EngineState
from discretion.engine.trace import Draft, cited, fine_out, payer_of
from discretion.law import apl as law
from discretion.law.citations import apl
from discretion.law.facts import Env
from discretion.money import Range, fmt_yuan

# Enum members compared with, as module constants: in Python 3.11 reading `Enum.member` goes
# through EnumType.__getattr__'s slot (~60 ns); a Final constant of a compiled module is read
# directly.
_BAND_HEAVIER: Final = Band.heavier
_BAND_LIGHTER: Final = Band.lighter
_MODE_SHALL: Final = Mode.shall
_PAYER_PARTY: Final = Payer.party
_SANCTION_KIND_CONFISCATE_INCOME: Final = SanctionKind.confiscate_income
_SANCTION_KIND_FINE: Final = SanctionKind.fine
_ART58_CODES: Final = frozenset(code for _, code, _ in law.ART58_ITEMS)

PROCEDURE_CACHE_SIZE = 20_000  # procedure flags kept, by what they read (law.apl.procedure_key)


def art58_codes(case: Case) -> frozenset[str]:
    """The case's circumstance codes that establish a condition of Art. 58 ¶1."""
    return _ART58_CODES.intersection(case.circumstances) if case.circumstances else frozenset()


class Penalty(EngineState):
    """The recommended sanctions (see the module docstring)."""

    def _penalize(self, case: Case, plan: ItemPlan, env: Env, tier_index: int | None,
                  grounds: list[law.Ground], draft: Draft) -> None:
        """The penalty of a case the clause reaches: ``grounds`` composed into a direction,
        then :meth:`_penalty` and the item's grounds (:meth:`_clause_grounds`). When no amount
        reads a fact, the result is kept in the plan, and what :meth:`_penalty` gives is kept
        by the shape of the penalty too (:meth:`_penalty_shape`): items alike share it."""
        direction = self._compose(grounds, draft) if grounds else None
        income = env.values.get("illegal_income")
        if not plan.value_free or (isinstance(income, Decimal) and income > 0):
            outcome = self._penalty(case, plan, env, tier_index, direction, draft)
            added_grounds, added_steps = self._clause_grounds(plan, outcome)
            draft.grounds.extend(added_grounds)
            draft.trace.extend(added_steps)
            return
        # No amount reads a fact: the penalty depends only on these, and is kept in the plan.
        party = str(case.party.kind)
        review = art58_codes(case)
        key: PenaltyKey = (party, draft.stage, draft.serious, tier_index, direction,
                           bool(draft.tiers_possible), bool(draft.missing), review)
        cached = plan.penalties.get(key)
        if cached is None:
            cached = plan.penalties[key] = self._kept_penalty(case, plan, env, tier_index,
                                                              direction, draft, party, review)
        recommended, draft.max_fine, draft.outcome, draft.mandatory, draft.procedure, \
            added_grounds, added_steps = cached
        draft.recommended = list(recommended)
        draft.grounds.extend(added_grounds)
        draft.trace.extend(added_steps)

    def _kept_penalty(self, case: Case, plan: ItemPlan, env: Env, tier_index: int | None,
                      direction: str | None, draft: Draft, party: str,
                      review: frozenset[str]) -> PenaltyParts:
        """What :meth:`_penalty` and the item's grounds add to ``draft`` (which they leave as
        it is) for a value-free item: the first from the penalties kept by shape."""
        shape = (self._penalty_shape(plan, party, draft.stage, draft.serious, tier_index),
                 direction, bool(draft.tiers_possible), bool(draft.missing), review)
        found = self._penalties.get(shape)
        if found is None:
            scratch = Draft()  # what the penalty reads of the draft; it starts no other way
            scratch.stage, scratch.serious = draft.stage, draft.serious
            scratch.tiers_possible, scratch.missing = draft.tiers_possible, draft.missing
            outcome = self._penalty(case, plan, env, tier_index, direction, scratch)
            found = self._penalties[shape] = (
                tuple(scratch.recommended), scratch.max_fine, outcome, scratch.mandatory,
                scratch.procedure, tuple(scratch.trace))
        recommended, max_fine, outcome, mandatory, procedure, steps = found
        added_grounds, added_steps = self._clause_grounds(plan, outcome)
        return (recommended, max_fine, outcome, mandatory, procedure, added_grounds,
                steps + added_steps)

    def _penalty_shape(self, plan: ItemPlan, party: str, stage: StageName, serious: bool,
                       tier_index: int | None) -> int:
        """A number for all that :meth:`_penalty` reads of the item for this party, stage,
        情节严重 and tier: the shapes of the statutory sanctions, of the tier's fine and the
        kinds the tier names. Equal numbers, equal penalties, whatever the item."""
        key = (party, stage, serious, tier_index)
        number = plan.penalty_shapes.get(key)
        if number is None:
            tier = plan.item.tiers[tier_index] if tier_index is not None else None
            fine = tier_fine_for(tier, party) if tier is not None else None
            shape = (party, tuple(self._shape(s) for s in plan.sanctions[(party, stage, serious)]),
                     None if fine is None else self._shape(fine),
                     None if tier is None else tuple(tier.sanctions))
            number = plan.penalty_shapes[key] = \
                self._penalty_numbers.setdefault(shape, len(self._penalty_numbers))
        return number

    def _clause_grounds(self, plan: ItemPlan, outcome: Outcome | None) -> tuple[
            tuple[Ground, ...], tuple[TraceStep, ...]]:
        """What the item's clause adds to a penalty's ``outcome``: the clause as the basis of
        a penalty (处罚依据), or its grounds of an order alone when it gives nothing to impose."""
        item = plan.item
        if outcome == "penalized":
            basis = plan.basis
            if basis is None:
                basis = plan.basis = Ground(citation=item.penalty, reason=f"处罚依据：{item.clause}")
            return (basis,), ()
        if outcome == "correction_only":
            # e.g. fines only 造成严重后果的 and no illegal income: nothing to impose but the order
            return ((Ground(citation=item.penalty,
                            reason="本案情形下该条款没有应当给予的行政处罚，依法责令改正"),),
                    (TraceStep(rule="penalty", detail="本案情形下没有应当给予的行政处罚：只责令改正",
                               citation=item.penalty),))
        return (), ()

    def _compose(self, grounds: list[law.Ground], draft: Draft) -> str | None:
        """:func:`_direction` of ``grounds``, its adjustments and trace steps added to
        ``draft``; kept by the grounds' identities (they are shared, long-lived objects)."""
        key = tuple(map(id, grounds))
        found = self._directions.get(key)
        if found is None or any(a is not b for a, b in zip(found[0], grounds, strict=True)):
            scratch = Draft()
            direction = _direction(grounds, scratch)
            if len(self._directions) >= PROCEDURE_CACHE_SIZE:
                self._directions.clear()
            found = self._directions[key] = (tuple(grounds), tuple(scratch.adjustments),
                                             tuple(scratch.trace), direction, scratch.conflict,
                                             tuple(scratch.options))
        draft.adjustments.extend(found[1])
        draft.trace.extend(found[2])
        draft.conflict = found[4]
        draft.options.extend(found[5])
        return found[3]

    def _penalty(self, case: Case, plan: ItemPlan, env: Env, tier_index: int | None,
                 direction: str | None, draft: Draft) -> Outcome | None:
        """The recommended sanctions of the tier moved by ``direction``, Art. 28 and the
        procedure flags (Arts. 51, 58, 63), and the outcome they give (None: facts are
        missing). The grounds naming the item's clause are :meth:`_clause_grounds`'."""
        item = plan.item
        party = str(case.party.kind)
        tier = item.tiers[tier_index] if tier_index is not None else None
        # 情节严重 decides the clause's sanctions whether or not a tier describes it
        serious = draft.serious
        stage = draft.stage
        sanctions = plan.sanctions[(party, stage, serious)]
        recommended: list[SanctionOut] = []
        kinds: set[SanctionKind] = set()
        for number, sanction in enumerate(sanctions):
            if sanction.kind is _SANCTION_KIND_FINE:
                out = self._recommend_fine(plan, (party, stage, serious, number, tier_index, direction),
                                           sanction, tier, party, env, direction, draft)
                if out is not None:
                    recommended.append(out)
                    kinds.add(sanction.kind)
            elif sanction.kind is _SANCTION_KIND_CONFISCATE_INCOME:
                continue  # Art. 28 below
            elif tier is None or sanction.kind in tier.sanctions or sanction.mode is _MODE_SHALL:
                out = plan.recommended.get((party, stage, serious, number))
                if out is None:
                    out = plan.recommended[(party, stage, serious, number)] = \
                        self._fixed_out(sanction, item, env)
                recommended.append(out)
                kinds.add(sanction.kind)
        income = env.values.get("illegal_income")
        if isinstance(income, Decimal) and income > 0:
            recommended.append(SanctionOut(kind=_SANCTION_KIND_CONFISCATE_INCOME.value,
                                           label=SANCTION_LABELS[_SANCTION_KIND_CONFISCATE_INCOME],
                                           basis=f"没收违法所得{fmt_yuan(income)}（《行政处罚法》第二十八条第二款）"))
            kinds.add(_SANCTION_KIND_CONFISCATE_INCOME)
            draft.step("art28", f"有违法所得{fmt_yuan(income)}，予以没收", apl(28, 2))
        draft.recommended = recommended
        if draft.missing:
            return None
        if not recommended:
            draft.outcome = "correction_only"
            return "correction_only"
        draft.outcome = "penalized"
        draft.mandatory = None
        income = income if isinstance(income, Decimal) else None
        review = art58_codes(case)
        flags_key = law.procedure_key(kinds, draft.max_fine, party, self.catalog.manifest, income,
                                      review)
        procedure = self._procedures.get(flags_key)
        if procedure is None:
            flags = law.flags_for(flags_key, self.catalog.manifest)
            procedure = (Procedure(summary_allowed=flags.summary_allowed, hearing_right=flags.hearing_right,
                                   legal_review=flags.legal_review,
                                   legal_review_if=list(flags.legal_review_if)),
                         tuple(TraceStep(rule="procedure", detail=reason) for reason in flags.reasons))
            if len(self._procedures) >= PROCEDURE_CACHE_SIZE:
                self._procedures.clear()
            self._procedures[flags_key] = procedure
        draft.procedure = procedure[0]
        draft.trace.extend(procedure[1])
        return "penalized"

    def _recommend_fine(self, plan: ItemPlan, key: FineKey, sanction: Sanction,
                        tier: Tier | None, party: str, env: Env, direction: str | None,
                        draft: Draft) -> SanctionOut | None:
        """The recommended fine: the tier's band moved by ``direction``, in yuan. The band
        reads only the catalog; it and, when the amount reads no fact, the whole result are
        kept in the plan under ``key`` (where the fine sits, and ``direction``)."""
        cached = plan.fines.get(key)
        if cached is None:
            cached = plan.fines[key] = self._fine_parts(
                sanction, tier_fine_for(tier, party) if tier is not None else None, direction)
        bounds, fixed = cached
        own = sanction.on is _PAYER_PARTY  # the party's own fine sets the procedure (Arts. 51, 63)
        if fixed is not None:
            if own:
                draft.max_fine = fixed[0]
            if draft.tiers_possible:
                return None
            draft.trace.append(fixed[2])
            return fixed[1]
        result = to_yuan(sanction, bounds, env.values, env.labels, plan.units)
        if result.range is None:
            assert result.missing is not None
            draft.need(env.paths.get(result.missing, f"facts.{result.missing}"),
                       env.labels.get(result.missing, result.missing),
                       env.types.get(result.missing, "money"))
            draft.step("fine", f"罚款以{env.labels.get(result.missing, result.missing)}计算，须查明")
            return None
        if own:
            draft.max_fine = result.range.high
        if draft.tiers_possible:
            return None
        out, step = fine_out(sanction, result)
        draft.trace.append(step)
        return out

    def _fine_parts(self, sanction: Sanction, fine: TierFine | None,
                    direction: str | None) -> FineParts:
        """The fine's recommended bounds for the tier's ``fine`` (None: no tier, or none for
        the party) moved by ``direction``, and the fine itself when its amount reads no fact:
        kept by the shapes of the sanction and the tier's fine, so items whose clauses and
        tiers read alike share them."""
        key = (self._shape(sanction), None if fine is None else self._shape(fine), direction)
        found = self._fines.get(key)
        if found is None:
            bounds = self._fine_bounds(sanction, fine, direction)
            found = (bounds, None)
            if not (sanction.base or sanction.per):
                result = to_yuan(sanction, bounds, {})  # an amount in yuan reads no fact
                assert result.range is not None
                out, step = fine_out(sanction, result)
                found = (bounds, (result.range.high, out, step))
            self._fines[key] = found
        return found

    def _fine_bounds(self, sanction: Sanction, fine: TierFine | None,
                     direction: str | None) -> Range:
        """The recommended bounds of a fine in its own unit (catalog and policy only): the
        tier's ``fine`` (None: the whole statutory range) moved by ``direction``."""
        policy = self.catalog.manifest.policy
        whole = self._band(sanction, None)
        bounds = whole
        if fine is not None:
            bounds = self._tier_bounds(fine, sanction)
        if direction == "lighter":
            lower = self._band(sanction, _BAND_LIGHTER)
            bounds = Range(min(bounds.low, lower.low), min(bounds.high, lower.high)) \
                if bounds.low <= lower.high else lower
        elif direction == "heavier":
            upper = self._band(sanction, _BAND_HEAVIER)
            bounds = Range(max(bounds.low, upper.low), max(bounds.high, upper.high))
        elif direction == "mitigated":
            if whole.low > 0:
                bounds = Range((whole.low * policy.mitigation_floor).quantize(Decimal("0.01")),
                               whole.low)
            else:
                bounds = self._band(sanction, _BAND_LIGHTER)
        return whole.clamp(bounds) if direction != "mitigated" else bounds

    def _tier_bounds(self, fine: TierFine, sanction: Sanction) -> Range:
        """:func:`tier_bounds`, its policy band kept (:meth:`_band`)."""
        if fine.band is not None:
            return self._band(sanction, fine.band)
        return tier_bounds(fine, sanction, self.catalog.manifest.policy)

    def _band(self, sanction: Sanction, band: Band | None) -> Range:
        """A policy band of a statutory fine (``None``: its whole statutory range), kept by the
        sanction's shape: the tiers and adjustments of an item share the three bands, and so
        do the items whose fines read alike."""
        key = (self._shape(sanction), band)
        found = self._bands.get(key)
        if found is None:
            found = self._bands[key] = statutory_bounds(sanction) if band is None else \
                policy_band(sanction, band, self.catalog.manifest.policy)
        return found

    def _fixed_out(self, sanction: Sanction, item: BenchmarkItem, env: Env,
                   prefix: str = "") -> SanctionOut:
        """:meth:`_sanction_out` of a sanction whose amount reads no fact (neither a multiple
        nor per unit), which reads neither the case nor the item: kept by its shape."""
        key = (self._shape(sanction), prefix)
        found = self._outs.get(key)
        if found is None:
            found = self._outs[key] = self._sanction_out(sanction, item, env, None, prefix)
        return found

    def _sanction_out(self, sanction: Sanction, item: BenchmarkItem, env: Env, bounds: Range | None,
                      prefix: str = "") -> SanctionOut:
        """A statutory sanction for the decision; ``prefix`` names the layer of the clause it
        belongs to (逾期未改正的 / 拒不改正的 / 情节严重的)."""
        fine = None
        basis = None
        if sanction.kind is _SANCTION_KIND_FINE:
            result = to_yuan(sanction, bounds or self._band(sanction, None), env.values, env.labels,
                             self._plan(item).units)
            if result.range is not None:
                fine = Money(**result.range.as_dict())
                basis = result.basis
            else:
                whole = self._band(sanction, None)
                name = result.missing or ""
                label = env.labels.get(name, name)
                if sanction.base:
                    basis = f"{label}的{multiples_words(whole.low, whole.high)}"
                else:
                    unit = self._plan(item).units.get(name) or "个"
                    basis = f"按{label}每{unit}{fmt_yuan(whole.low)}至{fmt_yuan(whole.high)}"
        if prefix:
            basis = (prefix + "：" + basis) if basis else prefix
        return SanctionOut(kind=sanction.kind.value, label=sanction.shown_label,
                           mode=sanction.mode.value, party=sanction.party.value, fine=fine,
                           basis=basis, on=payer_of(sanction), source=sanction.source)


def _direction(grounds: list[law.Ground], draft: Draft) -> str | None:
    """How lighter, mitigated and heavier grounds compose (docs/legal-model.md, "Opposite
    grounds"): a mitigation ground applies alone; grounds in one direction apply; grounds in
    both directions: a "may" (可以) ground never cancels a "shall" (应当) one, so where only
    one side has a shall ground, that side applies; where both sides are may, or both have a
    shall ground, they offset and the tier's own band stands — and where both are shall, the
    decision names the conflict for the officer to weigh and reason (it is never silent).
    Each ground is listed as an adjustment either way."""
    down = [g for g in grounds if g.kind in ("lighter", "lighter_or_mitigated", "mitigated")]
    up = [g for g in grounds if g.kind == "heavier"]
    for ground in grounds:
        kind: Literal["lighter", "mitigated", "heavier"] = \
            "heavier" if ground.kind == "heavier" else \
            ("mitigated" if ground.kind == "mitigated" else "lighter")
        draft.adjustments.append(Adjustment(kind=kind, mandatory=ground.mandatory, basis=ground.citation,
                                            reason=ground.reason))
        draft.step("adjust", f"{'应当' if ground.mandatory else '可以'}"
                             f"{ {'heavier': '从重', 'mitigated': '减轻', 'lighter': '从轻'}[kind]}：{ground.reason}",
                   ground.citation)
    if down and up:
        shall_down = any(g.mandatory for g in down)
        shall_up = any(g.mandatory for g in up)
        if shall_down and shall_up:
            draft.conflict = ("应当从轻（减轻）与应当从重的情节并存：" + cited(down) + "与" + cited(up) +
                              "均为法定“应当”，法律未规定优先顺序，本基准不以其一抵销另一，暂按所在档次裁量；"
                              "执法人员应当综合考量两类情节，在处罚决定中说明理由")
            draft.step("conflict", draft.conflict)
            return None
        if shall_down != shall_up:
            side = down if shall_down else up
            words = "从轻（减轻）" if shall_down else "从重"
            draft.step("adjust", f"应当{words}的情节（{cited([g for g in side if g.mandatory])}）"
                                 "不因相反方向的“可以”情节而抵销")
            if shall_up:
                return "heavier"
            if any(g.kind == "mitigated" for g in down):
                return "mitigated"  # a shall ground among them: no "unadjusted" option
            _mitigation_options(down, draft)
            return "lighter"
        draft.step("adjust", "可以从轻（减轻）与可以从重情节并存，相互抵销，按所在档次裁量")
        return None
    if any(g.kind == "mitigated" for g in down):
        _mitigation_options(down, draft, mitigated=True)
        return "mitigated"
    if down:
        _mitigation_options(down, draft)
        return "lighter"
    if up:
        return "heavier"
    return None


def _mitigation_options(down: list[law.Ground], draft: Draft, mitigated: bool = False) -> None:
    """The law's other choices where grounds lighten: 从轻或者减轻 recommends 从轻, and 减轻 is
    the other; where every ground is a "may", not lightening stays lawful too."""
    if not any(g.mandatory for g in down):
        draft.options.append(OptionOut(
            outcome="unadjusted", basis=down[0].citation,
            reason="从轻（减轻）的情节都是“可以”：也可以不从轻、减轻，按所在档次裁量"))
    if mitigated:
        return
    for ground in down:
        if ground.kind == "lighter_or_mitigated":
            draft.options.append(OptionOut(
                outcome="mitigated", basis=ground.citation,
                reason=f"{'应当' if ground.mandatory else '可以'}从轻或者减轻：也可以减轻处罚"
                       "（在法定最低额以下裁量）"))


__all__ = ["PROCEDURE_CACHE_SIZE", "Penalty", "art58_codes"]
