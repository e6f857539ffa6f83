"""Art. 37 (从旧兼从轻): the version in force when the act happened, unless the one in force at
decision time is lighter or no longer lists the act. Fixture: the 农产品生产记录 clause of
农产品质量安全法 2018 (Art. 47: 可以处二千元以下罚款) and 2022 (Art. 69: 处二千元以上二万元以下)."""

from __future__ import annotations

import datetime as dt
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest

from discretion import Catalog, Engine
from discretion.law.versions import is_lighter, versions_of

FIXTURE = Path(__file__).parents[1] / "fixtures" / "catalogs" / "versions"


def case(**overrides: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"item": "T-NYNC-0001", "party": {"kind": "organization"},
                            "occurred_on": "2022-10-01", "decided_on": "2023-03-01",
                            "first_offense": True, "harm": "ordinary", "correction": "overdue"}
    data.update(overrides)
    return data


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(Catalog.load(FIXTURE))


def test_art37_old_law_applies_when_the_new_one_is_heavier(engine: Engine) -> None:
    decision = engine.evaluate(case())
    assert decision.item == "T-NYNC-0001"
    assert decision.statutory[0].fine is not None and decision.statutory[0].fine.max == "2000.00"
    assert any(step.rule == "art37" for step in decision.trace)


def test_art37_naming_the_new_version_still_applies_the_old_one(engine: Engine) -> None:
    assert engine.evaluate(case(item="T-NYNC-0002")).item == "T-NYNC-0001"


def test_art37_acts_after_the_change_use_the_new_version(engine: Engine) -> None:
    decision = engine.evaluate(case(occurred_on="2023-01-05", decided_on="2023-03-01"))
    assert decision.item == "T-NYNC-0002"


def test_art37_lighter_is_defined_by_the_maximum_then_kinds(engine: Engine) -> None:
    old, new = versions_of(engine.catalog, engine.catalog.benchmarks["T-NYNC-0001"])
    assert not is_lighter(new, old, "organization")
    assert is_lighter(old, new, "organization")
    assert not is_lighter(old, old, "organization")


