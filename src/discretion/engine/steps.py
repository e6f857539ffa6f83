"""The legal steps that decide one item, in the order the law is applied (the list is in
engine/engine.py's docstring): Arts. 36, 37, 30, 31 and 33 ¶2, the clause's own condition and
escalation stage, 情节严重, the tier (by its conditions, or the one the officer found), Art. 33
¶1 and the non-penalty list, the grounds of Arts. 32 and 49 and of the lists, then the penalty
(engine/penalty.py); and Art. 29 for one act under several items.

:class:`Steps` is the layer of the engine that takes them (a plain subclass of
:class:`~discretion.engine.penalty.Penalty`; the state it reads is declared in
:class:`~discretion.engine.state.EngineState`). Each step writes to the case's
:class:`~discretion.engine.trace.Draft`.
"""

from __future__ import annotations

from collections.abc import Iterable, Mapping
from decimal import Decimal
from typing import Final

from discretion.case import Case, CorrectionStatus, Harm
from discretion.catalog.catalog import OTHERWISE
from discretion.catalog.models import (
    LIST_LABELS,
    AppliesWhen,
    BenchmarkItem,
    Citation,
    Correction,
    ListKind,
    Sanction,
    SanctionKind,
)
from discretion.catalog.ranges import party_fine, tier_fine_for, to_yuan
from discretion.catalog.sanctions import falls_on, stage_for, stage_words
from discretion.conditions.ast import names_in
from discretion.conditions.interpret import UNKNOWN, Tri
from discretion.decision import (
    Decision,
    Ground,
    OptionOut,
    Procedure,
    SanctionOut,
    TierOut,
    TraceStep,
)
from discretion.engine.penalty import Penalty, art58_codes
from discretion.engine.plan import ItemPlan
from discretion.engine.trace import CORRECTION_TEXT, Draft, correction_label, finish
from discretion.errors import CaseError, Problem
from discretion.law import apl as law
from discretion.law.citations import apl
from discretion.law.facts import Env
from discretion.law.versions import VersionChoice
from discretion.money import Range

# Enum members compared with, as module constants: in Python 3.11 reading `Enum.member` goes
# through EnumType.__getattr__'s slot (~60 ns); a Final constant of a compiled module is read
# directly.
_CORRECTION_NONE: Final = Correction.none
_CORRECTION_STATUS_IN_TIME: Final = CorrectionStatus.in_time
_CORRECTION_STATUS_OVERDUE: Final = CorrectionStatus.overdue
_CORRECTION_STATUS_REFUSED: Final = CorrectionStatus.refused
_HARM_MINOR: Final = Harm.minor
_HARM_NONE: Final = Harm.none
_LIST_KIND_LIGHTER: Final = ListKind.lighter
_LIST_KIND_MITIGATION: Final = ListKind.mitigation
_LIST_KIND_NON_PENALTY: Final = ListKind.non_penalty
_LIST_KIND_NO_COERCION: Final = ListKind.no_coercion

_ART33_MAY_OPTION: Final = OptionOut(
    outcome="not_penalized", basis=apl(33, 1),
    reason="初次违法且危害后果轻微并及时改正的，可以不予行政处罚（法律赋予的选择，不以不予处罚清单为限）")
# the correction statuses that meet a clause's condition (逾期不改正的 includes one who refused)
_NEEDED: Final[dict[str, frozenset[CorrectionStatus]]] = {
    "overdue": frozenset({_CORRECTION_STATUS_OVERDUE, _CORRECTION_STATUS_REFUSED}),
    "refused": frozenset({_CORRECTION_STATUS_REFUSED}),
}
_GATE_WORDS: Final = {
    AppliesWhen.overdue: "逾期不改正的", AppliesWhen.refused: "拒不改正的",
    AppliesWhen.overdue_or_serious: "逾期不改正或者情节严重的",
    AppliesWhen.refused_or_serious: "拒不改正或者情节严重的",
}


