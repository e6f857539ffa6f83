"""The catalog maintainer's experience (issue 20C): edits of exported tables, comments kept on
import, one error for one YAML slip, did-you-mean for undeclared names, publication pages."""

from __future__ import annotations

import csv
import shutil
from pathlib import Path

import pytest
from openpyxl import load_workbook

from discretion.catalog.catalog import Catalog
from discretion.cli import main

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "catalogs" / "mini"
BENCH = "benchmarks/SRHJ.yaml"
LIST = "lists/lighter/SRHJ.yaml"


def copy_mini(tmp_path: Path, name: str = "mini") -> Path:
    root = tmp_path / name
    shutil.copytree(MINI, root)
    return root


def replace_once(path: Path, old: str, new: str) -> None:
    text = path.read_text(encoding="utf-8")
    assert text.count(old) == 1, f"{old!r} occurs {text.count(old)} times in {path}"
    path.write_text(text.replace(old, new), encoding="utf-8")


def export(catalog: Path, table: Path) -> None:
    assert main(["export", str(catalog), "--format", table.suffix[1:], "--out", str(table)]) == 0


def edit_xlsx(table: Path, sheet: str, item: str, level: str | None, column: str, value: str) -> int:
    """Set ``column`` of the row of ``item`` (and tier ``level``) in the workbook; its row number."""
    book = load_workbook(table)
    ws = book[sheet]
    head = [c.value for c in ws[1]]
    key = "_id" if "_id" in head else "编号"
    for number in range(2, ws.max_row + 1):
        row = {h: ws.cell(number, i + 1).value for i, h in enumerate(head)}
        if (row[key] == item or (key == "_id" and row.get("编号") == item)) and \
                (level is None or row.get("违法程度") == level):
            ws.cell(number, head.index(column) + 1).value = value
            book.save(table)
            return number
    raise AssertionError(f"no row for {item} {level}")


def edit_csv(table: Path, item: str, level: str, column: str, value: str) -> int:
    with table.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.reader(handle))
    head = rows[0]
    for number, row in enumerate(rows[1:], 2):
        if row[head.index("_id")] == item and row[head.index("违法程度")] == level:
            row[head.index(column)] = value
            with table.open("w", encoding="utf-8-sig", newline="") as handle:
                csv.writer(handle).writerows(rows)
            return number
    raise AssertionError(f"no row for {item} {level}")


def files_of(root: Path) -> dict[str, str]:
    return {p.relative_to(root).as_posix(): p.read_text(encoding="utf-8")
            for p in sorted(root.rglob("*.yaml"))}


# --- visible cells of an exported table: applied, or refused; never ignored -------------------


