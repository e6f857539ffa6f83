"""Chinese text and Markdown for decisions and items (处理结果, 法律依据, 违法程度, 建议处罚 ...)."""

from __future__ import annotations

from decimal import Decimal

from discretion.catalog.models import (
    LIST_LABELS,
    PAYER_LABELS,
    SANCTION_LABELS,
    BenchmarkItem,
    Citation,
    ListItem,
    Payer,
)
from discretion.decision import Decision, SanctionOut
from discretion.money import Range, fmt_yuan
from discretion.numerals import format_chinese_integer

OUTCOME_LABELS = {
    "not_penalized": "不予行政处罚",
    "penalized": "给予行政处罚",
    "correction_only": "责令改正，不予罚款",
    None: "尚待查明事实",
}
ADJUSTMENT_LABELS = {"lighter": "从轻", "mitigated": "减轻", "heavier": "从重"}
OPTION_LABELS = {"mitigated": "减轻处罚", "unadjusted": "不从轻，按所在档次"}


def cite(citation: Citation) -> str:
    """``《浙江省城市市容和环境卫生管理条例》第三十二条第一款第（二）项``."""
    return citation.human()


def with_mode_and_payer(sanction: SanctionOut, text: str) -> str:
    """``text`` with 可以 for a may, and whom it falls on (对单位 / 对直接负责的主管人员…)."""
    if sanction.mode == "may":
        text = "可以" + text
    if sanction.on is not None:
        text = "对" + PAYER_LABELS[Payer(sanction.on)] + text
    elif sanction.party != "any":
        text = ("对单位" if sanction.party == "organization" else "对个人") + text
    return text


def sanction_text(sanction: SanctionOut) -> str:
    text = sanction.label
    if sanction.fine is not None:
        words = Range(Decimal(sanction.fine.min), Decimal(sanction.fine.max)).human()
        text = f"罚款{words}"
    text = with_mode_and_payer(sanction, text)
    if sanction.basis:
        text += f"（{sanction.basis}）"
    return text


def decision_text(decision: Decision, markdown: bool = False) -> str:
    """The decision as a case handler reads it, with the reasoning (说理) section."""
    h = "## " if markdown else ""
    b = "- " if markdown else "  "
    lines: list[str] = []
    outcome = OUTCOME_LABELS[decision.outcome]
    if decision.outcome == "not_penalized":
        outcome = ("应当" if decision.mandatory else "可以") + "不予行政处罚"
    lines.append(f"{h}处理结果：{outcome}")
    lines.append(f"{b}事项：{decision.item}")
    if decision.reference:
        lines.append(f"{b}案件编号：{decision.reference}")
    if decision.tier is not None:
        tier = decision.tier.level + (f"（{decision.tier.description}）" if decision.tier.description else "")
        lines.append(f"{b}违法程度：{tier}")
    if decision.recommended:
        lines.append(f"{b}建议处罚：" + "；".join(sanction_text(s) for s in decision.recommended))
    if decision.statutory:
        lines.append(f"{b}法定处罚：" + "；".join(sanction_text(s) for s in decision.statutory))
    for adjustment in decision.adjustments:
        lines.append(f"{b}裁量情节：{'应当' if adjustment.mandatory else '可以'}"
                     f"{ADJUSTMENT_LABELS[adjustment.kind]}（{cite(adjustment.basis)}）{adjustment.reason}")
    if decision.conflict:
        lines.append(f"{b}情节冲突：{decision.conflict}")
    for option in decision.options:
        lines.append(f"{b}可以选择：{OUTCOME_LABELS.get(option.outcome, OPTION_LABELS.get(option.outcome, option.outcome))}"
                     f"（{cite(option.basis)}）{option.reason}")
    if decision.needs_facts is not None:
        needs = decision.needs_facts
        lines.append(f"{b}尚需查明：" + "、".join(f"{m.label}（{m.path}）" for m in needs.facts))
        lines.append(f"{b}可能结果：" + "、".join(OUTCOME_LABELS.get(o, o) for o in needs.outcomes))
        if needs.tiers:
            lines.append(f"{b}可能档次：" + "、".join(needs.tiers))
        if needs.range is not None:
            words = Range(Decimal(needs.range.min), Decimal(needs.range.max)).human()
            lines.append(f"{b}可能罚款：{words}")
    if decision.procedure is not None:
        p = decision.procedure
        lines.append(f"{b}程序：" + "；".join([
            "可以适用简易程序" if p.summary_allowed else "适用普通程序",
            "告知听证权利" if p.hearing_right else "无需告知听证",
            "须经法制审核" if p.legal_review else
            ("法制审核由行政机关判断" if p.legal_review_if else "无需法制审核"),
        ]))
        for condition in p.legal_review_if:
            lines.append(f"{b}  法制审核情形：{condition}")
    lines.append("")
    lines.append(f"{h}法律依据")
    for ground in decision.grounds:
        lines.append(f"{b}{cite(ground.citation)}：{ground.reason}")
    if decision.follow_up:
        lines.append("")
        lines.append(f"{h}后续措施")
        for item in decision.follow_up:
            lines.append(f"{b}{item.text}")
    lines.append("")
    lines.append(f"{h}说理")
    reasoning = [step for step in decision.trace if step.rule != "rules"]
    for number, step in enumerate(reasoning, 1):
        ref = f"（{cite(step.citation)}）" if step.citation else ""
        lines.append(f"{b}{number}. {step.detail}{ref}")
    lines.append("")
    catalog = decision.catalog
    assert catalog is not None  # the engine names its catalog in every decision
    title = "裁量基准" if catalog.official else "参考裁量基准（非官方）"
    lines.append(f"{title}：{catalog.jurisdiction} {catalog.version}（sha256 {catalog.sha256[:12]}）")
    return "\n".join(lines)


