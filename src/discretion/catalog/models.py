"""Pydantic models of a catalog: manifest and policy, fields, items, tiers, penalties, citations.

These are the data contracts of ``catalogs/<jurisdiction>-<version>/``. Unknown keys are
rejected everywhere (``extra="forbid"``). Amounts are exact :class:`~decimal.Decimal` yuan;
multiples (``违法所得一倍以上五倍以下``) are decimals too. Conditions stay text here; the loader
parses and type-checks them.
"""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from enum import StrEnum
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator, model_validator

from discretion.money import MoneyError, to_money


class Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, defer_build=True)


def _money(value: object) -> Decimal:
    try:
        return to_money(value if not isinstance(value, float) else str(value))
    except MoneyError as exc:
        raise ValueError(str(exc)) from exc


def _decimal(value: object) -> Decimal:
    if isinstance(value, bool):
        raise ValueError("true/false is not a number")
    if isinstance(value, float):
        value = str(value)
    try:
        return Decimal(str(value))
    except Exception as exc:
        raise ValueError(f"{value!r} is not a number") from exc


class Citation(Strict):
    """A structured statutory citation: law, article (条), paragraph (款), item (项)."""

    law: str = Field(min_length=1, description="Law title, with or without 中华人民共和国 and 《》")
    article: int = Field(ge=1, description="Article number (条)")
    paragraph: int | None = Field(default=None, ge=1, description="Paragraph (款), 1-based")
    item: int | None = Field(default=None, ge=1, description="Item (项), 1-based")

    @model_validator(mode="after")
    def _item_needs_paragraph(self) -> Citation:
        if self.item is not None and self.paragraph is None:
            raise ValueError("an item (项) is cited inside a paragraph (款): give paragraph too")
        return self

    def human(self) -> str:
        """``《浙江省城市市容和环境卫生管理条例》第三十二条第一款第（二）项``."""
        from discretion.numerals import format_chinese_integer

        text = f"《{self.law.strip('《》')}》第{format_chinese_integer(self.article)}条"
        if self.paragraph is not None:
            text += f"第{format_chinese_integer(self.paragraph)}款"
        if self.item is not None:
            text += f"第（{format_chinese_integer(self.item)}）项"
        return text


class SanctionKind(StrEnum):
    """Kinds of administrative penalty, Administrative Penalty Law Art. 9."""

    warning = "warning"  # 警告
    public_criticism = "public_criticism"  # 通报批评
    fine = "fine"  # 罚款
    confiscate_income = "confiscate_income"  # 没收违法所得
    confiscate_property = "confiscate_property"  # 没收非法财物
    suspend_licence = "suspend_licence"  # 暂扣许可证件
    downgrade_qualification = "downgrade_qualification"  # 降低资质等级
    revoke_licence = "revoke_licence"  # 吊销许可证件
    restrict_business = "restrict_business"  # 限制开展生产经营活动
    suspend_business = "suspend_business"  # 责令停产停业
    close = "close"  # 责令关闭
    bar_from_trade = "bar_from_trade"  # 限制从业
    detention = "detention"  # 行政拘留
    other = "other"  # 法律、行政法规规定的其他行政处罚


SANCTION_LABELS: dict[SanctionKind, str] = {
    SanctionKind.warning: "警告",
    SanctionKind.public_criticism: "通报批评",
    SanctionKind.fine: "罚款",
    SanctionKind.confiscate_income: "没收违法所得",
    SanctionKind.confiscate_property: "没收非法财物",
    SanctionKind.suspend_licence: "暂扣许可证件",
    SanctionKind.downgrade_qualification: "降低资质等级",
    SanctionKind.revoke_licence: "吊销许可证件",
    SanctionKind.restrict_business: "限制开展生产经营活动",
    SanctionKind.suspend_business: "责令停产停业",
    SanctionKind.close: "责令关闭",
    SanctionKind.bar_from_trade: "限制从业",
    SanctionKind.detention: "行政拘留",
    SanctionKind.other: "其他行政处罚",
}