def _officer_tier(item: BenchmarkItem, level: str) -> int:
    """The index of the item's tier named ``level`` (the case's ``tier``); a case error naming
    the item's tiers otherwise."""
    for index, tier in enumerate(item.tiers):
        if tier.level == level:
            return index
    levels = [t.level for t in item.tiers]
    if not levels:
        raise CaseError(Problem(
            f"{item.id} has no tiers, so the case cannot name tier '{level}'; "
            f"事项{item.id}没有裁量阶次，请删除 tier", path="tier",
            expected="no tier for this item", hint="leave tier out: the statutory range applies"))
    raise CaseError(Problem(
        f"{item.id} has no tier '{level}'; 事项{item.id}没有“{level}”这一裁量阶次，可选："
        + "、".join(levels), path="tier", expected="one of: " + ", ".join(levels),
        hint="write the tier's name as the item gives it (discretion show " + item.id + ")"))


def _gate_words(when: AppliesWhen) -> str:
    return _GATE_WORDS[when]


class Steps(Penalty):
    """The legal steps (see the module docstring)."""

    def _decide(self, case: Case, plan: ItemPlan, env: Env,
                version: VersionChoice | None = None) -> Draft:
        """The draft decision of ``case`` under one item (``plan``), with ``env`` the values its
        conditions read and ``version`` how Art. 37 chose the item's version (None: it has
        none)."""
        draft = Draft()
        item = plan.item
        # the tier the officer found: checked first, whatever ends the case
        found_tier = None if case.tier is None else _officer_tier(item, case.tier)
        # the day the decision is dated: the case's, else one the caller supplied; the clock
        # is never read, and a date no one gave is never assumed
        day = case.decided_on or self.today
        draft.trace.append(plan.item_step)
        if case.decided_on is None and self.today is not None:
            draft.step("date", f"案件未载明决定日期，按调用方指定的日期{self.today}计")
        # Art. 36 first: a case discovered too late ends whatever else is true.
        expired = law.art36_limitation(case, item, day)
        if isinstance(expired, law.Finding):
            return self._not_penalized(draft, expired.citation, expired.reason, expired.rule,
                                       expired.mandatory, expired.follow_up)
        if version is not None:  # Art. 37: which version of the provision applies
            if version.missing is not None:
                draft.need(version.missing, "作出处罚决定的日期", "date")
                draft.step("art37", "须查明作出处罚决定的日期：规定在违法行为发生后有修改或者失效，"
                                    "适用哪一版本取决于该日期（从旧兼从轻）", apl(37))
            for reason in version.reasons:
                draft.step("art37", reason, apl(37))
            if version.not_violation is not None:
                return self._not_penalized(draft, apl(37), version.not_violation, "art37",
                                           True, ())
        draft.grounds.extend(plan.violated)
        if version is not None and version.decisive:
            draft.grounds.append(Ground(citation=apl(37), reason=version.reasons[-1]))
        party = str(case.party.kind)
        draft.statutory = self._statutory(plan, party, env)
        if plan.sources:  # 实施条例 that set the amounts: grounds of the decision
            draft.grounds.extend(plan.sources)
        if item.statutory.correction is not _CORRECTION_NONE:
            draft.follow("correction_order")
        # Art. 36, 30, 31, 33 ¶2: rules that can end the case before the benchmark is read.
        checks: list[law.Finding | law.Ground | law.Missing | None] = [
            expired, law.art30_age(case), law.art31_capacity(case), law.art33_no_fault(case)]
        grounds: list[law.Ground] = []
        for result in checks:
            if result is None:
                continue
            if isinstance(result, law.Finding):
                return self._not_penalized(draft, result.citation, result.reason, result.rule,
                                           result.mandatory, result.follow_up)
            if isinstance(result, law.Missing):
                draft.need(result.path, result.label, result.type)
                draft.outcomes.add("not_penalized")
                draft.step(result.rule, "needs " + result.path + ": " + result.reason)
            elif isinstance(result, law.Ground):
                grounds.append(result)
        # The clause's own condition.
        opens = self._clause_applies(case, plan, draft)
        if opens is False:
            return draft
        matched = self._matcher.match(item, env, draft)
        values = matched.values
        if opens is None and not self._serious_opens(case, plan, values, env, draft, found_tier):
            return draft
        tier_index: int | None
        if found_tier is not None:
            tier_index = self._officer_tier_step(plan, found_tier, values, draft)
        elif matched.tier is not None:  # the same classes of facts choose the same tier
            tier_index, draft.tier, steps, draft.serious = matched.tier
            draft.trace.extend(steps)
        else:
            before = len(draft.trace)
            tier_index = self._select_tier(plan, values, env, draft)
            if matched.kept:  # every fact known: the choice is the same next time
                matched.tier = (tier_index, draft.tier, tuple(draft.trace[before:]), draft.serious)
        # Art. 33 ¶1 and the non-penalty list.
        if self._art33_minor(case, plan, tier_index, values, draft):
            return draft
        draft.outcomes.add("penalized")
        if case.circumstances:
            grounds += self._circumstance_grounds_of(case)
        grounds += self._list_grounds(plan, values, draft)
        self._penalize(case, plan, env, tier_index, grounds, draft)
        return draft

    def _circumstance_grounds_of(self, case: Case) -> tuple[law.Ground, ...]:
        """Arts. 32 and 49: the grounds the case's circumstances give (the same for the same set
        of circumstances; only catalog-declared codes reach here)."""
        key = frozenset(case.circumstances)
        found = self._circumstance_grounds.get(key)
        if found is None:
            grounds = law.art32_grounds(case, self.catalog.manifest)
            heavier = law.art49_emergency(case)
            if heavier is not None:
                grounds.append(heavier)
            found = self._circumstance_grounds[key] = tuple(grounds)
        return found

    def _statutory(self, plan: ItemPlan, party: str, env: Env) -> list[SanctionOut]:
        """The statutory sanctions for the party, layer by layer as the clause writes them: the
        base, each escalation stage and 情节严重的 (shared when no amount reads a fact)."""
        if plan.value_free:
            cached = plan.statutory.get(party)
            if cached is not None:
                return list(cached)
        item = plan.item
        statutory = item.statutory
        layers: list[tuple[str, list[Sanction]]] = [("", statutory.sanctions)]
        layers += [(stage_words(stage.when), stage.sanctions) for stage in statutory.stages]
        if statutory.serious is not None:
            layers.append(("情节严重的", statutory.serious.sanctions))
        out: list[SanctionOut] = []
        kept = plan.statutory_layers
        for layer, (prefix, sanctions) in enumerate(layers):
            for number, sanction in enumerate(sanctions):
                if not falls_on(sanction, party):
                    continue
                if sanction.base or sanction.per:  # the amount reads a fact of the case
                    out.append(self._sanction_out(sanction, item, env, None, prefix=prefix))
                    continue
                found = kept.get((party, layer, number))
                if found is None:
                    found = kept[(party, layer, number)] = \
                        self._fixed_out(sanction, item, env, prefix)
                out.append(found)
        if plan.value_free:
            plan.statutory[party] = tuple(out)
        return out

    def _not_penalized(self, draft: Draft, citation: Citation, reason: str, rule: str,
                       mandatory: bool, follow_up: Iterable[str]) -> Draft:
        draft.outcome = "not_penalized"
        draft.mandatory = mandatory
        draft.grounds.append(Ground(citation=citation, reason=reason))
        draft.follow(*follow_up)
        draft.step(rule, ("应当" if mandatory else "可以") + "不予行政处罚：" + reason, citation)
        draft.missing.clear()
        return draft

    def _clause_applies(self, case: Case, plan: ItemPlan, draft: Draft) -> bool | None:
        """Whether the clause's sanctions apply to the case (``None``: only 情节严重 can still
        open it, decided with the facts)."""
        item = plan.item
        if not plan.sanctions[(str(case.party.kind), "base", False)]:
            who = "单位" if case.party.kind == "individual" else "个人"
            draft.outcome = "correction_only"
            draft.grounds.append(Ground(citation=item.penalty,
                                        reason=f"该条款仅对{who}规定了处罚，对本案当事人只责令改正"))
            draft.step("clause", f"条款的处罚对象是{who}：不予罚款，责令改正", item.penalty)
            return False
        when = item.statutory.applies_when
        if item.statutory.stages:
            self._stage(case, plan, draft)
        if when is AppliesWhen.always:
            return True
        if case.correction in _NEEDED[when.correction_part]:
            draft.step("clause", f"符合“{_gate_words(when)}”：当事人{correction_label(case.correction)}",
                       item.penalty)
            return True
        if when.or_serious:  # 情节严重 alone opens it too: decided once the facts are matched
            return None
        if case.correction is None:
            self._ask_correction(plan, draft)
            return True
        self._correction_only(case, plan, draft)
        return False

    @staticmethod
    def _ask_correction(plan: ItemPlan, draft: Draft) -> None:
        draft.need("correction", "改正情况", "enum")
        draft.outcomes.update({"correction_only", "penalized"})
        draft.step("clause", f"处罚以“{_gate_words(plan.item.statutory.applies_when)}”为条件，"
                             "须查明改正情况", plan.item.penalty)

    @staticmethod
    def _correction_only(case: Case, plan: ItemPlan, draft: Draft) -> None:
        item = plan.item
        words = _gate_words(item.statutory.applies_when)
        assert case.correction is not None
        draft.outcome = "correction_only"
        draft.mandatory = None
        draft.grounds.append(Ground(citation=item.penalty,
                                    reason=f"罚款以“{words}”为条件，当事人{correction_label(case.correction)}，"
                                           f"仅{CORRECTION_TEXT[item.statutory.correction]}"))
        draft.step("clause", f"未出现“{words}”情形：只责令改正，不予罚款", item.penalty)

    def _serious_opens(self, case: Case, plan: ItemPlan, values: Mapping[str, Tri], env: Env,
                       draft: Draft, found_tier: int | None = None) -> bool:
        """…或者情节严重的，处…: the correction status did not open the clause; 情节严重 may (by
        the facts, or by the officer's finding of a 情节严重 tier)."""
        item = plan.item
        serious = values.get("serious", UNKNOWN)
        if found_tier is not None and item.tiers[found_tier].uses == "serious":
            serious = True
        if serious is True:
            draft.step("clause", f"情节严重：符合“{_gate_words(item.statutory.applies_when)}”",
                       item.penalty)
            return True
        if serious is UNKNOWN:
            self._need_names(item, "serious", env, draft)
            if case.correction is None:
                draft.need("correction", "改正情况", "enum")
            draft.outcomes.update({"correction_only", "penalized"})
            draft.step("clause", f"处罚以“{_gate_words(item.statutory.applies_when)}”为条件，"
                                 "须查明改正情况或者情节是否严重", item.penalty)
            return True
        if case.correction is None:
            self._ask_correction(plan, draft)
            return True
        self._correction_only(case, plan, draft)
        return False

    def _stage(self, case: Case, plan: ItemPlan, draft: Draft) -> None:
        """The escalation stage of the clause the case reached (逾期未改正的 / 拒不改正的): it
        decides the sanctions, so an unknown correction status is asked for."""
        item = plan.item
        if case.correction is None:
            draft.need("correction", "改正情况", "enum")
            draft.outcomes.add("penalized")
            words = "、".join(f"“{stage_words(stage.when)}”" for stage in item.statutory.stages)
            draft.step("stage", f"条款对{words}规定了不同的处罚，须查明改正情况", item.penalty)
            return
        draft.stage = stage_for(item.statutory, case.correction.value)
        if draft.stage != "base":
            draft.step("stage", f"当事人{correction_label(case.correction)}：适用条款中"
                                f"“{stage_words(draft.stage)}”的处罚", item.penalty)

    def _select_tier(self, plan: ItemPlan, values: Mapping[str, Tri], env: Env,
                     draft: Draft) -> int | None:
        """First tier (in written order) whose circumstances hold; ``otherwise`` when none does."""
        item = plan.item
        serious: Tri = values.get("serious", False) if item.statutory.serious else False
        if serious is UNKNOWN:
            self._need_names(item, "serious", env, draft)
            serious = False
        uses = "serious" if serious is True else "base"
        draft.serious = serious is True
        if serious is True:
            draft.step("serious", "情节严重：适用情节严重的处罚幅度", item.penalty)
        conds = self.catalog.conditions[item.id].tiers
        possible: list[int] = []
        chosen: int | None = None
        otherwise: int | None = None
        prose = False  # a tier the officer finds from its described circumstances
        for index, tier in enumerate(item.tiers):
            if tier.uses != uses:
                continue
            cond = conds[index]
            if cond == OTHERWISE:
                otherwise = index
                continue
            if cond is None:
                possible.append(index)
                prose = True
                continue
            value: Tri = values[f"tier:{index}"]
            if value is True:
                possible.append(index)
                chosen = index
                break
            if value is UNKNOWN:
                possible.append(index)
                self._need_names(item, f"tier:{index}", env, draft)
        if chosen is None and otherwise is not None:
            possible.append(otherwise)
            chosen = otherwise
        if prose and len(possible) == 1:
            chosen = possible[0]  # the only tier there is: nothing for the officer to choose
        if len(possible) > 1:
            possible.sort()
            draft.tiers_possible = [item.tiers[i].level for i in possible]
            if prose:
                draft.need("tier", "裁量阶次", "enum")
                draft.step("tier", "裁量阶次由执法人员依违法情形认定（填写 tier）：" + "；".join(
                    f"{item.tiers[i].level}" + (f"（{item.tiers[i].description}）"
                                                if item.tiers[i].description else "")
                    for i in possible))
            else:
                draft.step("tier", "档次取决于未查明的事实：" + "、".join(draft.tiers_possible))
            self._possible_range(item, env, possible, draft)
            return None
        if chosen is None:
            draft.step("tier", "没有档次的情形成立：按法定幅度")
            return None
        cached = plan.tier_out.get(chosen)
        if cached is None:
            tier = item.tiers[chosen]
            cached = plan.tier_out[chosen] = (
                TierOut(index=chosen, level=tier.level, description=tier.description),
                TraceStep(rule="tier", detail=f"违法程度：{tier.level}" +
                          (f"（{tier.description}）" if tier.description else "")))
        draft.tier, step = cached
        draft.trace.append(step)
        return chosen

    def _officer_tier_step(self, plan: ItemPlan, index: int, values: Mapping[str, Tri],
                           draft: Draft) -> int:
        """The tier the officer found (the case's ``tier``), in place of the tiers' conditions;
        a 情节严重 tier is the officer's finding of 情节严重. The facts may not contradict it."""
        item = plan.item
        tier = item.tiers[index]
        serious = tier.uses == "serious"
        if not serious and item.statutory.serious is not None and values.get("serious") is True:
            raise CaseError(Problem(
                f"{item.id}: the facts make the case 情节严重, but tier '{tier.level}' is a tier "
                "without 情节严重; 案件事实构成情节严重，所填裁量阶次不适用于情节严重的情形",
                path="tier", expected="one of: " + ", ".join(
                    t.level for t in item.tiers if t.uses == "serious"),
                hint="give a 情节严重 tier, or correct the facts"))
        draft.serious = serious
        if serious:
            draft.step("serious", "情节严重：执法人员认定的裁量阶次适用情节严重的处罚幅度", item.penalty)
        draft.tier = TierOut(index=index, level=tier.level, description=tier.description)
        draft.step("tier", f"违法程度：{tier.level}（执法人员认定" +
                   (f"：{tier.description}）" if tier.description else "）"))
        return index

    def _need_names(self, item: BenchmarkItem, rule: str, env: Env, draft: Draft) -> None:
        expr = self._matcher.rules(item)[rule]
        for name in names_in(expr):
            if name.name not in env.values:
                draft.need(env.paths.get(name.name, name.name), env.labels.get(name.name, name.name),
                           env.types.get(name.name, "text"))

    def _possible_range(self, item: BenchmarkItem, env: Env, tiers: list[int], draft: Draft) -> None:
        party = env.values["party_kind"]
        lows: list[Decimal] = []
        highs: list[Decimal] = []
        for index in tiers:
            tier = item.tiers[index]
            sanction = party_fine(item.statutory, str(party), tier.uses == "serious", draft.stage)
            tier_fine = tier_fine_for(tier, str(party))
            if sanction is None or tier_fine is None:
                continue
            result = to_yuan(sanction, self._tier_bounds(tier_fine, sanction), env.values)
            if result.range is not None:
                lows.append(result.range.low)
                highs.append(result.range.high)
        if lows:
            draft.range_possible = Range(min(lows), max(highs))

    def _art33_minor(self, case: Case, plan: ItemPlan, tier_index: int | None,
                     values: Mapping[str, Tri], draft: Draft) -> bool:
        """Art. 33 ¶1. First sentence (shall): the violation is minor — the item's lightest tier —
        was corrected in time and caused no harm. Second sentence (may): first violation, minor
        harm, corrected in time, where the catalog's non-penalty list covers the item."""
        lightest = tier_index is not None and tier_index == plan.lightest
        if case.harm is _HARM_NONE and case.correction is _CORRECTION_STATUS_IN_TIME and lightest:
            self._not_penalized(draft, apl(33, 1),
                                "违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚", "art33.1",
                                True, ("education",))
            return True
        for entry in plan.lists[_LIST_KIND_NON_PENALTY]:
            value = values.get(f"list:{entry.id}", False)
            if value is True:
                citation = entry.basis[0]
                reason = f"适用《不予处罚事项清单》{entry.id}：{entry.conditions_text or entry.title}"
                self._not_penalized(draft, citation, reason, f"list:{entry.id}", entry.mandatory,
                                    [f.value for f in entry.follow_up] or ["education"])
                if not entry.mandatory:  # the list's "may": penalising stays lawful
                    draft.options.append(OptionOut(
                        outcome="penalized", basis=plan.item.penalty,
                        reason="清单规定的是“可以不予处罚”，执法人员也可以依法给予处罚（按裁量基准）"))
                for extra in entry.basis[1:]:
                    draft.grounds.append(Ground(citation=extra, reason=reason))
                return True
            if value is UNKNOWN:
                draft.outcomes.add("not_penalized")
                draft.step(f"list:{entry.id}", "清单适用条件取决于未查明的事实")
        if case.first_offense and case.harm is _HARM_MINOR and \
                case.correction is _CORRECTION_STATUS_IN_TIME:
            draft.step("art33.1", "初次违法且危害后果轻微并及时改正，依法可以不予行政处罚；"
                                  "但本事项未列入不予处罚清单，按裁量基准处理", apl(33, 1))
            draft.options.append(_ART33_MAY_OPTION)
        return False

    def _list_grounds(self, plan: ItemPlan, values: Mapping[str, Tri],
                      draft: Draft) -> list[law.Ground]:
        grounds: list[law.Ground] = []
        for kind, effect in ((_LIST_KIND_MITIGATION, "mitigated"), (_LIST_KIND_LIGHTER, "lighter")):
            for entry in plan.lists[kind]:
                if values.get(f"list:{entry.id}") is True:
                    ground = plan.list_grounds.get(entry.id)
                    if ground is None:
                        ground = plan.list_grounds[entry.id] = law.Ground(
                            effect, entry.mandatory, entry.basis[0],
                            f"适用《{LIST_LABELS[kind]}事项清单》{entry.id}："
                            f"{entry.conditions_text or entry.title}")
                    grounds.append(ground)
        for entry in plan.lists[_LIST_KIND_NO_COERCION]:
            if values.get(f"list:{entry.id}") is True:
                draft.follow("no_coercion")
                draft.step(f"list:{entry.id}", f"适用《免予行政强制事项清单》{entry.id}", entry.basis[0])
        return grounds


    # --- several items (Art. 29) ---------------------------------------------------------

    def _decide_several(self, case: Case, items: list[BenchmarkItem], envs: list[Env],
                        choices: list[VersionChoice | None]) -> Decision:
        drafts = [self._decide(case, self._plan(item), env, choice)
                  for item, env, choice in zip(items, envs, choices, strict=True)]
        party = case.party.kind.value

        def top(item: BenchmarkItem) -> Decimal:
            fine = party_fine(item.statutory, party, False)
            return fine.max if fine is not None and fine.max is not None and not (fine.base or fine.per) \
                else Decimal(0)

        ranked = sorted(range(len(items)), key=lambda i: (
            fine if (fine := drafts[i].max_fine) is not None else top(items[i])), reverse=True)
        chosen = ranked[0]
        draft = drafts[chosen]
        others = [items[i].id for i in ranked[1:]]
        draft.grounds.append(Ground(citation=apl(29),
                                    reason="同一个违法行为违反多个法律规范应当给予罚款处罚的，按照罚款数额高的规定处罚；"
                                           "一并考虑：" + "、".join(others)))
        draft.step("art29", f"一个违法行为违反{len(items)}个规定，适用罚款数额高的{items[chosen].id}，"
                            f"不再就{'、'.join(others)}另行罚款", apl(29))
        if draft.outcome == "penalized":
            self._keep_other_sanctions(case, [(items[i], drafts[i]) for i in ranked[1:]], draft)
        return finish(case, self._plan(items[chosen]), draft, self._ref)

    def _keep_other_sanctions(self, case: Case, others: list[tuple[BenchmarkItem, Draft]],
                              draft: Draft) -> None:
        """Art. 29 chooses between the provisions' *fines* only: the other sanctions the other
        provisions give (吊销, 责令停产停业, 没收非法财物…) are kept, each with its provision."""
        added: list[SanctionOut] = []
        for item, other in others:
            if other.outcome != "penalized" or other.missing:
                continue
            for out in other.recommended:
                if out.kind in ("fine", "confiscate_income") or any(
                        (r.kind, r.label, r.on) == (out.kind, out.label, out.on)
                        for r in [*draft.recommended, *added]):
                    continue
                added.append(SanctionOut(kind=out.kind, label=out.label, mode=out.mode,
                                         party=out.party, basis=f"依据{item.penalty.human()}",
                                         on=out.on))
                draft.step("art29", f"第二十九条只就罚款择一：{item.id}规定的{out.label}一并适用",
                           item.penalty)
        if not added:
            return
        draft.recommended.extend(added)
        kinds = {SanctionKind(r.kind) for r in draft.recommended}
        codes = art58_codes(case)
        flags = law.procedure_flags(kinds, draft.max_fine, case.party.kind.value,
                                    self.catalog.manifest, None, codes)
        draft.procedure = Procedure(summary_allowed=flags.summary_allowed,
                                    hearing_right=flags.hearing_right,
                                    legal_review=flags.legal_review,
                                    legal_review_if=list(flags.legal_review_if))



__all__ = ["Steps"]
