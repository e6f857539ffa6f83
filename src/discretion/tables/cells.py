"""The one grammar of readable cells: citations, and penalties written in words.

Reading: :func:`parse_citations` turns ``《X条例》第十一条第一款、第二款：…`` into citations and
the text after them; :func:`parse_tier_penalty` turns a tier's recommended penalty in words —
the 16-column table's 裁量基准 and the published layout's 裁量幅度 alike — into explicit tier
fines and other sanctions: ``处50元以上150元以下罚款``, ``可处1万元以下罚款`` (0 to 10,000),
``对单位处…；对个人处…``, ``处违法所得1倍以上3倍以下罚款``, ``没收违法所得，并处…``, ``警告``,
``不予罚款``. Amounts go through :mod:`discretion.numerals` (``五十元``, ``1,200元``, ``1.5万元``).

Writing: :func:`penalty_words` is the inverse, amounts computed from the policy bands per
party; what it writes :func:`parse_tier_penalty` reads back.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from decimal import Decimal

from pydantic import ValidationError

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import (
    SANCTION_LABELS,
    BenchmarkItem,
    Citation,
    Mode,
    PartyScope,
    Policy,
    Sanction,
    SanctionKind,
    Tier,
    TierFine,
)
from discretion.catalog.ranges import (
    band_name,
    clause_sanctions,
    party_fine,
    tier_bounds,
    tier_fine_for,
)
from discretion.money import Range, fmt_yuan
from discretion.numerals import parse_amount, parse_chinese_integer, parse_multiple
from discretion.tables.columns import BASE_LABELS, PARTY_WORDS

__all__ = ["CellError", "TierReading", "parse_citations", "parse_tier_penalty", "penalty_words",
           "reference_citations", "tier_penalty_text"]


# --- writing: penalties in words --------------------------------------------------------------------


def num_text(value: Decimal) -> str:
    return format(value.normalize(), "f") if value == value.to_integral_value() else format(value, "f")


def fine_words(item: BenchmarkItem, sanction: Sanction, bounds: Range) -> str:
    if sanction.base:
        label = BASE_LABELS.get(sanction.base) or _fact_label(item, sanction.base)
        text = f"处{label}{num_text(bounds.low)}倍以上{num_text(bounds.high)}倍以下罚款"
        if sanction.fallback is not None:
            fallback = Range(sanction.fallback.min, sanction.fallback.max)
            below = "" if sanction.threshold is None else f"或者{label}不足{fmt_yuan(sanction.threshold)}"
            text += f"（无{label}{below}的，处{fallback.human()}罚款）"
        return text + _cap_words(sanction)
    if sanction.per:
        decl = next((f for f in item.facts if f.name == sanction.per), None)
        unit = (decl.unit or decl.label) if decl else sanction.per
        return f"按每{unit}{num_text(bounds.low)}元以上{num_text(bounds.high)}元以下处以罚款" + _cap_words(sanction)
    return f"处{bounds.human()}罚款"


def _cap_words(sanction: Sanction) -> str:
    return "" if sanction.cap is None else f"，但最高不得超过{fmt_yuan(sanction.cap)}"


def _fact_label(item: BenchmarkItem, name: str) -> str:
    decl = next((f for f in item.facts if f.name == name), None)
    return decl.label if decl else name


def tier_penalty_text(item: BenchmarkItem, tier: Tier, catalog: Catalog) -> str:
    """The tier's recommended penalty in words (裁量基准), amounts computed per party."""
    return penalty_words(item, tier, catalog.manifest.policy)


def penalty_words(item: BenchmarkItem, tier: Tier, policy: Policy, *, may: bool = False) -> str:
    """The tier's recommended penalty in words, amounts computed per party from the policy.

    With ``may``, a fine the clause leaves to the authority (``mode: may``, 可以处) is written
    ``可处…``, as published tables write it."""
    serious = tier.uses == "serious"
    words: dict[str, str] = {}
    for party in ("organization", "individual"):
        sanction = party_fine(item.statutory, party, serious)
        tier_fine = tier_fine_for(tier, party)
        if sanction is None or tier_fine is None:
            continue
        text = fine_words(item, sanction, tier_bounds(tier_fine, sanction, policy))
        words[party] = ("可" + text) if may and sanction.mode is Mode.may else text
    parts: list[str] = []
    if len(words) == 2 and words["organization"] == words["individual"]:
        parts.append(words["organization"])
    else:
        parts += [PARTY_WORDS[p] + w for p, w in words.items()]
    others = [SANCTION_LABELS[k] for k in tier.sanctions]
    text = "；".join(parts)
    if others:
        text += ("，并处" if text else "给予") + "、".join(others)
    if not text:
        text = "不予罚款"
    return text