# Order of severity of the kinds, lightest first, used to compare penalties (Art. 37) and to
# step down to a lighter kind under mitigation when a fine has no minimum.
SANCTION_SEVERITY: tuple[SanctionKind, ...] = (
    SanctionKind.warning,
    SanctionKind.public_criticism,
    SanctionKind.fine,
    SanctionKind.confiscate_income,
    SanctionKind.confiscate_property,
    SanctionKind.suspend_licence,
    SanctionKind.downgrade_qualification,
    SanctionKind.restrict_business,
    SanctionKind.suspend_business,
    SanctionKind.bar_from_trade,
    SanctionKind.revoke_licence,
    SanctionKind.close,
    SanctionKind.detention,
    SanctionKind.other,
)


class PartyScope(StrEnum):
    any = "any"
    individual = "individual"  # 个人 / 公民
    organization = "organization"  # 单位 / 法人或者其他组织


class Payer(StrEnum):
    """Whom a sanction falls on: the party itself, or persons of an organisation (双罚)."""

    party = "party"  # 当事人（单位或者个人）
    responsible = "responsible"  # 直接负责的主管人员和其他直接责任人员
    principal = "principal"  # 主要负责人


PAYER_LABELS: dict[Payer, str] = {
    Payer.party: "当事人",
    Payer.responsible: "直接负责的主管人员和其他直接责任人员",
    Payer.principal: "主要负责人",
}


class Effect(StrEnum):
    """How a later part of a clause (a stage, 情节严重的) composes with the sanctions before it."""

    adds = "adds"  # kept, and the layer's added; its fine on the same payer takes the earlier's place
    replaces = "replaces"  # the layer's sanctions alone


class Mode(StrEnum):
    shall = "shall"  # 处
    may = "may"  # 可以处


class Correction(StrEnum):
    """The correction order a clause attaches (Art. 28)."""

    order = "order"  # 责令改正
    deadline = "deadline"  # 责令限期改正
    immediate = "immediate"  # 责令即时清除 / 立即改正
    none = "none"


class AppliesWhen(StrEnum):
    """When the clause's sanctions apply."""

    always = "always"
    overdue = "overdue"  # 逾期不改正的
    refused = "refused"  # 拒不改正的
    overdue_or_serious = "overdue_or_serious"  # 逾期不改正或者造成严重后果的
    refused_or_serious = "refused_or_serious"  # 拒不改正或者情节严重的

    @property
    def correction_part(self) -> str:
        """The correction status part of the condition: ``overdue``, ``refused`` or ``always``."""
        return self.value.removesuffix("_or_serious")

    @property
    def or_serious(self) -> bool:
        """情节严重 alone also makes the sanctions apply (…或者情节严重的，处…)."""
        return self.value.endswith("_or_serious")


class VersionGap(Strict):
    """A provision the item rests on took effect on ``before``; the text in force earlier is not
    in the statute corpus, so an act before that day is not decided (Art. 37 needs both
    versions): ``why`` says which text and why it is missing."""

    before: dt.date
    why: str = Field(min_length=1)


