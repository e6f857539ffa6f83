"""行政处罚法 第二十八条 — confiscation of illegal income."""

from decimal import Decimal

from conformance_support import PROPERTY, any_cases, decide
from hypothesis import given


@PROPERTY
@given(any_cases())
def test_art28_illegal_income_is_confiscated(case):
    """第二十八条第二款：“当事人有违法所得，除依法应当退赔的外，应当予以没收”。
    A penalised case with illegal_income > 0 recommends confiscate_income."""
    decision = decide(case)
    income = case["facts"].get("illegal_income")
    if decision.outcome != "penalized" or income is None or Decimal(income) <= 0:
        return
    assert "confiscate_income" in [s.kind for s in decision.recommended]
