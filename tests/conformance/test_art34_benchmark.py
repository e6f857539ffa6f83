"""行政处罚法 第三十四条 — 行政机关可以依法制定行政处罚裁量基准，规范行使行政处罚裁量权。

The bundled benchmark is the project's reference encoding, not an agency's published one: every
decision says so, and the benchmark's own list entries bind only as far as the law does.
"""

from conformance_support import ENGINE, PROPERTY, any_cases, decide
from hypothesis import given

from discretion.catalog.models import ListKind
from discretion.render.text import decision_text

APL = "行政处罚法"


@PROPERTY
@given(any_cases())
def test_art34_reference_tiers_never_look_official(case):
    """catalog.official is false for the reference tiers, and the officer's text says
    参考裁量基准（非官方） — never plain 裁量基准."""
    decision = decide(case)
    assert decision.catalog is not None and decision.catalog.official is False
    text = decision_text(decision)
    assert "参考裁量基准（非官方）" in text


def test_art34_list_entries_bind_only_through_the_law():
    """A 从轻/减轻 entry binds (应当) only when it restates Art. 32 ¶1 (1)–(4) or another law's
    ground; the benchmark's own policy (Art. 34) is a 可以; Art. 32 ¶1 (5) is never the only
    basis; a 免予行政强制 entry names the measure it waives."""
    for entry in ENGINE.catalog.lists.values():
        first = entry.basis[0]
        if entry.kind in (ListKind.mitigation, ListKind.lighter):
            assert not (first.law == APL and first.article == 32 and first.item == 5), entry.id
            if first.law == APL and first.article == 34:
                assert entry.mandatory is False, entry.id
            if first.law == APL and first.article == 32:
                assert entry.mandatory is True and first.item in (1, 2, 3, 4), entry.id
        if entry.kind is ListKind.no_coercion:
            assert entry.measure is not None, entry.id
        if entry.kind is ListKind.non_penalty:
            item = ENGINE.catalog.benchmarks[entry.benchmark]
            assert item.statutory.applies_when.value == "always", entry.id