def statutory_kinds(item: BenchmarkItem, tier: Tier) -> str:
    kinds: list[str] = []
    for sanction in clause_sanctions(item.statutory, tier.uses == "serious"):
        label = SANCTION_LABELS[sanction.kind]
        if label not in kinds:
            kinds.append(label)
    return "、".join(kinds)


def tier_fine_note(tier: Tier) -> str:
    notes = []
    for fine in tier.fines:
        party = {"any": "", "individual": "个人", "organization": "单位"}[fine.party.value]
        notes.append(party + (band_name(fine.band) if fine.band is not None
                              else f"{num_text(fine.min or Decimal(0))}–{num_text(fine.max or Decimal(0))}"))
    return "、".join(notes)

# --- reading: citations -----------------------------------------------------------------

_CN = "零〇一二两三四五六七八九十百千万"
_CITE_TOKEN = re.compile(
    rf"《(?P<law>(?:[^《》]|《[^《》]*》)+)》"  # 《浙江省实施《中华人民共和国人民防空法》办法》
    rf"|第(?P<num>[{_CN}\d０-９]+)(?P<unit>条|款)"
    rf"|第[（(]?(?P<item>[{_CN}\d０-９]+)[）)]?项"
    rf"|(?P<sep>[\s、，,；;和及与或者以规定的之]+)")


class CellError(ValueError):
    """A readable cell that cannot be parsed; carries the column."""

    def __init__(self, column: str, message: str, expected: str | None = None) -> None:
        super().__init__(message)
        self.column = column
        self.expected = expected


def parse_citations(text: str, column: str = "") -> tuple[list[Citation], str]:
    """``《X条例》第十一条第一款、第二款：…`` → the citations, and the text after them.

    A 款 or 项 without a law and article before it, or an article without a law, is refused.
    """
    citations: list[Citation] = []
    law: str | None = None
    article = paragraph = item = None
    pending = False

    def flush() -> None:
        nonlocal pending
        if not pending:
            return
        if law is None or article is None:
            raise CellError(column, f"citation without a law name or article in {text!r}",
                            "《法规名称》第N条第N款")
        try:
            citations.append(Citation(law=law, article=article, paragraph=paragraph, item=item))
        except ValidationError as exc:
            raise CellError(column, f"bad citation in {text!r}: {exc.errors()[0]['msg']}") from None
        pending = False

    pos = 0
    s = text.strip()
    while pos < len(s):
        match = _CITE_TOKEN.match(s, pos)
        if match is None:
            break
        try:
            if match.group("law"):
                flush()
                law, article, paragraph, item = match.group("law").strip(), None, None, None
            elif match.group("unit") == "条":
                flush()
                article, paragraph, item = parse_chinese_integer(match.group("num")), None, None
                pending = True
            elif match.group("unit") == "款":
                if paragraph is not None:
                    flush()
                paragraph, item = parse_chinese_integer(match.group("num")), None
                pending = True
            elif match.group("item"):
                if item is not None:
                    flush()
                item = parse_chinese_integer(match.group("item"))
                pending = True
        except ValueError as exc:
            raise CellError(column, f"unreadable number in citation {text!r}: {exc}") from None
        pos = match.end()
    flush()
    rest = s[pos:].lstrip("：:　 \n")
    return citations, rest