def test_an_edited_cell_that_maps_onto_the_model_is_applied(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "t.xlsx"
    export(MINI, table)
    row = edit_xlsx(table, "裁量基准", "LS-SRHJ-0001", "轻微", "违法情形", "吊挂物品3件以下，未造成危害后果")
    edit_xlsx(table, "裁量基准", "LS-SRHJ-0001", "轻微", "裁量基准", "处50元以上150元以下罚款")
    edit_xlsx(table, "裁量基准", "LS-SRHJ-0001", "一般", "裁量基准", "处150元以上365元以下罚款")
    edit_xlsx(table, "清单", "LS-SRHJ-CQ-0009", None, "适用条件", "个人首次少量堆放，及时改正")
    out = tmp_path / "cat"
    assert main(["import", str(table), "--out", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"row {row}, column 违法情形: edit applied to LS-SRHJ-0001 tiers[0].description" in err
    assert "已按第" in err
    catalog = Catalog.load(out, cache=False)
    tiers = catalog.benchmarks["LS-SRHJ-0001"].tiers
    assert tiers[0].description == "吊挂物品3件以下，未造成危害后果"
    assert [(f.min, f.max) for f in tiers[0].fines] == [(50, 150)]
    assert [(f.min, f.max) for f in tiers[1].fines] == [(150, 365)]
    assert tiers[2].fines[0].band is not None  # the tier not edited keeps its band
    assert catalog.lists["LS-SRHJ-CQ-0009"].conditions_text == "个人首次少量堆放，及时改正"


def test_an_edited_cell_that_cannot_be_imported_is_refused_with_row_column_and_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "t.csv"
    export(MINI, table)
    with table.open(encoding="utf-8-sig", newline="") as handle:
        first = next(r for r in csv.DictReader(handle) if r["_id"] == "LS-SRHJ-0001")
    clause = first["处罚法律条款"]
    row = edit_csv(table, "LS-SRHJ-0001", "轻微", "处罚法律条款", clause.replace("第三款", "第二款"))
    out = tmp_path / "cat"
    assert main(["import", str(table), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert f"t.csv row {row}, column 处罚法律条款: the cell was edited" in err
    assert "第十一条第二款" in err and "第十一条第三款" in err  # what differs, both ways
    assert "edit penalty, clause and statutory in the catalog YAML" in err  # the fix
    assert "中文：" in err and "未写入任何文件" in err
    assert not out.exists()


def test_an_unreadable_penalty_edit_is_refused(tmp_path: Path,
                                               capsys: pytest.CaptureFixture[str]) -> None:
    table = tmp_path / "t.csv"
    export(MINI, table)
    row = edit_csv(table, "LS-SRHJ-0003", "一般", "裁量基准", "视情节依法处罚")
    assert main(["import", str(table), "--out", str(tmp_path / "cat")]) == 1
    err = capsys.readouterr().err
    assert f"row {row}, column 裁量基准: the cell was edited" in err
    assert "no recommended penalty can be read" in err and not (tmp_path / "cat").exists()


def test_an_unchanged_export_still_imports_exactly(tmp_path: Path) -> None:
    table = tmp_path / "t.csv"
    export(MINI, table)
    out = tmp_path / "cat"
    assert main(["import", str(table), "--out", str(out)]) == 0
    again, mini = Catalog.load(out, cache=False), Catalog.load(MINI, cache=False)
    assert {k: v.model_dump() for k, v in again.benchmarks.items()} == \
        {k: v.model_dump() for k, v in mini.benchmarks.items()}


# --- import over a catalog folder keeps its comments ----------------------------------------------


def test_import_update_of_an_unchanged_table_leaves_every_file_as_it_was(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_mini(tmp_path)
    replace_once(root / BENCH, "    five_year_limitation: true\n",
                 "    # Art. 36: life and health (a provenance note inside an item)\n"
                 "    five_year_limitation: true\n")
    before = files_of(root)
    table = tmp_path / "t.xlsx"
    export(root, table)
    assert main(["import", str(table), "--out", str(root), "--update"]) == 0
    assert files_of(root) == before
    assert "0 files updated, comments kept" in capsys.readouterr().err


def test_import_update_changes_only_the_edited_line_and_keeps_the_comments(
        tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    before = (root / BENCH).read_text(encoding="utf-8")
    table = tmp_path / "t.xlsx"
    export(root, table)
    edit_xlsx(table, "裁量基准", "LS-SRHJ-0003", "严重", "违法情形", "占用面积50平方米以上")
    assert main(["import", str(table), "--out", str(root), "--update"]) == 0
    after = (root / BENCH).read_text(encoding="utf-8")
    changed = [(a, b) for a, b in zip(before.splitlines(), after.splitlines(), strict=True) if a != b]
    assert changed == [("        description: 占用面积50平方米以上，或者严重影响通行、市容造成严重后果",
                        "        description: 占用面积50平方米以上")]
    assert after.startswith("# Minimal test catalog: two items copied from")
    assert "  # How tiers split a statutory range" in (root / "manifest.yaml").read_text(encoding="utf-8")


def test_import_update_that_would_not_validate_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_mini(tmp_path)
    before = files_of(root)
    table = tmp_path / "t.xlsx"
    export(root, table)
    row = edit_xlsx(table, "裁量基准", "LS-SRHJ-0001", "轻微", "裁量基准", "处50元以上100元以下罚款")
    assert main(["import", str(table), "--out", str(root), "--update"]) == 1
    err = capsys.readouterr().err
    assert "gap between tier" in err and "was not changed" in err and f"row {row}" in err
    assert files_of(root) == before
    assert [p.name for p in tmp_path.iterdir() if p.name.startswith(".")] == []  # no scratch left


def test_import_into_a_full_folder_without_update_says_how(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_mini(tmp_path)
    table = tmp_path / "t.csv"
    export(root, table)
    assert main(["import", str(table), "--out", str(root)]) == 1
    assert "--update" in capsys.readouterr().err
    empty = tmp_path / "empty"
    empty.mkdir()
    (empty / "notes.txt").write_text("x", encoding="utf-8")
    assert main(["import", str(table), "--out", str(empty), "--update"]) == 1
    assert "has no manifest.yaml" in capsys.readouterr().err


# --- one YAML slip, one error ------------------------------------------------------------------


def test_a_file_that_does_not_parse_gives_one_error_not_its_consequences(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_mini(tmp_path)
    replace_once(root / BENCH, "    penalty: {law: 浙江省城市市容和环境卫生管理条例, article: 12, paragraph: 3}",
                 "     penalty: {law: 浙江省城市市容和环境卫生管理条例, article: 12, paragraph: 3}")
    assert main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    assert err.startswith("1 problem in the catalog:")
    assert "benchmarks/SRHJ.yaml" in err and "malformed YAML" in err
    assert "unknown benchmark" not in err and LIST not in err
    assert "1 check of other files that name its items" in err and "中文：" in err


def test_an_invalid_item_is_reported_once_not_again_by_the_list_naming_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_mini(tmp_path)
    replace_once(root / BENCH, "    subject: 单位或者个人\n", "    subject: 单位或者个人\n    colour: red\n")
    assert main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    assert "colour" in err and "unknown benchmark" not in err


# --- did you mean, for a name a condition does not know --------------------------------------------


@pytest.mark.parametrize("written,says", [
    ("items <= 3", "did you mean item_count (吊挂或者堆放物品件数)?"),
    ("cnt <= 3", "did you mean item_count"),
    ("number_of_items <= 3", "did you mean item_count"),
    ("facts.item_count <= 3", "write the name alone: item_count, not facts.item_count"),
    ("物品件数 <= 3", "did you mean item_count (吊挂或者堆放物品件数)?"),
])
def test_an_undeclared_name_gets_a_did_you_mean(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                                written: str, says: str) -> None:
    root = copy_mini(tmp_path)
    replace_once(root / BENCH, "when: item_count <= 3 and", f"when: {written} and")
    assert main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    assert says in err and "中文：" in err


def test_a_list_condition_gets_a_did_you_mean_too(tmp_path: Path,
                                                  capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_mini(tmp_path)
    replace_once(root / LIST, "area_m2 < 5", "area < 5")
    assert main(["validate", str(root)]) == 1
    assert "did you mean area_m2 (堆放物料或者搭建设施占用面积)?" in capsys.readouterr().err


def test_an_unknown_name_with_nothing_close_lists_the_items_facts(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    root = copy_mini(tmp_path)
    replace_once(root / BENCH, "when: item_count <= 3 and", "when: zzz <= 3 and")
    assert main(["validate", str(root)]) == 1
    err = capsys.readouterr().err
    assert "did you mean" not in err
    assert "This item's facts: item_count (吊挂或者堆放物品件数)" in err


# --- publication pages -------------------------------------------------------------------------------


@pytest.mark.parametrize("fmt,ext", [("html", "html"), ("markdown", "md")])
def test_pages_show_circumstances_in_chinese_not_condition_code(
        tmp_path: Path, fmt: str, ext: str) -> None:
    out = tmp_path / fmt
    assert main(["export", str(MINI), "--format", fmt, "--out", str(out)]) == 0
    page = (out / f"SRHJ.{ext}").read_text(encoding="utf-8")
    assert "吊挂或者堆放物品3件以下，未造成危害后果或者危害后果轻微" in page
    assert "当事人为个人，初次违法" in page  # the list entry's conditions_text
    for code in ("item_count", "harm", "otherwise", "party_kind", "area_m2"):
        assert code not in page, code
    index = (out / f"index.{ext}").read_text(encoding="utf-8")
    assert "hearing_threshold is a reference default" not in index  # an English note


def test_pages_through_an_agencys_templates(tmp_path: Path) -> None:
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "page.html").write_text(
        "<!DOCTYPE html><html><head><title>$title</title><style>$style</style></head><body>"
        "<header>$jurisdiction · <a href=\"$index\">目录</a></header>$body"
        "<footer>$page · $$ $version</footer></body></html>\n", encoding="utf-8")
    (templates / "style.css").write_text("body{color:#003}", encoding="utf-8")
    out = tmp_path / "site"
    assert main(["export", str(MINI), "--format", "html", "--out", str(out),
                 "--template", str(templates)]) == 0
    page = (out / "SRHJ.html").read_text(encoding="utf-8")
    assert "<header>丽水市 · <a href=\"index.html\">目录</a></header>" in page
    assert "<style>body{color:#003}</style>" in page
    assert "<footer>SRHJ.html · $ 2022</footer>" in page
    assert "LS-SRHJ-0001" in page and "&lt;" not in page.split("<body>")[0]


def test_a_template_with_an_unknown_placeholder_is_refused_before_any_page(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    templates = tmp_path / "tpl"
    templates.mkdir()
    (templates / "page.md").write_text("# $title\n\n$body\n\n$footer\n", encoding="utf-8")
    out = tmp_path / "pages"
    assert main(["export", str(MINI), "--format", "markdown", "--out", str(out),
                 "--template", str(templates)]) == 1
    err = capsys.readouterr().err
    assert "page.md:5:1: unknown placeholder $footer" in err and "中文：" in err
    assert not out.exists()
    assert main(["export", str(MINI), "--format", "csv", "--out", str(tmp_path / "t.csv"),
                 "--template", str(templates)]) == 2


def test_page_text_is_escaped_and_code_free_in_html(tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    replace_once(root / BENCH, "description: 吊挂或者堆放物品10件以上，或者危及公共安全造成严重后果",
                 'description: "10件以上 <b>严重</b> & \\"危及安全\\""')
    out = tmp_path / "site"
    assert main(["export", str(root), "--format", "html", "--out", str(out)]) == 0
    page = (out / "SRHJ.html").read_text(encoding="utf-8")
    assert "10件以上 &lt;b&gt;严重&lt;/b&gt; &amp; &quot;危及安全&quot;" in page
    assert "<b>" not in page and "item_count" not in page


def test_import_update_keeps_the_comments_of_a_file_the_table_no_longer_fills(
        tmp_path: Path) -> None:
    root = copy_mini(tmp_path)
    table = tmp_path / "t.xlsx"
    export(root, table)
    book = load_workbook(table)
    book["清单"].delete_rows(2)  # the one list entry
    book.save(table)
    assert main(["import", str(table), "--out", str(root), "--update"]) == 0
    text = (root / LIST).read_text(encoding="utf-8")
    assert text.startswith("# Minimal test catalog: one 从轻 list entry")
    assert "field: SRHJ\nkind: lighter\nitems: []" in text
    assert Catalog.load(root, cache=False).lists == {}
