"""The Administrative Penalty Law (2021) as named rules, one function per article.

Each rule reads the case (and the item where it matters) and returns what the law says:
a finding that ends the case (not penalised), an adjustment of the penalty, a follow-up
measure or a procedural flag. The engine calls them in the order of :data:`ORDER`.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from functools import cache
from typing import Final

from discretion.case import Capacity, Case, Harm, PartyKind
from discretion.catalog.models import BenchmarkItem, Citation, Manifest, SanctionKind
from discretion.law.citations import apl
from discretion.numerals import format_chinese_integer

# Enum members the rules compare with, as module constants: in Python 3.11 reading
# `Enum.member` goes through EnumType.__getattr__'s slot (~60 ns); a Final constant of a
# compiled module is read directly.
_CAPACITY_NONE: Final = Capacity.none
_CAPACITY_PARTIAL: Final = Capacity.partial
_HARM_NONE: Final = Harm.none
_PARTY_KIND_INDIVIDUAL: Final = PartyKind.individual
_SANCTION_KIND_FINE: Final = SanctionKind.fine
_SANCTION_KIND_PUBLIC_CRITICISM: Final = SanctionKind.public_criticism
_SANCTION_KIND_WARNING: Final = SanctionKind.warning


@dataclass(frozen=True)
class Finding:
    """A rule's conclusion that the party is not penalised."""

    rule: str
    citation: Citation
    reason: str
    mandatory: bool = True
    follow_up: tuple[str, ...] = ("education",)


@dataclass(frozen=True)
class Missing:
    """A rule could not be applied because the case does not establish ``path``."""

    rule: str
    path: str
    label: str
    type: str
    reason: str


@dataclass(frozen=True)
class Ground:
    """A ground to adjust the penalty: lighter (从轻), mitigated (减轻) or heavier (从重)."""

    kind: str  # lighter | lighter_or_mitigated | mitigated | heavier
    mandatory: bool
    citation: Citation
    reason: str


def add_years(day: dt.date, years: int) -> dt.date:
    try:
        return day.replace(year=day.year + years)
    except ValueError:  # 29 February
        return day.replace(year=day.year + years, day=28)


def art36_limitation(case: Case, item: BenchmarkItem,
                     decision_day: dt.date | None) -> Finding | Missing | None:
    """Art. 36: not discovered within two years (five where life/health or financial security
    is involved and harm occurred) -> no penalty; counted from the act's end when continuing.

    An item's ``five_year_limitation`` means only that its act *may* involve 公民生命健康安全 or
    金融安全: the case establishes it (``involves``); where it is not established and the period
    decides, it is asked for.

    The day of discovery is never assumed: without ``discovered_on``, a decision dated within
    two years of the act shows the period has not run out (the act was discovered before it was
    decided); otherwise the date of discovery decides and is asked for."""
    start = case.ended_on or case.occurred_on
    two = add_years(start, 2)
    discovered = case.discovered_on
    if discovered is None:
        if decision_day is not None and decision_day <= two:
            return None
        return Missing("art36", "discovered_on", "发现违法行为的日期", "date",
                       "the act may have been discovered more than two years after it ended; "
                       "the date of discovery decides the limitation")
    if discovered <= two:
        return None
    if item.five_year_limitation:
        # the item "may involve" life/health or financial security: the case establishes it
        if case.involves is None:
            return Missing("art36", "involves", "是否涉及公民生命健康安全、金融安全", "list",
                           "discovered more than two years after the act; the five-year period "
                           "applies only if the act involves 公民生命健康安全 or 金融安全")
        if not case.involves:
            return Finding("art36", apl(36, 1),
                           f"违法行为自{start}起至{discovered}发现，已超过二年追责时效"
                           "（不涉及公民生命健康安全、金融安全）", follow_up=())
        if case.harm is None:
            return Missing("art36", "harm", "危害后果", "enum",
                           "discovered more than two years after the act; the five-year period "
                           "applies only if harm occurred")
        if case.harm is not _HARM_NONE:
            if discovered <= add_years(start, 5):
                return None
            return Finding("art36", apl(36, 1),
                           f"违法行为自{start}起至{discovered}发现，已超过五年追责时效",
                           follow_up=())
    return Finding("art36", apl(36, 1),
                   f"违法行为自{start}起至{discovered}发现，已超过二年追责时效", follow_up=())


