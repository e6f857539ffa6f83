"""The grammar of penalty clauses: the patterns of amounts, multiples, per-unit fines, sentence
conditions, subjects and sanction words, the records :mod:`discretion.statutes.clauses` builds
from them (:class:`Unparsed`, :class:`Variant`, :class:`ClauseParse`), and the helpers that read
one fragment (its party, correction order, mode, labels)."""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal

from discretion.catalog.models import (
    SANCTION_LABELS,
    Correction,
    FineRange,
    Mode,
    PartyScope,
    Payer,
    SanctionKind,
    Statutory,
)
from discretion.numerals import parse_multiple

_NUM = r"[\d０-９.．零〇一二两三四五六七八九十百千万亿]+"
AMT = rf"{_NUM}元"
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

RANGE_YUAN = re.compile(rf"(?P<lo>{AMT})(?:以上|至|到)(?P<hi>{AMT})(?:以下)?(?:的)?(?:罚款|标准处以罚款)")
MAX_YUAN = re.compile(rf"(?P<hi>{AMT})以下(?:的)?罚款")
FIXED_YUAN = re.compile(rf"(?P<hi>{AMT})(?:的)?罚款")
RANGE_MULT = re.compile(rf"(?P<lo>{_MULT})以上(?P<hi>{_MULT})以下(?:的)?罚款")
MAX_MULT = re.compile(rf"(?P<hi>{_MULT})以下(?:的)?罚款")
FIXED_MULT = re.compile(rf"(?P<hi>{_MULT})(?:的)?罚款")
# 每平方米 / 每辆 / 每超养一只 (per unit over a limit: the fact counts the units over it)
PER = re.compile(rf"每(?:超养|超过|超出)?(?:一)?(?P<unit>{_PER_UNITS})")

OVERDUE = re.compile(r"^逾期(?:仍)?(?:不|未|拒不)[^，]*的$")
REFUSED = re.compile(r"^(?:仍然?)?拒不[^，]*的$")
# 拒不改正或者情节严重的: both the refused stage and the serious range
STAGE_OR_SERIOUS = re.compile(
    r"^(?P<stage>拒不[^，]*?|逾期(?:仍)?(?:不|未)[^，]*?)或者(?:情节严重|造成严重后果)的$")
SERIOUS = re.compile(r"^(?:情节严重|造成严重后果)的$")  # 造成严重后果的: the same alternative range
HAS_INCOME = re.compile(r"^有违法所得的$")
_BASES = "|".join(sorted(map(re.escape, BASE_FACTS), key=len, reverse=True))
# 没有违法所得的 / 没有违法所得或者违法所得不足一万元的 / 货值金额不足五千元的: the fallback range
FALLBACK = re.compile(
    rf"^(?:(?:没有|无)(?P<b1>{_BASES})(?:的)?"
    rf"(?:或者(?:{_BASES})不足(?P<t1>{AMT})(?:的)?)?"
    rf"|(?P<b2>{_BASES})不足(?P<t2>{AMT})(?:的)?)$"
)
# 但最高不得超过十万元: a cap in yuan on the fine before it
# 违法所得不足一万元的，按一万元计算: the multiple applies to the threshold amount
COUNT_AS = re.compile(rf"^按(?P<amount>{AMT})计算$")
BARE_SUBJECT = re.compile(r"^(?:由[^，]*?)?对(?P<subject>[^，]+)$")
DOCUMENT = re.compile(r"(?:证|证书|执照|文件|证件)$")
# 并处五千元以上五万元以下罚款；违法所得五万元以上的，并处违法所得一倍以上五倍以下罚款: the
# multiple from the threshold on, the range before it below
ABOVE = re.compile(rf"^(?P<base>{_BASES})(?P<t>{AMT})以上的$")
CAP = re.compile(rf"^(?:但)?(?:罚款)?(?:数额|金额)?(?:最高|最多)不得超过(?P<cap>{AMT})$")
# 对其直接负责的主管人员和其他直接责任人员 / 对企业主要负责人: the persons a sanction falls on
RESPONSIBLE = re.compile(r"直接负责的主管人员|直接责任人员|^(?:相关|有关)责任人(?:员)?$")
# 直接负责的主管人员和其他直接责任人员三年内不得从事…: the persons named without 对
PERSONS_FIRST = re.compile(r"^(?:其|单位)?直接负责的主管人员和其他直接责任人员(?!的)")
PRINCIPAL = re.compile(r"主要负责人$")
PERSON_ROLE = re.compile(r"^(?:其|单位的?)?(?:法定代表人|主要负责人|@|(?:其他)?(?:直接)?责任人员|"
                          r"直接负责的主管人员|(?:相关|有关)责任人员?)$")
