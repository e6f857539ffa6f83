"""Inputs that would silently change a legal outcome are refused (issue 19, task C).

A value is read only in its documented form (docs/csv-columns.md, "Values are read strictly"):
``party.age: true`` (or YAML ``yes``) is not age 1, which Art. 30 would spare; ``occurred_on: 0``
is not 1970-01-01, whose limitation has run out; ``"1,0"`` is not 10.00 元. Dates from 1900 to
2099 only, so that no limitation period runs past year 9999. And whatever a case holds,
``Engine.evaluate`` returns a Decision or raises CaseError, nothing else: the fuzz test below
gives every field of the case contract booleans, numbers, dates and odd text.
"""

from __future__ import annotations

import ast
import copy
import csv
import datetime as dt
import json
import os
import shutil
from decimal import Decimal
from pathlib import Path
from typing import Any, get_args

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discretion import CaseError, Catalog, Engine
from discretion.case import Case, Citation, Party
from discretion.catalog.models import FactDecl
from discretion.cli import main
from discretion.engine.compiled import MODULES
from discretion.io.columns import bool_cell, int_cell
from discretion.law.facts import coerce_fact
from discretion.money import MoneyError, to_money

LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
FUZZ = settings(max_examples=20_000 if LONG else 300, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

TESTS = Path(__file__).parent
MINI = TESTS / "fixtures" / "catalogs" / "mini"
SRC = TESTS.parent / "src" / "discretion"

# An item declaring a fact of every type, added to the mini catalog (tests/fixtures/catalogs).
EVERY_TYPE = """
  - id: LS-SRHJ-0099
    title: 测试条目：每种事实类型各一
    violated:
      - {law: 浙江省城市市容和环境卫生管理条例, article: 11, paragraph: 2}
    penalty: {law: 浙江省城市市容和环境卫生管理条例, article: 11, paragraph: 3}
    clause: 违反本条第一款或者第二款规定的，责令限期改正；逾期不改正的，处五十元以上五百元以下罚款。
    statutory:
      correction: deadline
      applies_when: overdue
      sanctions:
        - {kind: fine, min: 50, max: 500, text: 处五十元以上五百元以下罚款}
    facts:
      - {name: item_count, type: integer, label: 物品件数, unit: 件}
      - {name: area_m2, type: number, label: 占用面积, unit: 平方米}
      - {name: income, type: money, label: 违法收入, unit: 元}
      - {name: repeated, type: boolean, label: 是否多次}
      - {name: place, type: enum, values: [街道, 广场], label: 地点}
      - {name: remark, type: text, label: 备注}
    tiers:
      - level: 轻微
        when: item_count <= 3 and area_m2 < 10 and income < 1000 and repeated == false and place == "街道" and harm in ["none", "minor"]
        description: 轻微
        fine: {band: lighter}
      - level: 一般
        when: otherwise
        description: 一般
        fine: {band: ordinary}
      - level: 严重
        when: harm == "serious" or item_count >= 10 or area_m2 >= 50 or income >= 10000 or repeated == true
        description: 严重
        fine: {band: heavier}
    five_year_limitation: true
    provenance:
      file: 浙江地方性法规/浙江省城市市容和环境卫生管理条例(2021-09-30).md
      article: 11
      tiers: reference_default
"""


@pytest.fixture(scope="module")
def catalog_dir(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("catalog") / "every-type"
    shutil.copytree(MINI, folder)
    with (folder / "benchmarks" / "SRHJ.yaml").open("a", encoding="utf-8") as handle:
        handle.write(EVERY_TYPE)
    return folder


@pytest.fixture(scope="module")
def engine(catalog_dir: Path) -> Engine:
    return Engine(Catalog.load(catalog_dir, cache=False), today=dt.date(2022, 6, 1))


BASE: dict[str, Any] = {
    "item": "LS-SRHJ-0099", "party": {"kind": "individual", "age": 35},
    "occurred_on": "2022-03-01", "decided_on": "2022-05-01", "first_offense": True,
    "harm": "minor", "correction": "overdue",
    "facts": {"item_count": 2, "area_m2": "5.5", "income": "1200.50", "repeated": False,
              "place": "街道", "remark": "备注"},
}


def case(**changes: Any) -> dict[str, Any]:
    """BASE with ``changes``; a key ``party__age`` or ``facts__income`` changes a nested value."""
    data = copy.deepcopy(BASE)
    for key, value in changes.items():
        target = data
        *parents, last = key.split("__")
        for parent in parents:
            target = target[parent]
        target[last] = value
    return data


def paths_of(error: CaseError) -> set[str | None]:
    return {problem.path for problem in error.problems}


def refused(engine: Engine, data: dict[str, Any], path: str) -> str:
    """The message of the problem ``engine`` finds at ``path`` (which it must find)."""
    with pytest.raises(CaseError) as info:
        engine.evaluate(data)
    found = [p.message for p in info.value.problems if p.path == path]
    assert found, f"no problem at {path}: {info.value}"
    return found[0]


def chinese(text: str) -> bool:
    return any("\u4e00" <= ch <= "\u9fff" for ch in text)


# --- the issue's examples ------------------------------------------------------------------


@pytest.mark.parametrize("age", [True, False, 1.0, 14.0, "35", "３５", Decimal(35), [35]])
def test_an_age_is_a_whole_number_not_true_nor_text(engine: Engine, age: object) -> None:
    message = refused(engine, case(party__age=age), "party.age")
    assert "age" in message and chinese(message)


def test_a_yaml_yes_is_not_age_one(tmp_path: Path, catalog_dir: Path,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    # YAML 1.1 reads a bare yes as true; read as an int it would be 1: 应当不予处罚 (Art. 30)
    path = tmp_path / "case.yaml"
    path.write_text("item: LS-SRHJ-0001\nparty: {kind: individual, age: yes}\n"
                    "occurred_on: 2022-03-01\ndecided_on: 2022-05-01\nharm: minor\n"
                    "correction: overdue\nfacts: {item_count: 5}\n", encoding="utf-8")
    code = main(["check", str(path), "--catalog", str(catalog_dir)])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "party.age" in err and "YAML reads a bare yes" in err and "年龄" in err
    assert "Traceback" not in err and "不予" not in err


@pytest.mark.parametrize("day", [0, 1, 19000, 1646092800, 1e9, 0.0, True, Decimal(0), "0",
                                 "1646092800", "20220301", "2022-3-1", "2022/03/01",
                                 "2022-03-01T00:00:00", "2022-03-01 00:00", "1.3.2022",
                                 dt.datetime(2022, 3, 1), dt.datetime(2022, 3, 1, 9, 30)])
@pytest.mark.parametrize("field", ["occurred_on", "ended_on", "discovered_on", "decided_on"])
def test_a_number_is_never_a_date(engine: Engine, field: str, day: object) -> None:
    message = refused(engine, case(**{field: day}), field)
    assert "YYYY-MM-DD" in message and chinese(message)


def test_occurred_on_zero_is_not_1970_in_a_case_file(tmp_path: Path, catalog_dir: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    # read as 1970-01-01, the two-year limitation (Art. 36) would have run out long ago
    path = tmp_path / "case.json"
    path.write_text(json.dumps({**case(), "occurred_on": 0}), encoding="utf-8")
    code = main(["check", str(path), "--catalog", str(catalog_dir), "--json"])
    out, err = capsys.readouterr()
    assert code == 1 and out == ""
    assert "occurred_on: 0 is not a date" in err and "日期" in err and "Traceback" not in err


@pytest.mark.parametrize("day", ["0001-01-01", "1899-12-31", "2100-01-01", "9999-12-31",
                                 dt.date(1, 1, 1), dt.date(9999, 12, 31), "0000-01-01"])
@pytest.mark.parametrize("field", ["occurred_on", "ended_on", "discovered_on", "decided_on"])
def test_years_outside_1900_to_2099_are_refused(engine: Engine, field: str, day: object) -> None:
    # near year 9999 the limitation's end (two or five years on) is past the calendar: before,
    # a Python ValueError ("year 10001 is out of range") came out of Engine.evaluate
    data = case(**{field: day})
    if field != "occurred_on":  # a valid act day before the other dates
        data["occurred_on"] = "1900-01-01"
    message = refused(engine, data, field)
    assert chinese(message)


def test_the_first_and_last_days_are_accepted(engine: Engine) -> None:
    first = engine.evaluate(case(occurred_on="1900-01-01", decided_on="1900-06-01"))
    last = engine.evaluate(case(occurred_on="2099-06-01", decided_on="2099-12-31"))
    assert first.outcome == last.outcome == "penalized"


@pytest.mark.parametrize("amount", ["1,0", "1,00", "12,34", "1,2345", "0,100", ",100", "1,000,0",
                                    "1.000,50", "１，０", "1e28", "1E3", "5 5", "+5", "0x10",
                                    "1_000", "١٢", ".5", "5.", "Infinity", "NaN", "¥100", ""])
def test_an_amount_is_read_only_in_its_documented_forms(engine: Engine, amount: str) -> None:
    message = refused(engine, case(facts__income=amount), "facts.income")
    assert "违法收入" in message and "金额" in message


@pytest.mark.parametrize(("amount", "expected"), [
    ("1200.50", "1200.50"), ("1,200.50", "1200.50"), ("１，２００．５０", "1200.50"),
    ("1200.5", "1200.50"), ("1200", "1200.00"), ("12,345,678", "12345678.00"),
    ("１５００元", "1500.00"), ("1500 元", "1500.00"), (" 7 ", "7.00"), (7, "7.00"),
    (Decimal("7.5"), "7.50"),
])
def test_the_documented_amount_forms_are_read(amount: object, expected: str) -> None:
    assert to_money(amount) == Decimal(expected)


def test_thousands_separators_give_the_same_decision(engine: Engine) -> None:
    plain = engine.evaluate(case(facts__income="12000.50")).to_json()
    assert engine.evaluate(case(facts__income="12,000.50")).to_json() == plain
    assert engine.evaluate(case(facts__income="１２，０００．５０")).to_json() == plain


@pytest.mark.parametrize("amount", [10**28, 10**400, Decimal("1e28"), "9" * 30,
                                    "1" + "0" * 28 + ".00"])
def test_huge_amounts_are_case_errors(engine: Engine, amount: object) -> None:
    # before: decimal.InvalidOperation (quantizing beyond the context's 28 digits)
    message = refused(engine, case(facts__income=amount), "facts.income")
    assert "违法收入" in message


@pytest.mark.parametrize("number", ["5 5", "1,0", "1,000", "1e28", "1E3", "+5", "1_0", "٣", "0x1",
                                    "NaN", "Infinity", ".5", "5.", "", "五"])
@pytest.mark.parametrize("fact", ["item_count", "area_m2"])
def test_a_number_is_digits_with_an_optional_decimal_point(engine: Engine, fact: str,
                                                           number: str) -> None:
    message = refused(engine, case(**{f"facts__{fact}": number}), f"facts.{fact}")
    assert "数字" in message


@pytest.mark.parametrize("value", [True, False, 10**400, -(10**400), Decimal("NaN"),
                                   Decimal("sNaN"), Decimal("-Infinity"), Decimal("-1"), "-1"])
@pytest.mark.parametrize("fact", ["item_count", "area_m2", "income"])
def test_numbers_out_of_range_or_of_the_wrong_type_are_case_errors(engine: Engine, fact: str,
                                                                   value: object) -> None:
    refused(engine, case(**{f"facts__{fact}": value}), f"facts.{fact}")


def test_a_yaml_float_fact_is_read_as_the_decimal_written(engine: Engine, tmp_path: Path,
                                                         catalog_dir: Path,
                                                         capsys: pytest.CaptureFixture[str]) -> None:
    # YAML reads 0.00001 as a float whose repr is 1e-05: read as the decimal written, not
    # refused for its exponent
    text = json.dumps(case(facts__area_m2="0.00001"), ensure_ascii=False)
    wanted = engine.evaluate(json.loads(text)).to_json()
    path = tmp_path / "case.yaml"
    path.write_text(text.replace('"0.00001"', "0.00001"), encoding="utf-8")
    code = main(["check", str(path), "--catalog", str(catalog_dir), "--on", "2022-06-01",
                 "--json"])
    out, err = capsys.readouterr()
    assert code == 0, err
    assert json.loads(out)["tier"] == json.loads(wanted)["tier"]


@pytest.mark.parametrize("value", ["yes", "true", "True", "对", "是的", "不是", "Y", 1, 0, 1.0, "1",
                                   "", [True], ["是"]])
@pytest.mark.parametrize("field", ["first_offense", "no_fault_proven"])
def test_yes_no_fields_take_only_true_or_false(engine: Engine, field: str, value: object) -> None:
    # true and false, and what an officer writes, 是 and 否 (tests/test_officer_inputs.py)
    message = refused(engine, case(**{field: value}), field)
    assert "true or false" in message and chinese(message)


def test_no_fault_proven_null_is_refused_with_a_fix(engine: Engine) -> None:
    message = refused(engine, case(no_fault_proven=None), "no_fault_proven")
    assert "leave no_fault_proven out" in message


@pytest.mark.parametrize(("part", "value"), [("article", True), ("article", 11.0), ("article", "11"),
                                             ("paragraph", True), ("item", False)])
def test_citation_numbers_are_whole_numbers(engine: Engine, part: str, value: object) -> None:
    citation: dict[str, Any] = {"law": "浙江省城市市容和环境卫生管理条例", "article": 11,
                                "paragraph": 1, part: value}
    message = refused(engine, case(item=None, citation=citation), f"citation.{part}")
    assert "whole number" in message and chinese(message)


@pytest.mark.parametrize("item", [5, True, b"LS-SRHJ-0099", dt.date(2022, 3, 1), [5], ["A", 1.0]])
def test_an_item_is_named_by_text(engine: Engine, item: object) -> None:
    # the path is the field's, not pydantic's ("item.constrained-str")
    message = refused(engine, case(item=item), "item")
    assert "catalog id" in message and chinese(message)


def test_a_batch_reports_each_refused_value_at_its_line(tmp_path: Path, catalog_dir: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    header = ["item", "party.kind", "party.age", "occurred_on", "decided_on", "first_offense",
              "harm", "correction", "facts.item_count", "facts.area_m2", "facts.income",
              "facts.repeated", "facts.place"]
    good = dict(zip(header, ["LS-SRHJ-0099", "individual", "35", "2022-03-01", "2022-05-01",
                             "true", "minor", "overdue", "2", "5.5", "1,200.50", "false", "街道"],
                    strict=True))
    rows = [good,                                       # line 2: decided (1,200.50 is 1200.50)
            {**good, "facts.income": "1,0"},            # line 3: not 10.00 元
            {**good, "facts.income": "1e28"},           # line 4
            {**good, "occurred_on": "0"},               # line 5: not 1970-01-01
            {**good, "decided_on": "9999-12-31"},       # line 6
            {**good, "facts.item_count": "5 5"}]        # line 7
    source = tmp_path / "cases.csv"
    with source.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.DictWriter(handle, header)
        writer.writeheader()
        writer.writerows(rows)
    out = tmp_path / "out.jsonl"
    code = main(["check", "--batch", str(source), "--out", str(out), "--catalog", str(catalog_dir)])
    capsys.readouterr()
    assert code in (0, 1)
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    assert [line["line"] for line in lines] == [2, 3, 4, 5, 6, 7]
    assert "decision" in lines[0]
    paths = [{p.get("path") for p in line.get("error", {}).get("problems", [])} for line in lines[1:]]
    assert paths == [{"facts.income"}, {"facts.income"}, {"occurred_on"}, {"decided_on"},
                     {"facts.item_count"}]
    # the same as JSON Lines, where YAML's and JSON's typed values are refused too
    cases = [case(party__age=True), case(first_offense="yes"), case(occurred_on=0)]
    source = tmp_path / "cases.jsonl"
    source.write_text("".join(json.dumps(c, ensure_ascii=False) + "\n" for c in cases),
                      encoding="utf-8")
    out = tmp_path / "out2.jsonl"
    code = main(["check", "--batch", str(source), "--out", str(out), "--catalog", str(catalog_dir)])
    capsys.readouterr()
    lines = [json.loads(line) for line in out.read_text(encoding="utf-8").splitlines()]
    paths = [{p.get("path") for p in line.get("error", {}).get("problems", [])} for line in lines]
    assert paths == [{"party.age"}, {"first_offense"}, {"occurred_on"}]


# --- the CSV reader's cells ------------------------------------------------------------------


@pytest.mark.parametrize(("text", "value"), [
    ("true", True), ("false", False), ("TRUE", True), ("False", False), ("yes", True),
    ("No", False), ("1", True), ("0", False), ("是", True), ("否", False), (" true ", True),
])
def test_yes_no_cells_in_their_documented_forms(text: str, value: bool) -> None:
    assert bool_cell("first_offense", text) is value


@pytest.mark.parametrize("text", ["y", "n", "t", "f", "on", "off", "2", "-1", "对", "x", ""])
def test_other_yes_no_cells_are_refused(text: str) -> None:
    with pytest.raises(ValueError, match="first_offense") as info:
        bool_cell("first_offense", text)
    assert chinese(str(info.value))


@pytest.mark.parametrize(("text", "value"), [("35", 35), ("３５", 35), (" 35 ", 35), ("0", 0),
                                             ("007", 7)])
def test_whole_number_cells_in_their_documented_forms(text: str, value: int) -> None:
    assert int_cell("party.age", text) == value


@pytest.mark.parametrize("text", ["1_0", "٣٥", "+5", "35.0", "1e2", "3 5", "1,0", "五",
                                  "1234567890", ""])
def test_other_whole_number_cells_are_refused(text: str) -> None:
    # int() reads "1_0" as 10 and "٣٥" as 35: an age of 10 is 应当不予处罚 (Art. 30)
    with pytest.raises(ValueError, match=r"party\.age") as info:
        int_cell("party.age", text)
    assert chinese(str(info.value))


# --- the compiled build ----------------------------------------------------------------------


def test_compiled_modules_bind_each_exception_name_to_one_type() -> None:
    # mypyc types a name by its first binding: ``except MoneyError as exc`` then ``except
    # InvalidOperation as exc`` in one function raised TypeError ("MoneyError object expected;
    # got decimal.InvalidOperation") in the compiled build, where the source raised a
    # CaseError: a number fact "5 5" gave an internal error compiled only.
    found = []
    for module in MODULES:
        tree = ast.parse((SRC / module).read_text(encoding="utf-8"))
        for function in ast.walk(tree):
            if not isinstance(function, ast.FunctionDef | ast.AsyncFunctionDef):
                continue
            types: dict[str, set[str]] = {}
            for node in ast.walk(function):
                if isinstance(node, ast.ExceptHandler) and node.name and node.type is not None:
                    types.setdefault(node.name, set()).add(ast.unparse(node.type))
            found += [f"{module}:{function.name}: {name} is {sorted(kinds)}"
                      for name, kinds in types.items() if len(kinds) > 1]
    assert not found


def test_a_number_fact_with_a_blank_inside_is_a_value_error() -> None:
    decl = FactDecl(name="n", type="number", label="数量")
    with pytest.raises(ValueError, match="数量"):
        coerce_fact(decl, "5 5")
    with pytest.raises(ValueError, match="数量"):
        coerce_fact(FactDecl(name="m", type="money", label="数量"), "5 5")
    with pytest.raises(MoneyError):
        to_money("5 5")


# --- fuzz: every field, every kind of value --------------------------------------------------

# Every field of the contract (a nested one by its path), every fact of the item. A field added
# to the contract must be added here (test_every_field_is_fuzzed).
FIELDS = ["item", "item[0]", "citation", "citation.law", "citation.article", "citation.paragraph",
          "citation.item", "party", "party.kind", "party.age", "party.capacity", "party.name",
          "occurred_on", "ended_on", "discovered_on", "decided_on", "first_offense", "harm",
          "correction", "no_fault_proven", "circumstances", "circumstances[0]", "involves",
          "involves[0]", "facts", "facts.item_count", "facts.area_m2", "facts.income",
          "facts.repeated", "facts.place", "facts.remark", "facts.unknown", "tier", "reference"]

SPECIAL: list[Any] = [
    True, False, None, 0, 1, -1, 14, 150, 151, 2**53 + 1, 10**28, -(10**28), 10**400,
    0.0, -0.0, 1.0, 0.5, 13.999, 1e28, 1e-28, 1e308, float("inf"), float("-inf"), float("nan"),
    Decimal("1e28"), Decimal("-1e28"), Decimal("1E-999999"), Decimal("NaN"), Decimal("sNaN"),
    Decimal("Infinity"), Decimal("0.001"), Decimal("35"),
    "0", "1", "-1", "35", "true", "false", "yes", "no", "是", "否", "null", "1e28", "5 5", "1,0",
    "1,200.50", "１，２００．５０", "１５００元", "0.00001", "", " ", "\u3000", "\x00", "-", "+1",
    "0x10", "1_0", "١٢", "∞", "NaN", "Infinity", "2022-03-01", "２０２２－０３－０１", "0001-01-01",
    "9999-12-31", "1970-01-01", "2022-02-29", "2022-03-01T00:00:00", "individual",
    "organization", "LS-SRHJ-0001", "LS-SRHJ-0099", "life_health", "coerced", "街道",
    "浙江省城市市容和环境卫生管理条例", "x" * 300,
    # what an officer writes (tests/test_officer_inputs.py), in every field
    "个人", "单位", "轻微", "无", "逾期未改正", "尚未完全丧失", "金融安全", "2022年3月1日",
    "２０２２年０３月０１日", "2022年2月29日", "9999年1月1日", "3.6万元", "1.2亿元", "1.2345678万元",
    "5.5平方米", "2件", "45立方米", "1e3万元", "-3平方米", ["金融安全"], ["个人"],
    dt.date(1, 1, 1), dt.date(9999, 12, 31), dt.date(2022, 3, 1), dt.date(1970, 1, 1),
    dt.datetime(2022, 3, 1), dt.datetime(9999, 12, 31, 23, 59), dt.time(12, 0),
    [], {}, [True], [0], ["coerced", "coerced"], {"kind": "individual"}, {"x": 1},
    {"law": "浙江省城市市容和环境卫生管理条例", "article": 11}, b"bytes",
]
# The issue's own examples, drawn more often than the rest
ISSUE: list[Any] = [True, 0, "0", "true", 1e28, "1e28", 10**28, "5 5", "1,0", "0001-01-01",
                    "9999-12-31", dt.date(1, 1, 1), dt.date(9999, 12, 31)]
VALUES = st.one_of(
    st.sampled_from(ISSUE), st.sampled_from(ISSUE), st.sampled_from(ISSUE),
    st.sampled_from(SPECIAL), st.sampled_from(SPECIAL), st.booleans(), st.integers(),
    st.integers(-(10**30), 10**30), st.floats(), st.decimals(), st.text(max_size=12),
    st.dates(), st.dates().map(str), st.datetimes(),
    st.lists(st.sampled_from(SPECIAL), max_size=3),
)


def put(data: dict[str, Any], path: str, value: Any) -> None:
    """Set ``path`` (``party.age``, ``item[0]``) of ``data`` to ``value``, where its parent is a
    mapping (an earlier change may have made it something else)."""
    *parents, last = path.split(".")
    target: Any = data
    for parent in parents:
        target = target.get(parent) if isinstance(target, dict) else None
        if not isinstance(target, dict):
            target = None
            break
        if parent == "citation":
            data["item"] = None
    if target is None and parents:
        return
    if last.endswith("[0]"):
        target[last[:-3]] = [value]
    else:
        target[last] = value


def test_every_field_is_fuzzed(engine: Engine) -> None:
    names = {path.split(".")[0].removesuffix("[0]") for path in FIELDS}
    assert set(Case.model_fields) <= names
    assert {f"party.{name}" for name in Party.model_fields} <= set(FIELDS)
    assert {f"citation.{name}" for name in Citation.model_fields} <= set(FIELDS)
    declared = engine.catalog.benchmarks["LS-SRHJ-0099"].facts or []
    assert {decl.type for decl in declared} == set(get_args(FactDecl.model_fields["type"].annotation))
    assert {f"facts.{decl.name}" for decl in declared} <= set(FIELDS)


def changed(changes: list[tuple[str, Any]]) -> dict[str, Any]:
    data = copy.deepcopy(BASE)
    for path, value in changes:
        if path.startswith("citation.") and not isinstance(data.get("citation"), dict):
            put(data, "citation", {"law": "浙江省城市市容和环境卫生管理条例", "article": 11,
                                   "paragraph": 2})
        put(data, path, value)
    return data


def test_every_odd_value_in_every_field_decides_or_raises_case_error(engine: Engine) -> None:
    # every value of SPECIAL in every field, one at a time: what the fuzz below tries at random
    failures = []
    for path in FIELDS:
        for value in SPECIAL:
            try:
                check_contract(engine, changed([(path, value)]))
            except Exception as exc:  # collected: one report for every field and value
                failures.append(f"{path} = {value!r:.60}: {type(exc).__name__}: {exc!s:.200}")
    assert not failures, "\n".join(failures)


@FUZZ
@given(st.lists(st.tuples(st.sampled_from(FIELDS), VALUES), min_size=1, max_size=3))
def test_any_value_in_any_field_decides_or_raises_case_error(
        engine: Engine, changes: list[tuple[str, Any]]) -> None:
    check_contract(engine, changed(changes))


def check_contract(engine: Engine, data: dict[str, Any]) -> None:
    """``Engine.evaluate(data)`` returns a Decision, whose JSON can be written, or raises
    CaseError with its problems; deciding the validated Case gives the same."""
    try:
        decision = engine.evaluate(data)
    except CaseError as error:
        assert error.problems
        assert all(isinstance(p.message, str) and p.message for p in error.problems)
        error.render()
        outcome: Any = error
    else:
        assert decision.outcome in (None, "not_penalized", "penalized", "correction_only")
        outcome = decision.to_json()
    # the contract's own path (a validated Case) decides the same, or fails the same
    try:
        validated = Case.model_validate(data)
    except ValueError:
        assert isinstance(outcome, CaseError)
        return
    try:
        again = engine.evaluate(validated).to_json()
    except CaseError as error:
        assert isinstance(outcome, CaseError) and error.problems == outcome.problems
    else:
        assert again == outcome


_DAY_TEXT = st.one_of(
    st.dates(min_value=dt.date(1800, 1, 1), max_value=dt.date(2200, 12, 31)).map(dt.date.isoformat),
    st.from_regex(r"[0-9]{4}-[0-9]{2}-[0-9]{2}", fullmatch=True),
    st.text(alphabet="0123456789-年月日 ０１２３\u3000\xa0\x1c\t", max_size=12),
    st.tuples(st.sampled_from(["", " ", "\u3000", "\xa0", "\x1c", "\n"]),
              st.dates(min_value=dt.date(1890, 1, 1), max_value=dt.date(2110, 12, 31)),
              st.sampled_from(["", " ", "\u3000", "\x85", "\x1f"])).map(
        lambda t: t[0] + t[1].isoformat() + t[2]),
)


@given(_DAY_TEXT)
def test_a_day_is_read_as_the_full_check_reads_it(text: str) -> None:
    """Case reads a day where pydantic's core takes it (CaseDate) and, where the core refuses
    it, by the full check (casefields.day_problem and iso_day): the core never takes text the
    full check refuses, and a day either way is the day the full check reads."""
    from pydantic import ConfigDict, TypeAdapter

    from discretion import casefields
    from discretion.case import CaseDate
    from discretion.money import normalize_digits

    full = normalize_digits(text).strip()
    problem = casefields.day_problem(full)
    day = None if problem else dt.date.fromisoformat(casefields.iso_day(full))
    core = TypeAdapter(CaseDate, config=ConfigDict(str_strip_whitespace=True))
    try:
        read = core.validate_python(text)
    except ValueError:
        pass
    else:
        assert read == day
    case = {"item": "LS-SRHJ-0001", "party": {"kind": "organization"}, "occurred_on": text}
    try:
        parsed = Case.model_validate(case)
    except ValueError as refused:
        assert problem is not None and problem in str(refused)
    else:
        assert parsed.occurred_on == day


@pytest.mark.parametrize("value", [dt.date(2022, 3, 1), dt.date(1899, 12, 31), dt.date(2100, 1, 1),
                                   dt.datetime(2022, 3, 1, 8, 0), 20220301, 1.5, True, None,
                                   b"2022-03-01", ["2022-03-01"]])
def test_a_day_given_as_a_value_is_read_as_the_full_check_reads_it(value: object) -> None:
    from discretion import casefields

    problem = casefields.day_problem(value)
    case = {"item": "LS-SRHJ-0001", "party": {"kind": "organization"}, "occurred_on": "2022-03-01",
            "decided_on": value}
    try:
        parsed = Case.model_validate(case)
    except ValueError as refused:
        assert problem is not None and problem in str(refused)
    else:
        assert problem is None and parsed.decided_on == value


def test_no_chinese_choice_name_is_ascii() -> None:
    """casefields.choice_value passes ASCII text through as the contract's own value: that is
    right only while every name it reads is Chinese."""
    from discretion.casefields import CHOICES, choice_value

    for field, names in CHOICES.items():
        for name, value in names.items():
            assert not name.strip().isascii(), (field, name)
            assert choice_value(field, f" {name} ") == value
