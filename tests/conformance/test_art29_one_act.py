"""行政处罚法 第二十九条 — one act, several provisions."""

from conformance_support import ENGINE, PROPERTY, cases, cites, decide, fines, several_items
from hypothesis import given

from discretion.errors import CaseError


@PROPERTY
@given(cases(item_ids=several_items()))
def test_art29_one_act_is_fined_once(case):
    """第二十九条：“对当事人的同一个违法行为，不得给予两次以上罚款的行政处罚。同一个违法行为违反多个
    法律规范应当给予罚款处罚的，按照罚款数额高的规定处罚”。
    An act breaking 2–3 provisions gets at most one fine, and the decision cites Art. 29; the
    item applied is one of those named, or (Art. 37) another version of one of them."""
    from discretion.law.versions import versions_of

    decision = decide(case)
    assert len(fines(decision)) <= 1
    assert cites(decision, 29)
    catalog = ENGINE.catalog
    versions = {v.id for named in case["item"]
                for v in versions_of(catalog, catalog.benchmarks[named])}
    assert decision.item in versions


@PROPERTY
@given(cases(item_ids=several_items()))
def test_art29_chooses_between_fines_only(case):
    """第二十九条 chooses the provision by the amount of the *fine*; it does not take away the
    other provisions' other sanctions (吊销, 责令停产停业, 没收非法财物…): each non-fine sanction
    another provision gives this case alone is in the decision too, with its provision."""
    decision = decide(case)
    if decision.outcome != "penalized":
        return
    given_ = {(s.kind, s.label, s.on) for s in decision.recommended}
    for named in case["item"]:
        try:
            alone = decide({**case, "item": named})
        except CaseError:  # the case carries facts only the other provisions read
            continue
        if alone.outcome != "penalized" or alone.item == decision.item:
            continue
        for s in alone.recommended:
            if s.kind not in ("fine", "confiscate_income"):
                assert (s.kind, s.label, s.on) in given_, (named, s)
