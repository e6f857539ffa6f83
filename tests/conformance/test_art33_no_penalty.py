"""行政处罚法 第三十三条 — minor violations, no fault, education."""

from conformance_support import (
    ITEM_IDS,
    PROPERTY,
    any_cases,
    cases,
    cites,
    decide,
    item,
    limitation_expired,
)
from hypothesis import given
from hypothesis import strategies as st


@PROPERTY
@given(cases(harm="none", correction="in_time", no_fault_proven=False))
def test_art33_minor_corrected_without_harm_is_not_penalised(case):
    """第三十三条第一款：“违法行为轻微并及时改正，没有造成危害后果的，不予行政处罚”。
    No harm + corrected in time + the decision's tier is the item's first (lightest) tier →
    not penalised, mandatory (应当). Cases that end as correction_only (the clause itself does
    not apply) are out of scope."""
    decision = decide(case)
    if decision.outcome == "correction_only" or decision.tier is None:
        return
    first = item(decision.item).tiers[0]
    if decision.tier.index != 0 or first.uses != "base":
        return
    assert decision.outcome == "not_penalized"
    assert decision.mandatory is True
    assert cites(decision, 33, 1)


@PROPERTY
@given(cases(no_fault_proven=True))
def test_art33_no_fault_proven_is_not_penalised(case):
    """第三十三条第二款：“当事人有证据足以证明没有主观过错的，不予行政处罚”。
    A party proving no fault is never penalised; the ground is Art. 33 ¶2 unless Art. 37 (no
    provision in force), 36, 30 or 31 (checked earlier) ended the case first."""
    decision = decide(case)
    assert decision.outcome == "not_penalized"
    assert decision.mandatory is True
    party = case["party"]
    earlier = limitation_expired(case) or (
        party["kind"] == "individual" and (party["age"] < 14 or party["capacity"] == "none"))
    if not earlier and not cites(decision, 37):
        assert cites(decision, 33, 2)


@PROPERTY
@given(any_cases())
def test_art33_every_non_penalty_is_followed_by_education(case):
    """第三十三条第三款：“对当事人的违法行为依法不予行政处罚的，行政机关应当对当事人进行教育”。
    Every not-penalised decision carries a follow-up (education, or guardian discipline under
    Arts. 30/31), except an Art. 36 expiry and an act that no provision in force makes a
    violation (Art. 37): there is no violation to educate about."""
    decision = decide(case)
    if decision.outcome != "not_penalized":
        return
    codes = {f.code for f in decision.follow_up}
    assert codes & {"education", "guardian_discipline"} or cites(decision, 36) \
        or cites(decision, 37), codes


@PROPERTY
@given(cases(item_ids=st.sampled_from(ITEM_IDS), harm="minor", correction="in_time",
             late_discovery=False, party=st.just({"kind": "organization"}),
             no_fault_proven=False, circumstances=st.just([])))
def test_art33_the_laws_may_is_an_option_whether_or_not_listed(case):
    """第三十三条第一款第二句：“初次违法且危害后果轻微并及时改正的，可以不予行政处罚”。 It is the
    law's option whatever the list says: a first offence with minor harm corrected in time that
    the benchmark still penalises offers ``not_penalized`` under Art. 33 ¶1 in ``options``; one
    the list does not penalise (a "may") offers ``penalized``."""
    case["first_offense"] = True
    decision = decide(case)
    offered = {(o.outcome, o.basis.law, o.basis.article) for o in decision.options}
    if decision.outcome == "penalized":
        assert ("not_penalized", "行政处罚法", 33) in offered
    elif decision.outcome == "not_penalized" and decision.mandatory is False:
        assert any(o.outcome == "penalized" for o in decision.options)
