"""Benchmark tables: lossless export → import (xlsx, csv), agency tables, publication pages."""

from __future__ import annotations

import csv
from decimal import Decimal
from pathlib import Path

import pytest

from discretion.catalog.catalog import Catalog
from discretion.cli import main
from discretion.errors import DiscretionError
from discretion.render.pages import export_pages
from discretion.tables import COLUMNS, export_table, import_table

ROOT = Path(__file__).resolve().parents[1]
CATALOG = ROOT / "catalogs" / "lishui-2022"
LAW = "《浙江省城市市容和环境卫生管理条例》"
CLAUSE = ("违反本条第一款或者第二款规定的，责令限期改正；逾期不改正的，"
          "处五十元以上五百元以下罚款。")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(CATALOG, cache=False)


@pytest.mark.parametrize("fmt", ["xlsx", "csv"])
def test_round_trip_reproduces_every_item(tmp_path: Path, catalog: Catalog, fmt: str) -> None:
    table = tmp_path / f"table.{fmt}"
    assert main(["export", str(CATALOG), "--format", fmt, "--out", str(table)]) == 0
    out = tmp_path / "imported"
    assert main(["import", str(table), "--out", str(out)]) == 0
    again = Catalog.load(out, cache=False)  # validates
    assert set(again.benchmarks) == set(catalog.benchmarks)
    assert set(again.lists) == set(catalog.lists)
    for item_id, item in catalog.benchmarks.items():
        assert again.benchmarks[item_id].model_dump() == item.model_dump(), item_id
    for item_id, entry in catalog.lists.items():
        assert again.lists[item_id].model_dump() == entry.model_dump(), item_id
    assert again.manifest == catalog.manifest
    assert again.fields == catalog.fields


def test_csv_has_the_sixteen_columns_and_readable_penalties(tmp_path: Path, catalog: Catalog) -> None:
    table = tmp_path / "t.csv"
    export_table(catalog, "csv", table)
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    assert tuple(rows[0][:16]) == COLUMNS
    assert len(rows) - 1 == sum(len(i.tiers) for i in catalog.benchmarks.values())
    id_column = rows[0].index("_id")
    first = next(dict(zip(rows[0], row, strict=True)) for row in rows[1:]
                 if row[id_column] == "LS-SRHJ-0001")  # a fixed-range fine in yuan
    item = catalog.benchmarks[first["_id"]]
    assert first["违法程度"] == item.tiers[0].level
    assert first["处罚法律条款"].startswith("《")
    assert "罚款" in first["裁量基准"] and "元" in first["裁量基准"]
    lists = (tmp_path / "t-lists.csv").read_text(encoding="utf-8-sig")
    assert all(entry_id in lists for entry_id in catalog.lists)


def test_party_amounts_are_computed_per_party(tmp_path: Path, catalog: Catalog) -> None:
    table = tmp_path / "t.csv"
    export_table(catalog, "csv", table)
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = [r for r in csv.DictReader(handle) if r["_id"] == "LS-SRHJ-0003"]
    assert rows and "对单位处500元以上" in rows[0]["裁量基准"] and "对个人处200元以上" in rows[0]["裁量基准"]


def _plain_rows(penalties: list[str]) -> list[list[str]]:
    rows = []
    for number, (level, text, penalty) in enumerate(zip(
            ["轻微", "一般", "严重"],
            ["吊挂物品3件以下", "吊挂物品4件以上不足10件", "吊挂物品10件以上"], penalties, strict=True), 1):
        rows.append([str(number), "市容环境卫生", "330217001000", "对阳台外吊挂物品的行政处罚", "",
                     "临街建筑物阳台外吊挂有碍市容的物品", "丽水市综合行政执法局", "行政处罚",
                     f"{LAW}第十一条第一款", f"{LAW}第十一条第三款：{CLAUSE}", level, text,
                     "单位或者个人", "罚款", penalty, ""])
    return rows


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(COLUMNS)
        writer.writerows(rows)