def test_art37_new_version_that_is_lighter_applies(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(FIXTURE, root)
    path = root / "benchmarks" / "NYNC.yaml"
    text = path.read_text(encoding="utf-8")
    # swap the dates: the heavier 2022 text first, the lighter one later (a test of the rule only)
    text = text.replace("effective_to: 2022-12-31", "effective_from: 2023-01-01\n    supersedes: [T-NYNC-0002]")
    text = text.replace("effective_from: 2023-01-01\n    supersedes: [T-NYNC-0001]", "effective_to: 2022-12-31")
    path.write_text(text, encoding="utf-8")
    engine = Engine(Catalog.load(root))
    decision = engine.evaluate(case(item="T-NYNC-0002"))
    assert decision.item == "T-NYNC-0001"
    assert any("从轻适用新规定" in step.detail for step in decision.trace)


def test_art37_act_no_longer_listed_is_not_penalised(tmp_path: Path) -> None:
    root = tmp_path / "cat"
    shutil.copytree(FIXTURE, root)
    path = root / "benchmarks" / "NYNC.yaml"
    text = path.read_text(encoding="utf-8")
    text = text.replace("effective_from: 2023-01-01\n    supersedes: [T-NYNC-0001]",
                        "effective_from: 2023-01-01\n    effective_to: 2023-06-30\n    supersedes: [T-NYNC-0001]")
    path.write_text(text, encoding="utf-8")
    engine = Engine(Catalog.load(root))
    decision = engine.evaluate(case(occurred_on="2023-02-01", decided_on="2023-08-01"))
    assert decision.outcome == "not_penalized" and decision.mandatory is True
    assert any(g.citation.article == 37 for g in decision.grounds)


def test_art37_act_before_the_first_version(engine: Engine) -> None:
    # T-NYNC-0001 has no effective_from: every earlier act is covered
    assert engine.evaluate(case(occurred_on="2019-01-01", decided_on="2019-06-01")).item == "T-NYNC-0001"


def test_art37_overlapping_versions_are_rejected(tmp_path: Path) -> None:
    from discretion import CatalogError

    root = tmp_path / "cat"
    shutil.copytree(FIXTURE, root)
    path = root / "benchmarks" / "NYNC.yaml"
    path.write_text(path.read_text(encoding="utf-8").replace("effective_to: 2022-12-31",
                                                             "effective_to: 2023-02-01"), encoding="utf-8")
    with pytest.raises(CatalogError) as info:
        Catalog.load(root)
    assert "in force until 2023-02-01" in str(info.value)


def test_art37_decision_date_defaults_to_today() -> None:
    engine = Engine(Catalog.load(FIXTURE), today=dt.date(2023, 5, 1))
    data = case()
    del data["decided_on"]
    assert engine.evaluate(data).item == "T-NYNC-0001"


def test_art37_without_a_decision_date_the_version_is_asked_for() -> None:
    """第三十七条: which version applies depends on the day of the decision when the act's
    version has since changed. With no decided_on and no date supplied by the caller, the engine
    does not read the clock: it asks for decided_on."""
    engine = Engine(Catalog.load(FIXTURE))
    data = case()
    del data["decided_on"]
    decision = engine.evaluate(data)
    assert decision.outcome is None
    assert decision.needs_facts is not None
    assert "decided_on" in [m.path for m in decision.needs_facts.facts]


def test_art37_a_date_supplied_by_the_caller_is_stated() -> None:
    """A decision date the caller supplies (Engine(today=...), check --on) is named in the
    decision's reasoning."""
    engine = Engine(Catalog.load(FIXTURE), today=dt.date(2023, 5, 1))
    data = case()
    del data["decided_on"]
    details = [step.detail for step in engine.evaluate(data).trace]
    assert any("2023-05-01" in d and "指定" in d for d in details)


def test_the_engine_never_reads_the_clock() -> None:
    """No module of the package reads the system date: a decision depends only on its case,
    its catalog and a date the caller gives."""
    import re
    from pathlib import Path

    import discretion

    package = Path(discretion.__file__).parent
    clock = re.compile(r"date\.today\(|datetime\.now\(|datetime\.today\(|time\.localtime\(")
    readers = [str(p) for p in package.rglob("*.py") if clock.search(p.read_text(encoding="utf-8"))]
    assert readers == []


# --- 较轻 for this case, on the bundled catalog (环境噪声污染防治法 2018 → 噪声污染防治法 2022) ---

def _noise(correction: str) -> dict[str, Any]:
    # LS-ZSGF-0002 (环境噪声污染防治法 Art. 58: 给予警告) is followed on 2022-06-05 by LS-ZSGF-0020
    # (噪声污染防治法 Art. 82: 责令改正；拒不改正的，给予警告，可以并处罚款)
    return {"item": "LS-ZSGF-0002", "party": {"kind": "organization"}, "occurred_on": "2022-03-01",
            "decided_on": "2022-08-01", "first_offense": True, "harm": "minor",
            "correction": correction}


def _art37_ground(decision: Any) -> str:
    found = [g.reason for g in decision.grounds if g.citation.law == "行政处罚法" and g.citation.article == 37]
    assert len(found) == 1, decision.grounds
    return found[0]


def test_art37_lighter_is_what_each_version_gives_this_case() -> None:
    """第三十七条: a party that corrected in time owes nothing under the new law, while the old
    one gave a warning: the new law is lighter *for this case* (in the abstract its fine makes it
    heavier), so it applies, and Art. 37 is a ground of the decision."""
    bundled = Engine(Catalog.load(Path(__file__).parents[2] / "catalogs" / "lishui-2022"))
    corrected = bundled.evaluate(_noise("in_time"))
    assert (corrected.item, corrected.outcome) == ("LS-ZSGF-0020", "correction_only")
    assert "新规定处罚较轻" in _art37_ground(corrected)
    refused = bundled.evaluate(_noise("refused"))
    assert (refused.item, refused.outcome) == ("LS-ZSGF-0002", "penalized")
    assert [s.kind for s in refused.recommended] == ["warning"]
    assert "适用旧规定" in _art37_ground(refused)


def test_art37_is_a_ground_whenever_it_chooses(engine: Engine) -> None:
    decision = engine.evaluate(case())
    assert decision.item == "T-NYNC-0001" and "从旧兼从轻" in _art37_ground(decision)
    # one version only in force: Art. 37 decides nothing and is not cited
    after = engine.evaluate(case(occurred_on="2023-01-05", decided_on="2023-03-01"))
    assert not [g for g in after.grounds if g.citation.law == "行政处罚法" and g.citation.article == 37]


# --- amounts set by an implementing regulation (土地管理法 Art. 77 + 实施条例 2021 Art. 57) ---

def _land(**changes: Any) -> dict[str, Any]:
    data: dict[str, Any] = {"item": "LS-TD-0002", "party": {"kind": "organization"},
                            "occurred_on": "2022-03-01", "decided_on": "2022-06-01",
                            "first_offense": False, "harm": "ordinary", "correction": "overdue",
                            "facts": {"area_m2": "300"}}
    data.update(changes)
    return data


def test_art37_the_regulation_that_sets_the_amount_is_cited() -> None:
    """土地管理法第七十七条 fixes no amount; 土地管理法实施条例第五十七条 does (每平方米100元以上1000元
    以下): it is a structured citation on the fine and one of the decision's grounds."""
    bundled = Engine(Catalog.load(Path(__file__).parents[2] / "catalogs" / "lishui-2022"))
    decision = bundled.evaluate(_land())
    assert decision.outcome == "penalized"
    regulation = [g for g in decision.grounds if g.citation.law == "中华人民共和国土地管理法实施条例"]
    assert [g.citation.article for g in regulation] == [57]
    fine = next(s for s in decision.recommended if s.kind == "fine")
    assert fine.source is not None and fine.source.article == 57
    assert '"source"' in decision.to_json() and fine.fine is not None
    assert Decimal(fine.fine.max) <= Decimal(300 * 1000)  # 300 m² × 1000 yuan at most


def test_art37_an_act_before_the_regulation_is_not_decided_on_its_amounts() -> None:
    """第三十七条: an act before 2021-09-01 falls under the earlier 实施条例, whose text the
    statute corpus does not hold: the engine refuses, saying why, rather than apply the 2021
    amounts (which may be heavier)."""
    from discretion.errors import CaseError

    bundled = Engine(Catalog.load(Path(__file__).parents[2] / "catalogs" / "lishui-2022"))
    with pytest.raises(CaseError) as info:
        bundled.evaluate(_land(occurred_on="2021-05-01"))
    text = info.value.render()
    assert "occurred_on" in text and "2021-09-01" in text and "第三十七条" in text
