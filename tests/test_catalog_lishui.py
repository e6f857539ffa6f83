"""The bundled Lishui catalog as a whole: counts, stable ids, every item decidable per tier,
no overlapping tiers, lists tied to real benchmarks, versions for Art. 37."""

from __future__ import annotations

import datetime as dt
from collections import Counter
from pathlib import Path

import pytest

from discretion import Catalog, Engine
from discretion.catalog.coverage import probe_envs, selected_tiers, tier_reach
from discretion.catalog.models import ListKind
from discretion.conditions.interpret import evaluate

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "catalogs" / "lishui-2022"
RETIRED = Path(__file__).resolve().parent / "data" / "lishui-2022-retired.txt"
IDS = ROOT / "tests" / "data" / "lishui-2022-ids.txt"

# The founding report's figures are the targets; the floors below are what the catalog holds
# now and may only rise (see docs/catalog/coverage.md for the per-field table).
MIN_BENCHMARKS = 990
MIN_NON_PENALTY = 230
MIN_OTHER_LISTS = 40  # 从轻 and 减轻 entries
# 免予行政强制 entries exist only where a provision authorises a coercive measure for the act
# (most template entries were retired for want of one: tests/data/lishui-2022-retired.txt)
MIN_NO_COERCION = 8
FIELDS = 23


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(CATALOG, cache=False)


def test_counts(catalog: Catalog) -> None:
    kinds = Counter(entry.kind for entry in catalog.lists.values())
    assert len(catalog.fields) == FIELDS
    assert len(catalog.benchmarks) >= MIN_BENCHMARKS
    assert kinds[ListKind.non_penalty] >= MIN_NON_PENALTY
    for kind in (ListKind.mitigation, ListKind.lighter):
        assert kinds[kind] >= MIN_OTHER_LISTS, kind
    assert kinds[ListKind.no_coercion] >= MIN_NO_COERCION
    assert all(e.measure is not None for e in catalog.lists.values() if e.kind is ListKind.no_coercion)


def test_every_field_has_items(catalog: Catalog) -> None:
    used = {item.field for item in catalog.benchmarks.values()}
    assert used == set(catalog.fields)


def test_ids_are_stable(catalog: Catalog) -> None:
    """Every id ever published stays (ids are never renumbered or reused); new ones are added
    to tests/data/lishui-2022-ids.txt. An entry removed because it has no legal basis is
    retired in tests/data/lishui-2022-retired.txt with its reason, and never comes back."""
    published = [line.strip() for line in IDS.read_text(encoding="utf-8").splitlines()
                 if line.strip() and not line.startswith("#")]
    assert len(published) == len(set(published))
    retired = {line.split()[0]: line.split(None, 1)[1]
               for line in RETIRED.read_text(encoding="utf-8").splitlines()
               if line.strip() and not line.startswith("#")}
    assert set(retired) <= set(published), "a retired id was never published"
    assert all(len(reason) > 10 for reason in retired.values()), "say why each id was retired"
    back = [i for i in retired if catalog.get(i) is not None]
    assert not back, f"retired ids are never reused: {back}"
    missing = [i for i in published if catalog.get(i) is None and i not in retired]
    assert not missing, f"published ids disappeared: {missing[:10]}"
    unpublished = sorted(set(catalog.ids) - set(published))
    assert not unpublished, f"add new ids to {IDS.name}: {unpublished[:10]}"


def test_provenance_marks_reference_tiers(catalog: Catalog) -> None:
    for item in catalog.benchmarks.values():
        assert item.provenance.tiers in ("reference_default", "official"), item.id
        assert item.provenance.file.endswith(".md"), item.id


def test_ranges_have_three_tiers(catalog: Catalog) -> None:
    for item in catalog.benchmarks.values():
        fines = [s for s in item.statutory.sanctions if s.kind.value == "fine" and s.max]
        if fines and any(s.max > s.low for s in fines):
            assert len([t for t in item.tiers if t.uses == "base"]) >= 3, item.id


def test_no_dead_tier(catalog: Catalog) -> None:
    """Every tier is selected by at least one generated case."""
    dead = []
    for item in catalog.benchmarks.values():
        reached, _ = tier_reach(catalog, item)
        dead += [(item.id, item.tiers[i].level) for i in range(len(item.tiers)) if i not in reached]
    assert not dead, dead[:20]


def test_no_two_tiers_match_unless_priority_is_declared(catalog: Catalog) -> None:
    overlapping = []
    for item in catalog.benchmarks.values():
        if item.tier_priority:
            continue
        _, pairs = tier_reach(catalog, item)
        overlapping += [(item.id, item.tiers[a].level, item.tiers[b].level) for a, b in pairs]
    assert not overlapping, overlapping[:20]


def test_every_tier_decides_through_the_engine(catalog: Catalog) -> None:
    """For each item and tier, a real case built from a probe is decided by the engine with
    that tier (one probe per tier; the engine and the reference interpreter agree)."""
    engine = Engine(catalog, today=dt.date(2023, 6, 1))
    checked = 0
    for item in catalog.benchmarks.values():
        seen: set[int] = set()
        serious = catalog.conditions[item.id].serious
        facts = {f.name for f in item.facts} | {"illegal_income", "goods_value"}
        for env in probe_envs(catalog, item):
            uses = "serious" if serious is not None and evaluate(serious, env) is True else "base"
            chosen = selected_tiers(catalog, item, env, uses)
            if not chosen or chosen[0] in seen:
                continue
            seen.add(chosen[0])
            case = {
                "item": item.id,
                "party": {"kind": env.get("party_kind", "organization")} if env.get("party_kind", "organization") == "organization"
                else {"kind": "individual", "age": 40},
                "occurred_on": "2023-01-02", "decided_on": "2023-02-01",
                "first_offense": env.get("first_offense", False),
                "harm": env.get("harm", "ordinary"),
                "correction": env.get("correction", "refused"),
                "circumstances": [n for n, v in env.items() if v is True and n in
                                  ("eliminated_harm", "coerced", "confessed_unknown", "meritorious",
                                   "emergency_measures")],
                "facts": {n: (str(v) if not isinstance(v, bool) else v) for n, v in env.items()
                          if n in facts},
            }
            decision = engine.evaluate(case)
            if decision.outcome == "penalized":
                assert decision.tier is not None and decision.tier.index == chosen[0], (item.id, env)
                checked += 1
    assert checked >= len(catalog.benchmarks)


def test_lists_are_tied_to_benchmarks_of_their_field(catalog: Catalog) -> None:
    for entry in catalog.lists.values():
        benchmark = catalog.benchmarks[entry.benchmark]
        assert benchmark.field == entry.field, entry.id
        assert entry.provenance.file == benchmark.provenance.file, entry.id


def test_versions_give_art37_material(catalog: Catalog) -> None:
    versioned = [item for item in catalog.benchmarks.values() if item.supersedes]
    assert len(versioned) >= 5
    for item in versioned:
        for old in item.supersedes:
            assert catalog.benchmarks[old].provenance.file != item.provenance.file, item.id


def test_five_year_items_exist(catalog: Catalog) -> None:
    assert sum(item.five_year_limitation for item in catalog.benchmarks.values()) >= 20
