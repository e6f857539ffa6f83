"""Publication pages of a catalog (Administrative Penalty Law Art. 34: benchmarks are published).

:func:`export_pages` writes ``index.<ext>`` — manifest, policy, circumstances and a per-field
count table — and one page per field with each item's citations, clause, statutory penalty and
tier table, then the field's list entries, as Markdown or standalone HTML, through a page
template (``string.Template``; ``--template DIR`` replaces it). The pages are for the public:
tier circumstances are their Chinese ``description``, never their condition code; the
maintainers' notes in English are left out (docs/tables.md, "Publication pages").
"""

from __future__ import annotations

import html
import re
import string
from collections.abc import Sequence
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import (
    LIST_LABELS,
    PAYER_LABELS,
    Band,
    BenchmarkItem,
    ListKind,
    Payer,
    SanctionKind,
)
from discretion.catalog.ranges import band_name, clause_sanctions, statutory_bounds
from discretion.catalog.sanctions import StageName, stage_words
from discretion.errors import DiscretionError, Problem
from discretion.money import fmt_yuan
from discretion.render.text import cite
from discretion.tables.cells import fine_words, num_text, tier_penalty_text
from discretion.tables.columns import FOLLOW_UP_LABELS, PARTY_WORDS

__all__ = ["Link", "Page", "export_pages", "is_chinese", "load_templates"]


@dataclass(frozen=True)
class Link:
    text: str
    href: str


Cell = str | Link


@dataclass
class Page:
    title: str
    blocks: list[tuple[Any, ...]] = field(default_factory=list)

    def h2(self, text: str, anchor: str | None = None) -> None:
        self.blocks.append(("h2", text, anchor))

    def h3(self, text: str) -> None:
        self.blocks.append(("h3", text))

    def p(self, text: str) -> None:
        self.blocks.append(("p", text))

    def dl(self, pairs: list[tuple[str, str]]) -> None:
        self.blocks.append(("dl", [(k, v) for k, v in pairs if v]))

    def table(self, head: Sequence[str], rows: list[list[Cell]]) -> None:
        self.blocks.append(("table", list(head), rows))


def _md_cell(value: Cell, ext: str) -> str:
    if isinstance(value, Link):
        return f"[{_md_escape(value.text)}]({value.href})"
    return _md_escape(value).replace("|", "\\|").replace("\n", "<br>")


def _md_escape(text: str) -> str:
    return re.sub(r"([\\`*\[\]<>])", r"\\\1", text)


def _markdown(page: Page) -> str:
    out = [f"# {_md_escape(page.title)}", ""]
    for block in page.blocks:
        kind = block[0]
        if kind == "h2":
            out += [f"## {_md_escape(block[1])}", ""]
        elif kind == "h3":
            out += [f"### {_md_escape(block[1])}", ""]
        elif kind == "p":
            out += [_md_escape(block[1]), ""]
        elif kind == "dl":
            out += [f"- **{_md_escape(k)}**：{_md_escape(v)}" for k, v in block[1]] + [""]
        elif kind == "table":
            head, rows = block[1], block[2]
            out.append("| " + " | ".join(_md_cell(h, "md") for h in head) + " |")
            out.append("|" + "---|" * len(head))
            out += ["| " + " | ".join(_md_cell(c, "md") for c in row) + " |" for row in rows]
            out.append("")
    return "\n".join(out)


_CSS = """body{font-family:"Noto Sans CJK SC","Microsoft YaHei",sans-serif;margin:2em auto;max-width:75em;
padding:0 1em;line-height:1.6;color:#222}h1{font-size:1.6em;border-bottom:2px solid #444}
h2{font-size:1.25em;margin-top:2em;border-bottom:1px solid #bbb}h3{font-size:1.05em}
table{border-collapse:collapse;width:100%;margin:.5em 0 1.5em}th,td{border:1px solid #999;
padding:.3em .5em;vertical-align:top;text-align:left}th{background:#eee}dl{margin:.5em 0}
dt{font-weight:bold;float:left;clear:left;width:8em}dd{margin-left:8.5em}
code{font-size:.9em;background:#f4f4f4}"""


def _html_cell(value: Cell) -> str:
    if isinstance(value, Link):
        return f'<a href="{html.escape(value.href)}">{html.escape(value.text)}</a>'
    return html.escape(value).replace("\n", "<br>")


