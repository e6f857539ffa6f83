"""The decision while it is made, and its assembly: :class:`Draft` collects what the legal
steps find (outcome, grounds, sanctions, adjustments, the trace), :func:`finish` turns it into
the :class:`~discretion.decision.Decision`; with the small helpers that put a finding into the
decision's words (follow-up measures, fines, payers, correction statuses, citations).
"""

from __future__ import annotations

from decimal import Decimal
from typing import Final, Literal

from discretion.case import Case, CorrectionStatus
from discretion.catalog.models import (
    PAYER_LABELS,
    SANCTION_LABELS,
    SANCTION_SEVERITY,
    BenchmarkItem,
    Citation,
    Correction,
    Mode,
    Payer,
    Sanction,
)
from discretion.catalog.ranges import YuanResult
from discretion.catalog.sanctions import StageName
from discretion.decision import (
    Adjustment,
    CatalogRef,
    Decision,
    FollowUpOut,
    Ground,
    MissingFact,
    Money,
    NeedsFacts,
    OptionOut,
    Outcome,
    Procedure,
    SanctionOut,
    TierOut,
    TraceStep,
)
from discretion.engine.plan import ItemPlan
from discretion.law import apl as law
from discretion.money import Range, fmt_yuan

# Enum members compared with, as module constants: in Python 3.11 reading `Enum.member` goes
# through EnumType.__getattr__'s slot (~60 ns); a Final constant of a compiled module is read
# directly.
_CORRECTION_NONE: Final = Correction.none
_CORRECTION_STATUS_IN_TIME: Final = CorrectionStatus.in_time
_CORRECTION_STATUS_OVERDUE: Final = CorrectionStatus.overdue
_CORRECTION_STATUS_PENDING: Final = CorrectionStatus.pending
_CORRECTION_STATUS_REFUSED: Final = CorrectionStatus.refused
_MODE_MAY: Final = Mode.may
_PAYER_PARTY: Final = Payer.party

FOLLOW_UP_TEXT = {
    "education": "对当事人进行批评教育（《行政处罚法》第三十三条第三款）",
    "correction_order": "责令当事人改正违法行为（《行政处罚法》第二十八条第一款）",
    "commitment": "当事人签署告知承诺书",
    "guardian_discipline": "责令监护人加以管教（看管和治疗）",
    "warning_talk": "约谈提醒",
    "no_coercion": "免予采取行政强制措施",
}
CORRECTION_TEXT = {
    Correction.order: "责令改正",
    Correction.deadline: "责令限期改正",
    Correction.immediate: "责令立即改正（即时清除）",
    Correction.none: "",
}


class Draft:
    """What is known about the decision while the rules run (a plain slotted class: one is
    made per case, and its lists are literals rather than dataclass default factories)."""

    __slots__ = ("adjustments", "conflict", "follow_up", "grounds", "mandatory", "max_fine", "missing",
                 "options",
                 "outcome", "outcomes", "procedure", "range_possible", "recommended", "serious",
                 "stage", "statutory", "tier", "tiers_possible", "trace")

    def __init__(self) -> None:
        self.outcome: Outcome | None = None
        self.mandatory: bool | None = None
        self.grounds: list[Ground] = []
        self.tier: TierOut | None = None
        self.statutory: list[SanctionOut] = []
        self.recommended: list[SanctionOut] = []
        self.adjustments: list[Adjustment] = []
        self.follow_up: list[str] = []
        self.procedure: Procedure | None = None
        self.missing: list[MissingFact] = []
        self.outcomes: set[str] = set()
        self.tiers_possible: list[str] = []
        self.range_possible: Range | None = None
        self.trace: list[TraceStep] = []
        self.max_fine: Decimal | None = None
        self.stage: StageName = "base"  # the clause's escalation stage the case reached
        self.serious = False  # the case is 情节严重 under the clause's serious range
        self.conflict: str | None = None  # shall grounds in both directions, for the officer
        self.options: list[OptionOut] = []  # other lawful outcomes the officer may choose

    def step(self, rule: str, detail: str, citation: Citation | None = None) -> None:
        self.trace.append(TraceStep(rule=rule, detail=detail, citation=citation))

    def need(self, path: str, label: str, type_: str) -> None:
        if all(m.path != path for m in self.missing):
            self.missing.append(MissingFact(path=path, label=label, type=type_))

    def follow(self, *codes: str) -> None:
        for code in codes:
            if code not in self.follow_up:
                self.follow_up.append(code)


