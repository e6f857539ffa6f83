"""The audit's report: the Markdown summary (totals, the field × kind table of counts and the
rate per 1,000 cases) and the chart of deviations by field (PNG or SVG), from the counters of
:class:`~discretion.runs.audit.AuditStats`."""

from __future__ import annotations

import re
from collections import Counter
from pathlib import Path
from typing import TYPE_CHECKING, Any

from discretion.catalog.catalog import Catalog
from discretion.runs.audit import KINDS, LEGAL_KINDS, NO_FIELD, AuditStats

if TYPE_CHECKING:
    from matplotlib.typing import RcKeyType

# Fonts with Chinese glyphs the chart looks for, in order.
CJK_FONTS = ("Noto Sans CJK SC", "Noto Sans SC", "Source Han Sans SC", "Source Han Sans CN",
             "WenQuanYi Zen Hei", "WenQuanYi Micro Hei", "SimHei", "Microsoft YaHei",
             "PingFang SC", "Heiti SC", "Sarasa Gothic SC", "Droid Sans Fallback")


def _rate(count: int, cases: int) -> str:
    return f"{count * 1000 / cases:.1f}" if cases else "-"


_MD_PUNCTUATION = re.compile(r"([!-/:-@\[-`{-~])")  # every ASCII punctuation character
_LINE_BREAKS = re.compile(r"[\x00-\x1f\x7f\x85\u2028\u2029]+")


def md_text(text: str) -> str:
    """Catalog text as Markdown that reads as itself: every ASCII punctuation character is
    backslash-escaped (CommonMark lets any be), so that no ``<script>``, link, image, emphasis,
    entity or table ``|`` comes through, and line breaks and other control characters become a
    space, so that a value stays on its line (a list item, a table row)."""
    return _MD_PUNCTUATION.sub(r"\\\1", _LINE_BREAKS.sub(" ", text))


def md_code(text: str) -> str:
    """``text`` as a Markdown code span (shown verbatim), whatever backticks it holds."""
    text = _LINE_BREAKS.sub(" ", text)
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith(("`", " ")) or text.endswith(("`", " ")) else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def summary_markdown(stats: AuditStats, catalog: Catalog, source: str = "") -> str:
    """Totals, the field × kind table of counts and the rate per 1,000 cases (Markdown)."""
    lines = ["# 执法监督审查摘要 · Supervision audit summary", ""]
    if source:
        lines += [f"- 输入 Input: {md_code(source)}"]
    manifest = catalog.manifest
    lines += [
        f"- 裁量基准 Catalog: {md_text(manifest.jurisdiction)} {md_text(manifest.version)} "
        f"(sha256 `{catalog.sha256[:16]}…`)",
        f"- 记录 Records: {stats.records}",
        f"- 已审查 Audited: {stats.audited}",
        f"- 缺少事实 Needs facts: {stats.needs_facts}",
        f"- 无效记录 Invalid records: {stats.invalid}",
        f"- 偏差 Deviations: {stats.deviations}，涉及 {stats.with_deviations} 件记录 "
        f"(records with a deviation)",
        f"- 每千件偏差数 Deviations per 1,000 cases: {_rate(stats.deviations, stats.records)}",
        "",
        "## 按领域和偏差类型 · By field and kind",
        "",
    ]
    kinds = [k for k in KINDS if stats.kinds.get(k)]
    header = ["领域 Field", "名称 Name", "案件 Cases", *kinds, "偏差 Deviations", "每千件 per 1,000"]
    lines.append("| " + " | ".join(header) + " |")
    lines.append("|" + "|".join(["---", "---"] + ["---:"] * (len(header) - 2)) + "|")
    codes = [c for c in catalog.fields if c in stats.cases_by_field or c in stats.by_field]
    codes += sorted(c for c in set(stats.cases_by_field) | set(stats.by_field)
                    if c not in catalog.fields)
    for code in codes:
        counts = stats.by_field.get(code, Counter())
        cases = stats.cases_by_field.get(code, 0)
        legal = sum(counts[k] for k in LEGAL_KINDS)
        name = md_text(catalog.fields[code].name) if code in catalog.fields else "（未知事项）"
        shown = code if code == NO_FIELD else md_text(code)
        lines.append("| " + " | ".join([shown, name, str(cases), *(str(counts[k]) for k in kinds),
                                         str(legal), _rate(legal, cases)]) + " |")
    lines.append("| " + " | ".join(["**合计 Total**", "", str(stats.records),
                                     *(str(stats.kinds[k]) for k in kinds), str(stats.deviations),
                                     _rate(stats.deviations, stats.records)]) + " |")
    lines += ["", "## 偏差类型 · Kinds", "", "| 代码 Code | 严重程度 Severity | 说明 | 件数 Count |",
              "|---|---|---|---:|"]
    for kind, (severity, label) in KINDS.items():
        lines.append(f"| `{kind}` | {severity} | {label} | {stats.kinds.get(kind, 0)} |")
    lines += ["", "每千件偏差数 = 该领域的偏差数（不含 needs_facts、invalid_record）× 1000 ÷ 该领域的记录数。",
              "`not_penalized_without_ground` 为风险线索，须结合案卷核查。", ""]
    return "\n".join(lines)


