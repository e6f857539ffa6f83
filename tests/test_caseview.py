"""CaseView (law/caseview.py) holds every field of a validated Case, and its helpers agree;
plain_view, the engine's fast path, gives Case's fields or leaves the case to Case."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st
from pydantic import ValidationError

from discretion.case import Case, Party, PlainCase, PlainFactValue, PlainParty, Text
from discretion.law.caseview import CaseView, PartyView, plain_view

DATES = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2030, 12, 31))


def case_of(**fields: Any) -> Case:
    data: dict[str, Any] = {"item": "LS-SRHJ-0001", "party": {"kind": "individual", "age": 30},
                            "occurred_on": "2022-03-01"}
    data.update(fields)
    return Case.model_validate(data)


def test_every_field_of_the_case_and_party_is_in_the_view() -> None:
    case = case_of(citation=None, ended_on="2022-03-02", discovered_on="2022-03-05",
                   decided_on="2022-04-01", first_offense=True, harm="minor",
                   correction="overdue", no_fault_proven=True, circumstances=["coerced"],
                   facts={"item_count": 5}, reference="甲-1",
                   party={"kind": "individual", "age": 16, "capacity": "partial", "name": "张三"})
    view = CaseView(case)
    for name in Case.model_fields:
        if name == "party":
            continue
        assert getattr(view, name) == getattr(case, name), name
    assert isinstance(view.party, PartyView)
    for name in Party.model_fields:
        assert getattr(view.party, name) == getattr(case.party, name), name
    # the containers are the case's own (the view copies no data)
    assert view.facts is case.facts and view.circumstances is case.circumstances


def test_a_citation_and_several_items_are_kept() -> None:
    cited = CaseView(case_of(item=None, citation={"law": "中华人民共和国行政处罚法", "article": 30}))
    assert cited.citation is not None and cited.citation.article == 30
    assert cited.item_ids == []
    several = CaseView(case_of(item=["A", "B"]))
    assert several.item_ids == ["A", "B"]
    assert CaseView(case_of()).item_ids == ["LS-SRHJ-0001"]


# --- plain_view: the engine's fast path gives Case's fields, or leaves the case to Case ------

CASE_FIELDS = [name for name in Case.model_fields if name != "party"]


def fields_of(view: CaseView) -> dict[str, Any]:
    out = {name: getattr(view, name) for name in CASE_FIELDS}
    out["party"] = {name: getattr(view.party, name) for name in Party.model_fields}
    out["fact types"] = {name: type(value) for name, value in view.facts.items()}
    return out


def test_case_validators_are_the_ones_plain_view_checks() -> None:
    # plain_view makes the checks of exactly these validators (law/caseview.py, through
    # casefields): a new validator on Case or Party must be made there too, or this fast path
    # would skip it.
    # _date, _flag, _item_form and _age refuse only what pydantic's core refuses in PlainCase
    # too (strict types, CaseDate), with messages; _date also reads full-width digits, which PlainCase
    # leaves to Case. _date, _flag, _choice and _involves read what an officer writes (2023年9月1日,
    # 是/否, 轻微, 个人…) as the contract's values, which PlainCase refuses: Case reads them.
    assert set(Case.__pydantic_decorators__.field_validators) == {"_date", "_flag", "_item_form",
                                                                  "_items", "_unique", "_choice",
                                                                  "_involves"}
    assert set(Case.__pydantic_decorators__.model_validators) == {"_consistent"}
    assert set(Party.__pydantic_decorators__.field_validators) == {"_age", "_choice"}
    assert set(Party.__pydantic_decorators__.model_validators) == {"_organization_has_no_age"}
    assert not PlainCase.__pydantic_decorators__.field_validators
    assert not PlainCase.__pydantic_decorators__.model_validators
    assert not PlainParty.__pydantic_decorators__.field_validators
    assert not PlainParty.__pydantic_decorators__.model_validators
    # a fact's value: Case makes floats text (plain_view sends them to Case); PlainCase has the
    # strict types alone
    assert PlainCase.model_fields["facts"].annotation == dict[Text, PlainFactValue]


def test_plain_models_have_the_contract_s_fields() -> None:
    assert PlainCase.model_json_schema() == Case.model_json_schema()
    assert PlainParty.model_json_schema() == Party.model_json_schema()


def test_an_ordinary_case_takes_the_fast_path() -> None:
    data = {"item": "LS-SRHJ-0001", "party": {"kind": "individual", "age": 30},
            "occurred_on": "2022-03-01", "decided_on": "2022-05-01", "harm": "minor",
            "circumstances": ["coerced"], "facts": {"item_count": 5, "area": "12.5"}}
    view = plain_view(data)
    assert view is not None
    assert fields_of(view) == fields_of(CaseView(Case.model_validate(data)))


@pytest.mark.parametrize("change", [
    {"occurred_on": "２０２２-０３-０１"},                 # full-width digits: Case converts them
    {"facts": {"area": 12.5}},                            # a float: Case keeps it as text
    {"party": {"kind": "organization", "age": 3}},        # each check of Case's validators
    {"item": []}, {"item": ["A", "A"]}, {"circumstances": ["coerced", "coerced"]},
    {"item": None}, {"citation": {"law": "中华人民共和国行政处罚法", "article": 30}},
    {"ended_on": "2022-02-01"}, {"decided_on": "2022-02-01"}, {"discovered_on": "2022-02-01"},
    {"discovered_on": "2022-06-01", "decided_on": "2022-05-01"},
    # values in forms the contract does not read: Case refuses them, with its messages
    {"party": {"kind": "individual", "age": True}}, {"party": {"kind": "individual", "age": 1.0}},
    {"party": {"kind": "individual", "age": "35"}}, {"occurred_on": 0}, {"occurred_on": 1e9},
    {"occurred_on": "2022-03-01T00:00:00"}, {"occurred_on": dt.datetime(2022, 3, 1)},
    {"occurred_on": "9999-12-31"}, {"occurred_on": dt.date(1, 1, 1)}, {"first_offense": "yes"},
    {"first_offense": 1}, {"no_fault_proven": None}, {"facts": {"a": None}},
    {"citation": {"law": "中华人民共和国行政处罚法", "article": True}, "item": None},
    # what an officer writes: Case reads it as the contract's values
    {"occurred_on": "2022年3月1日"}, {"occurred_on": "2022年03月01日"}, {"first_offense": "是"},
    {"no_fault_proven": "否"}, {"harm": "轻微"}, {"correction": "逾期未改正"},
    {"party": {"kind": "个人"}}, {"party": {"kind": "individual", "capacity": "完全"}},
    {"involves": ["金融安全"]},
])
def test_what_only_case_decides_is_left_to_case(change: dict[str, Any]) -> None:
    data: dict[str, Any] = {"item": "LS-SRHJ-0001", "party": {"kind": "individual"},
                            "occurred_on": "2022-03-01"}
    data.update(change)
    assert plain_view(data) is None


OFFICER = {"item": "LS-SRHJ-0001", "party": {"kind": "单位", "capacity": "不能辨认或者控制"},
           "occurred_on": "2022年3月1日", "ended_on": "２０２２年０３月０２日",
           "discovered_on": " 2022年03月05日 ", "decided_on": "2022年4月1日",
           "first_offense": "是", "no_fault_proven": "否", "harm": "没有", "correction": "拒不改正",
           "involves": ["公民生命健康安全", "financial_security"], "facts": {"area": "45平方米"}}
CONTRACT = {"item": "LS-SRHJ-0001", "party": {"kind": "organization", "capacity": "none"},
            "occurred_on": "2022-03-01", "ended_on": "2022-03-02", "discovered_on": "2022-03-05",
            "decided_on": "2022-04-01", "first_offense": True, "no_fault_proven": False,
            "harm": "none", "correction": "refused",
            "involves": ["life_health", "financial_security"], "facts": {"area": "45平方米"}}


def test_case_reads_what_an_officer_writes_as_the_contract_s_values() -> None:
    # the fast path leaves it to Case, which gives the fields of the same case in the
    # contract's own forms (facts are read later, against the item: law/facts.py)
    assert plain_view(OFFICER) is None
    view = plain_view(CONTRACT)
    assert view is not None
    assert fields_of(CaseView(Case.model_validate(OFFICER))) == fields_of(view)


@pytest.mark.parametrize(("field", "chinese", "value"), [
    ("harm", "无", "none"), ("harm", "轻微", "minor"), ("harm", "一般", "ordinary"),
    ("harm", "严重", "serious"), ("correction", "按期改正", "in_time"),
    ("correction", "期限未届满", "pending"), ("correction", "逾期未改正", "overdue"),
])
def test_each_chinese_choice_is_its_contract_value(field: str, chinese: str, value: str) -> None:
    assert getattr(case_of(**{field: chinese}), field) == value
    assert case_of(party={"kind": "个人", "capacity": "尚未完全丧失"}).party.capacity == "partial"


def test_blanks_around_a_date_are_stripped_on_both_paths() -> None:
    data = {"item": "X", "party": {"kind": "individual"}, "occurred_on": " 2022-03-01 "}
    view = plain_view(data)
    assert view is not None and view.occurred_on == dt.date(2022, 3, 1)
    assert Case.model_validate(data).occurred_on == dt.date(2022, 3, 1)


# Mostly valid cases (so that both paths are taken often), with every odd input now and then.
TEXT_DATES = st.sampled_from(["2022-03-01", " 2022-03-01", "２０２２-03-01", "2022-03-01T00:00:00",
                              "2023-01-01 ", "not a date", "2022-13-01", "0001-01-01",
                              "9999-12-31", "1899-12-31", "2100-01-01", "20220301", "0", "",
                              "2022年3月1日", "2023年09月01日", "2022年2月30日", "2022年3月1号",
                              "9999年1月1日", "2022 年 3 月 1 日"])
# values of other types, where any field may get them
ODD = st.sampled_from([True, False, 0, 1, -1, 1.0, 0.5, 1e28, 10**28, "true", "yes", "1", "0",
                       "1e28", "5 5", "1,0", "", dt.date(1, 1, 1), dt.date(9999, 12, 31),
                       dt.datetime(2022, 3, 1), Decimal("35"), b"x", [], {}, "是", "否", "轻微",
                       "个人", "单位", "金融安全", "3.6万元", "45平方米"])
EARLY = st.dates(min_value=dt.date(2000, 1, 1), max_value=dt.date(2010, 12, 31))
LATE = st.dates(min_value=dt.date(2011, 1, 1), max_value=dt.date(2030, 12, 31))
ODD_DATE = TEXT_DATES | DATES | DATES.map(str) | ODD
FIRST = st.one_of(EARLY.map(str), EARLY.map(str), EARLY, ODD_DATE)
LATER = st.one_of(LATE.map(str), LATE.map(str), LATE, ODD_DATE)
FACT_VALUES = st.one_of(st.integers(0, 10**6), st.text(max_size=6), st.booleans(),
                        st.decimals(allow_nan=False, allow_infinity=False, places=2),
                        st.none() | st.floats(allow_nan=False) | st.lists(st.integers(), max_size=2),
                        ODD)


def mostly(valid: list[Any], odd: list[Any]) -> st.SearchStrategy[Any]:
    return st.sampled_from(valid * 4 + odd)


BASE_CASES = st.fixed_dictionaries(
    {"party": st.fixed_dictionaries(
        {"kind": mostly(["individual", "organization"], ["robot", "个人", "单位"])},
        optional={"age": st.one_of(st.integers(0, 120), st.integers(0, 120), st.none(),
                                   st.integers(-1, 200), ODD),
                  "capacity": mostly(["full", "partial", "none"], ["?", "完全", "尚未完全丧失"]),
                  "name": st.text(max_size=4) | ODD}),
     "occurred_on": FIRST,
     "item": st.one_of(mostly(["LS-SRHJ-0001"], [" X ", "", None, 5]),
                       st.lists(st.sampled_from(["A", "B", "C"]), max_size=3), ODD)},
    optional={"citation": mostly([None], [{"law": "中华人民共和国行政处罚法", "article": 30},
                                          {"law": "中华人民共和国行政处罚法", "article": True},
                                          {"law": "中华人民共和国行政处罚法", "article": 30.0}]),
              "ended_on": st.none() | LATER, "discovered_on": st.none() | LATER,
              "decided_on": st.none() | LATER,
              "first_offense": mostly([True, False, None], ["yes", 1, "是", " 否 "]) | ODD,
              "harm": mostly(["none", "minor", "ordinary", None], ["huge", "无", "严重"]) | ODD,
              "correction": mostly(["in_time", "overdue", None], ["later", "按期改正"]) | ODD,
              "involves": st.none() | st.lists(mostly(["life_health"], [True, 1, "金融安全"]),
                                               max_size=2) | ODD,
              "no_fault_proven": st.booleans() | ODD,
              "circumstances": st.lists(mostly(["coerced", "eliminated_harm"], [" coerced"])
                                        | ODD, max_size=3),
              "facts": st.dictionaries(st.sampled_from(["a", "b", "item_count"]), FACT_VALUES,
                                       max_size=3),
              "reference": st.none() | st.text(max_size=5) | ODD})
# now and then a field the contract does not have
CASES = st.tuples(BASE_CASES, st.integers(0, 9)).map(
    lambda drawn: {**drawn[0], "extra": 1} if drawn[1] == 0 else drawn[0])


@given(CASES)
def test_plain_view_gives_case_s_fields_or_leaves_the_case_to_case(data: dict[str, Any]) -> None:
    try:
        full: CaseView | None = CaseView(Case.model_validate(data))
    except ValidationError:
        full = None
    plain = plain_view(data)
    if plain is not None:
        assert full is not None, "the fast path accepted a case Case refuses"
        assert fields_of(plain) == fields_of(full)


def test_plain_view_keeps_exact_amounts() -> None:
    view = plain_view({"item": "X", "party": {"kind": "individual"}, "occurred_on": "2022-03-01",
                       "facts": {"amount": "1200.50", "n": 3, "d": Decimal("0.1")}})
    assert view is not None
    assert view.facts == {"amount": "1200.50", "n": 3, "d": Decimal("0.1")}