def finish(case: Case, plan: ItemPlan, draft: Draft, ref: CatalogRef) -> Decision:
    """The decision ``draft`` makes of ``case`` under the item of ``plan`` (with the facts still
    needed when some are missing); ``ref`` names the catalog."""
    needs = None
    outcome = draft.outcome
    if draft.missing:
        outcome = None
        needs = NeedsFacts(facts=draft.missing, outcomes=sorted(draft.outcomes or {"penalized"}),
                           tiers=draft.tiers_possible,
                           range=Money(**draft.range_possible.as_dict()) if draft.range_possible else None)
    item = plan.item
    follow: list[FollowUpOut] = []
    kept = plan.follow
    for code in draft.follow_up:
        out = kept.get(code)
        if out is None:
            out = kept[code] = FollowUpOut(code=code, text=follow_text(code, item))
        follow.append(out)
    return Decision(outcome=outcome, mandatory=draft.mandatory if outcome == "not_penalized" else None,
                    grounds=draft.grounds, item=item.id, tier=draft.tier,
                    statutory=draft.statutory,
                    recommended=draft.recommended if outcome == "penalized" else [],
                    adjustments=draft.adjustments, follow_up=follow, procedure=draft.procedure,
                    needs_facts=needs, trace=draft.trace, catalog=ref,
                    reference=case.reference, conflict=draft.conflict,
                    options=draft.options)


def weight_words(weight: tuple[int, Decimal, int]) -> str:
    """How heavily a version treats the case (``Engine._weight``), in words for Art. 37's step."""
    penalised, top, heaviest = weight
    if not penalised:
        return "不予处罚或者只责令改正"
    parts = [f"罚款最高{fmt_yuan(top)}"] if top else []
    if heaviest >= 0:
        parts.append(SANCTION_LABELS[SANCTION_SEVERITY[heaviest]])
    return "处" + "、".join(parts) if parts else "只有可以选择的处罚"


def payer_of(sanction: Sanction) -> Literal["responsible", "principal"] | None:
    """Whom the sanction falls on, for the decision: ``None`` for the party itself."""
    on = sanction.on
    return None if on is _PAYER_PARTY else on.value  # type: ignore[return-value]


def fine_out(sanction: Sanction, result: YuanResult) -> tuple[SanctionOut, TraceStep]:
    """The recommended fine in yuan and its trace step."""
    assert result.range is not None
    mode = "可以处" if sanction.mode is _MODE_MAY else "处"
    out = SanctionOut(kind="fine", label=sanction.shown_label, mode=sanction.mode.value,
                      party=sanction.party.value, fine=Money(**result.range.as_dict()),
                      basis=result.basis, on=payer_of(sanction), source=sanction.source)
    whom = "" if sanction.on is _PAYER_PARTY else "对" + PAYER_LABELS[sanction.on]
    step = TraceStep(rule="fine", detail=f"建议{whom}{mode}罚款{result.range.human()}" +
                     (f"（{result.basis}）" if result.basis else ""))
    return out, step


def follow_text(code: str, item: BenchmarkItem) -> str:
    """A follow-up measure in words; the correction order as the item's clause words it."""
    if code == "correction_order" and item.statutory.correction is not _CORRECTION_NONE:
        return f"{CORRECTION_TEXT[item.statutory.correction]}（《行政处罚法》第二十八条第一款）"
    return FOLLOW_UP_TEXT.get(code, code)


def cited(grounds: list[law.Ground]) -> str:
    """The grounds' provisions in words (《行政处罚法》第三十条、第四十九条)."""
    return "、".join(dict.fromkeys(g.citation.human() for g in grounds))


def correction_label(status: CorrectionStatus) -> str:
    """The party's correction status in words (已按期改正…)."""
    return {_CORRECTION_STATUS_IN_TIME: "已按期改正", _CORRECTION_STATUS_PENDING: "改正期限未届满",
            _CORRECTION_STATUS_OVERDUE: "逾期未改正", _CORRECTION_STATUS_REFUSED: "拒不改正"}[status]


__all__ = ["CORRECTION_TEXT", "FOLLOW_UP_TEXT", "Draft", "cited", "correction_label", "fine_out",
           "finish", "follow_text", "payer_of", "weight_words"]
