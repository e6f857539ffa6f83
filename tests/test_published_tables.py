"""An agency's benchmark table in the published layout decides cases (issue 23, docs/tables.md).

The sample table (examples/official-table.csv, and the same rows as a workbook with a title row
and merged cells, examples/official-table.xlsx) is imported as it comes: tiers are prose
circumstances without conditions, found by the officer (a case's ``tier``); every amount is
checked against the clause of the statute; a case is decided in each tier; the export in the
same layout imports back to the same catalog; and a table with an amount above the statutory
maximum, an unknown citation and an unreadable amount is reported row by row.
"""

from __future__ import annotations

import csv
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml

from discretion import Catalog, Engine
from discretion.catalog.models import BenchmarkItem, SanctionKind
from discretion.catalog.ranges import party_fine, statutory_bounds
from discretion.cli import main
from discretion.errors import DiscretionError
from discretion.statutes.clauses import parse_clause
from discretion.statutes.parse import LawLibrary, default_laws_root
from discretion.tables import (
    COLUMNS,
    PUBLISHED_COLUMNS,
    CellError,
    export_published,
    import_table,
    parse_tier_penalty,
)
from discretion.tables.published import published_rows

ROOT = Path(__file__).resolve().parents[1]
EXAMPLES = ROOT / "examples"
SAMPLE_CSV = EXAMPLES / "official-table.csv"
SAMPLE_XLSX = EXAMPLES / "official-table.xlsx"
MANIFEST = EXAMPLES / "official" / "manifest.yaml"
CASES = EXAMPLES / "official" / "cases"
LAWS = default_laws_root()
needs_laws = pytest.mark.skipif(LAWS is None, reason="statute corpus ../shared/laws not present")

# what the sample's rows say, item by item: (id, [(tier, circumstances start, amounts)])
EXPECTED_TIERS = {
    "LS-SRHJ-0001": [("轻微", (50, 150)), ("一般", (150, 350)), ("严重", (350, 500))],
    "LS-SRHJ-0003": [("轻微", (500, 2000)), ("一般", (2000, 5000)), ("严重", (5000, 30000))],
    "LS-LY-0001": [("一般", (1, 2)), ("严重", (2, 3))],
    "LS-WMXW-0001": [("轻微", None), ("一般", (500, 2000)), ("严重", (2000, 5000))],
}


