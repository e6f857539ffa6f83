"""Chinese numerals as written in statutes: integers, money amounts and multiples.

Statute text writes numbers in Chinese (``第一百零五条``, ``二千元以上一万元以下``), in Arabic
digits (``5000元``), in full-width digits (``５０００元``) or mixed (``1.5万元``). This module turns
them into exact values and back:

* :func:`parse_chinese_integer` / :func:`format_chinese_integer`: integers, with a canonical
  statute-style spelling such that ``parse_chinese_integer(format_chinese_integer(n)) == n``;
* :func:`parse_amount`: a sum in yuan (``五十元``, ``1.5万元``, ``五角``) as an exact
  :class:`~decimal.Decimal`;
* :func:`parse_multiple`: a multiple or rate (``三倍``, ``百分之五十``, ``千分之五``, ``30%``).

Parsing is strict: ambiguous spoken forms such as ``一百五`` (150 or 105?) or ``一万五`` are
refused, as is a missing ``零`` (``一千五十``). Every refusal is a :class:`ValueError` naming the
text. Binary floats are never used.
"""

from __future__ import annotations

import re
from decimal import Decimal

__all__ = [
    "format_chinese_integer",
    "parse_amount",
    "parse_chinese_integer",
    "parse_multiple",
]

_DIGITS: dict[str, int] = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4,
    "五": 5, "六": 6, "七": 7, "八": 8, "九": 9,
    # Financial (大写) forms, as printed on some fee schedules.
    "壹": 1, "贰": 2, "叁": 3, "肆": 4, "伍": 5, "陆": 6, "柒": 7, "捌": 8, "玖": 9,
}  # fmt: skip
_ZEROS = frozenset("零〇")
_SMALL_UNITS: dict[str, int] = {"十": 10, "拾": 10, "百": 100, "佰": 100, "千": 1000, "仟": 1000}
_BIG_UNITS: tuple[tuple[str, int], ...] = (("亿", 10**8), ("万", 10**4))
_ALL_UNITS: dict[str, int] = {**_SMALL_UNITS, "万": 10**4, "亿": 10**8}
_FORMAT_LIMIT = 10**16  # 一万亿 ... 九千九百九十九万……亿: the largest magnitude we spell

_CANONICAL_DIGITS = "零一二三四五六七八九"
_FULL_WIDTH = str.maketrans("０１２３４５６７８９．，％", "0123456789.,%")
_ARABIC = r"\d+(?:\.\d+)?|\d{1,3}(?:,\d{3})+(?:\.\d+)?"
_ARABIC_WITH_UNITS = re.compile(rf"({_ARABIC})([十百千万亿]*)")


# --- integers -------------------------------------------------------------------------------