class Sanction(Strict):
    """One statutory sanction of a clause.

    A fine is a range in yuan (``min``/``max``; ``min`` omitted means 0, as in 处二百元以下罚款),
    a multiple of a base fact (``base: illegal_income`` with ``min``/``max`` as multiples), or an
    amount per unit (``per: area_m2`` with ``min``/``max`` per unit). ``fallback`` is the range
    that applies when the base is zero (没有违法所得的，处…) or, with ``threshold``, below it
    (没有违法所得或者违法所得不足一万元的，处…). ``cap`` bounds the amount in yuan (但最高不得超过十万元).
    ``party`` restricts the sanction to one kind of party (对单位/对个人); ``on`` says whom it
    falls on (the party, or an organisation's responsible persons or principal). ``label`` is the
    statute's own name for the sanction where it differs from the kind's (责令停业整顿, 没收犬只).
    Other kinds carry no amount.
    """

    kind: SanctionKind
    mode: Mode = Mode.shall
    party: PartyScope = PartyScope.any
    on: Payer = Field(default=Payer.party, description="Whom the sanction falls on")
    min: Decimal | None = None
    max: Decimal | None = None
    base: str | None = Field(default=None, description="Fact the fine is a multiple of")
    per: str | None = Field(default=None, description="Fact counting the units the fine is per")
    fallback: FineRange | None = None
    threshold: Decimal | None = Field(
        default=None, description="The fallback applies when the base is below this (不足X元)")
    cap: Decimal | None = Field(default=None, description="The fine never exceeds this many yuan")
    label: str | None = Field(default=None, description="The statute's name for this sanction")
    source: Citation | None = Field(
        default=None, description="The provision that sets the amount where the penalty clause "
                                  "gives none (an implementing regulation: 实施条例)")
    text: str | None = Field(default=None, description="The words of the clause for this sanction")

    @field_validator("min", "max", mode="before")
    @classmethod
    def _amount(cls, value: object) -> Decimal | None:
        return None if value is None else _decimal(value)

    @field_validator("threshold", "cap", mode="before")
    @classmethod
    def _yuan(cls, value: object) -> Decimal | None:
        return None if value is None else _money(value)

    @model_validator(mode="after")
    def _shape(self) -> Sanction:
        if self.threshold is not None and (self.base is None or self.fallback is None):
            raise ValueError("threshold (不足X元) needs base and the fallback range below it")
        if self.threshold is not None and self.threshold <= 0:
            raise ValueError("threshold is a positive amount in yuan")
        if self.cap is not None:
            if self.kind is not SanctionKind.fine:
                raise ValueError("only fines have a cap")
            if self.cap <= 0:
                raise ValueError("cap is a positive amount in yuan")
            if not (self.base or self.per) and self.max is not None and self.max > self.cap:
                raise ValueError(f"a fine in yuan with max {self.max} above its cap {self.cap}")
        if self.kind is SanctionKind.fine:
            if self.max is None:
                raise ValueError("a fine needs max (and min, unless the clause says 以下 only)")
            if self.base and self.per:
                raise ValueError("a fine is either a multiple of 'base' or per unit of 'per'")
            low = self.min if self.min is not None else Decimal(0)
            if low < 0 or low > self.max:
                raise ValueError(f"fine min {low} must be between 0 and max {self.max}")
            if not self.base and not self.per:
                _money(self.max)
                _money(low)
        else:
            if self.min is not None or self.max is not None or self.base or self.per:
                raise ValueError(f"{self.kind} carries no amount; only fines have min/max")
            if self.fallback is not None:
                raise ValueError("only fines have a fallback range")
        return self

    @property
    def low(self) -> Decimal:
        return self.min if self.min is not None else Decimal(0)

    @property
    def shown_label(self) -> str:
        """The statute's own name for the sanction, or its kind's (Art. 9)."""
        return self.label or SANCTION_LABELS[self.kind]


class FineRange(Strict):
    min: Decimal = Decimal(0)
    max: Decimal

    @field_validator("min", "max", mode="before")
    @classmethod
    def _amount(cls, value: object) -> Decimal:
        return _money(value)


class SeriousRange(Strict):
    """The sanctions of 情节严重的 clauses: added to the others (``adds``: 并处…, a bare further
    sanction; a fine here takes the place of the earlier fine on the same payer: 情节严重的，处…罚款)
    or standing alone (``replaces``)."""

    when: str | None = Field(default=None, description="Condition for 'serious'; default: harm == \"serious\"")
    effect: Effect = Effect.adds
    sanctions: list[Sanction] = Field(min_length=1)


class Stage(Strict):
    """An escalation of the clause on the correction status: 逾期未改正的 (``overdue``; a party
    that refused is overdue too) or 拒不改正的 (``refused``), with its own sanctions."""

    when: Literal["overdue", "refused"]
    effect: Effect = Effect.adds
    sanctions: list[Sanction] = Field(min_length=1)
    text: str | None = Field(default=None, description="The words of the clause for this stage")