def art30_age(case: Case) -> Finding | Ground | Missing | None:
    """Art. 30: under 14 not penalised (guardian disciplines); 14–17 shall be lighter or mitigated."""
    if case.party.kind is not _PARTY_KIND_INDIVIDUAL:
        return None
    if case.party.age is None:
        return Missing("art30", "party.age", "年龄", "integer",
                       "the age of an individual decides Art. 30")
    if case.party.age < 14:
        return _art30_child()
    if case.party.age < 18:
        return _art30_minor()
    return None


# The findings and grounds that quote only the law are built once (they are immutable).

@cache
def _art30_child() -> Finding:
    return Finding("art30", apl(30), "不满十四周岁的未成年人有违法行为的，不予行政处罚",
                   follow_up=("guardian_discipline", "education"))


@cache
def _art30_minor() -> Ground:
    return Ground("lighter_or_mitigated", True, apl(30),
                  "已满十四周岁不满十八周岁的未成年人有违法行为的，应当从轻或者减轻行政处罚")


def art31_capacity(case: Case) -> Finding | Ground | None:
    """Art. 31: no capacity to recognise or control conduct -> not penalised; partial -> may be
    lighter or mitigated."""
    if case.party.kind is not _PARTY_KIND_INDIVIDUAL:
        return None
    if case.party.capacity is _CAPACITY_NONE:
        return _art31_none()
    if case.party.capacity is _CAPACITY_PARTIAL:
        return _art31_partial()
    return None


@cache
def _art31_none() -> Finding:
    return Finding("art31", apl(31),
                   "精神病人、智力残疾人在不能辨认或者不能控制自己行为时有违法行为的，不予行政处罚",
                   follow_up=("guardian_discipline",))


@cache
def _art31_partial() -> Ground:
    return Ground("lighter_or_mitigated", False, apl(31),
                  "尚未完全丧失辨认或者控制自己行为能力的精神病人、智力残疾人有违法行为的，可以从轻或者减轻行政处罚")


ART32_ITEMS: dict[str, tuple[int, str]] = {
    "eliminated_harm": (1, "主动消除或者减轻违法行为危害后果的"),
    "coerced": (2, "受他人胁迫或者诱骗实施违法行为的"),
    "confessed_unknown": (3, "主动供述行政机关尚未掌握的违法行为的"),
    "meritorious": (4, "配合行政机关查处违法行为有立功表现的"),
}


def art32_grounds(case: Case, manifest: Manifest) -> list[Ground]:
    """Art. 32 (1)–(4) shall be lighter or mitigated; (5) through catalog-defined circumstances."""
    grounds: list[Ground] = []
    for code in sorted(case.circumstances):
        if code in ART32_ITEMS:
            number, text = ART32_ITEMS[code]
            grounds.append(Ground("lighter_or_mitigated", True, apl(32, 1, number),
                                  f"{text}，应当从轻或者减轻行政处罚"))
    for decl in manifest.circumstances:
        if decl.code in case.circumstances and decl.effect != "none":
            basis = decl.basis or apl(32, 1, 5)
            grounds.append(Ground(decl.effect, True, basis, decl.label))
    return grounds


def art49_emergency(case: Case) -> Ground | None:
    """Art. 49: violating emergency-response measures -> heavier (从重)."""
    if "emergency_measures" in case.circumstances:
        return Ground("heavier", True, apl(49),
                      "发生重大传染病疫情等突发事件，违反突发事件应对措施的，依法快速、从重处罚")
    return None


def art33_no_fault(case: Case) -> Finding | None:
    """Art. 33 ¶2: a party that proves it had no subjective fault is not penalised."""
    if case.no_fault_proven:
        return Finding("art33.2", apl(33, 2), "当事人有证据足以证明没有主观过错的，不予行政处罚")
    return None


@dataclass(frozen=True)
class ProcedureFlags:
    summary_allowed: bool
    hearing_right: bool
    legal_review: bool
    reasons: tuple[str, ...]
    legal_review_if: tuple[str, ...] = ()


