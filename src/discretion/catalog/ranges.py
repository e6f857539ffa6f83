"""Statutory and recommended fine ranges: which clause applies to a party, policy bands, yuan.

A fine sanction is written in its own unit: yuan, a multiple of a base fact (illegal income,
goods value) or an amount per unit (per square metre). Bounds are first computed in that unit
(statutory bounds, tier bands from the jurisdiction policy) and then turned into yuan with the
case's facts. All arithmetic is exact :class:`~decimal.Decimal`.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal
from functools import lru_cache
from typing import Final

from discretion.catalog.models import (
    Band,
    PartyScope,
    Payer,
    Policy,
    Sanction,
    SanctionKind,
    Statutory,
    Tier,
    TierFine,
)
from discretion.catalog.sanctions import StageName, compose
from discretion.money import FEN, Range, fmt_yuan

# Enum members the rules compare with, as module constants: in Python 3.11 reading
# `Enum.member` goes through EnumType.__getattr__'s slot (~60 ns); a Final constant of a
# compiled module is read directly.
_BAND_HEAVIER: Final = Band.heavier
_BAND_LIGHTER: Final = Band.lighter
_BAND_ORDINARY: Final = Band.ordinary
_PARTY_SCOPE_ANY: Final = PartyScope.any
_SANCTION_KIND_FINE: Final = SanctionKind.fine
_PAYER_PARTY: Final = Payer.party


def applies_to(scope: PartyScope, party_kind: str) -> bool:
    return scope is _PARTY_SCOPE_ANY or scope.value == party_kind


def clause_sanctions(statutory: Statutory, serious: bool, stage: StageName = "base") -> list[Sanction]:
    """The sanctions of the clause at this stage, serious or not, for either kind of party
    (:func:`~discretion.catalog.sanctions.compose`), each once, in the clause's order."""
    found: dict[int, Sanction] = {}
    for party in ("individual", "organization"):
        for sanction in compose(statutory, party, stage, serious):
            found.setdefault(id(sanction), sanction)
    return list(found.values())


def party_sanctions(statutory: Statutory, party_kind: str, serious: bool = False,
                    stage: StageName = "base") -> list[Sanction]:
    """The statutory sanctions that apply to a party of this kind at this stage."""
    return compose(statutory, party_kind, stage, serious)


def party_fine(statutory: Statutory, party_kind: str, serious: bool = False,
               stage: StageName = "base") -> Sanction | None:
    """The party's own fine (not its persons') at this stage (the first, if several)."""
    for sanction in compose(statutory, party_kind, stage, serious):
        if sanction.kind is _SANCTION_KIND_FINE and sanction.on is _PAYER_PARTY:
            return sanction
    return None


def statutory_bounds(sanction: Sanction) -> Range:
    """The statutory bounds of a fine in its own unit (yuan, multiple or per unit)."""
    assert sanction.max is not None
    return Range(sanction.low, sanction.max)


def policy_band(sanction: Sanction, band: Band, policy: Policy) -> Range:
    """A policy band of a fine's statutory range, in the sanction's own unit.

    Yuan ranges round to the policy step; multiples, per-unit amounts and very narrow ranges
    keep the fen so that bands stay distinct.
    """
    whole = statutory_bounds(sanction)
    lower, upper = policy.bands.get(band)
    in_yuan = not (sanction.base or sanction.per)
    wide = whole.high - whole.low >= policy.rounding * 10
    return whole.band(lower, upper, policy.rounding if in_yuan and wide else FEN)


def tier_bounds(fine: TierFine, sanction: Sanction, policy: Policy) -> Range:
    """A tier's fine bounds in the sanction's own unit."""
    if fine.band is not None:
        return policy_band(sanction, fine.band, policy)
    assert fine.min is not None and fine.max is not None
    return Range(fine.min, fine.max)


def tier_fine_for(tier: Tier, party_kind: str) -> TierFine | None:
    for fine in tier.fines:
        if applies_to(fine.party, party_kind):
            return fine
    return None


@dataclass(frozen=True, slots=True)
class YuanResult:
    """A fine range in yuan, or the name of the fact still needed to compute it."""

    range: Range | None
    missing: str | None = None
    basis: str | None = None


def uses_fallback(sanction: Sanction, base: Decimal) -> bool:
    """没有违法所得（或者违法所得不足X元）的: the clause's fixed range instead of the multiple."""
    if sanction.fallback is None:
        return False
    return base < sanction.threshold if sanction.threshold is not None else base <= 0


