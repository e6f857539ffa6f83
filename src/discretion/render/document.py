"""A decision as the wording of a 行政处罚决定审批表 draft, ready to paste into a case file.

Unlike the reasoning text (:mod:`discretion.render.text`) it carries no item ids, hashes or
internal names: the statute's own words for the penalty clause, every provision named with its
law (《行政处罚法》第三十条), amounts in one style (人民币 …元以上…元以下), the lists said in words
(listed but its conditions not met, or not listed), and the law's other choices. It is a draft:
the officer completes the facts and signs; a benchmark that is not an agency's official one
says so in the heading.
"""

from __future__ import annotations

import re
from decimal import Decimal

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import LIST_LABELS, ListKind
from discretion.decision import Decision, SanctionOut
from discretion.money import Range
from discretion.numerals import format_chinese_integer
from discretion.render.text import (
    ADJUSTMENT_LABELS,
    OPTION_LABELS,
    OUTCOME_LABELS,
    cite,
    with_mode_and_payer,
)

__all__ = ["decision_document"]

_ID = re.compile(r"[A-Z]{2,}(?:-[A-Z]+)*-\d{3,}")


def _plain(text: str) -> str:
    """No catalog ids in a document: 发生时的LS-ZSGF-0002 → 发生时的规定; an entry's id goes."""
    text = re.sub(r"(?<=的)" + _ID.pattern, "规定", text)
    return _ID.sub("", text)


def _amount(sanction: SanctionOut) -> str:
    """罚款人民币1,000元以上5,000元以下 / 对直接负责的主管人员…; other kinds in the statute's words."""
    if sanction.fine is not None:
        text = "罚款人民币" + Range(Decimal(sanction.fine.min), Decimal(sanction.fine.max)).human()
    else:
        text = sanction.label
    text = with_mode_and_payer(sanction, text)
    if sanction.source is not None:
        text += f"（数额依据{cite(sanction.source)}）"
    return text


def _lists(decision: Decision, catalog: Catalog) -> str | None:
    """Whether the item is on the 不予处罚 list, and if so why the list did not apply."""
    if decision.item is None or decision.outcome != "penalized":
        return None
    entries = [e for e in catalog.lists_for(decision.item) if e.kind is ListKind.non_penalty]
    label = LIST_LABELS[ListKind.non_penalty]
    if not entries:
        return f"本违法行为未列入《{label}事项清单》。"
    conditions = "；".join(e.conditions_text or e.title for e in entries)
    return f"本违法行为列入《{label}事项清单》，但本案不符合其适用条件（{conditions}）。"


def decision_document(decision: Decision, catalog: Catalog) -> str:
    """The 审批表 wording of ``decision`` (decided against ``catalog``)."""
    item = catalog.benchmarks.get(decision.item) if decision.item else None
    official = decision.catalog is not None and decision.catalog.official
    heading = "行政处罚决定审批表（草稿）" + ("" if official else "——依据参考裁量基准（非官方），请执法人员核对")
    sections: list[tuple[str, list[str]]] = []

    violated = [g for g in decision.grounds if g.reason.startswith("违反：")]
    if item is not None:
        facts = [f"当事人{item.title}。"]
        if violated:
            facts.append("上述行为违反了" + "、".join(cite(g.citation) for g in violated) + "的规定。")
        sections.append(("违法事实及违反的规定", facts))

    basis = [f"{cite(item.penalty)}规定：“{item.clause.rstrip('：:')}”"] if item is not None else []
    basis += [f"{cite(g.citation)}：{g.reason}" for g in decision.grounds
              if not g.reason.startswith(("违反：", "处罚依据："))]
    sections.append(("处理依据", basis))

    circumstances: list[str] = []
    if decision.tier is not None:
        circumstances.append(f"违法程度：{decision.tier.level}"
                             + (f"（{decision.tier.description}）" if decision.tier.description else "") + "。")
    for adjustment in decision.adjustments:
        circumstances.append(f"依据{cite(adjustment.basis)}，{'应当' if adjustment.mandatory else '可以'}"
                             f"{ADJUSTMENT_LABELS[adjustment.kind]}处罚：{adjustment.reason}。")
    if decision.conflict:
        circumstances.append(decision.conflict + "。")
    listed = _lists(decision, catalog)
    if listed:
        circumstances.append(listed)
    if circumstances:
        sections.append(("裁量情节", circumstances))

    opinion: list[str] = []
    if decision.outcome == "penalized":
        opinion.append("建议给予行政处罚：" + "；".join(_amount(s) for s in decision.recommended) + "。")
    elif decision.outcome == "not_penalized":
        opinion.append(("应当" if decision.mandatory else "可以") + "不予行政处罚。")
    elif decision.outcome == "correction_only":
        opinion.append("责令改正，不予罚款。")
    elif decision.needs_facts is not None:
        opinion.append("尚需查明：" + "、".join(m.label for m in decision.needs_facts.facts) + "；"
                       "查明后再提出处理意见。")
    opinion += [f.text + "。" for f in decision.follow_up]
    sections.append(("处理意见", opinion))

    if decision.options:
        sections.append(("依法可以选择的其他处理", [
            f"{OUTCOME_LABELS.get(o.outcome) or OPTION_LABELS.get(o.outcome, o.outcome)}"
            f"（{cite(o.basis)}）：{o.reason}。" for o in decision.options]))

    if decision.procedure is not None:
        p = decision.procedure
        procedure = ["可以适用简易程序当场作出行政处罚决定（《行政处罚法》第五十一条）。" if p.summary_allowed
                     else "适用普通程序。"]
        if p.hearing_right:
            procedure.append("应当告知当事人有要求听证的权利（《行政处罚法》第六十三条）。")
        if p.legal_review:
            procedure.append("作出决定前应当进行法制审核（《行政处罚法》第五十八条）。")
        procedure += [f"是否须法制审核，由行政机关判断：《行政处罚法》{c}。" for c in p.legal_review_if]
        sections.append(("程序", procedure))

    lines = [heading, ""]
    for number, (title, body) in enumerate(sections):
        lines.append(f"{format_chinese_integer(number + 1)}、{title}")
        lines += [f"    {_plain(line)}" for line in body]
        lines.append("")
    return "\n".join(lines).rstrip() + "\n"
