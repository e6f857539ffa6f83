"""Loading catalog folders: the bundled catalog, content hashes and located errors."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from discretion.catalog.catalog import OTHERWISE, Catalog
from discretion.catalog.models import BenchmarkItem, ListItem, ListKind
from discretion.conditions.ast import Expr
from discretion.errors import CatalogError, Problem

ROOT = Path(__file__).resolve().parents[1]
BUNDLED = ROOT / "catalogs" / "lishui-2022"
MINI = Path(__file__).resolve().parent / "fixtures" / "catalogs" / "mini"

BENCH = "benchmarks/SRHJ.yaml"
LIST = "lists/lighter/SRHJ.yaml"


# --------------------------------------------------------------------------- helpers


def copy_mini(tmp_path: Path) -> Path:
    root = tmp_path / "mini"
    shutil.copytree(MINI, root)
    return root


def edit(root: Path, rel: str, old: str, new: str) -> None:
    path = root / rel
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {rel}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def problems_of(root: Path) -> list[Problem]:
    with pytest.raises(CatalogError) as info:
        Catalog.load(root)
    assert info.value.kind == "catalog"
    return info.value.problems


def locate(root: Path, rel: str, needle: str, offset: int = 0) -> tuple[int, int]:
    """1-based line and column of ``needle`` (which must be unique) in a catalog file."""
    text = (root / rel).read_text(encoding="utf-8")
    assert text.count(needle) == 1, f"{needle!r} occurs {text.count(needle)} times"
    index = text.index(needle) + offset
    line = text.count("\n", 0, index) + 1
    column = index - (text.rfind("\n", 0, index) + 1) + 1
    return line, column


def only(problems: list[Problem], fragment: str) -> Problem:
    found = [p for p in problems if fragment in p.message]
    assert found, f"no problem mentions {fragment!r}: {[p.message for p in problems]}"
    return found[0]


# --------------------------------------------------------------------------- loading


def test_bundled_catalog_loads():
    catalog = Catalog.load(BUNDLED)
    assert catalog.manifest.code == "lishui"
    assert "SRHJ" in catalog.fields
    assert len(catalog.benchmarks) >= 10
    assert len(catalog.lists) >= 1
    for item_id, item in catalog.benchmarks.items():
        assert isinstance(item, BenchmarkItem)
        assert item_id in catalog.conditions
        assert catalog.sources[item_id].file == f"benchmarks/{item.field}.yaml"
        assert catalog.sources[item_id].line is not None
    for entry in catalog.lists.values():
        assert isinstance(entry, ListItem)
        assert entry.benchmark in catalog.benchmarks
    # every list entry's condition is attached to its benchmark's conditions
    attached = {entry_id for item_id in catalog.benchmarks
                for entry_id, _ in catalog.conditions[item_id].lists}
    assert attached == set(catalog.lists)


def test_bundled_catalog_conditions_are_parsed():
    catalog = Catalog.load(BUNDLED)
    conds = catalog.conditions["LS-SRHJ-0001"]
    assert len(conds.tiers) == len(catalog.benchmarks["LS-SRHJ-0001"].tiers)
    assert OTHERWISE in conds.tiers
    assert all(t is None or t == OTHERWISE or isinstance(t, Expr.__args__) for t in conds.tiers)


def test_bundled_catalog_source_lines_point_at_items():
    catalog = Catalog.load(BUNDLED)
    lines = (BUNDLED / BENCH).read_text(encoding="utf-8").splitlines()
    for item_id, source in catalog.sources.items():
        if source.file == BENCH:
            assert item_id in lines[source.line - 1]


def test_mini_fixture_loads():
    catalog = Catalog.load(MINI)
    assert sorted(catalog.benchmarks) == ["LS-SRHJ-0001", "LS-SRHJ-0003"]
    assert list(catalog.lists) == ["LS-SRHJ-CQ-0009"]
    assert catalog.lists["LS-SRHJ-CQ-0009"].kind is ListKind.lighter
    assert catalog.lists_for("LS-SRHJ-0003") == [catalog.lists["LS-SRHJ-CQ-0009"]]
    assert [i for i, _ in catalog.conditions["LS-SRHJ-0003"].lists] == ["LS-SRHJ-CQ-0009"]


def test_missing_folder():
    problems = problems_of(Path("/nonexistent/catalog/folder"))
    assert "not found" in problems[0].message


def test_missing_manifest_and_fields(tmp_path):
    root = copy_mini(tmp_path)
    (root / "manifest.yaml").unlink()
    (root / "fields.yaml").unlink()
    messages = [p.message for p in problems_of(root)]
    assert any("manifest.yaml" in m for m in messages)
    assert any("fields.yaml" in m for m in messages)


# --------------------------------------------------------------------------- sha256


def test_sha256_is_stable_across_loads():
    first = Catalog.load(BUNDLED).sha256
    second = Catalog.load(BUNDLED).sha256
    assert first == second
    assert len(first) == 64 and int(first, 16) >= 0


def test_sha256_does_not_depend_on_location(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(BUNDLED, copy)
    assert Catalog.load(copy).sha256 == Catalog.load(BUNDLED).sha256


def test_sha256_changes_when_a_file_changes(tmp_path):
    copy = tmp_path / "copy"
    shutil.copytree(BUNDLED, copy)
    before = Catalog.load(copy).sha256
    with (copy / BENCH).open("a", encoding="utf-8") as handle:
        handle.write("# a trailing comment changes the bytes\n")
    after = Catalog.load(copy).sha256
    assert after != before
    edit(copy, "manifest.yaml", "rounding: 1 ", "rounding: 1  ")
    assert Catalog.load(copy).sha256 not in (before, after)


def test_sha256_changes_when_a_file_is_renamed(tmp_path):
    root = copy_mini(tmp_path)
    before = Catalog.load(root).sha256
    (root / BENCH).rename(root / "benchmarks" / "SRHJ2.yaml")
    assert Catalog.load(root).sha256 != before


def test_sha256_ignores_non_yaml_files(tmp_path):
    root = copy_mini(tmp_path)
    before = Catalog.load(root).sha256
    (root / "README.md").write_text("notes\n", encoding="utf-8")
    assert Catalog.load(root).sha256 == before


# --------------------------------------------------------------------------- located errors


def test_unknown_key_with_did_you_mean(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, "    title: 擅自在街道两侧", "    titel: 擅自在街道两侧")
    problems = problems_of(root)
    problem = only(problems, "unknown key 'titel'")
    assert problem.file.endswith(BENCH)
    assert (problem.line, problem.column) == locate(root, BENCH, "擅自在街道两侧和公共场地堆放物料")
    assert problem.path == "items[1].titel"
    assert "title" in (problem.hint or "")
    assert "did you mean" in (problem.hint or "")


def test_missing_required_key(tmp_path):
    root = copy_mini(tmp_path)
    text = (root / BENCH).read_text(encoding="utf-8")
    clause_line = next(line for line in text.splitlines(keepends=True)
                       if line.startswith("    clause: 违反本条第一款或者第二款规定的，责令限期改正；逾期不改正的，处五十元"))
    edit(root, BENCH, clause_line, "")
    problem = only(problems_of(root), "missing required key 'clause'")
    assert problem.file.endswith(BENCH)
    # located at the item that lacks the key: its "- id:" line, at the mapping's first key
    assert (problem.line, problem.column) == locate(root, BENCH, "id: LS-SRHJ-0001")
    assert problem.path == "items[0]"
    assert "clause" in (problem.hint or "")


def test_wrong_type(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, LIST, "mandatory: false", "mandatory: sometimes")
    problems = problems_of(root)
    problem = only(problems, "sometimes")
    assert problem.file.endswith(LIST)
    assert (problem.line, problem.column) == locate(root, LIST, "sometimes")
    assert problem.path == "items[0].mandatory"


def test_duplicate_id_across_two_files(tmp_path):
    root = copy_mini(tmp_path)
    text = (root / BENCH).read_text(encoding="utf-8")
    first_item = text.split("items:\n")[1].split("\n\n")[0]
    assert first_item.startswith("  - id: LS-SRHJ-0001")
    (root / "benchmarks" / "Z.yaml").write_text("field: SRHJ\nitems:\n" + first_item + "\n",
                                                 encoding="utf-8")
    problems = problems_of(root)
    assert len(problems) == 1
    problem = only(problems, "duplicate id 'LS-SRHJ-0001'")
    assert problem.file.endswith("benchmarks/Z.yaml")
    assert (problem.line, problem.column) == (3, 9)
    first_line, _ = locate(root, BENCH, "id: LS-SRHJ-0001")
    assert f"{BENCH}:{first_line}" in (problem.hint or "")


def test_duplicate_id_between_benchmark_and_list(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, LIST, "id: LS-SRHJ-CQ-0009", "id: LS-SRHJ-0001")
    problem = only(problems_of(root), "duplicate id")
    assert problem.file.endswith(LIST)
    assert (problem.line, problem.column) == locate(root, LIST, "LS-SRHJ-0001")


def test_unknown_field_code_on_an_item(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, "  - id: LS-SRHJ-0003\n", "  - id: LS-SRHJ-0003\n    field: XXXX\n")
    problems = problems_of(root)
    problem = only(problems, "unknown field 'XXXX'")
    assert problem.file.endswith(BENCH)
    assert (problem.line, problem.column) == locate(root, BENCH, "XXXX")
    assert "SRHJ" in (problem.expected or "")


def test_unknown_field_code_of_a_file(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, "field: SRHJ\n", "field: XXXX\n")
    problems = [p for p in problems_of(root) if "unknown field 'XXXX'" in p.message]
    assert len(problems) == 2  # both items of the file
    assert all(p.file.endswith(BENCH) for p in problems)


def test_fine_outside_statutory_range(tmp_path):
    root = copy_mini(tmp_path)
    # item LS-SRHJ-0001: 50-500 yuan; the lighter tier starts below the minimum
    edit(root, BENCH, "        fine: {band: lighter}\n      - level: 一般\n        when: otherwise\n"
                      "        description: 除轻微、严重情形以外的\n        fine: {band: ordinary}\n"
                      "      - level: 严重\n        when: harm == \"serious\" or item_count",
         "        fine: {min: 10, max: 185}\n      - level: 一般\n        when: otherwise\n"
         "        description: 除轻微、严重情形以外的\n        fine: {band: ordinary}\n"
         "      - level: 严重\n        when: harm == \"serious\" or item_count")
    problems = problems_of(root)
    problem = only(problems, "leaves the statutory range")
    assert problem.file.endswith(BENCH)
    assert (problem.line, problem.column) == locate(root, BENCH, "{min: 10, max: 185}")
    assert problem.path == "items[0].tiers[0].fine"


def _set_light_fine(root: Path, fine: str) -> None:
    edit(root, BENCH, "        fine: {band: lighter}\n      - level: 一般\n        when: otherwise\n"
                      "        description: 除轻微、严重情形以外的\n        fine: {band: ordinary}\n"
                      "      - level: 严重\n        when: harm == \"serious\" or item_count",
         f"        fine: {fine}\n      - level: 一般\n        when: otherwise\n"
         "        description: 除轻微、严重情形以外的\n        fine: {band: ordinary}\n"
         "      - level: 严重\n        when: harm == \"serious\" or item_count")


def test_overlapping_tiers(tmp_path):
    root = copy_mini(tmp_path)
    _set_light_fine(root, "{min: 50, max: 200}")  # the ordinary band starts at 185
    problems = problems_of(root)
    problem = only(problems, "overlaps")
    assert problem.file.endswith(BENCH)
    # reported at the later tier (一般) of item LS-SRHJ-0001
    assert problem.path == "items[0].tiers[1].fine"
    assert (problem.line, problem.column) == locate(root, BENCH, "{band: ordinary}\n      - level: 严重\n"
                                                                 "        when: harm == \"serious\" or item_count")
    assert not any("gap" in p.message for p in problems)


def test_gap_between_tiers(tmp_path):
    root = copy_mini(tmp_path)
    _set_light_fine(root, "{min: 50, max: 150}")
    problems = problems_of(root)
    problem = only(problems, "gap between")
    assert problem.file.endswith(BENCH)
    assert problem.path == "items[0].tiers[1].fine"
    assert "150" in (problem.hint or "")
    assert not any("overlaps" in p.message for p in problems)


def test_shared_boundary_is_not_an_overlap(tmp_path):
    root = copy_mini(tmp_path)
    _set_light_fine(root, "{min: 50, max: 185}")  # exactly the lighter band
    Catalog.load(root)


SEVERE_WHEN = 'harm == "serious" or item_count >= 10'


def test_overlapping_tier_conditions_are_located_with_an_example(tmp_path, capsys):
    """Two tiers of one item that can both hold for one case: reported at the later tier's
    condition, with circumstances under which both hold, through `discretion validate`."""
    from discretion.cli import main

    root = copy_mini(tmp_path)
    edit(root, BENCH, SEVERE_WHEN, 'harm == "serious" or item_count >= 3')  # 轻微 is <= 3
    assert main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    line, column = locate(root, BENCH, 'harm == "serious" or item_count >= 3')
    assert (f"{root / BENCH}:{line}:{column} items[0].tiers[2].when: tiers '轻微' (tiers[0]) and "
            "'严重' (tiers[2]) can both hold, e.g. when item_count == 3 and harm == \"none\"") in err
    assert "tier_priority: true" in err
    assert "裁量档次“轻微”和“严重”的适用条件可能同时成立（例如吊挂或者堆放物品件数：3" in err
    assert err.startswith("1 problem in the catalog")


def test_overlap_with_tier_priority_loads_and_the_first_tier_applies(tmp_path):
    from discretion.engine.engine import Engine

    root = copy_mini(tmp_path)
    edit(root, BENCH, SEVERE_WHEN, 'harm == "serious" or item_count >= 3')
    edit(root, BENCH, "    five_year_limitation: true\n",
         "    five_year_limitation: true\n    tier_priority: true\n")
    catalog = Catalog.load(root, cache=False)
    decision = Engine(catalog).evaluate({
        "item": "LS-SRHJ-0001", "party": {"kind": "individual", "age": 35},
        "occurred_on": "2022-03-01", "decided_on": "2022-05-01", "first_offense": True,
        "harm": "none", "correction": "overdue", "facts": {"item_count": 3}})
    assert decision.to_dict()["tier"]["level"] == "轻微"  # both hold; written first


def test_overlap_of_one_item_does_not_hide_the_others(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, SEVERE_WHEN, 'harm == "serious" or item_count >= 3')
    edit(root, BENCH, 'when: harm == "serious" or area_m2 >= 50', "when: area_m2 >= 5")
    problems = [p for p in problems_of(root) if "can both hold" in p.message]
    assert [p.path for p in problems] == ["items[0].tiers[2].when", "items[1].tiers[2].when"]
    assert "e.g. when area_m2 == 9.5 and harm == \"none\"" in problems[1].message


def test_range_messages_print_plain_numbers(tmp_path):
    root = copy_mini(tmp_path)
    _set_light_fine(root, "{min: 10, max: 185}")
    problem = only(problems_of(root), "leaves the statutory range")
    assert "[50, 500]" in problem.message
    assert "[10, 185]" in problem.message


def test_no_duplicate_problems(tmp_path):
    root = copy_mini(tmp_path)
    _set_light_fine(root, "{min: 10, max: 185}")
    problems = problems_of(root)
    keys = [(p.file, p.line, p.column, p.message) for p in problems]
    assert len(keys) == len(set(keys))


def test_condition_syntax_error_column_points_into_the_condition(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, 'when: area_m2 < 10 and harm in ["none", "minor"]', "when: area_m2 <> 3")
    problem = only(problems_of(root), "does not parse")
    assert problem.file.endswith(BENCH)
    line, column = locate(root, BENCH, "area_m2 <> 3")
    # "area_m2 <> 3": the parser stops at the '>' (offset 9)
    assert (problem.line, problem.column) == (line, column + 9)
    assert problem.path == "items[1].tiers[0].when"


def test_condition_syntax_error_in_quoted_scalar(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, 'when: area_m2 < 10 and harm in ["none", "minor"]',
         "when: 'harm == \"none\" and area_m2 = 3'")
    problem = only(problems_of(root), "does not parse")
    line, column = locate(root, BENCH, "area_m2 = 3", offset=8)
    assert (problem.line, problem.column) == (line, column)
    assert "==" in (problem.hint or "")


def test_condition_syntax_error_in_folded_scalar(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, 'when: area_m2 < 10 and harm in ["none", "minor"]',
         "when: >-\n          area_m2 <> 3")
    problem = only(problems_of(root), "does not parse")
    line, column = locate(root, BENCH, "area_m2 <> 3", offset=9)
    assert (problem.line, problem.column) == (line, column)


def test_unknown_name_in_condition(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, 'when: item_count <= 3 and harm in ["none", "minor"]',
         'when: harm in ["none", "minor"] and item_cnt <= 3')
    problem = only(problems_of(root), "unknown name 'item_cnt'")
    assert problem.file.endswith(BENCH)
    assert (problem.line, problem.column) == locate(root, BENCH, "item_cnt")
    assert "item_count" in (problem.hint or "")


def test_type_error_in_list_condition(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, LIST, 'correction == "in_time"', 'correction == "intime"')
    problem = only(problems_of(root), "'intime' is not a value of 'correction'")
    assert problem.file.endswith(LIST)
    assert (problem.line, problem.column) == locate(root, LIST, '"intime"')
    assert "in_time" in (problem.hint or "")


def test_condition_uses_fact_of_another_item(tmp_path):
    root = copy_mini(tmp_path)
    # area_m2 is declared by LS-SRHJ-0003, not by LS-SRHJ-0001
    edit(root, BENCH, 'when: harm == "serious" or item_count >= 10',
         'when: harm == "serious" or area_m2 >= 10')
    problem = only(problems_of(root), "unknown name 'area_m2'")
    assert (problem.line, problem.column) == locate(root, BENCH, "area_m2 >= 10")


def test_list_entry_naming_unknown_benchmark(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, LIST, "benchmark: LS-SRHJ-0003", "benchmark: LS-SRHJ-0030")
    problems = problems_of(root)
    assert len(problems) == 1
    problem = problems[0]
    assert "unknown benchmark 'LS-SRHJ-0030'" in problem.message
    assert problem.file.endswith(LIST)
    assert (problem.line, problem.column) == locate(root, LIST, "LS-SRHJ-0030")
    assert "LS-SRHJ-0003" in (problem.hint or "")


def test_two_otherwise_tiers(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, 'when: harm == "serious" or item_count >= 10', "when: otherwise")
    problems = problems_of(root)
    problem = only(problems, "more than one 'otherwise'")
    assert problem.file.endswith(BENCH)
    assert problem.path == "items[0].tiers[2].when"
    line, _ = locate(root, BENCH, "吊挂或者堆放物品10件以上")
    assert problem.line == line - 1


def test_tier_sanction_kind_not_in_clause(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, "        fine: {band: heavier}\n    five_year",
         "        fine: {band: heavier}\n        sanctions: [fine, warning]\n    five_year")
    problems = problems_of(root)
    assert len(problems) == 1
    problem = problems[0]
    assert "'warning' is not a sanction of the clause" in problem.message
    assert problem.file.endswith(BENCH)
    assert problem.path == "items[0].tiers[2].sanctions[1]"
    assert (problem.line, problem.column) == locate(root, BENCH, "warning]")
    assert "fine" in (problem.expected or "")


def test_uses_serious_without_serious_clause(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, "        fine: {band: heavier}\n    five_year",
         "        fine: {band: heavier}\n        uses: serious\n    five_year")
    problem = only(problems_of(root), "uses: serious")
    assert (problem.line, problem.column) == locate(root, BENCH, "serious\n    five_year")


def test_malformed_yaml_in_an_item_file(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, LIST, "mandatory: false", "mandatory: [false")
    problems = problems_of(root)
    problem = only(problems, "malformed YAML")
    assert problem.file.endswith(LIST)
    assert problem.line is not None and problem.column is not None


def test_duplicate_key_in_an_item_file(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, LIST, "    mandatory: false\n", "    mandatory: false\n    mandatory: true\n")
    problem = only(problems_of(root), "duplicate key 'mandatory'")
    assert problem.file.endswith(LIST)
    assert (problem.line, problem.column) == locate(root, LIST, "mandatory: true")


def test_unknown_list_folder(tmp_path):
    root = copy_mini(tmp_path)
    (root / "lists" / "bogus").mkdir()
    problem = only(problems_of(root), "unknown list folder 'bogus'")
    assert problem.file.endswith("bogus")


def test_validate_reports_all_errors_at_once(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, BENCH, 'when: area_m2 < 10 and harm in ["none", "minor"]', "when: area_m2 <> 3")
    edit(root, LIST, "benchmark: LS-SRHJ-0003", "benchmark: LS-SRHJ-0030")
    edit(root, BENCH, 'when: harm == "serious" or item_count >= 10', "when: otherwise")
    problems = problems_of(root)
    assert len(problems) >= 3
    files = {Path(p.file).as_posix().split("/mini/")[1] for p in problems}
    assert files == {BENCH, LIST}
    messages = " | ".join(p.message for p in problems)
    assert "does not parse" in messages
    assert "unknown benchmark" in messages
    assert "otherwise" in messages


def test_model_and_cross_check_errors_reported_together(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, LIST, "mandatory: false", "mandatory: [false")  # YAML error
    edit(root, BENCH, 'when: area_m2 < 10 and harm in ["none", "minor"]', "when: area_m2 <> 3")
    edit(root, BENCH, "    title: 主要街道", "    titel: 主要街道")
    problems = problems_of(root)
    assert len(problems) >= 3
    assert {Path(p.file).name for p in problems} == {"SRHJ.yaml"}
    assert any(p.file.endswith(LIST) for p in problems)
    assert any("titel" in p.message for p in problems)
    assert any("does not parse" in p.message for p in problems)


def test_error_render_has_file_line_column(tmp_path):
    root = copy_mini(tmp_path)
    edit(root, LIST, "benchmark: LS-SRHJ-0003", "benchmark: LS-SRHJ-0030")
    with pytest.raises(CatalogError) as info:
        Catalog.load(root)
    line, column = locate(root, LIST, "LS-SRHJ-0030")
    assert f"{LIST}:{line}:{column}" in str(info.value)