def cjk_font() -> str | None:
    """The name of an installed font that has Chinese glyphs, else None."""
    from matplotlib import font_manager

    names = {f.name for f in font_manager.fontManager.ttflist}
    for wanted in CJK_FONTS:
        if wanted in names:
            return wanted
    for name in sorted(names):
        lowered = name.lower()
        if "cjk" in lowered or "wenquanyi" in lowered or "han sans" in lowered:
            return name
    return None


def draw_chart(stats: AuditStats, catalog: Catalog, path: str | Path) -> bool:
    """Deviations by field, stacked by kind; PNG or SVG by the extension. Returns whether
    Chinese labels were used (a CJK font was found); field codes are used otherwise."""
    import matplotlib

    matplotlib.use("Agg", force=True)
    import matplotlib.pyplot as plt

    path = Path(path)
    font = cjk_font()
    codes = [c for c in catalog.fields if c in stats.by_field]
    codes += sorted(c for c in stats.by_field if c not in catalog.fields)
    codes = [c for c in codes if any(stats.by_field[c][k] for k in LEGAL_KINDS)]
    kinds = [k for k in LEGAL_KINDS if stats.kinds.get(k)]
    # catalog text is drawn as it is: a "$" in a field name is no TeX math (which could fail)
    params: dict[RcKeyType, Any] = {"font.family": "sans-serif", "svg.fonttype": "path",
                                    "text.parse_math": False}
    if font is not None:
        params["font.sans-serif"] = [font, "DejaVu Sans"]
    with plt.rc_context(params):
        fig, ax = plt.subplots(figsize=(max(6.0, 0.9 * len(codes) + 3), 4.8))
        try:
            labels = [(f"{c}\n{catalog.fields[c].name}" if font and c in catalog.fields else c)
                      for c in codes]
            positions = list(range(len(codes)))
            bottom = [0] * len(codes)
            colors = plt.get_cmap("tab10")
            for index, kind in enumerate(kinds):
                values = [stats.by_field[c][kind] for c in codes]
                ax.bar(positions, values, bottom=bottom, color=colors(index % 10),
                       label=KINDS[kind][1] if font else kind)
                bottom = [b + v for b, v in zip(bottom, values, strict=True)]
            ax.set_xticks(positions, labels)
            ax.set_ylabel("偏差数" if font else "deviations")
            ax.set_title(("执法监督：各领域偏差（按类型）" if font else "Deviations by field and kind")
                         + f" — {stats.records} records")
            if kinds:
                ax.legend(fontsize="small", loc="upper left", bbox_to_anchor=(1.01, 1.0))
            else:
                ax.text(0.5, 0.5, "无偏差" if font else "no deviations", ha="center", va="center",
                        transform=ax.transAxes)
            fig.tight_layout()
            fig.savefig(path, format=path.suffix.lower().lstrip("."))
        finally:
            plt.close(fig)
    return font is not None
