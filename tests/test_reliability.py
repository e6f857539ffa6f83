"""Hostile and sloppy input: the engine never crashes, hangs or guesses (docs/reliability.md).

Bounded fuzzing of the YAML loader, the case contract and the Chinese-numeral parser; threads;
full-width input. ``HYPOTHESIS_PROFILE=long`` runs the fuzz tests with many more examples.
"""

from __future__ import annotations

import datetime as dt
import os
import threading
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from discretion import CaseError, Catalog, Engine
from discretion.catalog.yamlpos import YamlError, load_yaml
from discretion.numerals import parse_chinese_integer

# Only these tests: HYPOTHESIS_PROFILE=long turns them into the documented long fuzz run.
LONG = os.environ.get("HYPOTHESIS_PROFILE") == "long"
FUZZ = settings(max_examples=20_000 if LONG else 200, deadline=None,
                suppress_health_check=[HealthCheck.too_slow])

MINI = Path(__file__).parent / "fixtures" / "catalogs" / "mini"


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(Catalog.load(MINI), today=dt.date(2022, 6, 1))


BASE: dict[str, Any] = {
    "item": "LS-SRHJ-0001", "party": {"kind": "individual", "age": 35},
    "occurred_on": "2022-03-01", "decided_on": "2022-05-01", "first_offense": True,
    "harm": "minor", "correction": "overdue", "facts": {"item_count": 5},
}

yaml_text = st.text(alphabet=st.sampled_from(list("ab: -[]{}&*!|>'\"#\n\t 0123456789.,?%@`")),
                    max_size=300)


@FUZZ
@given(yaml_text)
def test_yaml_loader_only_returns_or_raises_located_errors(text: str) -> None:
    try:
        load_yaml(text, "fuzz.yaml")
    except YamlError as exc:
        assert exc.problems and all(p.file == "fuzz.yaml" for p in exc.problems)


json_values = st.recursive(
    st.none() | st.booleans() | st.integers(-10**20, 10**20) | st.text(max_size=20)
    | st.floats(allow_nan=True) | st.dates() | st.dates().map(str) | st.decimals()
    | st.sampled_from([0, "0", "true", "yes", 1e28, "1e28", 10**28, "5 5", "1,0", "0001-01-01",
                       "9999-12-31", "２０２２－０３－０１", "１，２００．５０"]),
    lambda inner: st.lists(inner, max_size=4) | st.dictionaries(st.text(max_size=10), inner, max_size=4),
    max_leaves=20)


@FUZZ
@given(st.dictionaries(st.sampled_from([*sorted(BASE), "citation", "circumstances", "ended_on",
                                        "discovered_on", "no_fault_proven", "involves",
                                        "reference", "x"]),
                       json_values, max_size=8))
def test_any_case_mapping_decides_or_raises_case_error(engine: Engine, patch: dict[str, Any]) -> None:
    case = {**BASE, **patch}
    try:
        decision = engine.evaluate(case)
    except CaseError as exc:
        assert exc.problems
        return
    assert decision.outcome in (None, "not_penalized", "penalized", "correction_only")


@FUZZ
@given(st.text(max_size=30))
def test_numeral_parser_only_returns_or_raises_value_error(text: str) -> None:
    try:
        assert parse_chinese_integer(text) >= 0
    except ValueError:
        pass


def test_full_width_digits_in_dates_and_amounts_are_accepted(engine: Engine) -> None:
    """Documented choice: full-width digits and punctuation (０-９ ． － ，) are read as ASCII."""
    plain = engine.evaluate(BASE)
    wide = engine.evaluate({**BASE, "occurred_on": "２０２２－０３－０１", "facts": {"item_count": "５"}})
    assert wide.to_json() == plain.to_json()


def test_amounts_with_more_than_two_decimals_are_rejected() -> None:
    from discretion.catalog.models import FactDecl
    from discretion.law.facts import coerce_fact

    decl = FactDecl(name="illegal_income", type="money", label="违法所得")
    assert coerce_fact(decl, "１，２００．５０") == Decimal("1200.50")
    with pytest.raises(ValueError, match="two decimals"):
        coerce_fact(decl, "10.001")
    with pytest.raises(ValueError, match="float"):
        coerce_fact(decl, 10.5)


@pytest.mark.parametrize(("patch", "path"), [
    ({"occurred_on": "2022-06-01"}, None),  # after decided_on
    ({"ended_on": "2022-01-01"}, None),  # before occurred_on
    ({"party": {"kind": "individual", "age": -1}}, "party.age"),
    ({"party": {"kind": "individual", "age": 400}}, "party.age"),
    ({"facts": {"item_count": "1e400"}}, "facts.item_count"),
    ({"facts": {"item_count": "-3"}}, "facts.item_count"),
    ({"circumstances": ["bribed"]}, "circumstances[0]"),
    ({"harm": "catastrophic"}, "harm"),
    # values that would silently change the outcome (docs/csv-columns.md, strict values)
    ({"party": {"kind": "individual", "age": True}}, "party.age"),     # not 1: Art. 30
    ({"party": {"kind": "individual", "age": "13"}}, "party.age"),
    ({"occurred_on": 0}, "occurred_on"),                                # not 1970: Art. 36
    ({"occurred_on": "9999-12-31", "decided_on": None}, "occurred_on"),
    ({"decided_on": "0001-01-01"}, "decided_on"),
    ({"first_offense": "yes"}, "first_offense"), ({"no_fault_proven": 1}, "no_fault_proven"),
    ({"facts": {"item_count": "5 5"}}, "facts.item_count"),
    ({"facts": {"item_count": "1,0"}}, "facts.item_count"),
    ({"facts": {"item_count": "1e3"}}, "facts.item_count"),
])
def test_bad_cases_name_the_field(engine: Engine, patch: dict[str, Any], path: str | None) -> None:
    with pytest.raises(CaseError) as info:
        engine.evaluate({**BASE, **patch})
    if path is not None:
        assert path in {p.path for p in info.value.problems}


def test_eight_threads_decide_like_one(engine: Engine) -> None:
    cases = [{**BASE, "facts": {"item_count": n % 25}, "harm": ["none", "minor", "ordinary", "serious"][n % 4],
              "reference": str(n)} for n in range(400)]
    expected = [engine.evaluate(c).to_json() for c in cases]
    fresh = Engine(Catalog.load(MINI), today=dt.date(2022, 6, 1))  # rulesets built under contention
    results: dict[int, list[str]] = {}

    def work(worker: int) -> None:
        results[worker] = [fresh.evaluate(c).to_json() for c in cases]

    threads = [threading.Thread(target=work, args=(w,)) for w in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert all(not t.is_alive() for t in threads)
    assert all(results[w] == expected for w in range(8))


def test_same_case_same_bytes_and_catalog_hash(engine: Engine) -> None:
    first = engine.evaluate(BASE)
    assert first.to_json() == engine.evaluate(dict(BASE)).to_json()
    assert first.catalog is not None and first.catalog.sha256 == engine.catalog.sha256
