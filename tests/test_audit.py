"""Supervision audit (执法监督): every deviation kind, clean records, invalid records, outputs."""

from __future__ import annotations

import csv
import io
import json
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from discretion.catalog.catalog import Catalog
from discretion.cli import main
from discretion.engine.engine import Engine
from discretion.io.records import read_csv, read_jsonl
from discretion.runs.audit import KINDS, Auditor
from discretion.testing.synthetic import synthetic_decided, write_decided

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "catalogs" / "mini"

# LS-SRHJ-0003, an individual: statutory fine 200-1000 yuan, tier 一般 recommends 440-760.
BASE: dict[str, Any] = {
    "item": "LS-SRHJ-0003", "party": {"kind": "individual", "age": 35},
    "occurred_on": "2022-03-01", "discovered_on": "2022-04-01", "decided_on": "2022-05-01",
    "first_offense": False, "harm": "ordinary", "correction": "overdue",
    "facts": {"area_m2": "20"},
}


def decided(outcome: str, fine: str = "", **changes: Any) -> dict[str, Any]:
    return {**BASE, **changes, "decided": {"outcome": outcome, "fine": fine}}


# (name, record, expected kinds)
CASES: list[tuple[str, dict[str, Any], list[str]]] = [
    ("clean", decided("penalized", "500"), []),
    ("clean_not_penalized_by_law", decided("not_penalized", party={"kind": "individual", "age": 12}), []),
    ("clean_correction_only", decided("correction_only", correction="in_time"), []),
    ("under_14", decided("penalized", "300", party={"kind": "individual", "age": 12}),
     ["penalized_when_law_forbids"]),
    ("no_fault", decided("penalized", "500", no_fault_proven=True), ["penalized_when_law_forbids"]),
    ("limitation", decided("penalized", "500", occurred_on="2019-01-01", discovered_on="2022-04-01"),
     ["limitation_ignored"]),
    ("not_penalized", decided("not_penalized"), ["not_penalized_without_ground"]),
    ("correction_instead_of_fine", decided("correction_only"), ["not_penalized_without_ground"]),
    ("above", decided("penalized", "1500"), ["fine_above_statutory"]),
    ("below", decided("penalized", "100"), ["fine_below_statutory"]),
    ("no_fine_at_all", decided("penalized"), ["fine_below_statutory"]),
    ("outside_recommended", decided("penalized", "300.00"), ["fine_outside_recommended"]),
    ("minor_not_lighter", decided("penalized", "800", party={"kind": "individual", "age": 16}),
     ["missed_mandatory_adjustment"]),
    ("minor_lighter", decided("penalized", "300", party={"kind": "individual", "age": 16}), []),
    ("clause_condition", decided("penalized", "500", correction="in_time"),
     ["fine_without_clause_condition"]),
    ("needs_facts", decided("penalized", "500", facts={}), ["needs_facts"]),
    ("invalid_case", decided("penalized", "500", party={"kind": "individual", "age": -1}),
     ["invalid_record"]),
    ("invalid_outcome", decided("fined", "500"), ["invalid_record"]),
    ("invalid_fine", decided("penalized", "abc"), ["invalid_record"]),
    ("contradictory", decided("not_penalized", "500"), ["invalid_record"]),
]


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(Catalog.load(MINI))


def audit_jsonl(engine: Engine, records: list[Any]) -> tuple[Auditor, list[list[Any]]]:
    text = "".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                   for r in records)
    auditor = Auditor(engine)
    return auditor, [devs for _, devs in auditor.audit(read_jsonl(io.StringIO(text)))]


@pytest.mark.parametrize(("name", "record", "kinds"), CASES, ids=[c[0] for c in CASES])
def test_each_kind(engine: Engine, name: str, record: dict[str, Any], kinds: list[str]) -> None:
    _, [deviations] = audit_jsonl(engine, [record])
    assert [d.kind for d in deviations] == kinds, [d.message for d in deviations]
    for deviation in deviations:
        assert deviation.line == 1
        assert deviation.message
        assert deviation.item == ("LS-SRHJ-0003")
        assert deviation.field == "SRHJ"
        if deviation.kind not in ("needs_facts", "invalid_record"):
            assert deviation.basis.startswith("《"), deviation.basis


