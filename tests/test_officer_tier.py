"""The tier the officer found (a case's ``tier``): official benchmarks write each tier as prose
circumstances, and the officer decides which tier the case is in. The tier named is used
instead of the tiers' conditions; the law applies on top exactly as for a computed tier."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from discretion import CaseError, Catalog, Engine
from discretion.errors import CatalogError

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "catalogs" / "lishui-2022"
MINI = ROOT / "tests" / "fixtures" / "catalogs" / "mini"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(Catalog.load(CATALOG))


def _case(item: str, party: str, **more: Any) -> dict[str, Any]:
    case: dict[str, Any] = {
        "item": item, "party": {"kind": party, **({"age": 40} if party == "individual" else {})},
        "occurred_on": "2023-03-01", "discovered_on": "2023-03-10", "decided_on": "2023-04-01",
        "first_offense": False, "harm": "ordinary", "correction": "refused", "involves": [],
    }
    case.update(more)
    return case


def _fines(sanctions: Any) -> dict[str, tuple[Decimal, Decimal]]:
    return {f"{s.party}/{s.on}": (Decimal(s.fine.min), Decimal(s.fine.max))
            for s in sanctions if s.kind == "fine" and s.fine is not None}


def test_every_tier_of_every_item_can_be_found_by_the_officer(engine: Engine) -> None:
    """Every tier of every bundled item, named by the case: that tier is the decision's, the
    trace says the officer found it, and every recommended fine lies in the statutory range
    the decision gives for this party at this stage."""
    decided = 0
    for item in engine.catalog.benchmarks.values():
        if item.not_encoded_before is not None or item.effective_to is not None:
            continue
        for index, tier in enumerate(item.tiers):
            for party in ("individual", "organization"):
                facts = {f.name: _sample(f) for f in item.facts}
                try:
                    decision = engine.evaluate(_case(item.id, party, tier=tier.level, facts=facts))
                except CaseError as exc:
                    # the facts may make the case 情节严重, which a base tier contradicts
                    assert any(p.path == "tier" for p in exc.problems) and tier.uses == "base", exc
                    continue
                if decision.outcome in ("correction_only", "not_penalized"):
                    continue
                assert decision.tier is not None and decision.tier.index == index, (item.id, tier)
                assert any("执法人员认定" in step.detail for step in decision.trace)
                statutory = [(f"{s.party}/{s.on}", Decimal(s.fine.min), Decimal(s.fine.max))
                             for s in decision.statutory if s.kind == "fine" and s.fine]
                for key, (low, high) in _fines(decision.recommended).items():
                    # within the clause's range for the party (of the layer the case is in)
                    assert any(k == key and floor <= low <= high <= ceiling
                               for k, floor, ceiling in statutory), (item.id, tier.level, key)
                decided += 1
    assert decided > 2000


def _sample(fact: Any) -> Any:
    return {"number": 12, "integer": 4, "money": "30000", "boolean": False,
            "enum": (fact.values or [""])[0], "text": "x"}[fact.type]


def test_unknown_tier_is_a_case_error_naming_the_tiers(engine: Engine) -> None:
    with pytest.raises(CaseError) as caught:
        engine.evaluate(_case("LS-CXGH-0001", "organization", tier="特别严重"))
    problem = caught.value.problems[0]
    assert problem.path == "tier"
    assert "轻微、一般、较重、严重" in problem.message
    assert problem.expected == "one of: 轻微, 一般, 较重, 严重"


def test_tier_checked_even_when_art36_ends_the_case(engine: Engine) -> None:
    case = _case("LS-SRHJ-0001", "individual", tier="没有这档", occurred_on="2015-01-01",
                 discovered_on="2023-01-01")
    with pytest.raises(CaseError) as caught:
        engine.evaluate(case)
    assert caught.value.problems[0].path == "tier"


def test_tier_with_several_items_is_refused(engine: Engine) -> None:
    with pytest.raises(CaseError) as caught:
        engine.evaluate(_case(["LS-SRHJ-0001", "LS-SRHJ-0003"], "individual", tier="一般"))
    assert caught.value.problems[0].path == "tier"


def test_officer_tier_overrides_the_conditions(engine: Engine) -> None:
    """harm: minor makes the conditions choose 轻微; the officer found 较重."""
    computed = engine.evaluate(_case("LS-SRHJ-0001", "individual", harm="minor",
                                     facts={"item_count": 2}))
    found = engine.evaluate(_case("LS-SRHJ-0001", "individual", harm="minor",
                                  facts={"item_count": 2}, tier="严重"))
    assert computed.tier is not None and computed.tier.level == "轻微"
    assert found.tier is not None and found.tier.level == "严重"
    assert _fines(found.recommended) != _fines(computed.recommended)


def test_art33_still_applies_on_an_officer_found_lightest_tier(engine: Engine) -> None:
    """Art. 33 ¶1: minor (the lightest tier), no harm, corrected in time — not penalised,
    whether the conditions or the officer found the lightest tier."""
    item = engine.catalog.benchmarks["LS-CXGH-0001"]
    facts = {f.name: _sample(f) for f in item.facts}
    case = _case(item.id, "organization", harm="none", correction="in_time", first_offense=True,
                 facts=facts, tier="轻微")
    decision = engine.evaluate(case)
    assert decision.outcome == "not_penalized"
    assert any("第三十三条" in g.citation.human() or g.citation.article == 33
               for g in decision.grounds)
    heavier = engine.evaluate({**case, "tier": "一般"})
    assert heavier.outcome != "not_penalized"


def test_a_serious_tier_is_the_officers_finding_of_serious(engine: Engine) -> None:
    item = engine.catalog.benchmarks["LS-CXGH-0001"]
    serious = next(t for t in item.tiers if t.uses == "serious")
    decision = engine.evaluate(_case(item.id, "organization", tier=serious.level, harm="minor",
                                     facts={f.name: _sample(f) for f in item.facts}))
    assert any(step.rule == "serious" and "执法人员认定" in step.detail for step in decision.trace)


# --- items whose tiers are prose circumstances (an official table) --------------------------

@pytest.fixture()
def prose_engine(tmp_path: Path) -> Engine:
    """The mini catalog with LS-SRHJ-0003's tiers as an official table writes them: prose
    circumstances and no conditions."""
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "benchmarks" / "SRHJ.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    for item in data["items"]:
        if item["id"] == "LS-SRHJ-0003":
            for tier in item["tiers"]:
                tier.pop("when")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    return Engine(Catalog.load(root, cache=False))


def test_prose_tiers_without_tier_need_the_officers_finding(prose_engine: Engine) -> None:
    decision = prose_engine.evaluate(_case("LS-SRHJ-0003", "individual", facts={"area_m2": 20}))
    assert decision.outcome is None and decision.needs_facts is not None
    assert [m.path for m in decision.needs_facts.facts] == ["tier"]
    assert decision.needs_facts.tiers == ["轻微", "一般", "严重"]
    assert decision.needs_facts.range is not None
    assert (Decimal(decision.needs_facts.range.min), Decimal(decision.needs_facts.range.max)) \
        == (Decimal(200), Decimal(1000))


def test_prose_tiers_with_tier_decide(prose_engine: Engine) -> None:
    ranges = []
    for level in ("轻微", "一般", "严重"):
        decision = prose_engine.evaluate(_case("LS-SRHJ-0003", "individual", tier=level,
                                               facts={"area_m2": 20}))
        assert decision.outcome == "penalized", level
        assert decision.tier is not None and decision.tier.level == level
        ranges.append(_fines(decision.recommended)["individual/None"])
    assert ranges == sorted(ranges)
    assert ranges[0][0] >= 200 and ranges[-1][1] <= 1000


def test_a_prose_tier_needs_a_description(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "benchmarks" / "SRHJ.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    tier = data["items"][0]["tiers"][0]
    tier.pop("when")
    tier.pop("description")
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CatalogError, match="no when and no description"):
        Catalog.load(root, cache=False)


def test_two_tiers_of_one_name_are_refused(tmp_path: Path) -> None:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    path = root / "benchmarks" / "SRHJ.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][0]["tiers"][1]["level"] = "轻微"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    with pytest.raises(CatalogError, match="two tiers are named"):
        Catalog.load(root, cache=False)


def test_today_is_not_needed_for_an_officer_tier() -> None:
    """The tier changes nothing about dates: a case with decided_on decides without today."""
    engine = Engine(Catalog.load(CATALOG), today=dt.date(2023, 4, 1))
    decision = engine.evaluate(_case("LS-SRHJ-0001", "individual", tier="一般",
                                     facts={"item_count": 5}))
    assert decision.tier is not None and decision.tier.level == "一般"


def test_the_case_template_offers_the_tier(engine: Engine) -> None:
    """discretion new: the tier line, commented out (an officer's finding is never prefilled),
    with each tier's circumstances."""
    from discretion.render.template import case_template

    text = case_template(engine.catalog, engine.catalog.benchmarks["LS-SRHJ-0001"])
    assert "# tier: 轻微    # 裁量阶次（执法人员认定）：轻微 / 一般 / 严重" in text
    assert "#   严重：" in text
    data = yaml.safe_load(text)
    assert "tier" not in data


def test_the_officers_page_offers_the_tier(engine: Engine, prose_engine: Engine) -> None:
    from discretion.service.form import case_fields, case_from_form

    item = engine.catalog.benchmarks["LS-SRHJ-0001"]
    fields = case_fields(engine.catalog, item)
    tier = next(f for f in fields if f.path == "tier")
    assert [v for v, _ in tier.values] == ["轻微", "一般", "严重"] and not tier.required
    case = case_from_form(item, fields, [("party.kind", "individual"), ("tier", "严重")])
    assert case["tier"] == "严重"
    prose = prose_engine.catalog.benchmarks["LS-SRHJ-0003"]
    assert next(f for f in case_fields(prose_engine.catalog, prose) if f.path == "tier").required
