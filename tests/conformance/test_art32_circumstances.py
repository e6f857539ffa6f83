"""行政处罚法 第三十二条 — circumstances that shall make the penalty lighter or mitigated."""

from conformance_support import (
    ART32_CIRCUMSTANCES,
    CIRCUMSTANCES,
    PROPERTY,
    adults_or_organizations,
    cases,
    decide,
    max_fine,
)
from hypothesis import given
from hypothesis import strategies as st


@PROPERTY
@given(cases(party=adults_or_organizations(),
             late_discovery=False, no_fault_proven=False,
             correction=st.sampled_from(["overdue", "refused"]),
             circumstances=st.lists(st.sampled_from(CIRCUMSTANCES), unique=True)),
       st.sampled_from(ART32_CIRCUMSTANCES))
def test_art32_lighter_circumstance_never_raises_the_fine(case, extra):
    """第三十二条第一款：“当事人有下列情形之一，应当从轻或者减轻行政处罚：（一）主动消除或者减轻
    违法行为危害后果的；（二）受他人胁迫或者诱骗实施违法行为的；（三）主动供述……；（四）配合……
    有立功表现的”。Adding one of these circumstances to a case never raises the maximum of the
    recommended fine (both versions penalised with a fine)."""
    if extra in case["circumstances"]:
        case = {**case, "circumstances": [c for c in case["circumstances"] if c != extra]}
    without = decide(case)
    with_extra = decide({**case, "circumstances": [*case["circumstances"], extra]})
    before, after = max_fine(without), max_fine(with_extra)
    if not (without.outcome == with_extra.outcome == "penalized"):
        return
    if before is None or after is None:
        return
    assert after <= before, (before, after)