def test_every_kind_is_covered() -> None:
    covered = {kind for _, _, kinds in CASES for kind in kinds}
    assert covered == set(KINDS)


def test_basis_and_values(engine: Engine) -> None:
    _, rows = audit_jsonl(engine, [
        decided("penalized", "500", occurred_on="2019-01-01", discovered_on="2022-04-01"),
        decided("penalized", "1500", reference="R-2"),
        decided("penalized", "800", party={"kind": "individual", "age": 16}),
    ])
    limitation, above, minor = (r[0] for r in rows)
    assert limitation.basis == "《行政处罚法》第三十六条第一款"
    assert limitation.severity == "high"
    assert (above.expected, above.actual, above.reference) == ("200.00-1000.00", "1500.00", "R-2")
    assert above.basis == "《浙江省城市市容和环境卫生管理条例》第十二条第三款"
    assert minor.basis == "《行政处罚法》第三十条"
    assert minor.expected == "200.00-440.00"


def test_invalid_records_keep_line_and_run_continues(engine: Engine) -> None:
    auditor, rows = audit_jsonl(engine, [
        decided("penalized", "500"), "{not json", [1, 2],
        decided("penalized", "500", party={"kind": "individual", "age": -1}),
        decided("penalized", "1500"),
    ])
    assert [[d.kind for d in r] for r in rows] == [
        [], ["invalid_record"], ["invalid_record"], ["invalid_record"], ["fine_above_statutory"]]
    assert rows[1][0].line == 2 and "malformed JSON" in rows[1][0].message
    assert rows[3][0].line == 4 and "party.age" in rows[3][0].message
    stats = auditor.stats
    assert (stats.records, stats.invalid, stats.audited, stats.deviations) == (5, 3, 2, 1)


CSV_TEXT = (
    "reference,item,party.kind,party.age,occurred_on,discovered_on,decided_on,first_offense,"
    "harm,correction,circumstances,facts.area_m2,note,decided.outcome,decided.fine\n"
    "C1,LS-SRHJ-0003,individual,35,2022-03-01,2022-04-01,2022-05-01,否,ordinary,overdue,,20,x,penalized,500\n"
    "C2,LS-SRHJ-0003,individual,35,2022-03-01,2022-04-01,2022-05-01,否,ordinary,overdue,,20,,penalized,１５００\n"
    "C3,LS-SRHJ-0003,individual,abc,2022-03-01,2022-04-01,2022-05-01,否,ordinary,overdue,,20,,penalized,500\n"
    "C4,LS-SRHJ-0003,individual,16,2022-03-01,2022-04-01,2022-05-01,否,ordinary,overdue,eliminated_harm,20,,penalized,800\n"
    "C5,LS-SRHJ-0003,individual,35,2022-03-01,2022-04-01,2022-05-01,否,ordinary,in_time,,20,,penalized,500\n"
)


def test_csv_input(engine: Engine) -> None:
    auditor = Auditor(engine)
    rows = [(r.line, [d.kind for d in devs])
            for r, devs in auditor.audit(read_csv(io.StringIO(CSV_TEXT)))]
    assert rows == [(2, []), (3, ["fine_above_statutory"]), (4, ["invalid_record"]),
                    (5, ["missed_mandatory_adjustment"]), (6, ["fine_without_clause_condition"])]


