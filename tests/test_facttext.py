"""The JSON text of a fact and which numbers durable-rules carries exactly (engine/facttext.py).

The reference for each function is the plain definition it replaces: ``json.dumps`` of the
fact's dict, and the decimal arithmetic of "at most 15 significant digits between 0.0001 and
10**15".
"""

from __future__ import annotations

import json
from decimal import Decimal
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from discretion.engine.facttext import (
    fact_text,
    facts_safe,
    float_safe,
    json_number,
    json_text,
    to_json_value,
)


def reference_float_safe(value: object) -> bool:
    if isinstance(value, bool) or not isinstance(value, int | Decimal):
        return True
    number = Decimal(value)
    if number == 0:
        return True
    if not (Decimal("0.0001") <= abs(number) < Decimal("1e15")):
        return False
    return len(number.normalize().as_tuple().digits) <= 15


def reference_json_value(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int | Decimal):
        number = Decimal(value)
        if number == number.to_integral_value() and abs(number) < 2**53:
            return int(number)
        return float(number)
    return str(value)


def reference_text(facts: dict[str, Any], item: str, number: int, session: str) -> str:
    fact: dict[str, Any] = {"f_" + k: reference_json_value(v) for k, v in facts.items() if v is not None}
    fact.update({"c_on": True, "c_no": number, "sid": session, "c_item": item})
    return json.dumps(fact, ensure_ascii=False)


names = st.text(min_size=1, max_size=12)  # any text: quotes, backslashes, controls, 中文
ints = st.integers(min_value=-(10**20), max_value=10**20) | st.sampled_from(
    [0, 1, -1, 10**15 - 1, 10**15, -(10**15), 2**53 - 1, 2**53, -(2**53)])
decimals = st.decimals(allow_nan=False, allow_infinity=False, places=None) | st.sampled_from(
    [Decimal("0.0001"), Decimal("0.00009"), Decimal("1E+3"), Decimal("-0"), Decimal("123456789012345"),
     Decimal("1234567890123456"), Decimal("12.50"), Decimal("999999999999999.9")])
values = st.none() | st.booleans() | ints | decimals | st.text(max_size=12)


@given(values)
def test_float_safe_is_the_decimal_definition(value: object) -> None:
    assert float_safe(value) == reference_float_safe(value)


@given(values)
def test_to_json_value_is_the_decimal_definition(value: object) -> None:
    got, expected = to_json_value(value), reference_json_value(value)
    assert type(got) is type(expected) and got == expected


@given(decimals)
def test_json_number(value: Decimal) -> None:
    assert json_number(value) == reference_json_value(value)


@given(st.dictionaries(names, values, max_size=6), names, st.integers(min_value=1, max_value=10**12),
       names)
def test_fact_text_is_what_json_dumps_writes(facts: dict[str, Any], item: str, number: int,
                                             session: str) -> None:
    safe = {k: v for k, v in facts.items() if reference_float_safe(v)}
    assert facts_safe(safe)
    text = fact_text(safe, item, number, session)
    assert text == reference_text(safe, item, number, session)
    assert json.loads(text)["c_item"] == item


def test_facts_safe_finds_one_unsafe_value() -> None:
    assert not facts_safe({"a": 1, "b": Decimal("1234567890123456"), "c": "x"})
    assert not facts_safe({"a": 10**15})
    assert facts_safe({"a": None, "b": True, "c": Decimal("0.0001")})


def test_json_text_refuses_what_is_not_a_fact_value() -> None:
    with pytest.raises(TypeError, match="not a JSON value"):
        json_text([1, 2])