_NUM = r"(?:\d{1,3}(?:,\d{3})+(?:\.\d+)?|[\d０-９.．零〇一二两三四五六七八九十百千]+)[万亿]?"
_T_RANGE = re.compile(rf"(?P<lo>{_NUM})元?(?:以上|至|到|-|－|—|~|～)(?P<hi>{_NUM})元(?:以下)?")
_T_MAX = re.compile(rf"(?P<hi>{_NUM})元以下")
_T_FIXED = re.compile(rf"(?P<hi>{_NUM})元")
_T_MULT = re.compile(rf"(?P<lo>{_NUM})倍(?:以上|至|到|-|－|—|~|～)(?P<hi>{_NUM})倍(?:以下)?")
_T_MULT_MAX = re.compile(rf"(?P<hi>{_NUM})倍以下")
_T_MULT_FIXED = re.compile(rf"(?P<hi>{_NUM})倍(?!以)")
_RANGE_WORDS = re.compile(r"以上|以下|至|到")
# a note on the clause's fixed range for want of a base (没有违法所得的，处…): the tier's place
# in the range is carried onto it, the words are not a second fine
_FALLBACK_NOTE = re.compile(r"(?:没有|无)(?:违法所得|货值金额|违法经营额)|(?:违法所得|货值金额)[^，,倍]*不足")
_KIND_WORDS: tuple[tuple[SanctionKind, str], ...] = (
    (SanctionKind.warning, "警告"),
    (SanctionKind.public_criticism, "通报批评"),
    (SanctionKind.confiscate_income, "没收违法所得"),
    (SanctionKind.confiscate_property, "没收非法财物"),
    (SanctionKind.suspend_licence, "暂扣"),
    (SanctionKind.revoke_licence, "吊销"),
    (SanctionKind.suspend_business, "停产停业"),
    (SanctionKind.suspend_business, "停业整顿"),
    (SanctionKind.suspend_business, "停产整顿"),
    (SanctionKind.downgrade_qualification, "降低资质等级"),
    (SanctionKind.restrict_business, "限制开展生产经营活动"),
    (SanctionKind.bar_from_trade, "限制从业"),
    (SanctionKind.detention, "拘留"),
    (SanctionKind.close, "责令关闭"),
)


@dataclass
class TierReading:
    """A tier's penalty as read from its words: the fines (bounds in the words' unit), the other
    kinds named, and the unit: multiples of a base (``倍``) or amounts per unit (``按每…``)."""

    fines: list[TierFine]
    kinds: list[SanctionKind]
    multiple: bool
    per: bool = False

    @property
    def unit(self) -> str:
        """``multiple``, ``per`` or ``yuan``."""
        return "multiple" if self.multiple else "per" if self.per else "yuan"


def _bounds(seg: str, column: str) -> tuple[Decimal, Decimal, str] | None:
    """The fine's bounds a segment writes and their unit (``multiple``, ``per``, ``yuan``), or
    None when it writes no amount. A segment whose amount is only partly readable (a range word
    outside the amount read) is refused rather than read as something else."""
    found: tuple[Decimal, Decimal, str] | None = None
    amount: re.Match[str] | None
    if (amount := _T_MULT.search(seg)) is not None:
        found = parse_multiple(amount["lo"]), parse_multiple(amount["hi"]), "multiple"
    elif (amount := _T_MULT_MAX.search(seg)) is not None:
        found = Decimal(0), parse_multiple(amount["hi"]), "multiple"
    elif (amount := _T_MULT_FIXED.search(seg)) is not None:
        found = parse_multiple(amount["hi"]), parse_multiple(amount["hi"]), "multiple"
    elif (amount := _T_RANGE.search(seg)) is not None:
        found = parse_amount(amount["lo"]), parse_amount(amount["hi"]), "yuan"
    elif (amount := _T_MAX.search(seg)) is not None:
        found = Decimal(0), parse_amount(amount["hi"]), "yuan"
    elif (amount := _T_FIXED.search(seg)) is not None:
        found = parse_amount(amount["hi"]), parse_amount(amount["hi"]), "yuan"
    if amount is None or found is None:
        return None
    # what the segment says besides the amount read (a note in brackets aside: （无违法所得的…）)
    outside = (seg[:amount.start()] + "|" + seg[amount.end():]).split("（")[0]
    outside = re.sub(r"[，,]?但?最高(?:不得)?(?:超过|不超过).*", "", outside)  # a cap
    if _RANGE_WORDS.search(outside) or re.search(r"\d[万亿]?元|倍", outside):
        raise CellError(column, f"only part of the amount can be read: {seg!r}",
                        "X元以上Y元以下罚款, or 违法所得N倍以上M倍以下罚款 (digits or Chinese "
                        "numerals: 2000元, 二千元, 1.5万元)")
    if found[2] == "yuan" and "每" in seg[:amount.start()]:
        return found[0], found[1], "per"
    return found


