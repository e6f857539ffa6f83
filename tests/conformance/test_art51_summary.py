"""行政处罚法 第五十一条 — summary (on-the-spot) procedure."""

from decimal import Decimal

from conformance_support import PROPERTY, any_cases, decide, fines
from hypothesis import given

LIMIT = {"individual": Decimal(200), "organization": Decimal(3000)}


@PROPERTY
@given(any_cases())
def test_art51_summary_only_for_small_fines_and_warnings(case):
    """第五十一条：“违法事实确凿并有法定依据，对公民处以二百元以下、对法人或者其他组织处以三千元
    以下罚款或者警告的行政处罚的，可以当场作出行政处罚决定”。summary_allowed is True only if
    every recommended fine's maximum is ≤ 200 yuan (individual) / 3,000 yuan (organisation)
    and the only recommended kinds are warning and fine."""
    decision = decide(case)
    if decision.procedure is None or not decision.procedure.summary_allowed:
        return
    limit = LIMIT[case["party"]["kind"]]
    assert all(high <= limit for _, high in fines(decision)), fines(decision)
    assert {s.kind for s in decision.recommended} <= {"warning", "fine"}, decision.recommended
