"""行政处罚法 第三十六条 — limitation period."""

from conformance_support import ITEM_IDS, PROPERTY, cases, cites, decide, item
from hypothesis import given
from hypothesis import strategies as st

TWO_YEAR_ITEMS = [i for i in ITEM_IDS if not item(i).five_year_limitation]
FIVE_YEAR_ITEMS = [i for i in ITEM_IDS if item(i).five_year_limitation]
# items with one version and no effective dates: Art. 37 cannot end their cases first
UNVERSIONED = [i for i in TWO_YEAR_ITEMS if not (item(i).supersedes or item(i).effective_from
                                                 or item(i).effective_to)]


@PROPERTY
@given(cases(item_ids=st.sampled_from(TWO_YEAR_ITEMS), late_discovery=True))
def test_art36_discovered_after_two_years_is_not_penalised(case):
    """第三十六条第一款：“违法行为在二年内未被发现的，不再给予行政处罚”。
    Discovered more than two years after the act (or its end) → not penalised on the ground of
    Art. 36, whatever else the case says (age < 14, no capacity, organisation, no fault…):
    it is the first rule and no other not-penalised ground is added."""
    decision = decide(case)
    assert decision.outcome == "not_penalized"
    assert decision.mandatory is True
    assert cites(decision, 36)
    assert not any(cites(decision, a) for a in (30, 31, 33))
    assert decision.recommended == []


@PROPERTY
@given(cases(item_ids=st.sampled_from(FIVE_YEAR_ITEMS), late_discovery=True, harm="none",
             involves=st.sampled_from([[], ["life_health"], ["financial_security"]])))
def test_art36_five_year_items_without_harm_keep_two_years(case):
    """第三十六条第一款：“涉及公民生命健康安全、金融安全且有危害后果的，上述期限延长至五年”。
    The five-year period needs harm: with harm none a five-year item expires after two years."""
    decision = decide(case)
    assert decision.outcome == "not_penalized"
    assert cites(decision, 36)


@PROPERTY
@given(cases(item_ids=st.sampled_from(FIVE_YEAR_ITEMS), late_discovery=True,
             harm="ordinary", involves=st.sampled_from([["life_health"], ["financial_security"]])))
def test_art36_five_year_items_with_harm_are_not_expired(case):
    """第三十六条第一款：“……且有危害后果的，上述期限延长至五年”。
    A five-year item with harm, discovered between two and five years after, is not expired."""
    decision = decide(case)
    assert not cites(decision, 36)


@PROPERTY
@given(cases(item_ids=st.sampled_from(UNVERSIONED), late_discovery=True,
             party=st.just({"kind": "organization"}), no_fault_proven=False, harm="ordinary",
             correction="overdue"))
def test_art36_a_date_of_discovery_is_never_assumed(case):
    """第三十六条: whether the period ran out depends on the day the act was discovered. A case
    decided more than two years after the act that does not say when it was discovered is not
    decided on an assumed date: the engine asks for ``discovered_on`` (a case that no other
    rule ends: an organisation, harm, overdue, no proof of no fault)."""
    del case["discovered_on"]
    decision = decide(case)
    assert decision.outcome is None
    assert decision.needs_facts is not None
    assert "discovered_on" in [m.path for m in decision.needs_facts.facts]
    assert not cites(decision, 36)


@PROPERTY
@given(cases(late_discovery=False))
def test_art36_a_decision_within_two_years_needs_no_date_of_discovery(case):
    """第三十六条: a decision dated within two years of the act shows that it was discovered
    within two years, so no date of discovery is asked for."""
    case.pop("discovered_on", None)
    decision = decide(case)
    assert not cites(decision, 36)
    needs = decision.needs_facts
    assert needs is None or "discovered_on" not in [m.path for m in needs.facts]


@PROPERTY
@given(cases(item_ids=st.sampled_from(FIVE_YEAR_ITEMS), late_discovery=True, harm="ordinary",
             party=st.just({"kind": "organization"}), no_fault_proven=False))
def test_art36_five_years_need_the_case_to_establish_what_the_act_involves(case):
    """第三十六条第一款：“涉及公民生命健康安全、金融安全且有危害后果的，上述期限延长至五年”。
    An item marked five-year only *may* involve them: discovered after two years, a case that
    does not establish what the act involves is asked for it (``needs_facts: involves``); one
    that establishes it involves neither keeps two years and is not penalised."""
    case.pop("involves", None)
    asked = decide(case)
    if asked.outcome is not None:  # Art. 37 ended the case first (a version no longer in force)
        assert cites(asked, 37)
        return
    assert asked.needs_facts is not None
    assert "involves" in [m.path for m in asked.needs_facts.facts]
    case["involves"] = []
    neither = decide(case)
    assert neither.outcome == "not_penalized" and cites(neither, 36)