class Statutory(Strict):
    """The statutory penalty of a clause, as the statute writes it."""

    correction: Correction = Correction.order
    applies_when: AppliesWhen = AppliesWhen.always
    sanctions: list[Sanction] = Field(min_length=1)
    stages: list[Stage] = Field(default_factory=list,
                                description="Escalations: 逾期未改正的 / 拒不改正的, in that order")
    serious: SeriousRange | None = None
    substitute_performance: bool = Field(default=False, description="代为改正/代为设置, costs borne by the party")

    def every_sanction(self) -> list[Sanction]:
        """Every sanction the clause names, in every layer (base, stages, 情节严重)."""
        found = list(self.sanctions)
        for stage in self.stages:
            found += stage.sanctions
        if self.serious is not None:
            found += self.serious.sanctions
        return found

    @property
    def serious_when(self) -> str | None:
        """The condition for 情节严重, where the clause reads it (a serious range, or 拒不改正或者
        情节严重的): the range's ``when``, by default ``harm == "serious"``."""
        if self.serious is not None:
            return self.serious.when or 'harm == "serious"'
        return 'harm == "serious"' if self.applies_when.or_serious else None

    @model_validator(mode="after")
    def _stages(self) -> Statutory:
        whens = [stage.when for stage in self.stages]
        if whens not in ([], ["overdue"], ["refused"], ["overdue", "refused"]):
            raise ValueError("stages are at most one 'overdue' then one 'refused', in that order")
        if self.applies_when.correction_part == "refused" and whens:
            raise ValueError("a clause that applies only 拒不改正的 has no later stage")
        if self.applies_when.correction_part == "overdue" and "overdue" in whens:
            raise ValueError("applies_when: overdue already makes the base sanctions the overdue "
                             "stage; an escalation after it is a 'refused' stage")
        return self


class Band(StrEnum):
    lighter = "lighter"
    ordinary = "ordinary"
    heavier = "heavier"


class TierFine(Strict):
    """A tier's recommended fine: a policy band of the statutory range, or explicit bounds.

    For multiple-of-base fines the bounds are multiples; for per-unit fines, amounts per unit.
    """

    band: Band | None = None
    min: Decimal | None = None
    max: Decimal | None = None
    party: PartyScope = PartyScope.any

    @field_validator("min", "max", mode="before")
    @classmethod
    def _amount(cls, value: object) -> Decimal | None:
        return None if value is None else _decimal(value)

    @model_validator(mode="after")
    def _one_way(self) -> TierFine:
        explicit = self.min is not None or self.max is not None
        if self.band is not None and explicit:
            raise ValueError("give either band or min/max, not both")
        if self.band is None and (self.min is None or self.max is None):
            raise ValueError("give band (lighter/ordinary/heavier) or both min and max")
        if explicit and self.min is not None and self.max is not None and self.min > self.max:
            raise ValueError(f"min {self.min} above max {self.max}")
        return self


class Tier(Strict):
    """A tier (违法程度) of a benchmark: its circumstances and recommended sanctions."""

    level: str = Field(min_length=1, description="Tier label, e.g. 轻微 / 一般 / 较重 / 严重")
    when: str | None = Field(default=None, description="Condition; 'otherwise' = no other tier "
                             "matched; absent: the officer finds the tier (a case's tier) from "
                             "its description")
    description: str | None = Field(default=None, description="违法情形 in words")
    fine: TierFine | list[TierFine] | None = None
    sanctions: list[SanctionKind] = Field(default_factory=list,
                                          description="Other statutory kinds imposed at this tier")
    uses: Literal["base", "serious"] = "base"

    @property
    def fines(self) -> list[TierFine]:
        if self.fine is None:
            return []
        return self.fine if isinstance(self.fine, list) else [self.fine]


class FactDecl(Strict):
    """An item-specific fact a case may have to supply (area, amount, count...)."""

    name: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    type: Literal["number", "integer", "money", "boolean", "enum", "text"]
    label: str = Field(min_length=1, description="Chinese label, e.g. 面积")
    unit: str | None = None
    values: list[str] | None = None
    required: bool = Field(default=False, description="Needed even when no condition reads it")

    @model_validator(mode="after")
    def _values(self) -> FactDecl:
        if self.type == "enum" and not self.values:
            raise ValueError("an enum fact lists its values")
        if self.type != "enum" and self.values:
            raise ValueError("only enum facts have values")
        return self