@pytest.mark.parametrize("ext", ["csv", "jsonl"])
def test_synthetic_input_both_formats_agree(engine: Engine, ext: str) -> None:
    names = {f.name for item in engine.catalog.benchmarks.values() for f in item.facts}
    buffer = io.StringIO()
    write_decided(synthetic_decided(engine, 300, seed=7), buffer, ext == "csv", names)
    buffer.seek(0)
    reader = read_csv if ext == "csv" else read_jsonl
    auditor = Auditor(engine)
    found = [(d.reference, d.kind, d.expected, d.actual)
             for _, devs in auditor.audit(reader(buffer)) for d in devs]
    assert auditor.stats.records == 300
    assert auditor.stats.deviations > 0
    # the same decided cases as JSON Lines give the same deviations
    other = io.StringIO()
    write_decided(synthetic_decided(engine, 300, seed=7), other, ext != "csv", names)
    other.seek(0)
    again = [(d.reference, d.kind, d.expected, d.actual) for _, devs in
             Auditor(engine).audit((read_jsonl if ext == "csv" else read_csv)(other)) for d in devs]
    assert found == again


def test_chunks_grouped_by_item_report_each_record_as_alone(engine: Engine) -> None:
    """A chunk is audited grouped by item; each result is still its own record's, in input
    order (records of many items interleaved)."""
    from discretion.runs.audit import _audit_chunk
    from discretion.runs.parallel import map_ordered

    names = {f.name for item in engine.catalog.benchmarks.values() for f in item.facts}
    buffer = io.StringIO()
    write_decided(synthetic_decided(engine, 200, seed=9), buffer, False, names)
    buffer.seek(0)
    records = list(read_jsonl(buffer))
    alone = [Auditor(engine).examine(record).json_line() for record in records]
    chunked = [result.json_line() for result in map_ordered(engine, _audit_chunk, records, jobs=1)]
    assert chunked == alone
    assert len({line for line in alone}) > 100  # distinct records, not one repeated


