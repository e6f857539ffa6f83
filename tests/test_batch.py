"""Batch decisions: JSONL and CSV in, JSONL out, order kept, one output per input, resume."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest

from discretion.cli import main
from discretion.runs.batch import completed_lines

ROOT = Path(__file__).resolve().parents[1]
GOOD = {"item": "LS-SRHJ-0001", "party": {"kind": "individual", "age": 35},
        "occurred_on": "2022-03-01", "decided_on": "2022-05-01", "first_offense": True,
        "harm": "minor", "correction": "overdue", "facts": {"item_count": 5}}


def write_jsonl(path: Path, records: list[object]) -> None:
    path.write_text("".join((json.dumps(r, ensure_ascii=False) if not isinstance(r, str) else r)
                            + "\n" for r in records), encoding="utf-8")


def read_out(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def test_every_record_yields_one_output_in_order(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.jsonl"
    bad = dict(GOOD, party={"kind": "individual", "age": -1})
    write_jsonl(cases, [GOOD, bad, "{not json", dict(GOOD, facts={"item_count": 20}), [1, 2]])
    out = tmp_path / "out.jsonl"
    code = main(["check", "--batch", str(cases), "--out", str(out), "--progress", "off"])
    assert code == 1  # some records failed
    rows = read_out(out)
    assert [r["line"] for r in rows] == [1, 2, 3, 4, 5]
    assert rows[0]["decision"]["outcome"] == "penalized"
    assert rows[1]["error"]["problems"][0]["path"] == "party.age"
    assert "malformed JSON" in rows[2]["error"]["problems"][0]["message"]
    assert rows[3]["decision"]["tier"]["level"] == "严重"
    assert "error" in rows[4]
    assert "5 records: 2 decided, 3 errors" in capsys.readouterr().err


def test_batch_grouped_by_item_writes_what_each_record_gives_alone(tmp_path: Path) -> None:
    """Chunks are decided grouped by item; every output line is still the record's own, in
    input order (records of many items interleaved, with bad ones among them)."""
    import datetime as dt

    from discretion import Engine
    from discretion.io.records import Record
    from discretion.runs.batch import decide_line
    from discretion.testing.synthetic import synthetic_decided

    engine = Engine(today=dt.date(2023, 1, 1))
    cases: list[object] = [{k: v for k, v in d.items() if k != "decided"}
                           for d in synthetic_decided(engine, 150, seed=3)]
    cases[10:10] = ["{not json", dict(GOOD, party={"kind": "individual", "age": -1})]
    path = tmp_path / "cases.jsonl"
    write_jsonl(path, cases)
    out = tmp_path / "out.jsonl"
    main(["check", "--batch", str(path), "--out", str(out), "--progress", "off"])
    expected = []
    for number, data in enumerate(cases, 1):
        record = Record(number, data) if isinstance(data, dict) else \
            Record(number, None, "malformed JSON at column 2: Expecting property name enclosed in double quotes")
        expected.append(decide_line(engine, record)[0])
    assert out.read_bytes() == b"".join(expected)


def test_csv_input(tmp_path: Path) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text(
        "reference,item,party.kind,party.age,occurred_on,decided_on,first_offense,harm,correction,circumstances,facts.item_count\n"
        "A1,LS-SRHJ-0001,individual,35,2022-03-01,2022-05-01,是,minor,overdue,,5\n"
        "A2,LS-SRHJ-0001,individual,35,2022-03-01,2022-05-01,maybe,minor,overdue,,5\n"
        "A3,LS-SRHJ-0001,individual,16,2022-03-01,2022-05-01,true,minor,overdue,eliminated_harm;coerced,5\n",
        encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert main(["check", "--batch", str(cases), "--out", str(out), "--progress", "off"]) == 1
    rows = read_out(out)
    assert [r["line"] for r in rows] == [2, 3, 4]
    assert rows[0]["decision"]["reference"] == "A1"
    assert "first_offense" in rows[1]["error"]["problems"][0]["message"]
    assert {a["kind"] for a in rows[2]["decision"]["adjustments"]} == {"lighter"}


def test_resume_continues_without_duplicates(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    write_jsonl(cases, [dict(GOOD, reference=str(i)) for i in range(10)])
    whole = tmp_path / "whole.jsonl"
    assert main(["check", "--batch", str(cases), "--out", str(whole), "--progress", "off"]) == 0
    full = whole.read_text(encoding="utf-8")
    # an interrupted run: a byte that is not text on line 5 stops it after 4 records, then
    # the process dies while writing a fifth line (torn)
    good = cases.read_bytes()
    lines = good.splitlines(keepends=True)
    cases.write_bytes(b"".join(lines[:4]) + b"\xff" + b"".join(lines[4:]))
    out = tmp_path / "out.jsonl"
    assert main(["check", "--batch", str(cases), "--out", str(out), "--progress", "off"]) == 1
    assert completed_lines(out) == 4
    with out.open("ab") as handle:
        handle.write(full.splitlines(keepends=True)[4][:20].encode("utf-8"))
    cases.write_bytes(good)  # the line fixed, the run resumed
    assert main(["check", "--batch", str(cases), "--out", str(out), "--resume", "--progress", "off"]) == 0
    assert out.read_text(encoding="utf-8") == full


def test_refuses_to_overwrite_without_resume(tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    write_jsonl(cases, [GOOD])
    out = tmp_path / "out.jsonl"
    out.write_text("x\n", encoding="utf-8")
    assert main(["check", "--batch", str(cases), "--out", str(out)]) == 2


def test_output_to_standard_output(tmp_path: Path) -> None:
    """Without --out the JSON Lines go to standard output: to its byte stream, after what was
    printed before, or to its text when a caller replaced it with a text-only stream."""
    import contextlib
    import io

    cases = tmp_path / "cases.jsonl"
    write_jsonl(cases, [GOOD, "{not json", dict(GOOD, reference="第2号")])
    out = tmp_path / "out.jsonl"
    main(["check", "--batch", str(cases), "--out", str(out), "--progress", "off"])
    expected = out.read_text(encoding="utf-8")
    assert len(expected.splitlines()) == 3 and "\r" not in expected
    raw = io.BytesIO()
    stdout = io.TextIOWrapper(raw, encoding="utf-8", newline="\n")  # buffered, as on a pipe
    with contextlib.redirect_stdout(stdout):
        print("before")
        assert main(["check", "--batch", str(cases), "--progress", "off"]) == 1
        stdout.flush()
    assert raw.getvalue().decode("utf-8") == "before\n" + expected
    text = io.StringIO()
    with contextlib.redirect_stdout(text):
        assert main(["check", "--batch", str(cases), "--progress", "off"]) == 1
    assert text.getvalue() == expected


def test_usage_errors(tmp_path: Path) -> None:
    assert main(["check", "--batch", str(tmp_path / "missing.jsonl")]) == 2
    assert main(["check", "x.yaml", "--batch", "y.jsonl"]) == 2
    assert main(["check", "--batch", "-", "--resume"]) == 2


# --- records read whole or read first and parsed later (in a worker) ------------------------

JSONL_EDGES = (
    '{"item": "A-1", "party": {"kind": "organization"}, "facts": {"x": 1.50}}\n'
    "\n"
    "   \n"
    '{"item": ["B-2", "A-1"], "party": {"kind": "individual"}}\n'
    '{"item": 3\n'
    "[1, 2]\n"
    '{"citation": {"law": "L", "article": 3, "item": 2}, "party": {"kind": "individual"}}\n'
)
CSV_EDGES = (
    "reference,item,party.kind,facts.x,decided.outcome\n"
    "r1,A-1,organization,1.50,penalized\n"
    "\n"
    "r2,B-2;A-1,individual\n"
    "r3,A-1,individual,2,penalized,one too many\n"
    "r4,,individual,,\n"
    '"r5","A-1","organization","x\ny",""\n'
)


def _read_whole(text: str, name: str) -> list[Any]:
    """The records as a reader that parses while it reads gives them: json.loads per line,
    csv.DictReader per row (the readers the commands used before records were scanned)."""
    import csv
    import io

    from discretion.io.records import Record, row_to_case

    records: list[Record] = []
    if name.endswith(".csv"):
        reader = csv.DictReader(io.StringIO(text))
        for row in reader:
            if None in row:
                records.append(Record(reader.line_num, None, "more cells than header columns"))
                continue
            try:
                case, extra = row_to_case(row)
            except ValueError as exc:
                records.append(Record(reader.line_num, None, str(exc)))
                continue
            records.append(Record(reader.line_num, case, extra=extra))
        return records
    for number, line in enumerate(io.StringIO(text), 1):
        if not line.strip():
            continue
        try:
            value = json.loads(line, parse_float=str)
        except json.JSONDecodeError as exc:
            records.append(Record(number, None, f"malformed JSON at column {exc.colno}: {exc.msg}"))
            continue
        records.append(Record(number, value) if isinstance(value, dict)
                       else Record(number, None, "a record is a JSON object"))
    return records


@pytest.mark.parametrize("name, text", [("cases.jsonl", JSONL_EDGES), ("cases.csv", CSV_EDGES)])
def test_records_scanned_then_parsed_are_the_records_read_whole(name: str, text: str) -> None:
    import io

    from discretion.io.records import open_records, parsed, record_key, scan_records

    whole = _read_whole(text, name)
    assert list(open_records(io.StringIO(text), name)) == whole
    later = list(scan_records(io.StringIO(text), name))
    assert [parsed(record) for record in later] == whole
    assert len(whole) == 5  # blank lines and rows are no records
    for raw, record in zip(later, whole, strict=True):
        if record.case is not None and isinstance(record.case.get("item"), str | list):
            assert record_key(raw) == record_key(record)  # the same worker either way


def test_decision_json_bytes_are_the_compact_json_encoded() -> None:
    """``check --batch`` writes ``Decision.to_json_bytes()``: the compact JSON, UTF-8."""
    import datetime as dt

    from discretion import Engine
    from discretion.testing.synthetic import synthetic_decided

    engine = Engine(today=dt.date(2023, 1, 1))
    cases = [{k: v for k, v in d.items() if k != "decided"}
             for d in synthetic_decided(engine, 200, seed=8)]
    cases.append(dict(GOOD, reference='引号 " 与反斜杠 \\ 与换行\n', facts={}))  # needs facts
    outcomes = set()
    for case in cases:
        decision = engine.evaluate(case)
        outcomes.add(decision.outcome)
        assert decision.to_json_bytes() == decision.to_json(indent=None).encode("utf-8")
        assert json.loads(decision.to_json_bytes()) == decision.to_dict()
    assert None in outcomes and "penalized" in outcomes