def parse_tier_penalty(text: str, column: str = "裁量基准") -> TierReading:
    """A tier's recommended penalty in words → explicit tier fines and other sanctions.

    ``对单位处500元以上1200元以下罚款；对个人处200元以上400元以下罚款``, ``可处1万元以下罚款``
    (0–10,000), ``处违法所得1倍以上3倍以下罚款``, ``没收违法所得，并处…``, ``警告``, ``不予罚款``.
    Segments are separated by ``；`` or ``。``; a segment naming 单位 or 个人 (公民) is that
    party's. Whatever cannot be read is a :class:`CellError`, never a guess.
    """
    fines: list[TierFine] = []
    kinds: list[SanctionKind] = []
    units: set[str] = set()
    for segment in re.split(r"[；;。\n]", text):
        seg = segment.strip()
        if not seg:
            continue
        party = PartyScope.any
        if "单位" in seg and "个人" not in seg:
            party = PartyScope.organization
        elif ("个人" in seg or "公民" in seg) and "单位" not in seg:
            party = PartyScope.individual
        elif "单位" in seg and "个人" in seg:
            raise CellError(column, f"one segment names both 单位 and 个人: {seg!r}",
                            "separate the parties with ；")
        for kind, word in _KIND_WORDS:
            if word in seg and kind not in kinds:
                kinds.append(kind)
        if fines and _FALLBACK_NOTE.search(seg) and "倍" not in seg:
            continue  # 没有违法所得的，处…: the clause's fallback range, not a second fine
        try:
            read = _bounds(seg, column)
        except CellError:
            raise
        except ValueError as exc:
            raise CellError(column, f"unreadable amount in {seg!r}: {exc}") from None
        if read is None:
            if "罚款" in seg and not re.search(r"不(?:予|处)罚款", seg):
                raise CellError(column, f"a fine without an amount that can be read: {seg!r}",
                                "X元以上Y元以下罚款, Y元以下罚款 or X元罚款")
            continue
        low, high, unit = read
        if low > high:
            raise CellError(column, f"minimum {low} above maximum {high} in {seg!r}")
        if any(f.party is party for f in fines):
            raise CellError(column, f"two fines for the same party in {text!r}")
        units.add(unit)
        fines.append(TierFine(min=low, max=high, party=party))
    if len(units) > 1:
        raise CellError(column, f"fines in different units (yuan, multiples, per unit) in {text!r}",
                        "one kind of amount for every party, as the clause writes it")
    if not fines and not kinds and not re.search(r"不(?:予|处)(?:行政)?(?:处罚|罚款)", text):
        raise CellError(column, f"no recommended penalty can be read from {text!r}",
                        "X元以上Y元以下罚款, or 警告, or 不予罚款")
    return TierReading(fines, kinds, "multiple" in units, "per" in units)


_REFERENCE_LAW = re.compile(r"本(?:条例|法|办法|规定|细则|决定|实施办法)")


def reference_citations(reference: str | None, penalty: Citation) -> list[Citation]:
    """The provisions a clause's ``违反…规定`` names, as citations: ``违反本条例第十九条第一款规定``
    of 《浙江省渔业管理条例》 → that law's Art. 19 ¶1; ``违反本条第一款或者第二款规定`` → the penalty
    article's ¶1 and ¶2. [] when the reference is missing or names no provision of the same law
    (``违反本条例规定``, another law's article) — the caller then needs them from elsewhere."""
    if not reference:
        return []
    law = f"《{penalty.law.strip('《》')}》"
    text = reference.strip().removeprefix("违反")
    text = re.sub(r"^本条(?!例)", f"{law}第{penalty.article}条", text)
    text = _REFERENCE_LAW.sub(law, text, count=1)
    if not text.startswith("《"):
        return []
    try:
        cited, rest = parse_citations(text)
    except CellError:
        return []
    if rest.strip("的规定，,：: ") or not cited:
        return []
    return cited
