"""行政处罚法 第三十条 — minors."""

from conformance_support import PROPERTY, cases, cites, decide, limitation_expired, parties
from hypothesis import given
from hypothesis import strategies as st


@PROPERTY
@given(cases(party=parties(kind="individual", age=st.integers(0, 13))))
def test_art30_under_14_is_never_penalised(case):
    """第三十条：“不满十四周岁的未成年人有违法行为的，不予行政处罚，责令监护人加以管教”。
    A party under 14 is not penalised (shall), on the ground of Art. 30, and the guardian is
    ordered to discipline them — unless Art. 36 or Art. 37 (checked first: the case is
    time-barred, or no provision in force makes the act a violation) already ended it."""
    decision = decide(case)
    assert decision.outcome == "not_penalized"
    assert decision.mandatory is True
    if limitation_expired(case):
        assert cites(decision, 36)
        return
    if cites(decision, 37):
        return
    assert cites(decision, 30)
    assert "guardian_discipline" in [f.code for f in decision.follow_up]
    assert decision.recommended == []


@PROPERTY
@given(cases(party=parties(kind="individual", age=st.integers(14, 17))))
def test_art30_minor_14_to_17_shall_be_lighter_or_mitigated(case):
    """第三十条：“已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚”。
    A penalised party aged 14–17 always carries a mandatory lighter/mitigated adjustment whose
    basis is Art. 30."""
    decision = decide(case)
    if decision.outcome != "penalized":
        return
    assert any(a.kind in ("lighter", "mitigated") and a.mandatory
               and a.basis.article == 30 and a.basis.law == "行政处罚法"
               for a in decision.adjustments), decision.adjustments


def test_art30_is_not_cancelled_by_art49_silently():
    """第三十条（应当从轻或者减轻）与第四十九条（从重）: two "shall" grounds in opposite directions.
    Neither cancels the other silently: both are listed as mandatory adjustments, and the
    decision names the conflict for the officer to weigh and reason (docs/legal-model.md)."""
    decision = decide({"item": "LS-SRHJ-0001", "party": {"kind": "individual", "age": 16},
                       "occurred_on": "2022-03-01", "decided_on": "2022-05-01",
                       "first_offense": False, "harm": "ordinary", "correction": "overdue",
                       "circumstances": ["emergency_measures"], "facts": {"item_count": 5}})
    assert decision.outcome == "penalized"
    kinds = {(a.basis.article, a.kind, a.mandatory) for a in decision.adjustments}
    assert (30, "lighter", True) in kinds and (49, "heavier", True) in kinds
    assert decision.conflict is not None and "第三十条" in decision.conflict
    assert "第四十九条" in decision.conflict


def test_art31_may_never_cancels_art49_shall():
    """第三十一条（可以从轻或者减轻）与第四十九条（从重）: a "may" does not cancel a "shall"; the
    heavier ground applies, and there is no conflict to report."""
    base = {"item": "LS-SRHJ-0001", "occurred_on": "2022-03-01", "decided_on": "2022-05-01",
            "first_offense": False, "harm": "ordinary", "correction": "overdue",
            "facts": {"item_count": 5}}
    plain = decide({**base, "party": {"kind": "individual", "age": 40}})
    both = decide({**base, "party": {"kind": "individual", "age": 40, "capacity": "partial"},
                   "circumstances": ["emergency_measures"]})
    heavier = decide({**base, "party": {"kind": "individual", "age": 40},
                      "circumstances": ["emergency_measures"]})
    assert both.conflict is None
    assert both.recommended == heavier.recommended != plain.recommended
