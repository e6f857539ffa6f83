"""``discretion new ITEM``: a case file to fill in, with a Chinese comment on every field.

The template is valid YAML in exactly the forms the case contract reads (docs/schema/
case.schema.json): an officer fills in the values, deletes what the case does not establish
(the engine then asks for it rather than guess), and runs ``discretion check``. Every value
the engine reads is listed with what it means; the item's own facts come with their label,
unit and, for a choice, the values allowed.
"""

from __future__ import annotations

import datetime as dt

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem
from discretion.catalog.vocabulary import BUILTIN_CIRCUMSTANCES

__all__ = ["case_template"]

_FACT_EXAMPLE = {"number": '"0"', "integer": "0", "money": '"0.00"', "boolean": "false",
                 "text": '""'}
_FACT_FORM = {"number": "数值，写成带引号的数字，如 \"12.5\"", "integer": "整数",
              "money": "金额（元），写成带引号的数字，精确到分，如 \"1200.50\" 或 \"3.6万元\"",
              "boolean": "true（是）或者 false（否）", "text": "文字"}


def case_template(catalog: Catalog, item: BenchmarkItem, today: dt.date | None = None) -> str:
    """The YAML case template for ``item``; ``today`` (if given) fills the dates as examples."""
    day = (today or dt.date(2024, 1, 1)).isoformat()
    lines = [
        f"# 案件：{item.title}",
        f"# 事项 {item.id}，处罚依据 {item.penalty.human()}",
        "# 填写本案已查明的情况；未查明的项目请删除该行（引擎不会推定，会列出需要查明的事实）。",
        "# 写完后运行：discretion check 本文件",
        "# 取值可写英文，也可写中文：是/否，日期如 2024年1月1日，个人/单位，没有/轻微/一般/严重，"
        "按期改正/期限未届满/逾期未改正/拒不改正；金额可写 3.6万元；数量可带本事项的单位，如 45平方米。",
        f"item: {item.id}    # 事项编号（不要修改）",
        "party:                  # 当事人",
        "  kind: individual      # 当事人：individual 个人 / organization 单位",
        "  age: 35               # 个人的年龄（周岁，违法行为发生时）；单位删除此行",
        "  capacity: full        # 辨认、控制能力：full 完全 / partial 尚未完全丧失 / none 不能辨认或者控制",
        f"occurred_on: {day}    # 违法行为发生日期（年-月-日）",
        f"# ended_on: {day}     # 连续或者继续状态的，行为终了日期",
        f"discovered_on: {day}  # 发现违法行为的日期",
        f"decided_on: {day}     # 作出处罚决定的日期",
        "first_offense: true     # 是否初次违法：true 是 / false 否",
        "harm: minor             # 危害后果：none 没有 / minor 轻微 / ordinary 一般 / serious 严重",
        "correction: in_time     # 改正情况：in_time 按期改正 / pending 期限未届满 / "
        "overdue 逾期未改正 / refused 拒不改正",
        "no_fault_proven: false  # 当事人有证据足以证明没有主观过错的，写 true",
        "circumstances: []       # 法定情节，可多选："
        + "；".join(f"{code} {label}" for code, label in BUILTIN_CIRCUMSTANCES.items()),
    ]
    for decl in catalog.manifest.circumstances:
        lines.append(f"#   {decl.code}: {decl.label}")
    if item.five_year_limitation:
        lines.append("# involves: []          # 是否涉及：life_health 公民生命健康安全 / "
                     "financial_security 金融安全；都不涉及写 []（超过二年发现的须填写）")
    if item.facts:
        lines.append("facts:                  # 本事项的事实")
        for fact in item.facts:
            unit = f"，单位：{fact.unit}" if fact.unit else ""
            if fact.unit and fact.type in ("number", "integer"):
                unit += f"（可带单位，如 \"5{fact.unit}\"）"
            if fact.type == "enum":
                assert fact.values
                example, form = fact.values[0], "从以下取值中选一个：" + " / ".join(fact.values)
            else:
                example, form = _FACT_EXAMPLE[fact.type], _FACT_FORM[fact.type]
            lines.append(f"  {fact.name}: {example}    # {fact.label}{unit}；{form}")
    else:
        lines.append("facts: {}               # 本事项没有需要填写的事实")
    if item.tiers:
        officer = any(tier.when is None for tier in item.tiers)
        levels = " / ".join(tier.level for tier in item.tiers)
        lines.append(f"# tier: {item.tiers[0].level}    # 裁量阶次（执法人员认定）：{levels}"
                     + ("；本事项的阶次由执法人员依违法情形认定，须填写（去掉行首的 #）" if officer
                        else "；不填按违法情形自动判定，填写的以所填阶次为准"))
        for tier in item.tiers:
            if tier.description:
                lines.append(f"#   {tier.level}：{tier.description}")
    lines.append("# reference: 案件编号（可选，原样带回）")
    return "\n".join(lines) + "\n"
