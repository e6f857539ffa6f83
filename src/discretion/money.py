"""Exact money in yuan: parsing to the fen, ranges, and policy bands of a range.

Money is always :class:`decimal.Decimal`, never a binary float. Amounts carry at most two
decimal places (the fen); JSON output writes them as strings such as ``"1200.00"``.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

FEN = Decimal("0.01")
YUAN = Decimal("1")


class MoneyError(ValueError):
    """An amount is not a valid sum in yuan."""


def to_money(value: object) -> Decimal:
    """Parse an amount in yuan exactly: int, Decimal or numeric string; at most two decimals.

    Floats are refused (they are not exact); full-width digits are accepted, see
    :func:`normalize_digits`.
    """
    if isinstance(value, bool):
        raise MoneyError("true/false is not an amount")
    if isinstance(value, float):
        raise MoneyError(f"{value!r} is a binary float; write the amount as a string, e.g. \"{value}\"")
    if isinstance(value, int):
        amount = Decimal(value)
    elif isinstance(value, Decimal):
        amount = value
    elif isinstance(value, str):
        text = normalize_digits(value).strip().replace(",", "")
        if text.endswith("元"):
            text = text[:-1].strip()
        try:
            amount = Decimal(text)
        except InvalidOperation as exc:
            raise MoneyError(f"{value!r} is not an amount") from exc
    else:
        raise MoneyError(f"{value!r} is not an amount")
    if not amount.is_finite():
        raise MoneyError(f"{value!r} is not a finite amount")
    if amount.as_tuple().exponent < -2 and amount != amount.quantize(FEN):  # type: ignore[operator]
        raise MoneyError(f"{value!r} has more than two decimals (the fen is the smallest unit)")
    return amount.quantize(FEN)


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