PRINCIPAL_ACTOR = re.compile(r"^[^，]{0,20}?的主要负责人(?:未|不|有|违反|擅自)")
SCOPE = re.compile(rf"^(?:对)?违反(?P<ref>{REFERENCE})规定(?:的行为|的)?$")
# 有前款第一项、第二项行为之一的: a scope for some items of the list the clause refers to
ITEM_REF = rf"(?:前款|本条第[{_CN_NUM}]+款)?第[{_CN_NUM}]+项(?:(?:、|或者|和)第[{_CN_NUM}]+项)*"
HAS_ITEMS = re.compile(rf"^有(?P<ref>{ITEM_REF})(?:规定的)?行为之一的$")
# 个人有前款规定行为之一的 / 单位有…的: the party the rest of the sentence is for
ACTOR_PARTY = re.compile(r"^(?P<who>个人|公民|自然人|单位)(?:有|违反|未|擅自|从事)[^，]*的$")
ACTOR_PARTIES = {"个人": PartyScope.individual, "公民": PartyScope.individual,
                  "自然人": PartyScope.individual, "单位": PartyScope.organization}
# consequences and degrees are conditions, never a group of violators
CONSEQUENCE = re.compile(r"造成|导致|情节|后果|损失|逾期|拒不|不改正|再次|多次|屡次|违法所得|货值")
# the shortest common ending (with 的) for a condition to be the clause's act by another actor
_SAME_ACT_TAIL = 6
SANCTION_WORDS = re.compile(r"(?<!处)处(?!置|理|分|所|于)|罚款|没收|吊销")
SUBJECT = re.compile(r"^(?:由[^，]*?)?(?:可以|可)?对(?P<subject>[^，]+?)(?=(?:可以|可|并|予以|给予|处|没收|吊销|暂扣|责令))")

WARNING_OR_FINE = re.compile(rf"处(?:以)?警告或者(?:处(?:以)?)?(?:{AMT}(?:以上|至|到))?{AMT}(?:以下)?(?:的)?罚款")
MAY_BEFORE_PARTY = re.compile(r"^(?:由[^，]*?)?(?:可以|可)(?:并)?对")

