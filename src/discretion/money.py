"""Exact money in yuan: parsing to the fen, ranges, and policy bands of a range.

Money is always :class:`decimal.Decimal`, never a binary float. Amounts carry at most two
decimal places (the fen); JSON output writes them as strings such as ``"1200.00"``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal

FEN = Decimal("0.01")
YUAN = Decimal("1")


class MoneyError(ValueError):
    """An amount is not a valid sum in yuan."""


def to_money(value: object, *, scaled: bool = False) -> Decimal:
    """Parse an amount in yuan exactly: an int, a Decimal, or text in the documented forms.

    Text is digits with an optional decimal point and at most two decimals (``1200``,
    ``1200.5``, ``1200.50``), optionally with thousands separators in groups of three
    (``1,200.50``; ``1,0`` and ``12,34`` are refused, never read as 10 or 1234), a leading
    ``-`` (the callers refuse negative amounts with their own message) and a trailing ``元``;
    full-width digits and punctuation are read as ASCII (:func:`normalize_digits`). Anything
    else is refused: exponents (``1e28``), blanks inside (``5 5``), ``+``, other scripts'
    digits. Floats are refused (they are not exact); so are amounts too large to hold to the
    fen. Every refusal is a :class:`MoneyError` whose message says what to write.

    With ``scaled`` (what an officer writes in a case: :func:`discretion.law.facts.coerce_fact`)
    the number may also be followed by ``万`` or ``亿`` (then an optional ``元``), read exactly:
    ``3.6万元`` is 36000.00, ``1.2亿元`` is 120000000.00, ``0.00005万元`` is 0.50; an amount
    that is finer than the fen once multiplied (``1.234567万元``, 12345.67 元, is read;
    ``1.2345678万元`` is refused) is refused, never rounded.
    """
    if isinstance(value, bool):
        raise MoneyError(f"{shown(value)} is not an amount: {_WRITE_SCALED if scaled else _WRITE}")
    if isinstance(value, float):
        raise MoneyError(f"{value!r} is a binary float: write the amount as a string, "
                         f"e.g. \"{value}\"; 金额请以文本填写，如\"1200.50\"")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        text = normalize_digits(value).strip()
        if text.endswith("元"):
            text = text[:-1].rstrip()
        if scaled and text.endswith(("万", "亿")):
            return _scaled(value, text)
        if _AMOUNT.fullmatch(text) is None:
            if _OVER_FEN.fullmatch(text):
                raise MoneyError(f"{shown(value)} has more than two decimals (the fen is the "
                                 "smallest unit); 金额最多保留两位小数（分）")
            raise MoneyError(f"{shown(value)} is not an amount: "
                             f"{_WRITE_SCALED if scaled else _WRITE}")
        amount = Decimal(text.replace(",", ""))
    else:
        raise MoneyError(f"{shown(value)} is not an amount: {_WRITE_SCALED if scaled else _WRITE}")
    if not amount.is_finite():
        raise MoneyError(f"{shown(value)} is not a finite amount: "
                         f"{_WRITE_SCALED if scaled else _WRITE}")
    return _to_fen(value, amount)


def _to_fen(value: object, amount: Decimal) -> Decimal:
    """A finite ``amount`` (read from ``value``) to the fen, or MoneyError: too large, or
    finer than the fen."""
    if amount.adjusted() >= _MAX_DIGITS:
        raise MoneyError(f"{shown(value)} is too large an amount (more than {_MAX_DIGITS} digits); "
                         "金额过大，请核对")
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(FEN):  # type: ignore[operator]
        raise MoneyError(f"{shown(value)} has more than two decimals (the fen is the smallest "
                         "unit); 金额最多保留两位小数（分）")
    return amount.quantize(FEN)


def _scaled(value: object, text: str) -> Decimal:
    """The amount of ``text`` (``value`` read, without its ``元``), which ends in 万 or 亿."""
    shift = _SCALES[text[-1]]
    number = text[:-1].rstrip()
    if _SCALED_NUMBER.fullmatch(number) is None:
        raise MoneyError(f"{shown(value)} is not an amount: {_WRITE_SCALED}")
    sign, digits, exponent = Decimal(number.replace(",", "")).as_tuple()
    assert isinstance(exponent, int)  # a finite number: digits with a decimal point
    exponent += shift
    amount = Decimal((sign, digits, exponent))  # times 10**shift, exactly
    if amount.adjusted() < _MAX_DIGITS and exponent < -2 and amount != amount.quantize(FEN):
        raise MoneyError(f"{shown(value)} is {amount:f} yuan, finer than the fen (the smallest "
                         "unit): check the amount; 金额换算为元后最多保留两位小数（分），"
                         f"{text}元即{amount:f}元，请核对")
    return _to_fen(value, amount)


# The documented forms of an amount as text (after normalize_digits): digits, or digits in
# groups of three separated by commas, then at most two decimals. ASCII digits only: \d would
# also take other scripts' digits, which Decimal reads.
_WHOLE = r"-?(?:[0-9]+|[1-9][0-9]{0,2}(?:,[0-9]{3})+)"
_AMOUNT = re.compile(_WHOLE + r"(?:\.[0-9]{1,2})?")
_OVER_FEN = re.compile(_WHOLE + r"\.[0-9]{3,}")  # well formed, but finer than the fen
_WRITE = ("write digits with at most two decimals, e.g. 1200.50 or 1,200.50 (thousands "
          "separators in groups of three); 金额应填写数字，最多两位小数，如 1200.50")
_WRITE_SCALED = ("write digits with at most two decimals, e.g. 1200.50 or 1,200.50 (thousands "
                 "separators in groups of three), or in 万元 or 亿元, e.g. 3.6万元; "
                 "金额应填写数字，最多两位小数，如 1200.50、36000元、3.6万元")
# An amount in 万 or 亿 (what an officer writes in a case): any number of decimals, as long as
# the amount in yuan is exact to the fen (checked once multiplied)
_SCALED_NUMBER = re.compile(_WHOLE + r"(?:\.[0-9]+)?")
_SCALES: dict[str, int] = {"万": 4, "亿": 8}
# Amounts up to 10**24 - 1 yuan: quantized to the fen they stay within the decimal context's
# 28 digits (callers set their own, lower, limits).
_MAX_DIGITS = 24


def shown(value: object) -> str:
    """``value`` as an error message quotes it: its repr, shortened when long (a huge int is
    described, not printed: Python refuses to print ints of more than 4,300 digits); true,
    false and null as JSON and YAML write them."""
    if isinstance(value, bool) or value is None:
        return {True: "true", False: "false", None: "null"}[value]
    if isinstance(value, int) and value.bit_length() > 100:
        return f"an integer of about {value.bit_length() * 30103 // 100000 + 1} digits"
    text = repr(value)
    return text if len(text) <= 40 else text[:37] + "..."


_FULL_WIDTH = str.maketrans("０１２３４５６７８９．－＋，", "0123456789.-+,")


def normalize_digits(text: str) -> str:
    """Full-width digits and punctuation (０-９ ． － ，) to their ASCII forms."""
    return text if text.isascii() else text.translate(_FULL_WIDTH)


def fmt(amount: Decimal) -> str:
    """``Decimal`` yuan as a contract string with two decimals: ``"1200.00"``."""
    return str(amount.quantize(FEN))


def fmt_yuan(amount: Decimal) -> str:
    """Human form: ``1,200元`` or ``12.50元``."""
    q = amount.quantize(FEN)
    if q == q.to_integral_value():
        return f"{int(q):,}元"
    return f"{q:,}元"


@dataclass(frozen=True, slots=True)
class Range:
    """A closed range of money ``[low, high]`` in yuan."""

    low: Decimal
    high: Decimal

    def __post_init__(self) -> None:
        if self.low > self.high:
            raise MoneyError(f"range low {self.low} above high {self.high}")

    def contains(self, other: Range) -> bool:
        return self.low <= other.low and other.high <= self.high

    def clamp(self, other: Range) -> Range:
        """``other`` cut to this range (empty overlaps collapse to the nearer edge)."""
        low = min(max(other.low, self.low), self.high)
        high = max(min(other.high, self.high), self.low)
        return Range(low, max(low, high))

    def scale(self, factor: Decimal) -> Range:
        return Range((self.low * factor).quantize(FEN), (self.high * factor).quantize(FEN))

    def band(self, lower: Decimal, upper: Decimal, step: Decimal = YUAN) -> Range:
        """The part of the range between fractions ``lower`` and ``upper`` of its width.

        Each edge is rounded half-up to ``step`` (a whole yuan by default) by the same rule,
        so adjacent bands share their boundary exactly; the range's own ends are kept.
        """
        width = self.high - self.low
        low = _round(self.low + width * lower, step, ROUND_HALF_UP)
        high = _round(self.low + width * upper, step, ROUND_HALF_UP)
        if lower == 0:
            low = self.low
        if upper == 1:
            high = self.high
        low = max(self.low, min(low, self.high))
        high = min(self.high, max(high, low))
        return Range(low, high)

    def as_dict(self) -> dict[str, str]:
        return {"min": fmt(self.low), "max": fmt(self.high)}

    def human(self) -> str:
        if self.low == self.high:
            return fmt_yuan(self.low)
        if self.low == 0:
            return f"{fmt_yuan(self.high)}以下"
        return f"{fmt_yuan(self.low)}以上{fmt_yuan(self.high)}以下"


def _round(value: Decimal, step: Decimal, rounding: str) -> Decimal:
    return ((value / step).to_integral_value(rounding=rounding) * step).quantize(FEN)