def _html_body(page: Page) -> list[str]:
    e = html.escape
    out: list[str] = []
    for block in page.blocks:
        kind = block[0]
        if kind == "h2":
            anchor = f' id="{e(block[2])}"' if block[2] else ""
            out.append(f"<h2{anchor}>{e(block[1])}</h2>")
        elif kind == "h3":
            out.append(f"<h3>{e(block[1])}</h3>")
        elif kind == "p":
            out.append(f"<p>{e(block[1])}</p>")
        elif kind == "dl":
            out.append("<dl>" + "".join(f"<dt>{e(k)}</dt><dd>{e(v)}</dd>" for k, v in block[1]) + "</dl>")
        elif kind == "table":
            head, rows = block[1], block[2]
            out.append("<table><thead><tr>" + "".join(f"<th>{e(h)}</th>" for h in head) + "</tr></thead><tbody>")
            out += ["<tr>" + "".join(f"<td>{_html_cell(c)}</td>" for c in row) + "</tr>" for row in rows]
            out.append("</tbody></table>")
    return out


# The page templates (``export --template DIR`` replaces them): string.Template, ``$name``
# placeholders (``$$`` is a dollar sign). Values are escaped for their format already.
HTML_TEMPLATE = """<!DOCTYPE html>
<html lang="zh-CN">
<head>
<meta charset="utf-8">
<title>$title</title>
<style>$style</style>
</head>
<body>
<h1>$title</h1>
$body
</body>
</html>
"""
MARKDOWN_TEMPLATE = "# $title\n\n$body"
TEMPLATE_FILES = {"html": "page.html", "md": "page.md"}
STYLE_FILE = "style.css"
PLACEHOLDERS = {
    "title": "the page's title",
    "body": "the page's content (headings, lists and tables)",
    "style": "the style sheet: style.css of the template folder, else the built-in one (HTML)",
    "catalog": "the catalog's title",
    "jurisdiction": "实施地区", "version": "版本",
    "page": "this page's file name (index.html, SRHJ.html …)",
    "index": "the index page's file name",
}


def _statutory_words(item: BenchmarkItem, serious: bool = False, stage: StageName = "base") -> str:
    """The sanctions the clause gives at this stage (serious or not), in words."""
    parts = []
    for sanction in clause_sanctions(item.statutory, serious, stage):
        text = sanction.shown_label
        if sanction.kind is SanctionKind.fine:
            text = fine_words(item, sanction, statutory_bounds(sanction))
        may = "可以" if sanction.mode.value == "may" else ""
        whom = "" if sanction.on is Payer.party else "对" + PAYER_LABELS[sanction.on]
        parts.append(PARTY_WORDS.get(sanction.party.value, "") + whom + may + text)
    return "；".join(parts)


def _index_page(catalog: Catalog, ext: str) -> Page:
    m = catalog.manifest
    page = Page(f"{m.title}")
    page.dl([("实施地区", m.jurisdiction), ("版本", m.version),
             ("施行日期", m.effective_from.isoformat()
              + (f" 至 {m.effective_to.isoformat()}" if m.effective_to else "")),
             ("说明", m.description if m.description and is_chinese(m.description) else ""),
             ("内容校验", f"sha256 {catalog.sha256}")])
    policy = m.policy
    page.h2("裁量档次划分（政策）", "policy")
    page.table(["档次", "占法定幅度（自最低额起）"], [
        [band_name(band), f"{num_text(policy.bands.get(band)[0] * 100)}%–{num_text(policy.bands.get(band)[1] * 100)}%"]
        for band in (Band.lighter, Band.ordinary, Band.heavier)])
    page.dl([("边界取整", f"{num_text(policy.rounding)}元"),
             ("减轻处罚下限", f"法定最低额的{num_text(policy.mitigation_floor * 100)}%"),
             ("简易程序罚款上限（第五十一条）",
              f"个人{fmt_yuan(policy.summary_limit.individual)}，单位{fmt_yuan(policy.summary_limit.organization)}"),
             ("较大数额罚款（第六十三条）",
              f"个人{fmt_yuan(policy.hearing_threshold.individual)}，单位{fmt_yuan(policy.hearing_threshold.organization)}")])
    for note in policy.notes:
        if is_chinese(note):  # the maintainers' notes in English are not for the public page
            page.p(note)
    if m.circumstances:
        page.h2("裁量情节", "circumstances")
        page.table(["代码", "情节", "效果", "依据"],
                   [[c.code, c.label, EFFECT_LABELS.get(c.effect, c.effect),
                     cite(c.basis) if c.basis else ""] for c in m.circumstances])
    page.h2("各领域事项数", "fields")
    kinds = list(ListKind)
    rows: list[list[Cell]] = []
    totals = [0] * (1 + len(kinds))
    for code, entry in catalog.fields.items():
        counts = [len(catalog.items_in_field(code))] + [
            sum(1 for e in catalog.lists.values() if e.field == code and e.kind is k) for k in kinds]
        totals = [a + b for a, b in zip(totals, counts, strict=True)]
        rows.append([Link(code, f"{code}.{ext}"), entry.name, *map(str, counts)])
    rows.append(["合计", "", *map(str, totals)])
    page.table(["代码", "领域", "裁量基准", *[LIST_LABELS[k] + "清单" for k in kinds]], rows)
    return page