def test_plain_agency_table_imports_with_the_right_ranges(tmp_path: Path) -> None:
    table = tmp_path / "agency.csv"
    _write_csv(table, _plain_rows(["处五十元以上一百五十元以下罚款", "处150元以上350元以下罚款",
                                   "处350元以上500元以下罚款"]))
    result = import_table(table, tmp_path / "cat", manifest_file=CATALOG / "manifest.yaml")
    catalog = Catalog.load(tmp_path / "cat", cache=False)
    assert result.benchmarks == 1 and list(catalog.benchmarks) == ["LS-SRHJ-0001"]
    item = catalog.benchmarks["LS-SRHJ-0001"]
    assert item.field == "SRHJ" and item.power_code == "330217001000"
    assert item.violated[0].article == 11 and item.violated[0].paragraph == 1
    assert (item.penalty.article, item.penalty.paragraph) == (11, 3)
    assert item.statutory.applies_when.value == "overdue"
    assert (item.statutory.sanctions[0].min, item.statutory.sanctions[0].max) == (50, 500)
    assert [t.level for t in item.tiers] == ["轻微", "一般", "严重"]
    assert [(t.fines[0].min, t.fines[0].max) for t in item.tiers] == [
        (Decimal(50), Decimal(150)), (Decimal(150), Decimal(350)), (Decimal(350), Decimal(500))]
    assert item.provenance.tiers == "official"


def test_bad_row_is_reported_with_its_row_number(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "agency.csv"
    _write_csv(table, _plain_rows(["处五十元以上一百五十元以下罚款", "视情节依法处罚",
                                   "处350元以上500元以下罚款"]))
    with pytest.raises(DiscretionError) as info:
        import_table(table, tmp_path / "cat", manifest_file=CATALOG / "manifest.yaml")
    text = info.value.render()
    assert "agency.csv" in text and "row 3" in text and "裁量基准" in text
    assert not (tmp_path / "cat").exists()  # nothing written
    code = main(["import", str(table), "--out", str(tmp_path / "cat"),
                 "--manifest", str(CATALOG / "manifest.yaml")])
    assert code == 1
    assert "row 3, column 裁量基准" in capsys.readouterr().err


def test_plain_table_without_manifest_is_refused(tmp_path: Path) -> None:
    table = tmp_path / "agency.csv"
    _write_csv(table, _plain_rows(["处50元以上150元以下罚款", "处150元以上350元以下罚款",
                                   "处350元以上500元以下罚款"]))
    with pytest.raises(DiscretionError, match="--manifest"):
        import_table(table, tmp_path / "cat")


@pytest.mark.parametrize("fmt,ext", [("markdown", "md"), ("html", "html")])
def test_pages_per_field(tmp_path: Path, catalog: Catalog, fmt: str, ext: str) -> None:
    written = export_pages(catalog, fmt, tmp_path / fmt)
    assert (tmp_path / fmt / f"index.{ext}") in written
    index = (tmp_path / fmt / f"index.{ext}").read_text(encoding="utf-8")
    assert catalog.manifest.jurisdiction in index and "从轻档" in index
    for code in catalog.fields:
        page = tmp_path / fmt / f"{code}.{ext}"
        assert page.is_file() and f"{code}.{ext}" in index
        text = page.read_text(encoding="utf-8")
        for item in catalog.items_in_field(code):
            assert item.id in text
            for tier in item.tiers:
                assert tier.level in text


def test_html_is_standalone_and_escaped(tmp_path: Path, catalog: Catalog) -> None:
    export_pages(catalog, "html", tmp_path)
    text = (tmp_path / "SRHJ.html").read_text(encoding="utf-8")
    assert text.startswith("<!DOCTYPE html>") and "<style>" in text and "<link" not in text
    assert "item_count" not in text  # no condition code on a public page
    assert "<= 3" not in text