def _read(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _write(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _import(table: Path, out: Path, **options: Any) -> Catalog:
    options.setdefault("manifest_file", MANIFEST)
    import_table(table, out, **options)
    return Catalog.load(out, cache=False)


@pytest.fixture(scope="module")
def sample(tmp_path_factory: pytest.TempPathFactory) -> Catalog:
    """The sample CSV imported, with the statute corpus when there is one."""
    return _import(SAMPLE_CSV, tmp_path_factory.mktemp("sample") / "catalog", laws=LAWS)


# --- reading the published layout ----------------------------------------------------------------


def test_the_csv_sample_imports_as_prose_tiers_the_officer_finds(sample: Catalog) -> None:
    assert sorted(sample.benchmarks) == ["LS-LY-0001", "LS-SRHJ-0001", "LS-SRHJ-0002",
                                         "LS-SRHJ-0003", "LS-WMXW-0001"]
    for item in sample.benchmarks.values():
        assert not item.facts, item.id  # no invented facts (no violation_level)
        for tier in item.tiers:
            assert tier.when is None and tier.description, (item.id, tier.level)
    for item_id, tiers in EXPECTED_TIERS.items():
        item = sample.benchmarks[item_id]
        assert [t.level for t in item.tiers] == [level for level, _ in tiers]
        for tier, (_, amounts) in zip(item.tiers, tiers, strict=True):
            bounds = None if not tier.fines else (tier.fines[0].min, tier.fines[0].max)
            assert bounds == (None if amounts is None else tuple(Decimal(a) for a in amounts))
    parties = sample.benchmarks["LS-SRHJ-0002"].tiers[0].fines
    assert {(f.party.value, f.min, f.max) for f in parties} == {
        ("organization", Decimal(500), Decimal(1000)), ("individual", Decimal(200), Decimal(400))}
    assert sample.benchmarks["LS-SRHJ-0003"].tiers[2].uses == "serious"  # 5,000–30,000: 情节严重
    assert sample.benchmarks["LS-WMXW-0001"].tiers[0].sanctions == [SanctionKind.warning]
    multiple = sample.benchmarks["LS-LY-0001"].statutory.sanctions[-1]
    assert multiple.base == "illegal_income" and multiple.fallback is not None
    # the violated provisions come from the clause's 违反本条第一款或者第二款规定
    assert [(c.article, c.paragraph) for c in sample.benchmarks["LS-SRHJ-0001"].violated] == [
        (11, 1), (11, 2)]
    # not an agency's table: the sample names no 裁量基准来源
    assert not sample.manifest.official
    assert all(i.provenance.tiers == "reference_default" for i in sample.benchmarks.values())


@needs_laws
def test_citations_are_resolved_against_the_statutes(sample: Catalog) -> None:
    assert sample.benchmarks["LS-LY-0001"].provenance.file == "经济法/森林法(2019-12-28).md"
    assert main(["verify", str(sample.root), "--laws", str(LAWS)]) == 0


def test_the_workbook_with_merged_cells_reads_as_the_csv(tmp_path: Path, sample: Catalog) -> None:
    from openpyxl import load_workbook

    sheet = load_workbook(SAMPLE_XLSX).active
    merged = [str(r) for r in sheet.merged_cells.ranges]
    assert "A1:I1" in merged  # the title row above the header
    assert "D3:D5" in merged and "E3:E5" in merged  # the item's cells over its three tier rows
    book = _import(SAMPLE_XLSX, tmp_path / "book", laws=LAWS)
    assert {k: i.model_dump() for k, i in book.benchmarks.items()} == \
        {k: i.model_dump() for k, i in sample.benchmarks.items()}


@needs_laws
def test_every_amount_lies_in_the_statutory_range_of_the_clause(sample: Catalog) -> None:
    """Checked against the statute itself: each tier's amounts for each party inside the range
    the cited paragraph gives (the 情节严重 range for a 情节严重 tier)."""
    assert LAWS is not None
    library = LawLibrary(LAWS)
    checked = 0
    for item in sample.benchmarks.values():
        statute = library.get(item.penalty.law)
        paragraph = statute.paragraph(item.penalty.article, item.penalty.paragraph or 1)
        assert paragraph is not None and item.clause in paragraph.full_text
        statutory = parse_clause(item.clause).statutory  # the clause, verbatim in the statute
        assert statutory is not None, item.id
        for tier in item.tiers:
            for fine in tier.fines:
                parties = ["organization", "individual"] if fine.party.value == "any" \
                    else [fine.party.value]
                for party in parties:
                    sanction = party_fine(statutory, party, tier.uses == "serious")
                    assert sanction is not None
                    whole = statutory_bounds(sanction)
                    assert fine.min is not None and fine.max is not None
                    assert whole.low <= fine.min <= fine.max <= whole.high, (item.id, tier.level)
                    checked += 1
    assert checked >= 20


def _case(path: Path) -> dict[str, Any]:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    assert isinstance(data, dict)
    return data


def test_a_case_is_decided_in_each_tier(sample: Catalog) -> None:
    """examples/official/cases/: one case file per tier of the sample, each naming its tier."""
    engine = Engine(sample)
    files = sorted(CASES.glob("*.yaml"))
    assert len(files) == sum(len(i.tiers) for i in sample.benchmarks.values())
    seen = set()
    for path in files:
        case = _case(path)
        decision = engine.evaluate(case)
        item = sample.benchmarks[case["item"]]
        tier = next(t for t in item.tiers if t.level == case["tier"])
        seen.add((item.id, tier.level))
        assert decision.outcome == "penalized", path.name
        assert decision.tier is not None and decision.tier.level == tier.level
        assert any("执法人员认定" in step.detail for step in decision.trace)
        fines = [s for s in decision.recommended if s.kind == "fine" and s.fine is not None]
        own = next((f for f in tier.fines
                    if f.party.value in ("any", case["party"]["kind"])), None)
        if own is None:  # 警告 only: the clause's 可以 fine stays the officer's, over its range
            assert any(s.kind == "warning" for s in decision.recommended)
            continue
        assert fines, path.name
        low, high = Decimal(fines[0].fine.min), Decimal(fines[0].fine.max)
        base = case.get("facts", {}).get("illegal_income")
        scale = Decimal(base) if base else Decimal(1)
        assert (low, high) == (own.min * scale, own.max * scale), path.name
    assert seen == {(i.id, t.level) for i in sample.benchmarks.values() for t in i.tiers}


def test_without_a_tier_the_decision_asks_the_officer(sample: Catalog) -> None:
    case = _case(CASES / "srhj-0001-ordinary.yaml")
    del case["tier"]
    decision = Engine(sample).evaluate(case)
    assert decision.needs_facts is not None
    assert [m.path for m in decision.needs_facts.facts] == ["tier"]
    assert decision.needs_facts.tiers == ["轻微", "一般", "严重"]


def test_check_prints_the_officers_tier(sample: Catalog, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["check", str(CASES / "srhj-0002-ordinary.yaml"), "--catalog", str(sample.root)])
    out = capsys.readouterr().out
    assert code == 0
    assert "违法程度：一般（占用面积五平方米以上不足二十平方米）" in out
    assert "建议处罚：对单位罚款1,000元以上2,000元以下" in out
    assert "执法人员认定" in out and "参考裁量基准（非官方）" in out


# --- export in the same layout ---------------------------------------------------------------------


@pytest.mark.parametrize("fmt", ["csv", "xlsx"])
def test_export_in_the_published_layout_imports_back(tmp_path: Path, sample: Catalog,
                                                      fmt: str) -> None:
    table = tmp_path / f"published.{fmt}"
    assert main(["export", str(sample.root), "--format", f"published-{fmt}", "--out", str(table)]) == 0
    args = ["import", str(table), "--out", str(tmp_path / "again"), "--manifest", str(MANIFEST)]
    assert main([*args, *(["--laws", str(LAWS)] if LAWS else [])]) == 0
    again = Catalog.load(tmp_path / "again", cache=False)
    assert {k: i.model_dump() for k, i in again.benchmarks.items()} == \
        {k: i.model_dump() for k, i in sample.benchmarks.items()}
    header, rows, _ = published_rows(sample)
    # three fields; every item's violated provisions named by its clause; no 处罚对象
    assert header == [c for c in PUBLISHED_COLUMNS if c not in ("违反法律条款", "处罚对象")]
    if fmt == "xlsx":
        from openpyxl import load_workbook

        merged = {str(r) for r in load_workbook(table).active.merged_cells.ranges}
        assert "D2:D3" in merged  # LS-LY-0001's 事项名称 over its two tiers
    else:
        assert _read(table)[0] == header and len(_read(table)) == len(rows) + 1


def test_the_export_names_violated_provisions_the_clause_does_not(tmp_path: Path,
                                                                  sample: Catalog) -> None:
    """An item whose violated provision is not the one its clause names needs 违反法律条款;
    an item with a subject, 处罚对象."""
    root = tmp_path / "cat"
    shutil.copytree(sample.root, root)
    path = root / "benchmarks" / "SRHJ.yaml"
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    data["items"][0]["violated"] = data["items"][0]["violated"][:1]  # ¶1 only
    data["items"][1]["subject"] = "单位或者个人"
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")
    catalog = Catalog.load(root, cache=False)
    export_published(catalog, "csv", tmp_path / "t.csv")
    assert {"违反法律条款", "处罚对象"} <= set(_read(tmp_path / "t.csv")[0])
    again = _import(tmp_path / "t.csv", tmp_path / "again", laws=LAWS)
    assert {k: i.model_dump() for k, i in again.benchmarks.items()} == \
        {k: i.model_dump() for k, i in catalog.benchmarks.items()}


# --- an official table --------------------------------------------------------------------------

SOURCE = "某县综合行政执法局《行政处罚裁量基准》（示例综执〔2024〕1号，2024-01-01）"


def _official_csv(tmp_path: Path) -> Path:
    rows = _read(SAMPLE_CSV)
    for row in rows[1:]:
        row[-1] = SOURCE
    table = tmp_path / "official.csv"
    _write(table, rows)
    return table


def test_a_table_naming_its_source_on_every_row_is_official(tmp_path: Path) -> None:
    catalog = _import(_official_csv(tmp_path), tmp_path / "cat", laws=LAWS)
    assert catalog.manifest.official
    text = (tmp_path / "cat" / "manifest.yaml").read_text(encoding="utf-8")
    assert text.startswith("# Manifest for the sample table")  # the manifest's comments kept
    assert "official: true" in text
    for item in catalog.benchmarks.values():
        assert item.provenance.tiers == "official" and item.provenance.source == SOURCE
    decision = Engine(catalog).evaluate(_case(CASES / "srhj-0001-light.yaml"))
    assert decision.catalog is not None and decision.catalog.official
    assert "参考裁量基准（非官方）" not in decision.text
    # our export of an official catalog is official again
    export_published(catalog, "xlsx", tmp_path / "again.xlsx")
    again = _import(tmp_path / "again.xlsx", tmp_path / "again")
    assert again.manifest.official
    assert again.benchmarks["LS-SRHJ-0001"].provenance.source == SOURCE


def test_official_requires_the_source_on_every_row(tmp_path: Path,
                                                   capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["import", str(SAMPLE_CSV), "--out", str(tmp_path / "cat"), "--manifest",
                 str(MANIFEST), "--official"])
    err = capsys.readouterr().err
    assert code == 1 and not (tmp_path / "cat").exists()
    assert err.count("names no 裁量基准来源") == 14
    assert "row 2, column 裁量基准来源" in err and "row 15, column 裁量基准来源" in err


def test_an_official_manifest_needs_an_official_table(tmp_path: Path) -> None:
    manifest = tmp_path / "manifest.yaml"
    manifest.write_text(MANIFEST.read_text(encoding="utf-8").replace("official: false",
                                                                     "official: true"),
                        encoding="utf-8")
    with pytest.raises(DiscretionError, match="not an official benchmark"):
        import_table(SAMPLE_CSV, tmp_path / "cat", manifest_file=manifest)


# --- problems, row by row -------------------------------------------------------------------------


@needs_laws
def test_a_bad_table_is_reported_row_by_row(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    rows = _read(SAMPLE_CSV)
    rows[2][7] = "处150元以上600元以下罚款"  # row 3: above the maximum of 500
    rows[4][4] = "《浙江省城市市容管理办法》第十二条第三款"  # row 5: no such law
    rows[8][7] = "处二千元以上若干元以下罚款"  # row 9: an amount that cannot be read
    table = tmp_path / "bad.csv"
    _write(table, rows)
    out = tmp_path / "cat"
    code = main(["import", str(table), "--out", str(out), "--manifest", str(MANIFEST),
                 "--laws", str(LAWS)])
    err = capsys.readouterr().err
    assert code == 1 and not out.exists()  # nothing written
    assert "3 problems in the table" in err
    assert "bad.csv row 3, column 裁量幅度: 150元–600元 is above the statutory maximum 500元" in err
    assert "bad.csv row 5, column 处罚依据: unknown citation 《浙江省城市市容管理办法》第十二条第三款" in err
    assert "did you mean 浙江省城市市容和环境卫生管理条例" in err
    assert "bad.csv row 9, column 裁量幅度: only part of the amount can be read" in err
    assert "中文：第3行裁量幅度超出法定处罚幅度" in err
    assert "Traceback" not in err


@pytest.mark.parametrize("row,cell,column,message", [
    (2, "处40元以上150元以下罚款", "裁量幅度", "below the statutory minimum 50元"),
    (3, "处200元以上350元以下罚款", "裁量幅度", "leaves a gap after the tier 50元–150元"),
    (3, "处100元以上350元以下罚款", "裁量幅度", "overlaps the tier 50元–150元"),
    (7, "对单位处500元以上1000元以下罚款；对个人处200元以上1200元以下罚款", "裁量幅度",
     "individual: 200元–1,200元 is above the statutory maximum 1,000元"),
    (11, "没收证件和违法所得，并处1万元以上2万元以下罚款", "裁量幅度",
     "the tier's fine is in yuan, the clause's in multiples"),
    (13, "责令停产停业", "裁量幅度", "sanction not in the penalty clause: 责令停产停业"),
    (13, "视情节依法处罚", "裁量幅度", "no recommended penalty can be read"),
    (4, "", "适用条件", "适用条件 is empty"),
])
def test_each_kind_of_bad_cell_names_its_row(tmp_path: Path, row: int, cell: str, column: str,
                                             message: str) -> None:
    rows = _read(SAMPLE_CSV)
    rows[row - 1][rows[0].index(column)] = cell
    table = tmp_path / "bad.csv"
    _write(table, rows)
    with pytest.raises(DiscretionError) as caught:
        import_table(table, tmp_path / "cat", manifest_file=MANIFEST)
    text = caught.value.render()
    assert f"bad.csv row {row}, column {column}" in text and message in text, text
    assert not (tmp_path / "cat").exists()


def test_local_column_names_and_a_title_row_are_read(tmp_path: Path, sample: Catalog) -> None:
    rows = _read(SAMPLE_CSV)
    renamed = {"事项名称": "违法行为", "处罚依据": "法律依据", "裁量阶次": "违法程度",
               "适用条件": "违法情形", "裁量幅度": "处罚标准（元）", "事项代码": "权力编码"}
    rows[0] = [renamed.get(h, h) for h in rows[0]]
    table = tmp_path / "local.csv"
    _write(table, [["某县行政处罚裁量基准"], *rows])
    catalog = _import(table, tmp_path / "cat", laws=LAWS)
    assert {k: i.model_dump() for k, i in catalog.benchmarks.items()} == \
        {k: i.model_dump() for k, i in sample.benchmarks.items()}


def test_a_field_is_needed(tmp_path: Path) -> None:
    rows = [[c for i, c in enumerate(r) if i != 1] for r in _read(SAMPLE_CSV)]  # no 行业领域
    table = tmp_path / "nofield.csv"
    _write(table, rows)
    with pytest.raises(DiscretionError, match="pass --field CODE"):
        import_table(table, tmp_path / "cat", manifest_file=MANIFEST)
    catalog = _import(table, tmp_path / "cat", field_code="SRHJ")
    assert {i.field for i in catalog.benchmarks.values()} == {"SRHJ"}


# --- the one grammar of amounts --------------------------------------------------------------------


@pytest.mark.parametrize("text,fines,kinds,unit", [
    ("可处1万元以下罚款", [("any", "0", "10000")], [], "yuan"),
    ("处1万元以上2万元以下罚款", [("any", "10000", "20000")], [], "yuan"),
    ("处五千元以上三万元以下罚款", [("any", "5000", "30000")], [], "yuan"),
    ("警告", [], ["warning"], "yuan"),
    ("处违法所得1倍以上3倍以下罚款", [("any", "1", "3")], [], "multiple"),
    ("处违法所得三倍以下罚款", [("any", "0", "3")], [], "multiple"),
    ("没收违法所得，并处违法所得1倍以上3倍以下罚款", [("any", "1", "3")], ["confiscate_income"],
     "multiple"),
    ("处违法所得1倍以上2倍以下罚款；没有违法所得的，处1万元以下罚款", [("any", "1", "2")], [],
     "multiple"),
    ("对单位处1万元以上5万元以下罚款；对个人处2000元以上1万元以下罚款",
     [("organization", "10000", "50000"), ("individual", "2000", "10000")], [], "yuan"),
    ("按每平方米10元以上20元以下处以罚款", [("any", "10", "20")], [], "per"),
    ("不予罚款", [], [], "yuan"),
])
def test_prose_amounts(text: str, fines: list[tuple[str, str, str]], kinds: list[str],
                       unit: str) -> None:
    reading = parse_tier_penalty(text, "裁量幅度")
    assert [(f.party.value, f.min, f.max) for f in reading.fines] == [
        (p, Decimal(a), Decimal(b)) for p, a, b in fines]
    assert [k.value for k in reading.kinds] == kinds
    assert reading.unit == unit


@pytest.mark.parametrize("text", ["视情节依法处罚", "处罚款", "处二千元以上若干元以下罚款",
                                  "处1万元以上2倍以下罚款"])
def test_unreadable_amounts_are_refused(text: str) -> None:
    with pytest.raises(CellError):
        parse_tier_penalty(text, "裁量幅度")


def test_an_agency_16_column_table_gets_officer_tiers_not_invented_facts(tmp_path: Path) -> None:
    """The 16-column agency rows too: tiers without conditions, no violation_level fact."""
    law = "《浙江省城市市容和环境卫生管理条例》"
    clause = "违反本条第一款或者第二款规定的，责令限期改正；逾期不改正的，处五十元以上五百元以下罚款。"
    rows = [list(COLUMNS)]
    for level, text, penalty in (("轻微", "少量", "处50元以上150元以下罚款"),
                                 ("一般", "较多", "处150元以上350元以下罚款"),
                                 ("严重", "危及安全", "处350元以上500元以下罚款")):
        rows.append(["", "市容环境卫生", "", "", "", "阳台外吊挂物品", "", "行政处罚",
                     f"{law}第十一条第一款", f"{law}第十一条第三款：{clause}", level, text, "", "",
                     penalty, ""])
    table = tmp_path / "agency.csv"
    _write(table, rows)
    catalog = _import(table, tmp_path / "cat", manifest_file=ROOT / "catalogs" / "lishui-2022"
                      / "manifest.yaml")
    item: BenchmarkItem = catalog.benchmarks["LS-SRHJ-0001"]
    assert item.facts == [] and all(t.when is None for t in item.tiers)
    assert [t.description for t in item.tiers] == ["少量", "较多", "危及安全"]
    assert item.provenance.tiers == "official"


def test_the_worked_cases_in_the_docs_are_what_check_prints(sample: Catalog,
                                                             capsys: pytest.CaptureFixture[str]) -> None:
    """docs/tables.md shows, per tier, the command and the first block `discretion check`
    prints; each must be what it prints now."""
    docs = (ROOT / "docs" / "tables.md").read_text(encoding="utf-8")
    for path in sorted(CASES.glob("*.yaml")):
        assert main(["check", str(path), "--catalog", str(sample.root)]) == 0
        first = capsys.readouterr().out.split("\n\n")[0]
        command = f"$ discretion check examples/official/cases/{path.name} --catalog sample-catalog"
        assert f"{command}\n{first}\n" in docs, f"docs/tables.md is stale for {path.name}"