# 责令停止使用 / 责令停止施工 / 责令暂停施工 / 责令停止产生职业病危害的作业 / 责令停止建设: as a
# sanction of a later layer (逾期不改正的，责令停止使用; 拒不改正的，可以责令暂停施工; 情节严重的，责令
# 停止…作业) the activity is stopped by the penalty (read as 责令停产停业, in the statute's
# words); at the head of a clause (责令停止建设，限期改正，处…) it stops the violation, an order
# like 责令停止违法行为. 责令暂停销售: a limit on the business (限制开展生产经营活动).
STOP_WORK = r"责令(?:其)?(?:停止使用|停止施工|暂停施工|停止建设|停止[^，；。]{1,12}?作业)"
_PAUSE_SALES = r"责令(?:其)?暂停销售"
KIND_PATTERNS: tuple[tuple[SanctionKind, re.Pattern[str]], ...] = (
    (SanctionKind.warning, re.compile(r"警告(?!标志|标识|牌)")),
    (SanctionKind.public_criticism, re.compile(r"通报批评|予以通报(?!批评)")),
    (SanctionKind.suspend_licence, re.compile(r"暂扣")),
    (SanctionKind.revoke_licence, re.compile(r"吊销")),
    (SanctionKind.downgrade_qualification, re.compile(r"降低资质等级")),
    (SanctionKind.restrict_business, re.compile(r"限制开展生产经营活动|(?:责令(?:其)?|或者|^)限制生产")),
    (SanctionKind.restrict_business, re.compile(_PAUSE_SALES)),
    (SanctionKind.suspend_business,
     re.compile(r"责令(?:其)?(?:停产停业|停业整顿|停止营业|停业|停产整顿|停产整治|停工整治|停工整顿)"
                r"|停产停业|停业整顿|停产整治")),
    (SanctionKind.close, re.compile(r"(?:责令|或者)(?:其)?(?:拆除或者)?关闭|予以关闭")),
    (SanctionKind.bar_from_trade,
     re.compile(r"(?:禁止|限制)[^，]{0,8}从业|年内不得(?:从事|担任)|暂停[^，]{0,14}执业活动")),
    (SanctionKind.detention, re.compile(r"拘留")),
)
# the words of a kind after 直至 (降低资质等级，直至吊销资质证书)
KIND_AFTER: dict[SanctionKind, str] = {
    SanctionKind.revoke_licence: "吊销", SanctionKind.close: "关闭",
    SanctionKind.suspend_business: "停产|停业", SanctionKind.downgrade_qualification: "降低资质",
}
CONFISCATE = re.compile(r"没收(?P<obj>[^，；。]*)|(?P<obj2>[^，；。]*)予以没收")
FINE_WORD = "罚款"
ACTION = re.compile(r"责令|(?<!处)处(?!置|理|分|所|于)|罚款|没收|吊销|暂扣|警告(?!标志|标识)|通报|拘留|代为|降低资质|从业|关闭|停产|停业|限制开展")


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
    # the statute labels the parser read with certainty (a short, plain object: 没收犬只); others
    # (long or compound wording) are given but may be worded otherwise in a catalog
    sure_labels: set[str] = field(default_factory=set)

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
class Found:
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
    on: Payer = Payer.party
    threshold: Decimal | None = None
    cap: Decimal | None = None
    label: str | None = None
    alternative: bool = False  # one of 警告或者…罚款
    twin: bool = False  # the 情节严重 copy of 拒不改正或者情节严重的，处…


@dataclass
class Scope:
    reference: str | None
    correction: Correction | None = None
    # the same act as the clause's violation by another actor (乘车人向车外抛撒物品的): the
    # clause's own reference
    same_act: bool = False


def split_sentences(text: str) -> list[str]:
    """Sentences of a clause, split at ``；``, ``;`` and ``。``, punctuation dropped."""
    return [s.strip() for s in re.split(r"[；;。]", text) if s.strip()]


def fragments_of(sentence: str) -> list[str]:
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


def party_of(subject: str) -> PartyScope | None:
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


def other_actor(fragment: str, preamble: list[str]) -> str | None:
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


def correction_of(fragment: str) -> Correction | None:
    if not re.search(r"责令|限期", fragment):
        return None
    if re.search(r"责令(?:其)?(?:立即|即时)", fragment):
        return Correction.immediate
    if re.search(r"限期", fragment):
        return Correction.deadline
    if re.search(r"责令(?:其|[^，]{1,4}人)?(?:改正|停止违法行为|纠正)", fragment):
        return Correction.order
    return None


def mode_of(fragment: str) -> Mode:
    return Mode.may if re.search(r"可以|可处|可并处|并可|可按|可予", fragment) else Mode.shall


def multiple_of(text: str) -> Decimal:
    return Decimal(1) if text == "等值" else parse_multiple(text.removesuffix("倍"))


