"""行政处罚法 第九条、第四十条 — every recommended sanction is one the cited clause allows for this
party at this stage.

"公民、法人或者其他组织违反行政管理秩序的行为，依法应当给予行政处罚的，行政机关必须查明事实"
(第四十条) and the kinds of penalty (第九条) are given by the clause: its ranges, thresholds
(没有违法所得或者违法所得不足X元的), caps (最高不得超过), escalation stages (逾期未改正的 /
拒不改正的), 情节严重的 and whom each sanction falls on (单位, 个人, 直接负责的主管人员, 主要负责人).

The oracle below reads each item's encoding of the clause with its own plain code — not the
engine's — and every decision of the engine is checked against it: over *every* item of the
bundled catalog on a grid of parties, correction statuses, harms and facts on both sides of
each threshold, and on random cases (hypothesis).
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from conformance_support import ENGINE, ITEM_IDS, PROPERTY, cases, item
from hypothesis import given

from discretion.catalog.models import BenchmarkItem, Sanction
from discretion.decision import Decision

FEN = Decimal("0.01")


# --- the oracle: the clause as encoded, read without the engine's code --------------------

def _mine(sanctions: list[Sanction], party: str) -> list[Sanction]:
    out = []
    for s in sanctions:
        if s.party.value not in ("any", party):
            continue
        if s.on.value != "party" and party != "organization":
            continue  # an individual has no responsible persons or principal
        out.append(s)
    return out


def _layer(current: list[Sanction], layer: list[Sanction], effect: str) -> list[Sanction]:
    if effect == "replaces":
        return list(layer)
    kept = [s for s in current
            if not any(n.kind == s.kind and n.on == s.on for n in layer)]
    return kept + list(layer)


def clause_gives(item: BenchmarkItem, party: str, correction: str | None,
                 serious: bool) -> list[Sanction]:
    """The sanctions the clause gives this party at the stage its correction status reached."""
    st = item.statutory
    out = _mine(st.sanctions, party)
    for stage in st.stages:
        reached = correction in ("overdue", "refused") if stage.when == "overdue" \
            else correction == "refused"
        if reached:
            out = _layer(out, _mine(stage.sanctions, party), stage.effect.value)
    if serious and st.serious is not None:
        out = _layer(out, _mine(st.serious.sanctions, party), st.serious.effect.value)
    return out


def clause_opens(item: BenchmarkItem, case: dict[str, Any]) -> bool:
    """The clause's condition holds: 逾期不改正的 (overdue or refused), 拒不改正的 (refused),
    …或者情节严重的 (either that, or 情节严重: by default the harm is serious)."""
    when = item.statutory.applies_when.value
    correction = case.get("correction")
    if when == "always":
        return True
    if correction in (("overdue", "refused") if when.startswith("overdue") else ("refused",)):
        return True
    if when.endswith("_or_serious"):
        assert item.statutory.serious is None or item.statutory.serious.when is None, \
            "the oracle reads only the default 情节严重 condition"
        return case.get("harm") == "serious"
    return False


def fine_bounds(sanction: Sanction, facts: dict[str, Any]) -> tuple[Decimal, Decimal]:
    """The statutory bounds of a fine in yuan for these facts."""
    low = sanction.min if sanction.min is not None else Decimal(0)
    assert sanction.max is not None
    high = sanction.max
    if sanction.base:
        base = Decimal(str(facts[sanction.base]))
        below = base < sanction.threshold if sanction.threshold is not None else base <= 0
        if sanction.fallback is not None and below:
            low, high = sanction.fallback.min, sanction.fallback.max
        else:
            low, high = low * base, high * base
    elif sanction.per:
        units = Decimal(str(facts[sanction.per]))
        low, high = low * units, high * units
    if sanction.cap is not None:
        low, high = min(low, sanction.cap), min(high, sanction.cap)
    return low.quantize(FEN), high.quantize(FEN)


def check(case: dict[str, Any], decision: Decision) -> None:
    """The decision recommends only what the clause gives, within its bounds, and every
    sanction the clause makes mandatory at that stage."""
    if decision.outcome != "penalized" or decision.item != case["item"]:
        return
    it = item(decision.item)
    if it.supersedes or it.effective_from or it.effective_to:
        return  # Art. 37 may apply another version: test_art37_versions covers the choice
    # 情节严重 as the decision states it; for the plain condition the oracle checks the claim
    serious = any(step.rule == "serious" for step in decision.trace)
    if it.statutory.serious is not None and it.statutory.serious.when in (None, 'harm == "serious"'):
        assert serious == (case.get("harm") == "serious"), f"{it.id}: 情节严重 misjudged"
    party = case["party"]["kind"]
    assert clause_opens(it, case), f"{it.id}: penalized, but the clause's condition " \
        f"{it.statutory.applies_when.value} does not hold"
    allowed = clause_gives(it, party, case.get("correction"), serious)
    facts = {**case.get("facts", {})}
    mitigated = any(a.kind == "mitigated" for a in decision.adjustments)
    for out in decision.recommended:
        if out.kind == "confiscate_income" and out.basis and "第二十八条" in out.basis:
            continue  # Art. 28: illegal income is confiscated whatever the clause
        on = out.on or "party"
        match = [s for s in allowed if s.kind.value == out.kind and s.on.value == on]
        assert match, (f"{it.id}: recommends {out.kind} on {on}, which the clause does not give "
                       f"a {party} at this stage: {[(s.kind.value, s.on.value) for s in allowed]}")
        if out.kind == "fine":
            assert out.fine is not None
            low, high = fine_bounds(match[0], facts)
            rec_low, rec_high = Decimal(out.fine.min), Decimal(out.fine.max)
            assert rec_low <= rec_high
            assert rec_high <= high, f"{it.id}: fine {rec_low}–{rec_high} above the clause's {high}"
            if not mitigated:
                assert rec_low >= low, f"{it.id}: fine {rec_low}–{rec_high} below the clause's {low}"
    given_ = {(s.kind, s.on or "party") for s in decision.recommended}
    for s in allowed:
        if s.mode.value == "shall" and s.kind.value != "confiscate_income":
            assert (s.kind.value, s.on.value) in given_, \
                f"{it.id}: the clause's mandatory {s.kind.value} on {s.on.value} is missing"


# --- every item on a grid -----------------------------------------------------------------

def _fact_profiles(it: BenchmarkItem) -> list[dict[str, Any]]:
    """Facts on both sides of every threshold of the item, and at zero and large values."""
    numeric = [f for f in it.facts if f.type in ("number", "integer", "money")]
    thresholds = sorted({s.threshold for s in _every(it) if s.threshold is not None})
    profiles: list[dict[str, Any]] = []
    values: list[Decimal] = [Decimal(0), Decimal(3), Decimal(150)]
    for t in thresholds:
        values += [t - FEN, t, t * 3]
    values.append(Decimal(250000))
    for value in values:
        facts: dict[str, Any] = {}
        for f in it.facts:
            if f.type == "integer":
                facts[f.name] = int(value)
            elif f in numeric:
                facts[f.name] = str(value)
            elif f.type == "boolean":
                facts[f.name] = value > 100
            elif f.type == "enum":
                assert f.values
                facts[f.name] = f.values[int(value) % len(f.values)]
            else:
                facts[f.name] = "x"
        if "illegal_income" not in facts:
            facts["illegal_income"] = str(value)
        profiles.append(facts)
    return profiles


def _every(it: BenchmarkItem) -> list[Sanction]:
    found = list(it.statutory.sanctions)
    for stage in it.statutory.stages:
        found += stage.sanctions
    if it.statutory.serious is not None:
        found += it.statutory.serious.sanctions
    return found


def _grid(item_id: str) -> list[dict[str, Any]]:
    it = ENGINE.catalog.benchmarks[item_id]
    out = []
    for facts in _fact_profiles(it):
        for party in ({"kind": "individual", "age": 40}, {"kind": "organization"}):
            for correction in ("in_time", "pending", "overdue", "refused"):
                for harm in ("minor", "ordinary", "serious"):
                    for first in (True, False):
                        out.append({"item": item_id, "party": party,
                                    "occurred_on": "2022-03-01", "decided_on": "2022-06-01",
                                    "first_offense": first, "harm": harm,
                                    "correction": correction, "facts": facts})
    return out


BLOCKS = [ITEM_IDS[i:i + 100] for i in range(0, len(ITEM_IDS), 100)]


@pytest.mark.parametrize("block", range(len(BLOCKS)))
def test_art9_every_item_recommends_only_what_its_clause_gives(block: int) -> None:
    """第九条、第四十条: over every item, on a grid of parties (单位/个人), correction statuses
    (stages), harms (情节严重) and facts on both sides of each threshold, every recommended
    sanction is one the clause gives that party at that stage, every fine lies within the
    clause's bounds (thresholds and caps applied; below the minimum only under 减轻), and every
    sanction the clause makes mandatory at that stage is recommended."""
    checked = 0
    for item_id in BLOCKS[block]:
        for case in _grid(item_id):
            decision = ENGINE.evaluate(case)
            check(case, decision)
            checked += decision.outcome == "penalized"
    assert checked > 0


@PROPERTY
@given(cases())
def test_art9_random_cases_recommend_only_what_the_clause_gives(case: dict[str, Any]) -> None:
    """第九条、第四十条 on random cases (ages, capacity, circumstances, dates, facts)."""
    if isinstance(case["item"], list):
        return
    check(case, ENGINE.evaluate(case))


def test_art9_oracle_reads_a_threshold_a_cap_a_stage_and_persons() -> None:
    """The oracle itself, on hand-made sanctions: it must not agree with everything."""
    from discretion.catalog.models import Statutory

    st = Statutory.model_validate({
        "sanctions": [{"kind": "fine", "base": "illegal_income", "min": 2, "max": 10,
                       "fallback": {"min": 20000, "max": 50000}, "threshold": 10000},
                      {"kind": "confiscate_income"}],
        "stages": [{"when": "overdue", "sanctions": [
            {"kind": "fine", "min": 50000, "max": 200000},
            {"kind": "fine", "on": "responsible", "min": 10000, "max": 20000}]}],
        "serious": {"sanctions": [{"kind": "suspend_business", "label": "责令停产停业整顿"}]},
    })
    it = item(ITEM_IDS[0]).model_copy(update={"statutory": st})
    base = clause_gives(it, "organization", "in_time", False)
    assert [s.kind.value for s in base] == ["fine", "confiscate_income"]
    assert fine_bounds(base[0], {"illegal_income": "1500"}) == (Decimal(20000), Decimal(50000))
    assert fine_bounds(base[0], {"illegal_income": "10000"}) == (Decimal(20000), Decimal(100000))
    overdue = clause_gives(it, "organization", "refused", True)
    assert [(s.kind.value, s.on.value) for s in overdue] == [
        ("confiscate_income", "party"), ("fine", "party"), ("fine", "responsible"),
        ("suspend_business", "party")]
    assert [s.on.value for s in clause_gives(it, "individual", "overdue", False)] == \
        ["party", "party"]
    capped = Sanction(kind="fine", per="area_m2", min=Decimal(40), max=Decimal(80),
                      cap=Decimal(100000))
    assert fine_bounds(capped, {"area_m2": 5000}) == (Decimal(100000), Decimal(100000))
    assert dt.date(2022, 3, 1)  # the grid's dates are inside every limitation period


def _nync_case(**changes: Any) -> dict[str, Any]:
    case: dict[str, Any] = {"item": "LS-NYNC-0023", "party": {"kind": "organization"},
                            "occurred_on": "2022-03-01", "decided_on": "2022-06-01",
                            "first_offense": True, "harm": "minor", "correction": "in_time"}
    case.update(changes)
    return {k: v for k, v in case.items() if v is not None}


def test_art9_refused_or_serious_opens_the_clause_on_either() -> None:
    """农药管理条例 第五十八条: 责令改正；拒不改正或者情节严重的，处2000元以上2万元以下罚款，并由发证
    机关吊销农药经营许可证 — corrected and not serious: only the order; refused, or serious, the
    fine and the revocation; neither known: the facts are asked for, nothing is assumed."""
    it = item("LS-NYNC-0023")
    assert it.statutory.applies_when.value == "refused_or_serious"
    assert ENGINE.evaluate(_nync_case()).outcome == "correction_only"
    for changes in ({"harm": "serious"}, {"correction": "refused"}):
        decision = ENGINE.evaluate(_nync_case(**changes))
        assert decision.outcome == "penalized", changes
        assert {s.kind for s in decision.recommended} >= {"fine", "revoke_licence"}
        check(_nync_case(**changes), decision)
    for missing in ("correction", "harm"):
        asked = ENGINE.evaluate(_nync_case(**{missing: None}))
        assert asked.outcome is None and asked.needs_facts is not None, missing
        assert missing in {m.path for m in asked.needs_facts.facts}
        assert set(asked.needs_facts.outcomes) == {"correction_only", "penalized"}
    # refused: the clause applies whatever the harm; the harm only chooses the tier
    refused = ENGINE.evaluate(_nync_case(harm=None, correction="refused"))
    assert refused.needs_facts is not None and refused.needs_facts.outcomes == ["penalized"]