HEARING_KINDS = {
    SanctionKind.revoke_licence, SanctionKind.downgrade_qualification,
    SanctionKind.suspend_business, SanctionKind.close, SanctionKind.bar_from_trade,
    SanctionKind.restrict_business,
}
# Art. 58 ¶1 (1)–(3): the conditions of legal review, and the case's circumstance codes that
# establish them; (4) (法律、法规规定应当进行法制审核的其他情形) is for the agency's own rules
ART58_ITEMS: tuple[tuple[int, str, str], ...] = (
    (1, "major_public_interest", "涉及重大公共利益的"),
    (2, "hearing_held", "直接关系当事人或者第三人重大权益，经过听证程序的"),
    (3, "complex_case", "案件情况疑难复杂、涉及多个法律关系的"),
)


# What the procedure flags read of a case (:func:`procedure_key`): the sanction kinds, the
# party's kind, whether the highest fine is within the summary limit, whether it reaches the
# hearing threshold, whether a confiscation does, and the case's Art. 58 codes.
ProcedureKey = tuple[frozenset[SanctionKind], str, bool, bool, bool, frozenset[str]]


def procedure_key(kinds: set[SanctionKind] | frozenset[SanctionKind], max_fine: object,
                  party_kind: str, manifest: Manifest, confiscation: object = None,
                  circumstances: frozenset[str] = frozenset()) -> ProcedureKey:
    """All that the procedure flags read of a case (:func:`flags_for`): the amounts only as
    they stand to the policy's limits (the summary procedure's, the hearing threshold). A
    caller may keep the flags by it: the amounts of fines that are multiples or per unit
    differ from case to case, their flags seldom do."""
    from decimal import Decimal

    policy = manifest.policy
    fine = max_fine if isinstance(max_fine, Decimal) else Decimal(0)
    threshold = policy.hearing_threshold.for_party(party_kind)
    return (frozenset(kinds), party_kind, fine <= policy.summary_limit.for_party(party_kind),
            fine >= threshold, isinstance(confiscation, Decimal) and confiscation >= threshold,
            circumstances)


def procedure_flags(kinds: set[SanctionKind], max_fine: object, party_kind: str,
                    manifest: Manifest, confiscation: object = None,
                    circumstances: frozenset[str] = frozenset()) -> ProcedureFlags:
    """Art. 51 (summary procedure), Art. 63 (hearing), Art. 58 (legal review) for these
    sanctions, amounts, party and Art. 58 codes: :func:`flags_for` their :func:`procedure_key`."""
    return flags_for(procedure_key(kinds, max_fine, party_kind, manifest, confiscation,
                                   circumstances), manifest)


def flags_for(key: ProcedureKey, manifest: Manifest) -> ProcedureFlags:
    """Art. 51 (summary procedure), Art. 63 (hearing), Art. 58 (legal review).

    Legal review is required where the case establishes a condition of Art. 58 ¶1 (its
    circumstance codes); the others are listed for the agency to judge: (2) applies only to a
    case that went through a hearing, so a hearing right alone does not require it."""
    kinds, party_kind, within_summary, fine_reaches, confiscation_reaches, circumstances = key
    policy = manifest.policy
    reasons: list[str] = []
    summary = kinds <= {_SANCTION_KIND_WARNING, _SANCTION_KIND_PUBLIC_CRITICISM, _SANCTION_KIND_FINE} \
        and within_summary and bool(kinds)
    if summary:
        reasons.append(f"第五十一条：罚款不超过{policy.summary_limit.for_party(party_kind)}元或者警告，可以当场作出")
    hearing = fine_reaches or bool(kinds & HEARING_KINDS) or confiscation_reaches
    if hearing:
        reasons.append("第六十三条：较大数额罚款、没收或者吊销、责令停产停业等，当事人有权要求听证")
    established: list[str] = []
    open_: list[str] = []
    for number, code, words in ART58_ITEMS:
        if number == 2 and not hearing:
            continue  # no hearing can be held: (2) cannot apply
        text = f"第五十八条第一款第（{format_chinese_integer(number)}）项：{words}"
        (established if code in circumstances else open_).append(text)
    review = bool(established)
    if review:
        reasons.append("；".join(established) + "，作出决定前应当进行法制审核")
    elif not summary:
        reasons.append("第五十八条：案件未载明法制审核的法定情形，由行政机关判断：" + "；".join(
            t.split("：", 1)[1] for t in open_))
    return ProcedureFlags(summary, hearing, review, tuple(reasons),
                          () if review or summary else tuple(open_))

