"""行政处罚法 第九条 / 第四十条 — sanctions within the statutory range."""

from decimal import Decimal

from conformance_support import PROPERTY, any_cases, decide, fines
from hypothesis import given


def _statutory(decision):
    found = [(Decimal(s.fine.min), Decimal(s.fine.max))
             for s in decision.statutory if s.kind == "fine" and s.fine is not None]
    if not found:
        return None
    return min(low for low, _ in found), max(high for _, high in found)


@PROPERTY
@given(any_cases())
def test_art9_recommended_fine_within_statutory_range(case):
    """第九条“行政处罚的种类：……（二）罚款……”；罚款须在法律、法规规定的幅度内（第四十条“依法
    应当给予行政处罚的”）。Every recommended fine lies within [statutory min, statutory max] of
    the same decision, unless an adjustment is a mitigation (减轻, below the minimum)."""
    decision = decide(case)
    statutory = _statutory(decision)
    if statutory is None:
        return
    low, high = statutory
    mitigated = any(a.kind == "mitigated" for a in decision.adjustments)
    for rec_low, rec_high in fines(decision):
        assert rec_low <= rec_high
        assert rec_high <= high, (rec_high, high)
        if not mitigated:
            assert rec_low >= low, (rec_low, low)


@PROPERTY
@given(any_cases())
def test_art9_recommended_never_exceeds_statutory_maximum(case):
    """任何建议均不超过法定最高额 (docs/legal-model.md §9): whatever the adjustments (从重
    included), no recommended fine exceeds the statutory maximum."""
    decision = decide(case)
    statutory = _statutory(decision)
    for _, rec_high in fines(decision):
        assert statutory is not None
        assert rec_high <= statutory[1]
