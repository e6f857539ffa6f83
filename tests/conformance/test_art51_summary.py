"""行政处罚法 第五十一条 — summary (on-the-spot) procedure."""

from decimal import Decimal

from conformance_support import ENGINE, PROPERTY, any_cases, decide, fines
from hypothesis import given
from hypothesis import strategies as st

from discretion.catalog.models import SanctionKind
from discretion.law.apl import ART58_ITEMS, procedure_flags, procedure_key

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


_AMOUNTS = st.sampled_from([None, Decimal(0), Decimal(1), Decimal("199.99"), Decimal(200),
                            Decimal("200.01"), Decimal(2999), Decimal(3000), Decimal(3001),
                            Decimal(9999), Decimal(10000), Decimal(10001), Decimal(99999),
                            Decimal(100000), Decimal(100001), Decimal(10) ** 7])
_FLAG_ARGS = st.tuples(
    st.frozensets(st.sampled_from(list(SanctionKind))), _AMOUNTS,
    st.sampled_from(["individual", "organization"]), _AMOUNTS,
    st.frozensets(st.sampled_from([code for _, code, _ in ART58_ITEMS])))


@PROPERTY
@given(_FLAG_ARGS, _FLAG_ARGS)
def test_art51_art63_procedure_flags_read_amounts_only_against_the_limits(one, other):
    """第五十一条 (二百元/三千元以下), 第六十三条 (较大数额): the procedure flags read a fine and a
    confiscation only as they stand to the policy's limits. Cases whose arguments have the
    same procedure_key get the same flags (the engine keeps the flags by that key)."""
    manifest = ENGINE.catalog.manifest

    def flags(args):
        kinds, fine, party, confiscation, codes = args
        return procedure_flags(set(kinds), fine, party, manifest, confiscation, codes)

    def key(args):
        kinds, fine, party, confiscation, codes = args
        return procedure_key(kinds, fine, party, manifest, confiscation, codes)

    if key(one) == key(other):
        assert flags(one) == flags(other)
    same_class = (one[0], other[1], one[2], one[3], one[4])
    if key(same_class) == key(one):
        assert flags(same_class) == flags(one)