def item_text(item: BenchmarkItem | ListItem) -> str:
    """One catalog item, the way an agency publishes it."""
    lines: list[str] = [f"{item.id}  {item.title}"]
    if isinstance(item, BenchmarkItem):
        lines.append(f"  领域：{item.field}" + (f"  权力编码：{item.power_code}" if item.power_code else ""))
        lines.append("  违反法律条款：" + "；".join(cite(c) for c in item.violated))
        lines.append(f"  处罚法律条款：{cite(item.penalty)}")
        lines.append(f"  条文：{item.clause}")
        if item.subject:
            lines.append(f"  处罚对象：{item.subject}")
        from discretion.catalog.vocabulary import STANDARD_FACTS

        labels = {name: (decl.label, decl.unit) for name, decl in STANDARD_FACTS.items()}
        labels.update({f.name: (f.label, f.unit) for f in item.facts})
        for sanction in item.statutory.sanctions:
            lines.append("  法定处罚：" + _statutory_text(sanction, labels))
        for stage in item.statutory.stages:
            words = "逾期未改正" if stage.when == "overdue" else "拒不改正"
            for sanction in stage.sanctions:
                lines.append(f"  {words}：" + _statutory_text(sanction, labels))
        if item.statutory.serious is not None:
            for sanction in item.statutory.serious.sanctions:
                lines.append("  情节严重：" + _statutory_text(sanction, labels))
        if item.facts:
            lines.append("  事实：" + "；".join(f"{f.name}（{f.label}{'，' + f.unit if f.unit else ''}）"
                                             for f in item.facts))
        for tier in item.tiers:
            fine = "；".join(_tier_fine_text(f) for f in tier.fines) or "—"
            lines.append(f"  [{tier.level}] {tier.description or tier.when or ''} → {fine}"
                         f"{' + ' + '、'.join(SANCTION_LABELS[k] for k in tier.sanctions) if tier.sanctions else ''}")
            if tier.when:
                lines.append(f"      when: {tier.when}")
        lines.append(f"  来源：{item.provenance.file} 第{format_chinese_integer(item.provenance.article)}条"
                     f"（档次：{item.provenance.tiers}）")
    else:
        lines.append(f"  清单：{LIST_LABELS[item.kind]}  领域：{item.field}  对应基准：{item.benchmark}")
        lines.append("  依据：" + "；".join(cite(c) for c in item.basis))
        lines.append(f"  {'应当' if item.mandatory else '可以'}适用；条件：{item.conditions_text or ''}")
        lines.append(f"      when: {item.when}")
        if item.follow_up:
            lines.append("  后续措施：" + "、".join(f.value for f in item.follow_up))
    return "\n".join(lines)


def _statutory_text(sanction: object, labels: dict[str, tuple[str, str | None]]) -> str:
    """A statutory sanction in the statute's words: ``违法所得一倍以上三倍以下罚款``,
    ``非法占用土地面积每平方米100元以上1000元以下罚款`` — fact labels, never internal names."""
    from discretion.catalog.models import Sanction
    from discretion.catalog.ranges import multiples_words

    assert isinstance(sanction, Sanction)
    text = sanction.shown_label
    if sanction.max is not None:
        if sanction.base:
            base = labels.get(sanction.base, (sanction.base, None))[0]
            text = f"{base}{multiples_words(sanction.low, sanction.max)}的罚款"
        elif sanction.per:
            label, unit = labels.get(sanction.per, (sanction.per, None))
            each = f"每{unit}" if unit else "每个"
            text = f"按{label}{each}{Range(sanction.low, sanction.max).human()}罚款"
        else:
            text = "罚款" + Range(sanction.low, sanction.max).human()
        if sanction.fallback is not None:
            base = labels.get(sanction.base or "", (sanction.base or "", None))[0]
            below = f"不足{fmt_yuan(sanction.threshold)}" if sanction.threshold is not None else ""
            text += (f"（没有{base}{'或者' + below if below else ''}的，"
                     f"处{Range(sanction.fallback.min, sanction.fallback.max).human()}罚款）")
        if sanction.cap is not None:
            text += f"（最高不超过{fmt_yuan(sanction.cap)}）"
    prefix = {"any": "", "individual": "对个人", "organization": "对单位"}[sanction.party.value]
    if sanction.on is not Payer.party:
        prefix += "对" + PAYER_LABELS[sanction.on]
    return prefix + ("可以" if sanction.mode.value == "may" else "") + text


def _tier_fine_text(fine: object) -> str:
    from discretion.catalog.models import TierFine

    assert isinstance(fine, TierFine)
    party = {"any": "", "individual": "个人", "organization": "单位"}[fine.party.value]
    if fine.band is not None:
        return party + {"lighter": "从轻档", "ordinary": "一般档", "heavier": "从重档"}[fine.band.value]
    return f"{party}{fine.min}–{fine.max}"
