"""Batch and audit inputs as .xlsx workbooks, and inputs refused for what they are
(discretion.io.workbook, discretion.io.inputs)."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path
from typing import Any

import openpyxl
import pytest
from hypothesis import given
from hypothesis import strategies as st

from discretion.cli import main
from discretion.io.workbook import cell_text

HEADER = ["reference", "item", "party.kind", "party.age", "occurred_on", "decided_on",
          "first_offense", "harm", "correction", "facts.item_count", "decided.outcome",
          "decided.fine", "备注"]
TEXT_ROWS = [
    ["A1", "LS-SRHJ-0001", "individual", "35", "2022-03-01", "2022-05-01", "true", "minor",
     "overdue", "5", "penalized", "500.5", "甲"],
    ["A2", "LS-SRHJ-0001", "organization", "", "2022-03-01", "2022-05-01", "false", "none",
     "in_time", "1", "penalized", "200", ""],
    ["A3", "LS-SRHJ-0001", "individual", "abc", "2022-03-01", "2022-05-01", "", "minor",
     "overdue", "5", "not_penalized", "", "bad age"],
    ["A4", "LS-SRHJ-0001", "individual", "16", "2022-03-01", "2022-05-01", "是", "minor",
     "overdue", "", "penalized", "1,200", ""],
]
# the same rows as a spreadsheet holds them when typed: numbers, dates, booleans
TYPED_ROWS: list[list[Any]] = [
    ["A1", "LS-SRHJ-0001", "individual", 35, dt.date(2022, 3, 1), dt.datetime(2022, 5, 1), True,
     "minor", "overdue", 5, "penalized", 500.5, "甲"],
    ["A2", "LS-SRHJ-0001", "organization", None, dt.date(2022, 3, 1), dt.date(2022, 5, 1), False,
     "none", "in_time", 1.0, "penalized", 200, None],
    TEXT_ROWS[2],
    ["A4", "LS-SRHJ-0001", "individual", 16, "2022-03-01", "2022-05-01", "是", "minor",
     "overdue", None, "penalized", "1,200", None],
]


def workbook(path: Path, rows: list[list[Any]], header: list[str] = HEADER,
             blank_after: int | None = None) -> Path:
    book = openpyxl.Workbook()
    sheet = book.active
    sheet.append(header)
    for number, row in enumerate(rows):
        sheet.append(row)
        if number == blank_after:
            sheet.append([])
    book.save(path)
    return path


def csv_file(path: Path, rows: list[list[str]], blank_after: int | None = None) -> Path:
    import csv

    with path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle, lineterminator="\n")
        writer.writerow(HEADER)
        for number, row in enumerate(rows):
            writer.writerow(row)
            if number == blank_after:
                handle.write("\n")
    return path


def run(*args: str) -> int:
    return main([*args, "--progress", "off"])


@given(st.floats(allow_nan=False, allow_infinity=False))
def test_a_float_cell_reads_as_its_shortest_decimal_never_in_exponent_form(value: float) -> None:
    text = cell_text(value)
    assert "e" not in text.lower()
    assert Decimal(text) == Decimal(repr(value))


def test_cells_read_as_a_csv_export_writes_them() -> None:
    assert [cell_text(v) for v in (None, True, False, 35, 35.0, 1200.1, 1e20, 1e-7)] == \
        ["", "true", "false", "35", "35", "1200.1", "100000000000000000000", "0.0000001"]
    assert cell_text(dt.datetime(2022, 3, 1)) == "2022-03-01"
    assert cell_text(dt.datetime(2022, 3, 1, 8, 30)) == "2022-03-01T08:30:00"
    assert cell_text(dt.date(2022, 3, 1)) == "2022-03-01"


@pytest.mark.parametrize("rows", [TEXT_ROWS, TYPED_ROWS], ids=["text cells", "typed cells"])
def test_a_workbook_gives_the_outputs_of_the_same_csv(tmp_path: Path, rows: list[list[Any]]) -> None:
    book = workbook(tmp_path / "cases.xlsx", rows, blank_after=1)
    text = csv_file(tmp_path / "cases.csv", TEXT_ROWS, blank_after=1)
    outputs: dict[str, list[bytes]] = {}
    for source in (book, text):
        decided, audited = tmp_path / f"{source.suffix}.jsonl", tmp_path / f"{source.suffix}-dev.csv"
        assert run("check", "--batch", str(source), "--out", str(decided)) == 1  # A3 is invalid
        assert run("audit", str(source), "--out", str(audited)) == 1
        outputs[source.suffix] = [decided.read_bytes(), audited.read_bytes()]
    assert outputs[".xlsx"] == outputs[".csv"]
    lines = outputs[".csv"][0].decode("utf-8").splitlines()
    assert [line[:9] for line in lines] == ['{"line":2', '{"line":3', '{"line":5', '{"line":6']
    assert b"party.age" in outputs[".csv"][0]  # A3's bad age, reported at its row


def test_a_workbook_on_two_processes_gives_the_same_output(tmp_path: Path) -> None:
    book = workbook(tmp_path / "cases.xlsx", TYPED_ROWS * 30)
    outs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"dev{jobs}.csv"
        run("audit", str(book), "--out", str(out), "--jobs", jobs)
        outs.append(out.read_bytes())
    assert outs[0] == outs[1] and outs[0].count(b"\n") > 30


def test_a_workbook_header_is_checked_like_a_csv_header(tmp_path: Path,
                                                        capsys: pytest.CaptureFixture[str]) -> None:
    header = [("occured_on" if name == "occurred_on" else name) for name in HEADER]
    book = workbook(tmp_path / "cases.xlsx", TEXT_ROWS, header=header)
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(book), "--out", str(out)) == 1
    assert "did you mean 'occurred_on'" in capsys.readouterr().err and not out.exists()
    empty = tmp_path / "empty.xlsx"
    openpyxl.Workbook().save(empty)
    assert run("audit", str(empty)) == 0
    assert "0 records" in capsys.readouterr().err


def test_files_that_are_not_what_they_are_named_are_refused_with_the_fix(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = workbook(tmp_path / "cases.xlsx", TEXT_ROWS)
    cases = {
        "zip.csv": (book.read_bytes(), "name it .xlsx"),
        "zip.jsonl": (book.read_bytes(), "name it .xlsx"),
        "text.xlsx": (b"reference,item\n", "name it .csv"),
        "old.xls": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "save it as .xlsx"),
        "old.csv": (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(100), "save it as .xlsx"),
        "sheet.ods": (book.read_bytes(), "save it as .xlsx"),
        "damaged.xlsx": (b"PK\x03\x04" + bytes(100), "save it again as .xlsx"),
        "utf16.csv": ("reference,item\n".encode("utf-16"), "save it as UTF-8"),
        "utf16.jsonl": (b"\xfe\xff" + '{"item": "x"}\n'.encode("utf-16-be"), "save it as UTF-8"),
        "array.json": (b'\xef\xbb\xbf  [\n  {"item": "LS-SRHJ-0001"}\n]\n', "one case a line"),
        "one-line.jsonl": (b'[{"item": "LS-SRHJ-0001"}, {"item": "x"}]\n', "one case a line"),
        "case.yaml": (b"item: LS-SRHJ-0001\n", "discretion check FILE"),
    }
    for name, (content, fix) in cases.items():
        path = tmp_path / name
        path.write_bytes(content)
        for command in (["check", "--batch", str(path)], ["audit", str(path)]):
            assert run(*command) == 1, name
            err = capsys.readouterr().err
            assert str(path) in err and fix in err and "Traceback" not in err, (name, err)


def test_encoding_is_refused_for_a_workbook(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    book = workbook(tmp_path / "cases.xlsx", TEXT_ROWS)
    assert run("audit", str(book), "--encoding", "gb18030") == 2
    assert "a workbook has none" in capsys.readouterr().err


# --- what a workbook says about itself is not trusted ------------------------------------------


def _rewritten(source: Path, target: Path, change: Any, extra: dict[str, bytes] | None = None) -> Path:
    """A copy of workbook ``source`` with each part's bytes passed through ``change(name,
    data)``, and ``extra`` parts added (deflated as spreadsheet programs write them)."""
    import zipfile

    with zipfile.ZipFile(source) as old, zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as new:
        for info in old.infolist():
            new.writestr(info.filename, change(info.filename, old.read(info)))
        for name, data in (extra or {}).items():
            new.writestr(name, data)
    return target


def test_a_stale_dimension_element_loses_no_row(tmp_path: Path) -> None:
    """Programs other than Excel often leave the sheet's <dimension> (its used range) stale;
    read-only reading trusted it and gave 1 row of 5."""
    import re

    book = workbook(tmp_path / "cases.xlsx", [*TEXT_ROWS, TEXT_ROWS[0]])

    def stale(name: str, data: bytes) -> bytes:
        if name.startswith("xl/worksheets/"):
            data, found = re.subn(rb'<dimension ref="[^"]*"', b'<dimension ref="A1:A1"', data)
            assert found == 1
        return data

    stale_book = _rewritten(book, tmp_path / "stale.xlsx", stale)
    outputs = []
    for source in (book, stale_book):
        out = tmp_path / f"{source.stem}.jsonl"
        assert run("check", "--batch", str(source), "--out", str(out)) == 1  # A3 is invalid
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    assert outputs[1].count(b"\n") == 5


SHARED_STRINGS = "application/vnd.openxmlformats-officedocument.spreadsheetml.sharedStrings+xml"


def test_shared_strings_that_expand_to_a_bomb_are_refused_before_reading(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """A part that expands a thousandfold (here 64 MiB of shared strings from a file of
    about 100 KB; the issue's was 2 MB to 6 GB of memory) is refused before openpyxl reads it."""
    book = workbook(tmp_path / "cases.xlsx", TEXT_ROWS)
    count = 64 * 1024 * 1024 // 16
    strings = (b'<?xml version="1.0" encoding="UTF-8"?><sst xmlns="http://schemas.openxmlformats.'
               b'org/spreadsheetml/2006/main" count="%d" uniqueCount="%d">' % (count, count)
               + b"<si><t>a</t></si>" * count + b"</sst>")

    def manifest(name: str, data: bytes) -> bytes:
        if name == "[Content_Types].xml":
            data = data.replace(b"</Types>", b'<Override PartName="/xl/sharedStrings.xml" '
                                             b'ContentType="' + SHARED_STRINGS.encode() + b'"/></Types>')
        return data

    bomb = _rewritten(book, tmp_path / "bomb.xlsx", manifest, {"xl/sharedStrings.xml": strings})
    del strings
    assert bomb.stat().st_size < 1024 * 1024
    out = tmp_path / "out.jsonl"
    for command in (["check", "--batch", str(bomb), "--out", str(out)], ["audit", str(bomb)]):
        assert run(*command) == 1
        err = capsys.readouterr().err
        assert "xl/sharedStrings.xml" in err and "ZIP bomb" in err and "Traceback" not in err
    assert not out.exists()


def test_a_part_read_whole_is_bounded_and_the_streamed_sheet_is_not(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    """Every part but the worksheets is read whole into memory: past MAX_PART it is refused,
    whatever its ratio; the worksheet, read as a stream, may be larger."""
    from discretion.io import workbook as module

    monkeypatch.setattr(module, "MAX_PART", 40_000)
    monkeypatch.setattr(module, "FLOOR", 40_000)
    book = workbook(tmp_path / "cases.xlsx", TEXT_ROWS * 100)
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(book), "--out", str(out)) == 1  # the A3 rows
    assert out.read_bytes().count(b"\n") == 400  # a sheet of more than 40,000 bytes, read

    def padded(name: str, data: bytes) -> bytes:
        return data + b" " * 50_000 if name == "xl/styles.xml" else data

    big = _rewritten(book, tmp_path / "big.xlsx", padded)
    assert run("check", "--batch", str(big), "--out", str(tmp_path / "big.jsonl")) == 1
    err = capsys.readouterr().err
    assert "xl/styles.xml" in err and "read whole" in err and "Traceback" not in err
