"""Draft benchmark items from a statute: find its penalty clauses, resolve what they punish.

:func:`find_clauses` lists the paragraphs (or items) of a :class:`Statute` that impose a penalty
(罚款, 警告, 没收, 吊销, 责令停产停业, …) on a ``违反…`` reference; :func:`resolve_reference`
turns ``本条第一款或者第二款`` / ``前款第一项或者第二项`` / ``本条例第十二条第二款`` into citations;
:func:`extract_statute` parses every clause with :func:`~discretion.statutes.clauses.parse_clause`
and writes one draft benchmark item per violated provision × statutory range, with the
project's reference-default tiers. Clauses that are not fully understood are reported with the
reasons, never drafted.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from decimal import Decimal
from enum import Enum
from typing import Any

from discretion.catalog.models import Effect, Mode, PartyScope, Payer, SanctionKind, Statutory
from discretion.catalog.vocabulary import STANDARD_FACTS
from discretion.numerals import parse_chinese_integer
from discretion.statutes.clauses import (
    PER_UNIT_FACTS,
    REFERENCE,
    ClauseParse,
    Unparsed,
    parse_clause,
)
from discretion.statutes.parse import Article, Paragraph, Statute, StatuteItem

__all__ = [
    "ClauseSite",
    "Draft",
    "Extraction",
    "Provision",
    "derive_title",
    "extract_statute",
    "find_clauses",
    "resolve_reference",
]

PENALTY_WORDS = re.compile(
    r"罚款|警告(?!标志|标识)|没收|吊销|暂扣|责令停产停业|责令停业|停业整顿|责令关闭|通报批评|拘留|降低资质等级")
_CN = "零〇一二两三四五六七八九十百千"
_TOKEN = re.compile(
    rf"(?P<doc>本条例|本法|本规定|本办法|本细则|本决定)|(?P<this>本条)|(?P<prev3>前三款)|"
    rf"(?P<prev2>前两款)|(?P<prev>前款)|(?P<prevart>前条)|第(?P<art>[{_CN}]+)条|"
    rf"第(?P<para>[{_CN}]+)款|第[（(]?(?P<item>[{_CN}]+)[）)]?项|(?P<sep>或者|以及|和|、|及|与)")
_REF_AFTER_VIOLATE = re.compile(rf"违反(?P<ref>{REFERENCE})")

TIERS_NOTE = ("tiers are the project's reference defaults (harm only); replace them with the "
              "agency's official circumstances")


@dataclass(frozen=True, slots=True)
class Provision:
    """A cited provision: article, paragraph (款) and item (项), 1-based."""

    article: int
    paragraph: int | None = None
    item: int | None = None

    def citation(self, law: str) -> dict[str, Any]:
        data: dict[str, Any] = {"law": law, "article": self.article}
        if self.paragraph is not None:
            data["paragraph"] = self.paragraph
        if self.item is not None:
            data["item"] = self.item
        return data

    def label(self) -> str:
        text = f"Art. {self.article}"
        if self.paragraph is not None:
            text += f" ¶{self.paragraph}"
        if self.item is not None:
            text += f" ({self.item})"
        return text


def resolve_reference(ref: str, statute: Statute, article: int,
                      paragraph: int | None) -> tuple[list[Provision], str | None]:
    """The provisions named by a ``违反…`` reference written in article ``article``/``paragraph``.

    ``本条第一款或者第二款`` → Art. a ¶1, ¶2; ``前款第一项或者第二项`` → ¶p-1 (1), (2);
    ``本条例第十条第一款、第十一条第一款`` → Art. 10 ¶1, Art. 11 ¶1. Returns ([], reason) when a
    part is not understood or a provision does not exist in the statute.
    """
    provisions: list[Provision] = []
    pending: list[int | None] | None = None  # [article, paragraph, item]
    position = 0
    for match in _TOKEN.finditer(ref):
        if match.start() != position:
            return [], f"reference not understood: '{ref[position:match.start()]}' in '{ref}'"
        position = match.end()
        kind = match.lastgroup
        if kind in ("doc", "sep"):
            continue
        if kind == "this":
            _push(provisions, pending)
            pending = [article, None, None]
        elif kind in ("prev", "prev2", "prev3"):
            if paragraph is None:
                return [], f"'{match.group()}' outside a paragraph"
            count = {"prev": 1, "prev2": 2, "prev3": 3}[kind]
            if paragraph - count < 1:
                return [], f"'{match.group()}' in paragraph {paragraph}"
            _push(provisions, pending)
            for number in range(paragraph - count, paragraph - 1):
                provisions.append(Provision(article, number))
            pending = [article, paragraph - 1, None]
        elif kind == "prevart":
            _push(provisions, pending)
            pending = [article - 1, None, None]
        elif kind == "art":
            _push(provisions, pending)
            pending = [parse_chinese_integer(match.group("art")), None, None]
        elif kind == "para":
            number = parse_chinese_integer(match.group("para"))
            if pending is None:
                pending = [article, None, None]
            if pending[1] is not None:
                _push(provisions, pending)
                pending = [pending[0], None, None]
            pending[1] = number
        elif kind == "item":
            number = parse_chinese_integer(match.group("item"))
            if pending is None:
                pending = [article, paragraph, None]
            if pending[2] is not None:
                _push(provisions, pending)
                pending = [pending[0], pending[1], None]
            pending[2] = number
    if position != len(ref):
        return [], f"reference not understood: '{ref[position:]}' in '{ref}'"
    _push(provisions, pending)
    if not provisions:
        return [], f"no article named in '违反{ref}'"
    checked: list[Provision] = []
    for provision in dict.fromkeys(provisions):
        found, reason = _check_exists(provision, statute)
        if found is None:
            return [], reason
        checked.append(found)
    return list(dict.fromkeys(checked)), None


def _push(provisions: list[Provision], pending: list[int | None] | None) -> None:
    if pending is not None and pending[0] is not None:
        provisions.append(Provision(pending[0], pending[1], pending[2]))


def _check_exists(provision: Provision, statute: Statute) -> tuple[Provision | None, str]:
    article = statute.article(provision.article)
    if article is None:
        return None, f"{provision.label()} does not exist"
    if provision.item is not None and provision.paragraph is None:
        with_item = [p for p in article.paragraphs if p.item(provision.item) is not None]
        if len(with_item) != 1:
            return None, f"{provision.label()}: cannot tell which paragraph holds the item"
        provision = Provision(provision.article, with_item[0].number, provision.item)
    if provision.paragraph is not None and article.paragraph(provision.paragraph) is None:
        return None, f"{provision.label()} does not exist"
    if provision.item is not None and statute.item(provision.article, provision.paragraph or 1,
                                                   provision.item) is None:
        return None, f"{provision.label()} does not exist"
    return provision, ""


# --- finding clauses ----------------------------------------------------------------------


@dataclass(frozen=True)
class ClauseSite:
    """A penalty clause in a statute: where it is, its text, and (for list items) the reference."""

    article: Article
    paragraph: Paragraph
    item: StatuteItem | None
    text: str
    reference: str | None = None  # 违反… of a list item when the penalty is in the intro

    @property
    def line(self) -> int:
        return self.item.line if self.item is not None else self.paragraph.line

    def penalty(self) -> Provision:
        own_item = self.item is not None and self.reference is None
        return Provision(self.article.number, self.paragraph.number,
                         self.item.number if own_item and self.item is not None else None)


def find_clauses(statute: Statute) -> list[ClauseSite]:
    """Every paragraph or item that imposes a penalty and refers to a violated provision."""
    sites: list[ClauseSite] = []
    for article in statute.iter_articles():
        if article.sub:
            continue
        for paragraph in article.paragraphs:
            text = paragraph.text
            if PENALTY_WORDS.search(text) and "违反" in text:
                sites.append(ClauseSite(article, paragraph, None, text))
                continue
            for item in paragraph.items:
                if PENALTY_WORDS.search(item.text) and "违反" in item.text:
                    sites.append(ClauseSite(article, paragraph, item, item.text))
                elif PENALTY_WORDS.search(text) and (ref := _REF_AFTER_VIOLATE.search(item.text)):
                    sites.append(ClauseSite(article, paragraph, item, text, ref.group("ref")))
    return sites


# --- drafts ---------------------------------------------------------------------------------


@dataclass
class Draft:
    site: ClauseSite
    violated: Provision
    data: dict[str, Any]


@dataclass
class Extraction:
    """The result of :func:`extract_statute` for one statute."""

    statute: Statute
    sites: list[ClauseSite] = field(default_factory=list)
    drafts: list[Draft] = field(default_factory=list)
    parsed: int = 0
    failures: list[tuple[ClauseSite, list[Unparsed]]] = field(default_factory=list)

    @property
    def not_parsed(self) -> int:
        return len(self.failures)


def extract_statute(statute: Statute, *, field_code: str = "XX", prefix: str = "LS",
                    start: int = 1, law: str | None = None) -> Extraction:
    """Draft benchmark items for every penalty clause of ``statute`` that parses completely."""
    law_name = law or statute.title
    result = Extraction(statute)
    number = start
    for site in find_clauses(statute):
        result.sites.append(site)
        parsed = parse_clause(site.text)
        problems = list(parsed.unparsed)
        if not parsed.variants and not problems:
            problems.append(Unparsed(site.text, "no sanction found"))
        pending: list[tuple[Provision, Any]] = []
        if not problems:
            for variant in parsed.variants:
                ref = site.reference if site.reference is not None and variant.reference == \
                    parsed.reference else variant.reference
                if ref is None:
                    problems.append(Unparsed(site.text, "no 违反… reference to a provision"))
                    break
                provisions, reason = resolve_reference(ref, statute, site.article.number,
                                                       site.paragraph.number)
                if reason is not None:
                    problems.append(Unparsed(ref, reason))
                    break
                pending.extend((p, variant) for p in provisions)
        if problems:
            result.failures.append((site, problems))
            continue
        result.parsed += 1
        for provision, variant in pending:
            item_id = f"{prefix}-{field_code}-{number:04d}"
            number += 1
            data = _draft(item_id, field_code, law_name, statute, site, parsed, provision,
                          variant.statutory, variant.subject)
            result.drafts.append(Draft(site, provision, data))
    return result


def _provision_text(statute: Statute, provision: Provision) -> str:
    if provision.item is not None:
        found = statute.item(provision.article, provision.paragraph or 1, provision.item)
        return found.text if found else ""
    if provision.paragraph is not None:
        paragraph = statute.paragraph(provision.article, provision.paragraph)
        return paragraph.text if paragraph else ""
    article = statute.article(provision.article)
    return article.text if article else ""


def derive_title(statute: Statute, provision: Provision, preamble: str, *,
                 shared: bool, limit: int = 60) -> str:
    """A Chinese title for the violation: the act the clause describes, else the provision text.

    The clause's own description (``违反本条第二款规定，未经…同意，擅自设置大型户外广告，影响市容的``)
    is used when it names one provision; otherwise the violated item or paragraph, from its
    ``禁止`` onwards when it prohibits something; cut at ``limit`` characters.
    """
    described = _describe(preamble)
    consequence = re.match(r"^(?:影响|造成|致使|危及)", described) is not None
    if described and not shared and not consequence:
        return _cut(described, limit)
    text = _provision_text(statute, provision).strip()
    text = re.split(r"[。；;]", text)[0].rstrip("：:，, ")
    if "禁止" in text and provision.item is None:
        after = text.split("禁止", 1)[1].lstrip("：:")
        text = after or text
    text = re.sub(r"^(?:任何单位和个人|单位和个人|任何单位或者个人)(?:不得|应当)?", "", text)
    if not text and described:
        text = described
    elif described and consequence and not shared:
        text = f"{text}，{described}"
    return _cut(text or f"违反第{provision.article}条规定", limit)


def _describe(preamble: str) -> str:
    fragments = [f for f in re.split(r"[，,]", preamble) if f]
    kept = []
    for fragment in fragments:
        fragment = re.sub(rf"^[^，]*?违反{REFERENCE}(?:规定)?(?:的)?", "", fragment)
        fragment = re.sub(r"^(?:规定|的)", "", fragment)
        if fragment:
            kept.append(fragment)
    text = "，".join(kept)
    return text.removesuffix("的").strip("，, ")


def _cut(text: str, limit: int) -> str:
    text = text.replace("\n", "")
    return text if len(text) <= limit else text[: limit - 1] + "…"


def _plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {k: _plain(v) for k, v in value.items() if v is not None}
    if isinstance(value, list):
        return [_plain(v) for v in value]
    if isinstance(value, Enum):
        return value.value
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else str(value.normalize())
    return value


def statutory_data(statutory: Statutory) -> dict[str, Any]:
    """The statutory model as plain YAML-ready data (defaults of sanctions left out)."""
    data = _plain(statutory.model_dump())
    if not data.get("substitute_performance"):
        data.pop("substitute_performance", None)
    if data.get("serious") is None:
        data.pop("serious", None)
    if not data.get("stages"):
        data.pop("stages", None)
    layers = [data.get("serious") or {}, *data.get("stages", [])]
    for layer in layers:
        if layer.get("effect") == Effect.adds.value:
            layer.pop("effect")
    for group in (data["sanctions"], *(layer.get("sanctions", []) for layer in layers)):
        for sanction in group:
            if sanction.get("mode") == Mode.shall.value:
                sanction.pop("mode")
            if sanction.get("party") == PartyScope.any.value:
                sanction.pop("party")
            if sanction.get("on") == Payer.party.value:
                sanction.pop("on")
    return data


def _facts(statutory: Statutory) -> list[dict[str, Any]]:
    facts: dict[str, dict[str, Any]] = {}
    serious = statutory.serious.sanctions if statutory.serious else []
    staged = [s for stage in statutory.stages for s in stage.sanctions]
    for sanction in (*statutory.sanctions, *staged, *serious):
        if sanction.per:
            unit = next(v for v in PER_UNIT_FACTS.values() if v[0] == sanction.per)
            facts[sanction.per] = {"name": unit[0], "type": unit[1], "label": unit[2], "unit": unit[3]}
        if sanction.base:
            decl = STANDARD_FACTS.get(sanction.base)
            if decl is not None:
                facts[sanction.base] = _plain(decl.model_dump(exclude_defaults=True))
    return list(facts.values())


def _tiers(statutory: Statutory) -> list[dict[str, Any]]:
    base_fine = any(s.kind is SanctionKind.fine for s in statutory.sanctions)
    shall = [s.kind.value for s in statutory.sanctions
             if s.kind is not SanctionKind.fine and s.mode is Mode.shall]
    may = [s.kind.value for s in statutory.sanctions
           if s.kind is not SanctionKind.fine and s.mode is Mode.may]

    def tier(level: str, when: str, description: str, band: str, heavy: bool) -> dict[str, Any]:
        data: dict[str, Any] = {"level": level, "when": when, "description": description}
        if base_fine:
            data["fine"] = {"band": band}
        kinds = list(dict.fromkeys([*shall, *(may if heavy else [])]))
        if kinds:
            data["sanctions"] = kinds
        return data

    tiers = [tier("轻微", 'harm in ["none", "minor"]', "未造成危害后果或者危害后果轻微", "lighter", False),
             tier("一般", "otherwise", "除轻微、较重、严重情形以外的", "ordinary", False)]
    if statutory.serious is None:
        tiers[1]["description"] = "除轻微、严重情形以外的"
        tiers.append(tier("严重", 'harm == "serious"', "造成严重危害后果", "heavier", True))
        return tiers
    tiers.append(tier("较重", 'harm == "ordinary" and not first_offense',
                      "造成一般危害后果且非初次违法", "heavier", True))
    serious: dict[str, Any] = {"level": "严重", "when": 'harm == "serious"',
                               "description": "情节严重（适用情节严重的处罚幅度）", "uses": "serious"}
    fines = [{"min": _plain(s.low), "max": _plain(s.max), **({"party": s.party.value}
             if s.party is not PartyScope.any else {})}
             for s in statutory.serious.sanctions if s.kind is SanctionKind.fine]
    if fines:
        serious["fine"] = fines[0] if len(fines) == 1 else fines
    kinds = list(dict.fromkeys(s.kind.value for s in statutory.serious.sanctions
                               if s.kind is not SanctionKind.fine))
    if kinds:
        serious["sanctions"] = kinds
    tiers.append(serious)
    return tiers


def _draft(item_id: str, field_code: str, law: str, statute: Statute, site: ClauseSite,
           parsed: ClauseParse, provision: Provision, statutory: Statutory,
           subject: str | None) -> dict[str, Any]:
    references = {v.reference for v in parsed.variants}
    shared = len(references) == 1 and _ref_count(parsed.reference) > 1
    title = derive_title(statute, provision, parsed.preamble, shared=shared or site.reference is not None)
    if site.reference is not None:
        title = derive_title(statute, provision, _item_act(site.item), shared=False)
    if subject:
        title = f"{title}（{subject}）"
    data: dict[str, Any] = {
        "id": item_id,
        "field": field_code,
        "title": title,
        "violated": [provision.citation(law)],
        "penalty": site.penalty().citation(law),
        "clause": site.text,
    }
    if subject:
        data["subject"] = subject
    data["statutory"] = statutory_data(statutory)
    facts = _facts(statutory)
    if facts:
        data["facts"] = facts
    data["tiers"] = _tiers(statutory)
    note = f"title_source: derived; drafted by `discretion extract` from {site.penalty().label()}"
    if parsed.notes:
        note += "; " + "; ".join(parsed.notes)
    data["provenance"] = {"file": statute.path, "article": site.article.number,
                          "tiers": "reference_default", "note": f"{note}; {TIERS_NOTE}"}
    return data


def _ref_count(ref: str | None) -> int:
    return 1 + len(re.findall(r"或者|和|、|及|与", ref)) if ref else 0


def _item_act(item: StatuteItem | None) -> str:
    return item.text.rstrip("；;。") if item is not None else ""


def field_document(field_code: str, drafts: list[Draft], header: str = "") -> str:
    """The benchmark file (``field:`` + ``items:``) of drafts, as YAML text."""
    import yaml

    body = yaml.safe_dump({"field": field_code, "items": [d.data for d in drafts]},
                          allow_unicode=True, sort_keys=False, width=1000)
    return header + body