def parse_chinese_integer(text: str) -> int:
    """The integer written by ``text``: Chinese numerals, Arabic or full-width digits, or mixed.

    Accepted forms: ``十``, ``十五``, ``二十``, ``一百零五``, ``一千零一``, ``两千``,
    ``三千五百万``, ``一亿``, ``二〇二一`` (digit by digit), ``123``, ``１２３``, ``5万``.
    Refused with :class:`ValueError`: empty text, decimals (``1.5万``: use :func:`parse_amount`),
    ambiguous or malformed Chinese (``一百五``, ``一千五十``, ``百``, ``一二三十``).
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a string, got {type(text).__name__}")
    s = _clean(text)
    if not s:
        raise ValueError(f"{text!r} is not a number: it is empty")
    if s.isascii():
        return _parse_arabic_integer(s, text)
    if s[0].isdigit():
        mixed = _parse_mixed_integer(s, text)
        if mixed is None:
            raise ValueError(f"{text!r} mixes Arabic digits with something other than 十百千万亿")
        return mixed
    if s in _ZEROS:
        return 0
    if len(s) > 1 and all(ch in _DIGITS for ch in s):
        return int("".join(str(_DIGITS[ch]) for ch in s))  # 二〇二一: digit by digit
    return _parse_grouped(s, at_start=True, original=text)


def format_chinese_integer(n: int) -> str:
    """``n`` in canonical statute spelling: 10→十, 15→十五, 105→一百零五, 2000→二千, 0→零.

    ``二`` is used rather than ``两``, a leading ``一十`` is shortened to ``十`` (十五, 十万), and a
    gap in the digits is marked by one ``零`` (一千零一, 一万零五百). Works for 0 ≤ n < 10**16.
    """
    if isinstance(n, bool) or not isinstance(n, int):
        raise TypeError(f"expected an int, got {type(n).__name__}")
    if n < 0:
        raise ValueError(f"{n} is negative; only 0 and positive integers have a statute spelling")
    if n >= _FORMAT_LIMIT:
        raise ValueError(f"{n} is too large to spell (the limit is 10**16)")
    if n == 0:
        return "零"
    return _format_grouped(n, at_start=True)


def _clean(text: str) -> str:
    """Strip whitespace (incl. full-width) and map full-width digits/punctuation to ASCII."""
    return re.sub(r"\s+", "", text.translate(_FULL_WIDTH))


def _parse_arabic_integer(s: str, original: str) -> int:
    if re.fullmatch(r"\d+|\d{1,3}(?:,\d{3})+", s):
        return int(s.replace(",", ""))
    if re.fullmatch(_ARABIC, s):
        raise ValueError(f"{original!r} is not an integer (it has a decimal point)")
    raise ValueError(f"{original!r} is not a number")


def _parse_mixed_integer(s: str, original: str) -> int | None:
    """``5万`` → 50000; None when ``s`` does not start with Arabic digits."""
    match = _ARABIC_WITH_UNITS.fullmatch(s)
    if match is None:
        return None
    digits, units = match.groups()
    if "." in digits:
        raise ValueError(f"{original!r} is not an integer (it has a decimal point)")
    value = int(digits.replace(",", ""))
    for unit in units:
        value *= _ALL_UNITS[unit]
    return value


def _parse_grouped(s: str, *, at_start: bool, original: str) -> int:
    """Chinese numerals with units, split at 亿 then 万 into head·unit + tail."""
    for unit, size in _BIG_UNITS:
        if unit not in s:
            continue
        head, tail = s.split(unit, 1)
        if not head:
            raise ValueError(f"{original!r}: {unit} needs a number before it")
        head_value = _parse_grouped(head, at_start=at_start, original=original)
        if head_value == 0:
            raise ValueError(f"{original!r}: 零{unit} is not a number")
        return head_value * size + _parse_tail(tail, size, original)
    return _parse_section(s, at_start=at_start, original=original)


def _parse_tail(tail: str, size: int, original: str) -> int:
    """The part after 万/亿: a leading 零 marks a gap, otherwise it must fill the next place."""
    if not tail:
        return 0
    gap = tail[0] in _ZEROS
    body = tail[1:] if gap else tail
    if not body or body[0] in _ZEROS:
        raise ValueError(f"{original!r}: misplaced 零")
    value = _parse_grouped(body, at_start=False, original=original)
    if gap and value >= size // 10:
        raise ValueError(f"{original!r}: 零 where no place is skipped")
    if not gap and value < size // 10:
        raise ValueError(
            f"{original!r} is ambiguous: a place is skipped without 零 "
            "(write e.g. 一万零五百, or 一万五千 for 15000)"
        )
    return value


def _section_groups(s: str, *, at_start: bool, original: str) -> list[tuple[int, int, bool]]:
    """Split a number below 10000 into (digit, place, preceded_by_零) groups."""
    groups: list[tuple[int, int, bool]] = []
    i, zero = 0, False
    while i < len(s):
        ch = s[i]
        if ch in _ZEROS:
            if zero or not groups:
                raise ValueError(f"{original!r}: misplaced 零")
            zero, i = True, i + 1
            continue
        if ch in _DIGITS:
            place = _SMALL_UNITS.get(s[i + 1], 0) if i + 1 < len(s) else 1
            if place == 0:
                raise ValueError(f"{original!r}: unexpected {s[i + 1]!r} after {ch!r}")
            groups.append((_DIGITS[ch], place, zero))
            i += 1 if place == 1 else 2
        elif ch in ("十", "拾") and i == 0 and at_start:
            groups.append((1, 10, zero))  # 十五 = 一十五 at the start of a number
            i += 1
        else:
            raise ValueError(f"{original!r}: unexpected {ch!r}")
        zero = False
    if zero:
        raise ValueError(f"{original!r}: a number cannot end with 零")
    return groups


def _parse_section(s: str, *, at_start: bool, original: str) -> int:
    """A number below 10000 written with 千/百/十; places must be in canonical order."""
    groups = _section_groups(s, at_start=at_start, original=original)
    value, previous = 0, 0
    for digit, place, after_zero in groups:
        if previous:
            if after_zero and place * 10 >= previous:
                raise ValueError(f"{original!r}: 零 where no place is skipped")
            if not after_zero and place * 10 != previous:
                raise ValueError(
                    f"{original!r} is ambiguous or out of order: a place is skipped without 零 "
                    "(write e.g. 一百零五 or 一百五十)"
                )
        value += digit * place
        previous = place
    return value


def _format_grouped(n: int, *, at_start: bool) -> str:
    for unit, size in _BIG_UNITS:
        if n >= size:
            head, rest = divmod(n, size)
            text = _format_grouped(head, at_start=at_start) + unit
            if rest:
                gap = rest < size // 10
                text += ("零" if gap else "") + _format_grouped(rest, at_start=False)
            return text
    return _format_section(n, at_start=at_start)


def _format_section(n: int, *, at_start: bool) -> str:
    parts: list[str] = []
    pending_zero = False
    for place, unit in ((1000, "千"), (100, "百"), (10, "十"), (1, "")):
        digit = n // place % 10
        if digit == 0:
            pending_zero = bool(parts)
            continue
        if pending_zero:
            parts.append("零")
            pending_zero = False
        parts.append(_CANONICAL_DIGITS[digit] + unit)
    text = "".join(parts)
    if at_start and text.startswith("一十"):
        text = text[1:]
    return text


# --- decimals, amounts and multiples --------------------------------------------------------


def _parse_decimal(text: str, original: str) -> Decimal:
    """A non-negative number: Arabic (``1.5``, ``1.5万``) or Chinese (``十万``, ``一点五万``)."""
    s = _clean(text)
    if not s:
        raise ValueError(f"{original!r}: a number is missing")
    match = _ARABIC_WITH_UNITS.fullmatch(s)
    if match is not None:
        value = Decimal(match.group(1).replace(",", ""))
        for unit in match.group(2):
            value *= _ALL_UNITS[unit]
        return _tidy(value)
    if "点" in s:
        return _parse_chinese_decimal(s, original)
    try:
        return Decimal(parse_chinese_integer(s))
    except ValueError as exc:
        raise ValueError(f"{original!r} is not a number: {exc}") from exc


def _parse_chinese_decimal(s: str, original: str) -> Decimal:
    """``一点五万`` → 15000, ``零点五`` → 0.5 (fraction digits are read one by one)."""
    whole, _, rest = s.partition("点")
    units = ""
    while rest and rest[-1] in "十百千万亿":
        units, rest = rest[-1] + units, rest[:-1]
    if not whole or not rest or any(ch not in _DIGITS for ch in rest):
        raise ValueError(f"{original!r} is not a decimal number")
    value = Decimal(f"{parse_chinese_integer(whole)}.{''.join(str(_DIGITS[c]) for c in rest)}")
    for unit in units:
        value *= _ALL_UNITS[unit]
    return _tidy(value)


def _tidy(value: Decimal) -> Decimal:
    """Drop redundant trailing zeros without switching to exponent notation."""
    if value == value.to_integral_value():
        return value.quantize(Decimal(1))
    return value.normalize()


def parse_amount(text: str) -> Decimal:
    """A sum of money in yuan, exactly: ``五十元`` → 50, ``1.5万元`` → 15000, ``五角`` → 0.5.

    The unit ``元`` is optional; ``万`` and ``亿`` multiply; ``人民币`` in front is ignored;
    ``X元Y角Z分`` is understood. The result is not rounded: ``Decimal("15000")``,
    ``Decimal("0.5")``. Raises :class:`ValueError` on anything else.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a string, got {type(text).__name__}")
    s = _clean(text).removeprefix("人民币").removesuffix("整")
    yuan, jiao, fen = _split_money_units(s, text)
    total = Decimal(0)
    if yuan is not None:
        total += _parse_decimal(yuan, text)
    for part, scale in ((jiao, Decimal("0.1")), (fen, Decimal("0.01"))):
        if part is not None:
            value = _parse_decimal(part, text)
            if value != value.to_integral_value() or value > 9:
                raise ValueError(f"{text!r}: 角 and 分 take a single digit")
            total += value * scale
    return _tidy(total)