def _field_page(catalog: Catalog, code: str, ext: str) -> Page:
    entry = catalog.fields[code]
    page = Page(f"{catalog.manifest.jurisdiction} {entry.name} 行政处罚裁量基准（{catalog.manifest.version}）")
    page.p(f"领域代码 {code}" + (f"：{entry.description}" if entry.description else ""))
    page.blocks.append(("p_link", Link("返回目录", f"index.{ext}")))
    items = catalog.items_in_field(code)
    if not items:
        page.p("本领域暂无裁量基准。")
    for item in items:
        page.h2(f"{item.id} {item.title}", item.id)
        page.dl([("违反法律条款", "；".join(cite(c) for c in item.violated)),
                 ("处罚法律条款", cite(item.penalty)), ("条文", item.clause),
                 ("处罚对象", item.subject or ""), ("权力编码", item.power_code or ""),
                 ("法定处罚", _statutory_words(item)),
                 *[(stage_words(stage.when), _statutory_words(item, stage=stage.when))
                   for stage in item.statutory.stages],
                 ("情节严重的", _statutory_words(item, serious=True) if item.statutory.serious else ""),
                 ("档次来源", {"reference_default": "参考默认档次（待机关正式基准替换）",
                           "official": "机关正式基准", "none": "未分档"}[item.provenance.tiers]),
                 ("裁量基准来源", item.provenance.source or "")])
        page.table(["违法程度", "违法情形", "裁量基准"],
                   [[t.level, t.description or NOT_WRITTEN, tier_penalty_text(item, t, catalog)]
                    for t in item.tiers])
    for kind in ListKind:
        entries = [e for e in catalog.lists.values() if e.field == code and e.kind is kind]
        if not entries:
            continue
        page.h2(f"{LIST_LABELS[kind]}清单", kind.value)
        page.table(["编号", "事项", "对应裁量基准", "依据", "适用条件", "适用方式", "后续措施"],
                   [[e.id, e.title, Link(e.benchmark, f"#{e.benchmark}"), "；".join(cite(c) for c in e.basis),
                     e.conditions_text or NOT_WRITTEN, "应当" + LIST_LABELS[kind] if e.mandatory
                     else "可以" + LIST_LABELS[kind], "、".join(FOLLOW_UP_LABELS[f] for f in e.follow_up)]
                    for e in entries])
    return page


NOT_WRITTEN = "—"  # a tier or list entry whose circumstances are not written in words
EFFECT_LABELS = {"lighter": "从轻", "mitigated": "减轻", "heavier": "从重", "none": "无"}
_HAN = re.compile(r"[\u3400-\u9fff\uf900-\ufaff]")


def is_chinese(text: str) -> bool:
    """Whether a note is written in Chinese: most of its letters are Chinese characters (an
    English note quoting a law's name is not)."""
    han = len(_HAN.findall(text))
    latin = sum(1 for ch in text if ch.isascii() and ch.isalpha())
    return han > 0 and han >= latin