def fallback_bounds(sanction: Sanction, bounds: Range) -> Range:
    """``bounds`` (multiples) carried onto the fallback range in yuan: the same fractions of it,
    so that a tier's band (or an adjustment below the minimum) keeps its place."""
    assert sanction.fallback is not None
    whole = statutory_bounds(sanction)
    low, high = sanction.fallback.min, sanction.fallback.max
    if bounds == whole:
        return Range(low, high)
    span = whole.high - whole.low
    if span == 0:
        return Range(low, high)

    def place(value: Decimal) -> Decimal:
        return (low + (high - low) * (value - whole.low) / span).quantize(FEN)

    return Range(max(place(bounds.low), Decimal(0)), place(bounds.high))


def capped(sanction: Sanction, amount: Range) -> Range:
    """但最高不得超过X元: the cap bounds both ends."""
    cap = sanction.cap
    if cap is None or amount.high <= cap:
        return amount
    return Range(min(amount.low, cap), cap)


def to_yuan(sanction: Sanction, bounds: Range, facts: Mapping[str, object],
            labels: Mapping[str, str] | None = None,
            units: Mapping[str, str | None] | None = None) -> YuanResult:
    """Turn bounds in the sanction's unit into yuan using the case's facts (``labels`` and
    ``units`` word the basis: 按非法占用土地面积300平方米计，每平方米100元至1,000元)."""
    labels = labels or {}
    units = units or {}
    cap = "" if sanction.cap is None else f"，最高不超过{fmt_yuan(sanction.cap)}"
    if sanction.base:
        base = facts.get(sanction.base)
        if base is None:
            return YuanResult(None, sanction.base)
        base = Decimal(str(base))
        label = labels.get(sanction.base, sanction.base)
        if uses_fallback(sanction, base):
            assert sanction.fallback is not None
            whole = Range(sanction.fallback.min, sanction.fallback.max)
            if sanction.threshold is None:
                words = f"无{label}，按{whole.human()}"
            else:
                words = f"{label}{base}元，没有或者不足{fmt_yuan(sanction.threshold)}的，按{whole.human()}"
            return YuanResult(capped(sanction, fallback_bounds(sanction, bounds)), basis=words + cap)
        return YuanResult(capped(sanction, bounds.scale(base)),
                          basis=f"{label}{fmt_yuan(base)}的{multiples_words(bounds.low, bounds.high)}" + cap)
    if sanction.per:
        given = facts.get(sanction.per)
        if given is None:
            return YuanResult(None, sanction.per)
        units_given = Decimal(str(given))
        label = labels.get(sanction.per, sanction.per)
        unit = units.get(sanction.per) or ""
        return YuanResult(capped(sanction, bounds.scale(units_given)),
                          basis=f"按{label}{format(units_given.normalize(), 'f')}{unit}计，"
                                f"每{unit or '个'}{fmt_yuan(bounds.low)}至{fmt_yuan(bounds.high)}" + cap)
    return YuanResult(Range(bounds.low.quantize(FEN), bounds.high.quantize(FEN)))


def multiple_words(value: Decimal) -> str:
    """A multiple in the statute's words: 3 → 三倍, 0.05 → 百分之五, 1.6 → 1.6倍, 0.065 → 百分之6.5."""
    return _multiple_words(str(value))


@lru_cache(maxsize=1024)  # a catalog has a few dozen multiples, and their words go in each case's
def _multiple_words(text: str) -> str:  # decision: kept by the multiple's exact text
    from discretion.numerals import format_chinese_integer

    value = Decimal(text)
    if value >= 1:
        if value == value.to_integral_value():
            return f"{format_chinese_integer(int(value))}倍"
        return f"{format(value.normalize(), 'f')}倍"
    percent = (value * 100).normalize()
    if percent == percent.to_integral_value() and percent > 0:
        return f"百分之{format_chinese_integer(int(percent))}"
    return f"百分之{format(percent, 'f')}"


def multiples_words(low: Decimal, high: Decimal) -> str:
    """``一倍以上三倍以下`` / ``百分之五以上百分之十以下`` / ``三倍以下`` (no lower bound)."""
    if low == high:
        return multiple_words(high)
    if low == 0:
        return f"{multiple_words(high)}以下"
    return f"{multiple_words(low)}以上{multiple_words(high)}以下"


def band_name(band: Band) -> str:
    return {_BAND_LIGHTER: "从轻档", _BAND_ORDINARY: "一般档", _BAND_HEAVIER: "从重档"}[band]
