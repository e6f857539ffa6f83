"""行政处罚法 第三十一条 — capacity to recognise or control one's conduct."""

from conformance_support import PROPERTY, cases, cites, decide, limitation_expired, parties
from hypothesis import given
from hypothesis import strategies as st


@PROPERTY
@given(cases(party=parties(kind="individual", capacity="none", age=st.integers(14, 90))))
def test_art31_no_capacity_is_never_penalised(case):
    """第三十一条：“精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚”。
    An individual without capacity is never penalised; the ground is Art. 31 unless Art. 36 or
    Art. 37 (checked first: time-barred, or no provision in force) ended the case."""
    decision = decide(case)
    assert decision.outcome == "not_penalized"
    assert decision.mandatory is True
    assert decision.recommended == []
    if limitation_expired(case):
        assert cites(decision, 36)
    else:
        assert cites(decision, 31) or cites(decision, 37)


@PROPERTY
@given(cases(party=parties(kind="individual", capacity="partial")))
def test_art31_partial_capacity_may_be_lighter_or_mitigated(case):
    """第三十一条：“尚未完全丧失辨认或者控制自己行为能力的……可以从轻或者减轻行政处罚”。
    A penalised party with partial capacity carries a lighter/mitigated adjustment on Art. 31
    that is optional (mandatory False: 可以, not 应当)."""
    decision = decide(case)
    if decision.outcome != "penalized":
        return
    art31 = [a for a in decision.adjustments if a.basis.article == 31]
    assert art31, decision.adjustments
    assert all(a.kind in ("lighter", "mitigated") and a.mandatory is False for a in art31)


def test_art31_the_laws_choices_are_offered():
    """第三十一条：“尚未完全丧失辨认或者控制自己行为能力的……可以从轻或者减轻行政处罚”. The
    recommendation lightens (从轻); ``options`` name the law's other choices with Art. 31: 减轻,
    and — the ground being a "may" — not lightening at all."""
    decision = decide({"item": "LS-SRHJ-0001", "occurred_on": "2022-03-01", "decided_on": "2022-05-01",
                       "party": {"kind": "individual", "age": 40, "capacity": "partial"},
                       "first_offense": False, "harm": "ordinary", "correction": "overdue",
                       "facts": {"item_count": 5}})
    assert decision.outcome == "penalized"
    offered = {(o.outcome, o.basis.article) for o in decision.options}
    assert offered == {("mitigated", 31), ("unadjusted", 31)}