def load_templates(folder: Path, ext: str) -> tuple[string.Template, str]:
    """The page template of ``folder`` for ``ext`` (``page.html`` / ``page.md``; the built-in one
    where the folder has none) and the style sheet (``style.css``, else the built-in one),
    checked before any page is written: a placeholder that is not one of
    :data:`PLACEHOLDERS`, or a ``$`` that starts none, is refused with its line and column."""
    if not folder.is_dir():
        raise DiscretionError(Problem("template folder not found", file=str(folder),
                                      expected="a folder with page.html and/or page.md (and style.css)",
                                      hint="pass --template DIR\n    中文：找不到模板文件夹"))
    path = folder / TEMPLATE_FILES[ext]
    text = HTML_TEMPLATE if ext == "html" else MARKDOWN_TEMPLATE
    if path.is_file():
        text = _read_template(path)
    template = string.Template(text)
    for match in template.pattern.finditer(text):
        name = match.group("named") or match.group("braced")
        if match.group("invalid") is not None or (name is not None and name not in PLACEHOLDERS):
            line = text.count("\n", 0, match.start()) + 1
            column = match.start() - (text.rfind("\n", 0, match.start()) + 1) + 1
            what = f"unknown placeholder ${name}" if name else "a $ that starts no placeholder"
            raise DiscretionError(Problem(
                what, file=str(path), line=line, column=column,
                expected="one of " + ", ".join(f"${n}" for n in PLACEHOLDERS) + " ($$ for a $)",
                hint="correct the placeholder (docs/tables.md, Publication pages)\n"
                     "    中文：模板中的占位符有误，请按文档更正；未写入任何页面"))
    style = _CSS
    if ext == "html" and (folder / STYLE_FILE).is_file():
        style = _read_template(folder / STYLE_FILE)
        if "</style" in style.lower():
            raise DiscretionError(Problem(
                "style.css closes the <style> element", file=str(folder / STYLE_FILE),
                expected="CSS only", hint="remove </style> from the style sheet\n"
                                          "    中文：样式表中不能包含 </style>"))
    return template, style


def _read_template(path: Path) -> str:
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as exc:
        raise DiscretionError(Problem(f"cannot read the template: {exc}", file=str(path),
                                      expected="a UTF-8 text file",
                                      hint="save it as UTF-8\n    中文：无法读取模板文件，请另存为UTF-8")) from None


def export_pages(catalog: Catalog, fmt: str, out: Path, template_dir: Path | None = None) -> list[Path]:
    """Publish the catalog: ``<out>/index.<ext>`` and one page per field, each through the page
    template (``template_dir``'s, else the built-in one)."""
    if fmt not in ("markdown", "html"):
        raise ValueError(f"unknown page format {fmt!r}")
    ext = "md" if fmt == "markdown" else "html"
    if template_dir is not None:
        template, style = load_templates(template_dir, ext)
    else:
        template = string.Template(HTML_TEMPLATE if ext == "html" else MARKDOWN_TEMPLATE)
        style = _CSS
    out.mkdir(parents=True, exist_ok=True)
    written: list[Path] = []
    pages = [("index", _index_page(catalog, ext))]
    pages += [(code, _field_page(catalog, code, ext)) for code in catalog.fields]
    m = catalog.manifest
    for name, page in pages:
        path = out / f"{name}.{ext}"
        escape = html.escape if ext == "html" else _md_escape
        text = template.substitute(
            title=escape(page.title), body=_render_body(page, ext), style=style,
            catalog=escape(m.title), jurisdiction=escape(m.jurisdiction), version=escape(m.version),
            page=escape(path.name), index=escape(f"index.{ext}"))
        path.write_text(text, encoding="utf-8")
        written.append(path)
    return written


def _render_body(page: Page, ext: str) -> str:
    """The page's blocks below its title, in Markdown or HTML."""
    raws: list[str] = []
    blocks: list[tuple[Any, ...]] = []
    for block in page.blocks:
        if block[0] == "p_link":
            link: Link = block[1]
            raws.append(f"[{_md_escape(link.text)}]({link.href})" if ext == "md" else
                        f'<p><a href="{html.escape(link.href)}">{html.escape(link.text)}</a></p>')
        else:
            blocks.append(block)
    body = Page(page.title, blocks)
    if ext == "md":
        text = _markdown(body).partition("\n\n")[2]
        return "\n\n".join(raws) + "\n\n" + text if raws else text
    return "\n".join(raws + _html_body(body))