class Provenance(Strict):
    """Where an item came from: the statute file and article; who wrote its tiers, and — for an
    agency's official tiers — the document they were published in (``source``)."""

    file: str = Field(min_length=1, description="Statute file under the laws folder")
    article: int = Field(ge=1)
    tiers: Literal["reference_default", "official", "none"] = "reference_default"
    note: str | None = None
    source: str | None = Field(
        default=None, min_length=1,
        description="裁量基准来源: the published document the official tiers (or the list "
                    "entry) come from, as the agency cites it — issuer, title, document number "
                    "(文号) and date, e.g. 某县综合行政执法局《…行政处罚裁量基准》（某综执〔2023〕1号，"
                    "2023-05-01）")


class BenchmarkItem(Strict):
    """A discretion benchmark (裁量基准) for one violation."""

    id: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")]
    kind: Literal["benchmark"] = "benchmark"
    field: str
    title: str = Field(min_length=1, description="违法行为名称")
    aliases: list[Annotated[str, Field(min_length=2, max_length=30)]] = Field(
        default_factory=list,
        description="俗称：the everyday names officers use for the act (占道经营, 违章搭建…), "
                    "searched before the statute's wording")
    power_code: str | None = Field(default=None, description="权力编码")
    violated: list[Citation] = Field(min_length=1, description="违反法律条款")
    penalty: Citation = Field(description="处罚法律条款")
    clause: str = Field(min_length=1, description="The penalty clause text, verbatim")
    subject: str | None = Field(default=None, description="处罚对象")
    statutory: Statutory
    facts: list[FactDecl] = Field(default_factory=list)
    tiers: list[Tier] = Field(min_length=1)
    tier_priority: bool = Field(
        default=False,
        description="Tiers may overlap on purpose: the first that holds, in written order, applies")
    five_year_limitation: bool = Field(default=False, description="Art. 36: life/health or financial security")
    effective_from: dt.date | None = Field(default=None, description="First day this version applies")
    effective_to: dt.date | None = Field(default=None, description="Last day this version applies")
    supersedes: list[str] = Field(
        default_factory=list,
        description="Ids of earlier versions of the same act (Art. 37: 从旧兼从轻)")
    not_encoded_before: VersionGap | None = Field(
        default=None,
        description="Art. 37: before this day another text governed the act (or set its "
                    "amounts) and the statute corpus does not hold it")
    provenance: Provenance


class ListKind(StrEnum):
    non_penalty = "non_penalty"  # 不予处罚
    mitigation = "mitigation"  # 减轻处罚
    lighter = "lighter"  # 从轻处罚
    no_coercion = "no_coercion"  # 免予行政强制


LIST_LABELS: dict[ListKind, str] = {
    ListKind.non_penalty: "不予处罚",
    ListKind.mitigation: "减轻处罚",
    ListKind.lighter: "从轻处罚",
    ListKind.no_coercion: "免予行政强制",
}


class FollowUp(StrEnum):
    education = "education"  # 批评教育
    correction_order = "correction_order"  # 责令改正
    commitment = "commitment"  # 告知承诺
    guardian_discipline = "guardian_discipline"  # 责令监护人加以管教
    warning_talk = "warning_talk"  # 约谈提醒


class CoerciveMeasure(Strict):
    """The administrative coercive measure (行政强制措施) a 免予行政强制 entry waives, and the
    provision that authorises it (查封、扣押… under the item's statute)."""

    label: str = Field(min_length=1, description="The measure in the statute's words (扣押经营工具)")
    basis: Citation = Field(description="The provision that authorises the measure")


class ListItem(Strict):
    """An entry of one of Zhejiang's four lists, tied to a benchmark item.

    ``basis`` says why the entry applies, and so whether it binds (docs/catalog-format.md, "List
    entries"): a 从轻/减轻 entry restates a statutory ground (行政处罚法 Art. 32 ¶1 (1)–(4):
    ``mandatory: true``) or is the benchmark's own policy (Art. 34, 裁量基准: ``mandatory:
    false``), or cites the 法律、法规、规章 provision that gives the ground; a 免予行政强制 entry
    names the ``measure`` it waives.
    """

    id: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*(-[A-Z0-9]+)+$")]
    kind: ListKind
    field: str
    benchmark: str = Field(description="Id of the benchmark item this entry applies to")
    title: str = Field(min_length=1)
    basis: list[Citation] = Field(min_length=1, description="Legal basis of the list entry")
    mandatory: bool = Field(description="shall (应当) vs may (可以)")
    when: str = Field(min_length=1, description="Conditions under which the list applies")
    conditions_text: str | None = Field(default=None, description="适用条件 in words")
    measure: CoerciveMeasure | None = Field(
        default=None, description="no_coercion: the coercive measure waived and its basis")
    follow_up: list[FollowUp] = Field(default_factory=list)
    provenance: Provenance


