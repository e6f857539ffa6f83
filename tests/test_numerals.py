"""Tests of discretion.numerals: Chinese integers both ways, amounts in yuan, multiples."""

from __future__ import annotations

from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from discretion.numerals import (
    format_chinese_integer,
    parse_amount,
    parse_chinese_integer,
    parse_multiple,
)

STATUTE_NUMBERS = [
    ("零", 0),
    ("一", 1),
    ("十", 10),
    ("十五", 15),
    ("二十", 20),
    ("五十", 50),
    ("一百", 100),
    ("一百零五", 105),
    ("一百一十", 110),
    ("一百二十三", 123),
    ("一千零一", 1001),
    ("一千零一十", 1010),
    ("二千", 2000),
    ("一万", 10000),
    ("一万零五百", 10500),
    ("十万", 100000),
    ("十五万", 150000),
    ("一百万", 1000000),
    ("三千五百万", 35000000),
    ("一亿", 100000000),
    ("一亿零五千", 100005000),
    ("一亿零一万", 100010000),
]


@pytest.mark.parametrize(("text", "value"), STATUTE_NUMBERS)
def test_statute_numbers_both_ways(text: str, value: int) -> None:
    assert parse_chinese_integer(text) == value
    assert format_chinese_integer(value) == text


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("两千", 2000),
        ("两万", 20000),
        ("一十", 10),
        ("〇", 0),
        ("二〇二一", 2021),
        ("一九九六", 1996),
        ("一零五", 105),
        ("123", 123),
        ("１２３", 123),
        ("5,000", 5000),
        ("5万", 50000),
        ("10万", 100000),
        ("３千", 3000),
        (" 三十二 ", 32),
        ("一万亿", 10**12),
        ("壹仟零伍", 1005),
    ],
)
def test_other_accepted_forms(text: str, value: int) -> None:
    assert parse_chinese_integer(text) == value


@pytest.mark.parametrize(
    "text",
    [
        "",
        "   ",
        "1.5万",  # a decimal, even though its value is whole: use parse_amount
        "1.5",
        "百",  # a unit without a digit
        "万",
        "一百五",  # ambiguous: 150 or 105?
        "一万五",
        "一千五十",  # a skipped place without 零
        "一百十",
        "一百零",  # trailing 零
        "一千零零一",
        "零一百",
        "一二三十",
        "一百零五百",
        "一万零五千",  # 零 where no place is skipped
        "五十元",
        "abc",
        "5千5",
        "-5",
        "第五",
    ],
)
def test_invalid_integers_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_chinese_integer(text)


def test_error_message_names_the_text() -> None:
    with pytest.raises(ValueError, match="一百五"):
        parse_chinese_integer("一百五")


def test_format_refuses_negative_and_non_int() -> None:
    with pytest.raises(ValueError):
        format_chinese_integer(-1)
    with pytest.raises(TypeError):
        format_chinese_integer(True)
    with pytest.raises(TypeError):
        format_chinese_integer(1.0)  # type: ignore[arg-type]


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_round_trip_large(n: int) -> None:
    assert parse_chinese_integer(format_chinese_integer(n)) == n


@settings(max_examples=300, deadline=None)
@given(st.integers(min_value=0, max_value=100_000))
def test_round_trip_small(n: int) -> None:
    text = format_chinese_integer(n)
    assert parse_chinese_integer(text) == n
    assert "两" not in text
    assert not text.startswith("一十")


@settings(max_examples=200, deadline=None)
@given(st.integers(min_value=0, max_value=10**12 - 1))
def test_arabic_digits_parse(n: int) -> None:
    assert parse_chinese_integer(str(n)) == n
    assert parse_amount(f"{n}元") == n


def test_exhaustive_round_trip_below_twenty_thousand() -> None:
    for n in range(20_000):
        assert parse_chinese_integer(format_chinese_integer(n)) == n


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("五十元", "50"),
        ("二千元", "2000"),
        ("一万元", "10000"),
        ("十万元", "100000"),
        ("1.5万元", "15000"),
        ("0.5万元", "5000"),
        ("5000元", "5000"),
        ("5,000元", "5000"),
        ("５０００元", "5000"),
        ("二十", "20"),
        ("3万", "30000"),
        ("1.5亿元", "150000000"),
        ("一点五万元", "15000"),
        ("12.50元", "12.5"),
        ("五角", "0.5"),
        ("一元五角", "1.5"),
        ("一元五角二分", "1.52"),
        ("人民币五百元", "500"),
    ],
)
def test_amounts(text: str, value: str) -> None:
    amount = parse_amount(text)
    assert isinstance(amount, Decimal)
    assert amount == Decimal(value)


def test_amount_is_tidy_and_exact() -> None:
    assert str(parse_amount("1.5万元")) == "15000"
    assert str(parse_amount("0.35万元")) == "3500"
    assert str(parse_amount("0.00001万元")) == "0.1"


@settings(max_examples=200, deadline=None)
@given(st.decimals(min_value=0, max_value=100_000, places=2, allow_nan=False))
def test_wan_amounts_are_exact(value: Decimal) -> None:
    assert parse_amount(f"{value}万元") == value * 10000


@pytest.mark.parametrize(
    "text", ["", "元", "万元", "五十块", "1.5.5万元", "五角五角", "十角", "1e3元", "五十美元"]
)
def test_invalid_amounts_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_amount(text)


@pytest.mark.parametrize(
    ("text", "value"),
    [
        ("一倍", "1"),
        ("三倍", "3"),
        ("十倍", "10"),
        ("0.5倍", "0.5"),
        ("2", "2"),
        ("百分之五十", "0.5"),
        ("百分之十五", "0.15"),
        ("百分之一百", "1"),
        ("百分之零点五", "0.005"),
        ("千分之五", "0.005"),
        ("万分之五", "0.0005"),
        ("30%", "0.3"),
        ("0.5%", "0.005"),
        ("５０％", "0.5"),
    ],
)
def test_multiples(text: str, value: str) -> None:
    assert parse_multiple(text) == Decimal(value)


@pytest.mark.parametrize("text", ["", "倍", "一倍以上五倍以下", "百分之", "百分之五十倍", "%"])
def test_invalid_multiples_raise(text: str) -> None:
    with pytest.raises(ValueError):
        parse_multiple(text)


def test_non_strings_are_type_errors() -> None:
    with pytest.raises(TypeError):
        parse_chinese_integer(5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_amount(1.5)  # type: ignore[arg-type]
    with pytest.raises(TypeError):
        parse_multiple(None)  # type: ignore[arg-type]