_SUSPEND_WORDS = re.compile(
    r"(?:责令(?P<who>[^，；。]{0,10}?))?(?P<w>停产停业整顿|停业整顿|停产整顿|停产整治|停工整治|停工整顿|停产停业|停止营业|停业)"
    r"(?P<t>(?:[\d０-９一二三四五六七八九十两]+(?:个月|日|天|年)(?:以上|至|到)?)*(?:以下)?)(?P<rest>[^，；。：:]*)")
_OBJECT_END = r"[^，；。：:]*"
_LABEL_SURE_LENGTH = 10  # an object of more characters is read, but not with certainty


def _object_label(verb: str, obj: str) -> tuple[str, bool]:
    """The label ``verb + obj`` and whether it is plain enough to be certain."""
    obj = obj.strip().removeprefix("其")
    sure = len(obj) <= _LABEL_SURE_LENGTH and not re.search(r"的|或者|以及|及|、|等", obj)
    return verb + obj, sure


def labels_of(fragment: str) -> dict[SanctionKind, tuple[str, bool]]:
    """The statute's own words for the sanctions of a fragment, where they differ from the
    kind's default label (责令停业整顿一个月至六个月, 没收犬只, 吊销营业执照), and whether the parser
    is certain of them."""
    labels: dict[SanctionKind, tuple[str, bool]] = {}
    if (suspend := _SUSPEND_WORDS.search(fragment)) is not None:
        # 责令停工整治或者停业整治: the words are read, without certainty
        # 责令改正或者限制生产、停产整治: the words after the last 、 name this measure
        who = (suspend.group("who") or "").rsplit("、", 1)[-1].removeprefix("其")
        labels[SanctionKind.suspend_business] = (
            "责令" + who + suspend.group("w") + suspend.group("t") + suspend.group("rest"),
            not suspend.group("rest") and not who)
    for kind, verb in ((SanctionKind.revoke_licence, "吊销"), (SanctionKind.suspend_licence, "暂扣")):
        if (found := re.search(rf"{verb}(?P<o>{_OBJECT_END})", fragment)) is not None and found.group("o"):
            labels[kind] = _object_label(verb, found.group("o"))
    if (closed := re.search(r"责令(?:其)?拆除或者关闭", fragment)) is not None:
        labels[SanctionKind.close] = (closed.group(), False)
    if (paused := re.search(r"责令(?:其)?暂停[^，]{0,14}执业活动", fragment)) is not None:
        labels[SanctionKind.bar_from_trade] = (paused.group().replace("责令其", "责令"), True)
    if (stopped := re.search(STOP_WORK, fragment)) is not None \
            and SanctionKind.suspend_business not in labels:
        labels[SanctionKind.suspend_business] = (stopped.group().replace("责令其", "责令"), True)
    if (paused := re.search(_PAUSE_SALES, fragment)) is not None:
        labels[SanctionKind.restrict_business] = (paused.group().replace("责令其", "责令"), True)
    if re.search(r"予以通报(?!批评)", fragment):
        labels[SanctionKind.public_criticism] = ("予以通报", True)
    if re.search(r"(?:责令(?:其)?|或者|^)限制生产", fragment):
        labels[SanctionKind.restrict_business] = ("责令限制生产", True)
    if (taken := re.search(rf"没收(?P<o>{_OBJECT_END})", fragment)) is not None:
        obj = re.sub(r"^(?:其)?(?:违法所得|非法所得)(?:和|、|及|以及|并)?", "", taken.group("o"))
        obj = re.sub(r"(?:和|、|及|以及|并)(?:违法所得|非法所得)$", "", obj)
        if obj:
            labels[SanctionKind.confiscate_property] = _object_label("没收", obj)
    elif "予以没收" in fragment:
        labels[SanctionKind.confiscate_property] = ("", False)
    return {kind: (label, sure) for kind, (label, sure) in labels.items()
            if label != SANCTION_LABELS[kind]}


def is_action(fragment: str) -> bool:
    return bool(ACTION.search(fragment)) and not fragment.endswith("的")
