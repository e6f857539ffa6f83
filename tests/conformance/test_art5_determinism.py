"""Determinism: the same case gives the same decision (行政处罚法 第五条 公正、公开 — equal
treatment of equal cases)."""

from conformance_support import PROPERTY, any_cases, decide
from hypothesis import given
from hypothesis import strategies as st


@PROPERTY
@given(any_cases())
def test_art5_same_case_same_decision(case):
    """第五条：“行政处罚遵循公正、公开的原则”。The same case decided twice gives byte-identical
    JSON."""
    assert decide(case).to_json() == decide(case).to_json()


@PROPERTY
@given(any_cases(), st.randoms(use_true_random=False))
def test_art5_order_of_circumstances_is_irrelevant(case, rnd):
    """第五条：“行政处罚遵循公正、公开的原则”。The order in which circumstances are listed does not
    change the decision: shuffling them gives byte-identical JSON."""
    shuffled = list(case["circumstances"])
    rnd.shuffle(shuffled)
    assert decide(case).to_json() == decide({**case, "circumstances": shuffled}).to_json()
