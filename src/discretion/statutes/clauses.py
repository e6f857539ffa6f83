"""Penalty clauses (罚则) in Chinese statute text -> the catalog's :class:`Statutory` model.

:func:`parse_clause` reads one penalty paragraph such as::

    违反本条第一款或者第二款规定的，责令限期改正；逾期不改正的，对单位处五百元以上三千元以下罚款，
    对个人处二百元以上一千元以下罚款。

and returns a :class:`ClauseParse`: the typed sanctions (APL Art. 9), the correction order, the
condition the sanctions apply under (逾期不改正的 / 拒不改正的), the 情节严重 range, and a list of
every fragment that was *not* understood, with the reason. Nothing is guessed: an amount, a
base of a multiple or a condition that the grammar below does not know makes the clause
"not parsed" (``ClauseParse.ok`` is False), with the fragment named.

The grammar (sentences split at ``；``/``。``, fragments at ``，``):

* the fragments before the first action (责令…/处…/没收…) describe the violation
  (``违反本条第一款规定设置户外设施，影响市容的``);
* a later ``违反…规定的`` / ``对违反…规定的行为`` fragment opens a new *scope*: a part of the clause
  for some of the violated provisions only (``违反前款第一项或者第二项规定的，可以处…；违反前款第三项
  或者第四项规定的，处…``). Each scope with sanctions is a :class:`Variant`;
* ``对单位…`` / ``对个人…`` scope a sanction to a party kind; another subject (``对户外广告设施的设置者``,
  ``对直接负责的主管人员…``) makes a separate variant per subject;
* sentence conditions: ``逾期不改正的`` (overdue), ``拒不改正的`` (refused), ``情节严重的`` or ``造成严重后果的``
  (the serious range); ``有违法所得的`` scopes the next sanction; ``没有违法所得或者违法所得不足X元
  的，处…`` is the fallback range of the multiple fine before it;
* fines: ``X元以上Y元以下罚款``, ``Y元以下罚款`` (max only), ``X元罚款`` (fixed), ``X元至Y元``;
  ``违法所得/货值金额N倍以上M倍以下罚款`` (base); ``每平方米/每立方米/每辆/每日…`` (per unit);
  ``可以处`` / ``可处`` / ``并可处`` → may, otherwise shall; ``可以对个人并处…，对单位并处…`` → both may;
  ``每超养一只`` → per unit over a limit; ``处警告或者…罚款`` → warning and fine, each may;
* ``个人有…的，处…；单位有…的，处…`` → party ranges; ``有前款第一项、第二项行为之一的`` → a scope;
  ``乘车人向车外抛撒物品的`` (the preamble's act by another actor) and ``其中，从事…服务的单位和个人…的``
  (a group of the violators) → a range with that ``subject``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from discretion.catalog.models import (
    AppliesWhen,
    Correction,
    FineRange,
    Mode,
    PartyScope,
    Sanction,
    SanctionKind,
    SeriousRange,
    Statutory,
)
from discretion.numerals import parse_amount, parse_multiple

__all__ = [
    "BASE_FACTS",
    "PER_UNIT_FACTS",
    "ClauseParse",
    "Unparsed",
    "Variant",
    "parse_clause",
    "split_sentences",
]

_NUM = r"[\d０-９.．零〇一二两三四五六七八九十百千万亿]+"
_AMT = rf"{_NUM}元"
_MULT = rf"(?:{_NUM}倍|等值|百分之{_NUM}|千分之{_NUM})"
_CN_NUM = "零〇一二两三四五六七八九十百千"
# The provisions a 违反… phrase names: 本条例第十二条第二款、第三款 / 前款第一项或者第二项.
REFERENCE = (rf"(?:本条例|本法|本规定|本办法|本细则|本决定|本条|前款|前两款|前三款|前条|"
             rf"第[{_CN_NUM}]+[条款项]|第[（(][{_CN_NUM}]+[）)]项|或者|和|、|及|以及|与)+")

# Bases of multiple fines: the text before the multiple -> the standard money fact.
BASE_FACTS: dict[str, str] = {
    "违法所得": "illegal_income",
    "违法收入": "illegal_income",
    "货值金额": "goods_value",
    "违法生产、销售的货值金额": "goods_value",
    "违法生产、销售产品货值金额": "goods_value",
    "违法生产、销售的产品货值金额": "goods_value",
    "违法经营的货值金额": "goods_value",
    "违法销售产品货值金额": "goods_value",
    "违法销售的产品货值金额": "goods_value",
    "违法销售的货值金额": "goods_value",
}

# Units of per-unit fines -> (fact name, fact type, label, unit).
PER_UNIT_FACTS: dict[str, tuple[str, str, str, str]] = {
    "平方米": ("area_m2", "number", "面积", "平方米"),
    "立方米": ("volume_m3", "number", "体积", "立方米"),
    "辆": ("vehicle_count", "integer", "车辆数", "辆"),
    "辆机动车": ("vehicle_count", "integer", "车辆数", "辆"),
    "辆车": ("vehicle_count", "integer", "车辆数", "辆"),
    "日": ("days", "integer", "天数", "日"),
    "天": ("days", "integer", "天数", "日"),
    "株": ("tree_count", "integer", "株数", "株"),
    "棵": ("tree_count", "integer", "株数", "株"),
    "吨": ("weight_t", "number", "重量", "吨"),
    "亩": ("area_mu", "number", "面积", "亩"),
    "只": ("animal_count", "integer", "只数", "只"),
    "头": ("animal_count", "integer", "头数", "头"),
}
_PER_UNITS = "|".join(sorted(PER_UNIT_FACTS, key=len, reverse=True))

_RANGE_YUAN = re.compile(rf"(?P<lo>{_AMT})(?:以上|至|到)(?P<hi>{_AMT})(?:以下)?(?:的)?(?:罚款|标准处以罚款)")
_MAX_YUAN = re.compile(rf"(?P<hi>{_AMT})以下(?:的)?罚款")
_FIXED_YUAN = re.compile(rf"(?P<hi>{_AMT})(?:的)?罚款")
_RANGE_MULT = re.compile(rf"(?P<lo>{_MULT})以上(?P<hi>{_MULT})以下(?:的)?罚款")
_MAX_MULT = re.compile(rf"(?P<hi>{_MULT})以下(?:的)?罚款")
_FIXED_MULT = re.compile(rf"(?P<hi>{_MULT})(?:的)?罚款")
# 每平方米 / 每辆 / 每超养一只 (per unit over a limit: the fact counts the units over it)
_PER = re.compile(rf"每(?:超养|超过|超出)?(?:一)?(?P<unit>{_PER_UNITS})")

_OVERDUE = re.compile(r"^逾期(?:仍)?(?:不|未|拒不)[^，]*的$")
_REFUSED = re.compile(r"^(?:仍然?)?拒不[^，]*的$")
_SERIOUS = re.compile(r"^(?:情节严重|造成严重后果)的$")  # 造成严重后果的: the same alternative range
_HAS_INCOME = re.compile(r"^有违法所得的$")
_FALLBACK = re.compile(
    rf"^(?:(?:没有|无)(?P<b1>违法所得|货值金额)(?:的)?"
    rf"(?:或者(?:违法所得|货值金额)不足(?P<t1>{_AMT})(?:的)?)?"
    rf"|(?P<b2>违法所得|货值金额)不足(?P<t2>{_AMT})(?:的)?)$"
)
_SCOPE = re.compile(rf"^(?:对)?违反(?P<ref>{REFERENCE})规定(?:的行为|的)?$")
# 有前款第一项、第二项行为之一的: a scope for some items of the list the clause refers to
_ITEM_REF = rf"(?:前款|本条第[{_CN_NUM}]+款)?第[{_CN_NUM}]+项(?:(?:、|或者|和)第[{_CN_NUM}]+项)*"
_HAS_ITEMS = re.compile(rf"^有(?P<ref>{_ITEM_REF})(?:规定的)?行为之一的$")
# 个人有前款规定行为之一的 / 单位有…的: the party the rest of the sentence is for
_ACTOR_PARTY = re.compile(r"^(?P<who>个人|公民|自然人|单位)(?:有|违反|未|擅自|从事)[^，]*的$")
_ACTOR_PARTIES = {"个人": PartyScope.individual, "公民": PartyScope.individual,
                  "自然人": PartyScope.individual, "单位": PartyScope.organization}
# consequences and degrees are conditions, never a group of violators
_CONSEQUENCE = re.compile(r"造成|导致|情节|后果|损失|逾期|拒不|不改正|再次|多次|屡次|违法所得|货值")
# the shortest common ending (with 的) for a condition to be the clause's act by another actor
_SAME_ACT_TAIL = 6
_SANCTION_WORDS = re.compile(r"(?<!处)处(?!置|理|分|所|于)|罚款|没收|吊销")
_SUBJECT = re.compile(r"^(?:由[^，]*?)?(?:可以|可)?对(?P<subject>[^，]+?)(?=(?:可以|可|并|予以|给予|处|没收|吊销|暂扣|责令))")

_WARNING_OR_FINE = re.compile(rf"处(?:以)?警告或者(?:处(?:以)?)?(?:{_AMT}(?:以上|至|到))?{_AMT}(?:以下)?(?:的)?罚款")
_MAY_BEFORE_PARTY = re.compile(r"^(?:由[^，]*?)?(?:可以|可)(?:并)?对")

_KIND_PATTERNS: tuple[tuple[SanctionKind, re.Pattern[str]], ...] = (
    (SanctionKind.warning, re.compile(r"警告(?!标志|标识|牌)")),
    (SanctionKind.public_criticism, re.compile(r"通报批评")),
    (SanctionKind.suspend_licence, re.compile(r"暂扣")),
    (SanctionKind.revoke_licence, re.compile(r"吊销")),
    (SanctionKind.downgrade_qualification, re.compile(r"降低资质等级")),
    (SanctionKind.restrict_business, re.compile(r"限制开展生产经营活动")),
    (SanctionKind.suspend_business,
     re.compile(r"责令(?:其)?(?:停产停业|停业整顿|停止营业|停业|停产整顿)|停产停业|停业整顿")),
    (SanctionKind.close, re.compile(r"责令(?:其)?关闭|予以关闭")),
    (SanctionKind.bar_from_trade, re.compile(r"(?:禁止|限制)[^，]{0,8}从业|年内不得(?:从事|担任)")),
    (SanctionKind.detention, re.compile(r"拘留")),
)
_CONFISCATE = re.compile(r"没收(?P<obj>[^，；。]*)|(?P<obj2>[^，；。]*)予以没收")
_FINE_WORD = "罚款"
_ACTION = re.compile(r"责令|(?<!处)处(?!置|理|分|所|于)|罚款|没收|吊销|暂扣|警告(?!标志|标识)|通报批评|拘留|代为|降低资质|从业|关闭|停产|停业|限制开展")


@dataclass(frozen=True, slots=True)
class Unparsed:
    """A fragment of a clause that was not understood, and why."""

    fragment: str
    reason: str

    def __str__(self) -> str:
        return f"{self.reason}: {self.fragment}"


@dataclass(frozen=True)
class Variant:
    """One statutory range of a clause.

    ``reference`` is the ``违反…`` text the range is for (None: the whole clause's violation);
    ``subject`` the addressee when it is not a party kind (``户外广告设施的设置者``).
    """

    reference: str | None
    subject: str | None
    statutory: Statutory
    text: str


@dataclass
class ClauseParse:
    """The result of :func:`parse_clause`.

    ``variants`` holds one statutory model per scope/subject of the clause (usually one);
    ``statutory`` is the single variant's model, or None when the clause was not understood or
    has several variants. ``unparsed`` lists every fragment not understood; ``notes`` are
    remarks that do not stop the parse (e.g. the threshold of a fallback range).
    """

    text: str
    reference: str | None = None
    preamble: str = ""
    variants: list[Variant] = field(default_factory=list)
    unparsed: list[Unparsed] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)

    @property
    def ok(self) -> bool:
        return not self.unparsed and bool(self.variants)

    @property
    def statutory(self) -> Statutory | None:
        if self.unparsed or len(self.variants) != 1:
            return None
        return self.variants[0].statutory


# --- internal records -------------------------------------------------------------------------


@dataclass
class _Found:
    kind: SanctionKind
    mode: Mode
    party: PartyScope
    subject: str | None
    condition: str
    serious: bool
    scope: int
    text: str
    min: Decimal | None = None
    max: Decimal | None = None
    base: str | None = None
    per: str | None = None
    fallback: FineRange | None = None
    from_preamble: bool = False  # the party is the preamble's actor (个人有…的)


@dataclass
class _Scope:
    reference: str | None
    correction: Correction | None = None
    # the same act as the clause's violation by another actor (乘车人向车外抛撒物品的): the
    # clause's own reference
    same_act: bool = False


def split_sentences(text: str) -> list[str]:
    """Sentences of a clause, split at ``；``, ``;`` and ``。``, punctuation dropped."""
    return [s.strip() for s in re.split(r"[；;。]", text) if s.strip()]


def _fragments(sentence: str) -> list[str]:
    """Fragments at ``，``; a comma inside a parenthetical remark (``（包括…，下同）``) does not split."""
    fragments: list[str] = []
    current = ""
    depth = 0
    for char in sentence:
        if char in "（(":
            depth += 1
        elif char in "）)":
            depth = max(depth - 1, 0)
        if char in "，," and depth == 0:
            fragments.append(current)
            current = ""
        else:
            current += char
    fragments.append(current)
    return [f.strip() for f in fragments if f.strip()]


def _party_of(subject: str) -> PartyScope | None:
    if "人员" in subject or "负责人" in subject:
        return None
    has_org = "单位" in subject or re.search(r"(?:企业|公司|组织|机构|法人)$", subject) is not None
    has_ind = "个人" in subject or "公民" in subject or "自然人" in subject
    if has_org and has_ind:
        return PartyScope.any
    if has_org:
        return PartyScope.organization
    if has_ind:
        return PartyScope.individual
    return None


def _other_actor(fragment: str, preamble: list[str]) -> str | None:
    """The actor of ``fragment`` when it is the clause's act done by another actor.

    ``机动车行驶过程中驾驶人向车外抛撒物品的，…；乘车人向车外抛撒物品的，…`` → ``乘车人``: the
    condition ends like the violation in the preamble (at least six characters, not a
    consequence such as ``造成严重后果的``) and differs from it only in the actor before.
    """
    if not preamble:
        return None
    act = preamble[-1]
    common = 0
    while common < min(len(act), len(fragment)) and act[-1 - common] == fragment[-1 - common]:
        common += 1
    actor = fragment[: len(fragment) - common]
    if common and fragment[-common] in "人者":  # 驾驶人… / 乘车人…: the actor's last character
        actor += fragment[-common]
        common -= 1
    if common < _SAME_ACT_TAIL or not actor or not re.search(r"(?:人|者)$", actor):
        return None
    return actor


def _correction_of(fragment: str) -> Correction | None:
    if not re.search(r"责令|限期", fragment):
        return None
    if re.search(r"责令(?:其)?(?:立即|即时)", fragment):
        return Correction.immediate
    if re.search(r"限期", fragment):
        return Correction.deadline
    if re.search(r"责令(?:其)?(?:改正|停止违法行为|纠正)", fragment):
        return Correction.order
    return None


def _mode_of(fragment: str) -> Mode:
    return Mode.may if re.search(r"可以|可处|可并处|并可|可按|可予", fragment) else Mode.shall


def _multiple(text: str) -> Decimal:
    return Decimal(1) if text == "等值" else parse_multiple(text.removesuffix("倍"))


def _is_action(fragment: str) -> bool:
    return bool(_ACTION.search(fragment)) and not fragment.endswith("的")


class _ClauseParser:
    def __init__(self, text: str) -> None:
        self.text = text.strip()
        self.result = ClauseParse(self.text)
        self.found: list[_Found] = []
        self.scopes: list[_Scope] = [_Scope(None)]
        self.substitute = False

    def problem(self, fragment: str, reason: str) -> None:
        self.result.unparsed.append(Unparsed(fragment, reason))

    def run(self) -> ClauseParse:
        sentences = split_sentences(self.text)
        started = False
        # 个人有…的，处…；单位有…的，处…: party ranges by the actor the clause names. When only the
        # violation names its actor (个人有前款…行为之一的，处…) the clause is for that actor and its
        # ranges stay `any`.
        preamble_party: PartyScope | None = None
        actor_split = False
        preamble: list[str] = []
        for sentence in sentences:
            condition = "always"
            serious = False
            income_next = False
            fallback_next: str | None = None
            party = PartyScope.any
            subject: str | None = None
            # 可以对个人并处…，对单位并处…: the modal before the first 对 governs the parallel 对 phrases
            shared_may = False
            among = False  # 其中，从事婚庆…服务的单位和个人…的，处…: a range for some of the violators
            for fragment in _fragments(sentence):
                if not started:
                    if _is_action(fragment):
                        started = True
                    else:
                        preamble.append(fragment)
                        if (actor := _ACTOR_PARTY.match(fragment)) is not None:
                            party = _ACTOR_PARTIES[actor.group("who")]
                            preamble_party = party
                        continue
                if fragment == "其中":
                    among = True
                    continue
                scope = _SCOPE.match(fragment)
                if scope is not None:
                    self.scopes.append(_Scope(scope.group("ref")))
                    party, subject = PartyScope.any, None
                    continue
                if fragment.endswith("的") and not _SANCTION_WORDS.search(fragment):
                    shared_may = False
                    among, was_among = False, among
                    if _OVERDUE.match(fragment):
                        condition = "overdue"
                    elif _REFUSED.match(fragment):
                        condition = "refused"
                    elif _SERIOUS.match(fragment):
                        serious = True
                    elif _HAS_INCOME.match(fragment):
                        income_next = True
                    elif (actor := _ACTOR_PARTY.match(fragment)) is not None:
                        party, subject = _ACTOR_PARTIES[actor.group("who")], None
                        actor_split = True
                    elif (items := _HAS_ITEMS.match(fragment)) is not None:
                        self.scopes.append(_Scope(items.group("ref")))
                        party, subject = PartyScope.any, None
                    elif (actor_name := _other_actor(fragment, preamble)) is not None:
                        self.scopes.append(_Scope(None, same_act=True))
                        party, subject = PartyScope.any, actor_name
                    elif was_among and not _CONSEQUENCE.search(fragment):
                        self.scopes.append(_Scope(None, same_act=True))
                        party, subject = PartyScope.any, fragment.removesuffix("的")
                    elif (fb := _FALLBACK.match(fragment)) is not None:
                        fallback_next = fragment
                        threshold = fb.group("t1") or fb.group("t2")
                        if threshold:
                            self.result.notes.append(
                                f"the fallback range also applies below {threshold}: {fragment}")
                    else:
                        condition = f"unknown:{fragment}"
                    continue
                new_party, new_subject = self.subject_of(fragment)
                if new_party is not None:
                    party, subject = new_party, new_subject
                may = shared_may and fragment.startswith("对")
                shared_may = may or _MAY_BEFORE_PARTY.match(fragment) is not None
                self.action(fragment, condition, serious, income_next, fallback_next,
                            party, subject, may=may,
                            from_preamble=preamble_party is not None and new_party is None)
                income_next = False
                fallback_next = None
        if preamble_party is not None and not actor_split:
            for found in self.found:
                if found.party is preamble_party and found.from_preamble:
                    found.party = PartyScope.any
        self.result.preamble = "，".join(preamble)
        ref = re.search(rf"违反(?P<ref>{REFERENCE})", self.result.preamble) \
            or re.search(rf"^有(?P<ref>{_ITEM_REF})(?:规定的)?行为之一的$", self.result.preamble)
        self.result.reference = ref.group("ref") if ref else None
        self.scopes[0].reference = self.result.reference
        if not started:
            self.problem(self.text, "no sanction or correction order found")
        self.assemble()
        return self.result

    # --- fragments ----------------------------------------------------------------------

    def subject_of(self, fragment: str) -> tuple[PartyScope | None, str | None]:
        match = _SUBJECT.match(fragment)
        if match is None or "予以没收" in fragment:
            return None, None
        subject = match.group("subject")
        party = _party_of(subject)
        if party is None:
            return PartyScope.any, subject
        return party, None

    def action(self, fragment: str, condition: str, serious: bool, income_next: bool,
               fallback_next: str | None, party: PartyScope, subject: str | None, *,
               may: bool = False, from_preamble: bool = False) -> None:
        scope = len(self.scopes) - 1
        correction = _correction_of(fragment)
        if correction is not None and self.scopes[scope].correction is None:
            self.scopes[scope].correction = correction
        if "代为" in fragment:
            self.substitute = True
        text = fragment
        if income_next:
            text = "有违法所得的，" + fragment
        if fallback_next is not None:
            text = fallback_next + "，" + fragment
        kinds: list[SanctionKind] = []
        for kind, pattern in _KIND_PATTERNS:
            if pattern.search(fragment):
                kinds.append(kind)
        for match in _CONFISCATE.finditer(fragment):
            obj = match.group("obj") if match.group("obj") is not None else match.group("obj2")
            parts = [p for p in re.split(r"和|、|及|以及|或者|并", obj or "") if p.strip()]
            if not parts:
                kinds.append(SanctionKind.confiscate_property)
            for part in parts:
                if "违法所得" in part or "非法所得" in part:
                    kinds.append(SanctionKind.confiscate_income)
                else:
                    kinds.append(SanctionKind.confiscate_property)
        kinds = list(dict.fromkeys(kinds))
        fine = self.fine(fragment) if _FINE_WORD in fragment else None
        if fine is not None:
            kinds.append(SanctionKind.fine)
        alternative = False
        if len(kinds) >= 2 and "或者" in fragment and not re.search(r"没收[^，]*或者", fragment):
            if kinds != [SanctionKind.warning, SanctionKind.fine] or not _WARNING_OR_FINE.search(fragment):
                self.problem(fragment, "alternative sanctions (或者): the model has no choice between kinds")
                return
            # 处警告或者五十元罚款: either kind may be imposed (each is `may`; the tiers choose)
            alternative = True
            self.result.notes.append(f"alternative kinds read as each may: {fragment}")
        if kinds and condition.startswith("unknown:"):
            self.problem(condition.removeprefix("unknown:"), "condition not understood")
            return
        if "按日连续处罚" in fragment or "按照原处罚数额按日" in fragment:
            self.problem(fragment, "daily continuing penalty (按日连续处罚) is not modelled")
            return
        if re.search(r"最高不得超过|最低不得少于|累计", fragment):
            self.problem(fragment, "a cap or floor on the fine is not modelled")
            return
        if fine is None and (re.search(_AMT, fragment) or "罚" in fragment) and not any(
                u.fragment == fragment for u in self.result.unparsed):
            self.problem(fragment, "a money amount or fine that is not understood")
            return
        mode = Mode.may if may or alternative else _mode_of(fragment)
        for kind in kinds:
            record = _Found(kind, mode, party, subject, condition, serious, scope, text,
                            from_preamble=from_preamble)
            if kind is SanctionKind.fine:
                assert fine is not None
                record.min, record.max, record.base, record.per = fine
                if fallback_next is not None:
                    if not self.attach_fallback(record):
                        self.problem(fragment, "a fallback range (没有违法所得的…) without a multiple "
                                               "fine before it")
                    continue
            self.found.append(record)

    def attach_fallback(self, record: _Found) -> bool:
        for previous in reversed(self.found):
            if previous.kind is SanctionKind.fine and previous.base is not None \
                    and previous.scope == record.scope and previous.serious == record.serious:
                if record.base or record.per or record.max is None:
                    return False
                try:
                    previous.fallback = FineRange(min=record.min or Decimal(0), max=record.max)
                except ValueError:
                    return False
                previous.text = f"{previous.text}；{record.text}"
                return True
        return False

    def fine(self, fragment: str) -> tuple[Decimal | None, Decimal, str | None, str | None] | None:
        """(min, max, base, per) of the fine in ``fragment``; None (and a problem) if not understood."""
        if fragment.count(_FINE_WORD) > 1:
            self.problem(fragment, "several fines in one fragment")
            return None
        per_units = _PER.findall(fragment)
        if len(per_units) > 1:
            self.problem(fragment, "a fine per several units (每…每…) is not modelled")
            return None
        per = PER_UNIT_FACTS[per_units[0]][0] if per_units else None
        try:
            for pattern in (_RANGE_MULT, _MAX_MULT, _FIXED_MULT):
                match = pattern.search(fragment)
                if match is None:
                    continue
                head = fragment[: match.start()]
                base_text = re.sub(r"^.*?(?:并处以|并处|处以|可处|处)", "", head)
                base_text = re.sub(r"[（(][^）)]*[）)]", "", base_text).removesuffix("的")
                base = BASE_FACTS.get(base_text)
                if base is None:
                    self.problem(fragment, f"multiple of an unknown base '{base_text}'")
                    return None
                low = _multiple(match.group("lo")) if "lo" in match.groupdict() else None
                high = _multiple(match.group("hi"))
                if pattern is _FIXED_MULT:
                    low = high
                return low, high, base, None
            for pattern in (_RANGE_YUAN, _MAX_YUAN, _FIXED_YUAN):
                match = pattern.search(fragment)
                if match is None:
                    continue
                low = parse_amount(match.group("lo")) if "lo" in match.groupdict() else None
                high = parse_amount(match.group("hi"))
                if pattern is _FIXED_YUAN:
                    low = high
                if per is None and re.search(r"每[^，]{0,6}(?:处|罚)", fragment):
                    self.problem(fragment, "a fine per an unknown unit")
                    return None
                if per is None and re.search(rf"{_AMT}.*{_AMT}", fragment) and pattern is not _RANGE_YUAN:
                    self.problem(fragment, "several amounts around one fine")
                    return None
                if low is not None and low > high:
                    self.problem(fragment, f"fine minimum {low} above maximum {high}")
                    return None
                return low, high, None, per
        except ValueError as exc:
            self.problem(fragment, f"amount not understood ({exc})")
            return None
        self.problem(fragment, "fine amount not understood")
        return None

    # --- assembly -----------------------------------------------------------------------

    def assemble(self) -> None:
        by_scope: dict[int, list[_Found]] = {}
        for found in self.found:
            by_scope.setdefault(found.scope, []).append(found)
        for scope_index, in_scope in sorted(by_scope.items()):
            scope = self.scopes[scope_index]
            subjects = list(dict.fromkeys(f.subject for f in in_scope if f.subject is not None))
            shared = [f for f in in_scope if f.subject is None]
            groups: list[tuple[str | None, list[_Found]]]
            own = {s: [f for f in in_scope if f.subject == s] for s in subjects}
            if not subjects:
                groups = [(None, shared)]
            elif not any(f.kind is SanctionKind.fine for f in shared):
                groups = [(s, [*shared, *own[s]]) for s in subjects]
            else:
                groups = [(None, shared), *((s, own[s]) for s in subjects)]
            correction = scope.correction or self.scopes[0].correction or Correction.none
            for subject, records in groups:
                reference = scope.reference if scope_index and not scope.same_act \
                    else self.result.reference
                variant = self.variant(reference,
                                       subject, correction, records)
                if variant is not None:
                    self.result.variants.append(variant)

    def variant(self, reference: str | None, subject: str | None, correction: Correction,
                records: list[_Found]) -> Variant | None:
        base = [r for r in records if not r.serious]
        serious = [r for r in records if r.serious]
        if not base:
            if serious:
                self.problem("；".join(r.text for r in serious),
                             "a 情节严重 range without a base range")
            return None
        conditions = {r.condition for r in base}
        if len(conditions) > 1:
            self.problem("；".join(r.text for r in base),
                         "sanctions under different conditions (" + ", ".join(sorted(conditions)) + ")")
            return None
        condition = conditions.pop()
        applies = {"always": AppliesWhen.always, "overdue": AppliesWhen.overdue,
                   "refused": AppliesWhen.refused}[condition]
        try:
            sanctions = [self.sanction(r) for r in base]
            serious_range = SeriousRange(sanctions=[self.sanction(r) for r in serious]) if serious else None
            for group in (sanctions, serious_range.sanctions if serious_range else []):
                parties = [s.party for s in group if s.kind is SanctionKind.fine]
                if len(parties) != len(set(parties)):
                    self.problem("；".join(s.text or "" for s in group if s.kind is SanctionKind.fine),
                                 "several fines for the same party")
                    return None
            statutory = Statutory(correction=correction, applies_when=applies, sanctions=sanctions,
                                  serious=serious_range, substitute_performance=self.substitute)
        except ValueError as exc:
            self.problem(self.text, f"not a valid statutory model: {exc}")
            return None
        text = "；".join(dict.fromkeys(r.text for r in records))
        return Variant(reference, subject, statutory, text)

    @staticmethod
    def sanction(record: _Found) -> Sanction:
        return Sanction(kind=record.kind, mode=record.mode, party=record.party, min=record.min,
                        max=record.max, base=record.base, per=record.per,
                        fallback=record.fallback, text=record.text)


def parse_clause(text: str) -> ClauseParse:
    """Parse one penalty clause (a paragraph, or a sentence of it); see the module docstring."""
    return _ClauseParser(text).run()