class Field_(Strict):
    code: Annotated[str, Field(pattern=r"^[A-Z][A-Z0-9]*$")]
    name: str = Field(min_length=1)
    description: str | None = None


class Fields(Strict):
    fields: list[Field_] = Field(min_length=1)


class Bands(Strict):
    lighter: tuple[Decimal, Decimal]
    ordinary: tuple[Decimal, Decimal]
    heavier: tuple[Decimal, Decimal]

    @field_validator("lighter", "ordinary", "heavier", mode="before")
    @classmethod
    def _pair(cls, value: object) -> tuple[Decimal, Decimal]:
        if not isinstance(value, list | tuple) or len(value) != 2:
            raise ValueError("a band is [from, to], fractions of the range, e.g. [0, 0.3]")
        low, high = (_decimal(v) for v in value)
        if not (0 <= low <= high <= 1):
            raise ValueError("band fractions run from 0 to 1, from <= to")
        return (low, high)

    @model_validator(mode="after")
    def _cover(self) -> Bands:
        if self.lighter[0] != 0 or self.heavier[1] != 1:
            raise ValueError("the bands must start at 0 and end at 1")
        if self.lighter[1] != self.ordinary[0] or self.ordinary[1] != self.heavier[0]:
            raise ValueError("the bands must meet: lighter.to == ordinary.from, ordinary.to == heavier.from")
        return self

    def get(self, band: Band) -> tuple[Decimal, Decimal]:
        return {Band.lighter: self.lighter, Band.ordinary: self.ordinary,
                Band.heavier: self.heavier}[band]


class ByParty(Strict):
    individual: Decimal
    organization: Decimal

    @field_validator("individual", "organization", mode="before")
    @classmethod
    def _amount(cls, value: object) -> Decimal:
        return _money(value)

    def for_party(self, kind: str) -> Decimal:
        return self.individual if kind == "individual" else self.organization


class Policy(Strict):
    """Jurisdiction policy as data: tier bands, mitigation floor, procedure thresholds."""

    bands: Bands
    rounding: Decimal = Field(default=Decimal(1), description="Band edges round to this many yuan")
    mitigation_floor: Decimal = Field(
        default=Decimal("0.5"),
        description="Mitigated fines go down to this fraction of the statutory minimum")
    summary_limit: ByParty = Field(description="Art. 51: on-the-spot fines up to these amounts")
    hearing_threshold: ByParty = Field(description="Art. 63: 较大数额罚款 from these amounts")
    notes: list[str] = Field(default_factory=list)

    @field_validator("rounding", "mitigation_floor", mode="before")
    @classmethod
    def _dec(cls, value: object) -> Decimal:
        return _decimal(value)


class CircumstanceDecl(Strict):
    """A catalog-defined circumstance code (Art. 32 (5) and local rules)."""

    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9_]*$")]
    label: str
    effect: Literal["lighter", "mitigated", "heavier", "none"] = "none"
    basis: Citation | None = None


class Manifest(Strict):
    jurisdiction: str
    code: Annotated[str, Field(pattern=r"^[a-z][a-z0-9-]*$")]
    version: str
    title: str
    effective_from: dt.date
    effective_to: dt.date | None = None
    policy: Policy
    circumstances: list[CircumstanceDecl] = Field(default_factory=list)
    laws_root_hint: str | None = Field(default=None, description="Where the statutes were read from")
    description: str | None = None
    official: bool = Field(
        default=False,
        description="The tiers are an agency's published benchmark (true), not reference "
                    "defaults; every item's provenance.tiers is then 'official'")
