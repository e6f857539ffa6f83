"""The header row of a CSV input is checked before any row is read (docs/csv-columns.md)."""

from __future__ import annotations

import io
import json
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from discretion import DiscretionError
from discretion.cli import main
from discretion.io.columns import AUDIT_COLUMNS, REQUIRED, check_header, header_problems
from discretion.io.records import CASE_COLUMNS
from discretion.runs.partition import csv_header
from discretion.testing.synthetic import write_decided

HEADER = "reference,item,party.kind,party.age,occurred_on,decided_on,first_offense,harm,correction,facts.item_count"
ROW = "A1,LS-SRHJ-0001,individual,35,2022-03-01,2022-05-01,true,minor,overdue,5"


def messages(header: str, audit: bool = False) -> list[str]:
    return [f"{p.message} | {p.hint}" for p in header_problems(header.split(","), "x.csv", audit=audit)]


def test_a_usable_header_has_no_problems() -> None:
    assert messages(HEADER) == []
    assert messages(HEADER + ",decided.outcome,decided.fine", audit=True) == []
    # columns of the agency's own are passed over, even one close to a field that is there
    assert messages(HEADER + ",案件名称,note,reference_no") == []
    # citation instead of item
    assert messages("citation.law,citation.article,party.kind,occurred_on") == []


def test_a_header_naming_no_case_field_says_which_separator_it_has() -> None:
    (only,) = messages(HEADER.replace(",", ";"))
    assert "names no case field" in only and "semicolons" in only
    (only,) = messages(HEADER.replace(",", "\t"))
    assert "tabs" in only
    (only,) = messages("案号,事项编码,当事人类型")
    assert "docs/csv-columns.md" in only


@pytest.mark.parametrize("wrong, meant", [
    ("occured_on", "occurred_on"), ("first_offence", "first_offense"), ("Harm", "harm"),
    ("fact.item_count", "facts.item_count"), ("Facts.item_count", "facts.item_count"),
    ("correctoin", "correction"),
])
def test_a_misspelled_case_column_is_named_with_the_fix(wrong: str, meant: str) -> None:
    header = HEADER.replace(meant, wrong) if meant in HEADER else HEADER + "," + wrong
    found = messages(header)
    assert len(found) == 1, found
    assert f"'{wrong}' is not a case field" in found[0] and meant in found[0]


def test_unknown_columns_under_a_case_prefix_list_the_known_ones() -> None:
    (only,) = messages(HEADER + ",party.type")
    assert "party.age, party.capacity, party.kind, party.name" in only
    # decided.* is the audit's: other commands pass it over
    assert messages(HEADER + ",decided.fin") == []
    (only,) = messages(HEADER + ",decided.outcome,decided.fin", audit=True)
    assert "decided.fine" in only


def test_missing_required_columns_and_duplicates() -> None:
    found = messages("reference,harm,facts.item_count,harm")
    assert any("columns 2 and 4 are both named 'harm'" in m for m in found)
    for name in REQUIRED:
        assert any(f"no '{name}' column" in m for m in found)
    assert any("no 'item' column" in m for m in found)
    assert any("no 'decided.outcome' column" in m for m in messages(HEADER, audit=True))
    # a misspelling of a required column is reported once, as the misspelling
    found = messages(HEADER.replace("party.kind", "party_kind"))
    assert len(found) == 1 and "did you mean 'party.kind'" in found[0]


@given(st.permutations(sorted(CASE_COLUMNS | set(AUDIT_COLUMNS))), st.booleans())
def test_any_order_of_the_known_columns_is_usable(columns: list[str], audit: bool) -> None:
    assert header_problems([*columns, "facts.amount", "其他"], "x.csv", audit=audit) == []


def test_the_audit_files_the_package_writes_pass_the_check() -> None:
    import datetime as dt

    from discretion import Engine
    from discretion.testing.synthetic import synthetic_decided

    buffer = io.StringIO()
    engine = Engine(today=dt.date(2023, 1, 1))
    write_decided(synthetic_decided(engine, 30, seed=3), buffer, True, ["item_count", "amount"])
    header = buffer.getvalue().splitlines()[0].split(",")
    assert header_problems(header, "x.csv", audit=True) == []


def test_batch_stops_on_a_bad_header_before_writing(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER.replace(",", ";") + "\n" + ROW.replace(",", ";") + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["check", "--batch", str(cases), "--out", str(out), "--progress", "off"]) == 1
    err = capsys.readouterr().err
    assert f"{cases}:1: the header row names no case field" in err and "semicolons" in err
    assert "Traceback" not in err and not out.exists()


def test_audit_stops_on_a_bad_header_before_writing(tmp_path: Path,
                                                    capsys: pytest.CaptureFixture[str]) -> None:
    decided = tmp_path / "decided.csv"
    decided.write_text(HEADER.replace("first_offense", "first_offence") + ",decided.fine\n"
                       + ROW + ",500\n", encoding="utf-8")
    out = tmp_path / "dev.csv"
    assert main(["audit", str(decided), "--out", str(out), "--progress", "off"]) == 1
    err = capsys.readouterr().err
    assert "2 problems in the input" in err
    assert "did you mean 'first_offense'" in err and "no 'decided.outcome' column" in err
    assert not out.exists()


def test_blanks_around_column_names_are_ignored(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(HEADER.replace(",", " , ") + "\n" + ROW + "\n", encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["check", "--batch", str(cases), "--out", str(out), "--progress", "off"]) == 0
    spaced = json.loads(out.read_text(encoding="utf-8"))
    cases.write_text(HEADER + "\n" + ROW + "\n", encoding="utf-8")
    plain = tmp_path / "plain.jsonl"
    assert main(["check", "--batch", str(cases), "--out", str(plain), "--progress", "off"]) == 0
    assert json.loads(plain.read_text(encoding="utf-8")) == spaced
    assert spaced["decision"]["reference"] == "A1"


def test_a_folder_is_not_a_batch_file(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--batch", str(tmp_path)]) == 2
    assert "is a folder, not a file" in capsys.readouterr().err
    assert main(["audit", str(tmp_path)]) == 2
    assert "is a folder, not a file" in capsys.readouterr().err


def test_check_header_and_partition_header(tmp_path: Path) -> None:
    path = tmp_path / "decided.csv"
    path.write_text("\ufeff" + HEADER + "\n" + ROW + "\n", encoding="utf-8")
    check_header(path)  # a usable header: nothing raised
    assert csv_header(path) == tuple(HEADER.split(","))
    with pytest.raises(DiscretionError, match=r"decided\.outcome"):
        check_header(path, audit=True)
    with pytest.raises(DiscretionError, match=r"decided\.outcome"):
        csv_header(path, audit=True)
    empty = tmp_path / "empty.csv"
    empty.write_text("", encoding="utf-8")
    check_header(empty)  # no header, no records: nothing to refuse
    broken = tmp_path / "broken.csv"
    broken.write_bytes(b"reference,item\xff\n")
    with pytest.raises(DiscretionError, match="neither UTF-8 nor GB18030"):
        check_header(broken)
    chinese = tmp_path / "gb18030.csv"
    chinese.write_bytes((HEADER + ",备注\n" + ROW + ",甲\n").encode("gb18030"))
    assert csv_header(chinese)[-1] == "备注"
