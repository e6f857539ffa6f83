"""行政处罚法 第五十八条 — legal review (法制审核) before a major decision.

"有下列情形之一，在行政机关负责人作出行政处罚的决定之前，应当由从事行政处罚决定法制审核的人员
进行法制审核：（一）涉及重大公共利益的；（二）直接关系当事人或者第三人重大权益，经过听证程序的；
（三）案件情况疑难复杂、涉及多个法律关系的；（四）法律、法规规定应当进行法制审核的其他情形。"
"""

from conformance_support import PROPERTY, any_cases, decide
from hypothesis import given
from hypothesis import strategies as st

ART58 = {"major_public_interest": 1, "hearing_held": 2, "complex_case": 3}


@PROPERTY
@given(any_cases(), st.sets(st.sampled_from(sorted(ART58))))
def test_art58_review_follows_its_own_conditions(case, codes):
    """Legal review is required exactly when the case establishes a condition of ¶1 — (2) only
    where a hearing could be held and was — never merely because a hearing right exists; a
    decision outside the summary procedure that establishes none lists them for the agency."""
    case = {**case, "circumstances": sorted(set(case["circumstances"]) | codes)}
    decision = decide(case)
    procedure = decision.procedure
    if decision.outcome != "penalized" or procedure is None:
        return
    established = (codes - {"hearing_held"}) or ({"hearing_held"} & codes if procedure.hearing_right else set())
    assert procedure.legal_review == bool(established)
    if procedure.legal_review or procedure.summary_allowed:
        assert procedure.legal_review_if == []
    else:
        assert any("第（一）项" in c for c in procedure.legal_review_if)
        assert any("第（三）项" in c for c in procedure.legal_review_if)
        assert any("第（二）项" in c for c in procedure.legal_review_if) == procedure.hearing_right