def _split_money_units(s: str, original: str) -> tuple[str | None, str | None, str | None]:
    """``一元五角`` → (``一``, ``五``, None); a bare number is yuan."""
    if not any(unit in s for unit in "元角分"):
        return (s, None, None)
    match = re.fullmatch(r"(?:(.+?)元)?(?:(.+?)角)?(?:(.+?)分)?", s)
    if match is None:
        raise ValueError(f"{original!r} is not an amount of money")
    yuan, jiao, fen = match.groups()
    return yuan, jiao, fen


_RATIO_PREFIXES: tuple[tuple[str, Decimal], ...] = (
    ("百分之", Decimal(100)),
    ("千分之", Decimal(1000)),
    ("万分之", Decimal(10000)),
)


def parse_multiple(text: str) -> Decimal:
    """A multiple or rate: ``三倍`` → 3, ``百分之五十`` → 0.5, ``千分之五`` → 0.005, ``30%`` → 0.3.

    Also ``0.5倍``, ``百分之零点五``, ``万分之五``, ``５０％`` and bare numbers (``3``). Raises
    :class:`ValueError` on anything else, including ranges such as ``一倍以上五倍以下``.
    """
    if not isinstance(text, str):
        raise TypeError(f"expected a string, got {type(text).__name__}")
    s = _clean(text)
    for prefix, denominator in _RATIO_PREFIXES:
        if s.startswith(prefix):
            return _tidy(_parse_decimal(s[len(prefix) :], text) / denominator)
    if s.endswith("%"):
        return _tidy(_parse_decimal(s[:-1], text) / 100)
    if s.endswith("‰"):
        return _tidy(_parse_decimal(s[:-1], text) / 1000)
    return _parse_decimal(s.removesuffix("倍"), text)