def test_cli_writes_csv_summary_and_charts(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "decided.jsonl"
    source.write_text("".join(json.dumps(r, ensure_ascii=False) + "\n" for _, r, _ in CASES),
                      encoding="utf-8")
    out, summary, png, svg = (tmp_path / n for n in ("dev.csv", "sum.md", "c.png", "c.svg"))
    code = main(["audit", str(source), "--catalog", str(MINI), "--out", str(out),
                 "--summary", str(summary), "--chart", str(png), "--progress", "off"])
    assert code == 1  # some records are invalid
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert list(rows[0]) == ["line", "reference", "item", "field", "kind", "severity", "expected",
                             "actual", "basis", "message"]
    assert [r["kind"] for r in rows] == [k for _, _, kinds in CASES for k in kinds]
    assert [int(r["line"]) for r in rows] == [i for i, (_, _, kinds) in enumerate(CASES, 1)
                                              for _ in kinds]
    text = summary.read_text(encoding="utf-8")
    assert "| SRHJ | 市容环境卫生 | 20 |" in text
    assert "每千件" in text and "fine_above_statutory" in text
    assert png.read_bytes().startswith(b"\x89PNG\r\n\x1a\n")
    assert main(["audit", str(source), "--catalog", str(MINI), "--out", str(tmp_path / "d2.csv"),
                 "--chart", str(svg), "--progress", "off"]) == 1
    assert ET.parse(svg).getroot().tag.endswith("svg")
    assert "20 records" in capsys.readouterr().err


def test_cli_clean_input_exits_zero_and_writes_to_stdout(tmp_path: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    source = tmp_path / "decided.csv"
    source.write_text(CSV_TEXT.splitlines(keepends=True)[0] + CSV_TEXT.splitlines(keepends=True)[1],
                      encoding="utf-8")
    chart = tmp_path / "empty.svg"
    assert main(["audit", str(source), "--catalog", str(MINI), "--chart", str(chart),
                 "--progress", "off"]) == 0
    captured = capsys.readouterr()
    assert captured.out.strip().splitlines() == [
        "line,reference,item,field,kind,severity,expected,actual,basis,message"]
    assert "1 records: 1 audited, 0 deviations" in captured.err
    ET.parse(chart)


def test_cli_usage_errors(tmp_path: Path) -> None:
    source = tmp_path / "decided.jsonl"
    source.write_text(json.dumps(decided("penalized", "500")) + "\n", encoding="utf-8")
    assert main(["audit", str(tmp_path / "missing.csv"), "--catalog", str(MINI)]) == 2
    assert main(["audit", str(source), "--catalog", str(MINI), "--chart", str(tmp_path / "c.gif")]) == 2
    assert main(["audit", str(source), "--catalog", str(MINI), "--out", str(tmp_path)]) == 2


def test_partition_counters_merge(engine: Engine) -> None:
    records = [record for _, record, _ in CASES]
    whole, _ = audit_jsonl(engine, records)
    first, _ = audit_jsonl(engine, records[:7])
    second, _ = audit_jsonl(engine, records[7:])
    merged = first.stats.merge(second.stats)
    assert merged == whole.stats


# --- records file (--records) and --resume ---------------------------------------------------

def _audit_cli(source: Path, tmp_path: Path, name: str, *extra: str) -> tuple[int, Path, Path, Path]:
    out, records, summary = (tmp_path / f"{name}{ext}" for ext in (".csv", ".jsonl", ".md"))
    code = main(["audit", str(source), "--catalog", str(MINI), "--out", str(out), "--records",
                 str(records), "--summary", str(summary), "--progress", "off", *extra])
    return code, out, records, summary


def test_records_one_line_per_input_record(tmp_path: Path) -> None:
    lines = [json.dumps(decided("penalized", "500", reference="OK")),
             json.dumps(decided("penalized", "1500", reference="DEV")),
             json.dumps(decided("penalized", "500", facts={}, reference="NF")),
             json.dumps(decided("penalized", "500", reference="BAD",
                                party={"kind": "individual", "age": -1})),
             "{not json", "[1, 2]", "",  # an empty line is no record
             json.dumps(decided("fined", "500", reference="BADOUT"))]
    source = tmp_path / "decided.jsonl"
    source.write_text("\n".join(lines) + "\n", encoding="utf-8")
    code, out, records, _ = _audit_cli(source, tmp_path, "run")
    assert code == 1
    got = [json.loads(line) for line in records.read_text(encoding="utf-8").splitlines()]
    assert [(r["line"], r["reference"], r["status"], r["deviations"]) for r in got] == [
        (1, "OK", "ok", []), (2, "DEV", "deviations", ["fine_above_statutory"]),
        (3, "NF", "needs_facts", ["needs_facts"]), (4, "BAD", "invalid", ["invalid_record"]),
        (5, "", "invalid", ["invalid_record"]), (6, "", "invalid", ["invalid_record"]),
        (8, "BADOUT", "invalid", ["invalid_record"])]
    assert all(r["item"] == "LS-SRHJ-0003" for r in got[:4])
    assert all("error" not in r for r in got[:3])
    assert got[3]["error"]["problems"][0]["path"] == "party.age"
    assert "malformed JSON" in got[4]["error"]["problems"][0]["message"]
    assert "decided.outcome" in got[6]["error"]["problems"][0]["message"]
    with out.open(encoding="utf-8-sig", newline="") as handle:
        rows = list(csv.DictReader(handle))
    assert [int(r["line"]) for r in rows] == [2, 3, 4, 5, 6, 8]


def _synthetic_source(engine: Engine, tmp_path: Path, ext: str, count: int = 120) -> Path:
    names = {f.name for item in engine.catalog.benchmarks.values() for f in item.facts}
    buffer = io.StringIO()
    write_decided(synthetic_decided(engine, count, seed=11, deviate=0.4), buffer, ext == "csv",
                  names)
    text = buffer.getvalue().splitlines(keepends=True)
    if ext == "jsonl":  # unreadable and invalid records in the middle
        text[5:5] = ["{not json\n", "[1, 2]\n",
                     json.dumps(decided("penalized", "500", party={"kind": "individual",
                                                                   "age": -1})) + "\n"]
    source = tmp_path / f"decided.{ext}"
    source.write_text("".join(text), encoding="utf-8")
    return source


@pytest.mark.parametrize("ext", ["jsonl", "csv"])
def test_resume_equals_uninterrupted_run(engine: Engine, tmp_path: Path, ext: str,
                                         capsys: pytest.CaptureFixture[str]) -> None:
    source = _synthetic_source(engine, tmp_path, ext)
    code, full_out, full_records, full_summary = _audit_cli(source, tmp_path, "full")
    full_err = capsys.readouterr().err.strip().splitlines()[-1]
    records_bytes = full_records.read_bytes()
    record_lines = records_bytes.splitlines(keepends=True)
    csv_lines = full_out.read_bytes().splitlines(keepends=True)
    assert len(record_lines) == 120 + (3 if ext == "jsonl" else 0)
    assert len(csv_lines) - 1 == sum(len(json.loads(r)["deviations"]) for r in record_lines)
    assert any(json.loads(r)["status"] == "deviations" for r in record_lines)
    for k in (0, 1, 4, 7, 60, len(record_lines) - 1, len(record_lines)):
        name = f"part{k}"
        records = tmp_path / f"{name}.jsonl"
        out = tmp_path / f"{name}.csv"
        rows = sum(len(json.loads(r)["deviations"]) for r in record_lines[:k])
        torn = record_lines[k][:7] if k < len(record_lines) else b""
        records.write_bytes(b"".join(record_lines[:k]) + torn)
        # the CSV as a crash may leave it: the rows of the k records, a torn row
        csv_torn = csv_lines[rows + 1][:9] if rows + 1 < len(csv_lines) else b""
        out.write_bytes(b"".join(csv_lines[:rows + 1]) + csv_torn)
        resumed = _audit_cli(source, tmp_path, name, "--resume")
        assert resumed[0] == code
        assert records.read_bytes() == records_bytes, k
        assert out.read_bytes() == full_out.read_bytes(), k
        assert resumed[3].read_text(encoding="utf-8") == full_summary.read_text(encoding="utf-8")
        err = capsys.readouterr().err.strip().splitlines()[-1]
        assert err.startswith(full_err), (err, full_err)


def test_resume_cuts_csv_rows_ahead_of_the_records_file(engine: Engine, tmp_path: Path) -> None:
    source = _synthetic_source(engine, tmp_path, "jsonl")
    _, full_out, full_records, _ = _audit_cli(source, tmp_path, "full")
    record_lines = full_records.read_bytes().splitlines(keepends=True)
    k = next(i for i, r in enumerate(record_lines) if json.loads(r)["deviations"])
    out, records = tmp_path / "part.csv", tmp_path / "part.jsonl"
    records.write_bytes(b"".join(record_lines[:k]))  # record k's rows written, its line not yet
    csv_lines = full_out.read_bytes().splitlines(keepends=True)
    rows = sum(len(json.loads(r)["deviations"]) for r in record_lines[:k + 1])
    out.write_bytes(b"".join(csv_lines[:rows + 1]))
    _audit_cli(source, tmp_path, "part", "--resume")
    assert records.read_bytes() == full_records.read_bytes()
    assert out.read_bytes() == full_out.read_bytes()


def test_records_overwrite_refused_and_resume_checks(engine: Engine, tmp_path: Path) -> None:
    source = _synthetic_source(engine, tmp_path, "jsonl", count=10)
    _, out, records, _ = _audit_cli(source, tmp_path, "run")
    before = records.read_bytes()
    assert _audit_cli(source, tmp_path, "run")[0] == 2  # would overwrite the records file
    assert records.read_bytes() == before
    assert main(["audit", str(source), "--catalog", str(MINI), "--resume"]) == 2  # no --records
    assert main(["audit", str(source), "--catalog", str(MINI), "--records", str(source)]) == 2
    # the records file of another input is not resumed
    other = tmp_path / "other.jsonl"
    other.write_text("\n" * 50 + source.read_text(encoding="utf-8"), encoding="utf-8")
    assert main(["audit", str(other), "--catalog", str(MINI), "--out", str(out), "--records",
                 str(records), "--resume", "--progress", "off"]) == 2
    assert records.read_bytes() == before
    # the records file lists deviation rows that the CSV does not have
    out.write_bytes(b"")
    assert _audit_cli(source, tmp_path, "run", "--resume")[0] == 2
