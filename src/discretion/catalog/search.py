"""Finding catalog items by the words an officer uses, or by a citation such as
《…条例》第三十二条第一款第二项.

Text search ranks every item by where the words occur, best first, and says why each matched:
an everyday name (``aliases``: 占道经营, 违章搭建, 遛狗不牵绳…) counts most, then the title, the
list entry's conditions, the clause text and the cited law. Every word of the query must occur
somewhere (AND). When no item has every word, the items whose title or everyday names share the
most two-character pieces with the query are offered as near matches, marked as such.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field

from discretion.catalog.catalog import Catalog
from discretion.catalog.lawnames import normalize_law_name
from discretion.catalog.models import BenchmarkItem, Citation, ListItem
from discretion.numerals import parse_chinese_integer

_CITATION = re.compile(
    r"《?(?P<law>[^》第\s]+?)》?\s*第(?P<article>[零〇一二两三四五六七八九十百千\d]+)条"
    r"(?:第(?P<paragraph>[零〇一二两三四五六七八九十百千\d]+)款)?"
    r"(?:第[（(]?(?P<item>[零〇一二两三四五六七八九十百千\d]+)[）)]?项)?")

# where a word occurs, and how much that counts (an everyday name first)
WEIGHTS = {"alias": 100, "title": 60, "conditions": 30, "clause": 20, "law": 10, "id": 10}
WHERE = {"alias": "俗称", "title": "名称", "conditions": "适用条件", "clause": "条款", "law": "法律名称",
         "id": "编号"}
NEAR_MIN = 0.34  # the least share of the query's two-character pieces a near match must have
NEAR_LIMIT = 10


def parse_citation_text(text: str) -> Citation | None:
    """``《浙江省城市市容和环境卫生管理条例》第三十二条第一款第二项`` -> a Citation, else None."""
    match = _CITATION.search(text.strip())
    if not match:
        return None

    def num(group: str) -> int | None:
        value = match.group(group)
        return parse_chinese_integer(value) if value else None

    article = num("article")
    if article is None:
        return None
    return Citation(law=match.group("law"), article=article, paragraph=num("paragraph"),
                    item=num("item"))


@dataclass
class Hit:
    """One search result: the id, its score (higher first) and why it matched, in Chinese."""

    id: str
    score: float
    why: list[str] = field(default_factory=list)
    near: bool = False  # not every word occurs: a near match by shared characters


def _fields(entry: BenchmarkItem | ListItem) -> dict[str, list[str]]:
    fields: dict[str, list[str]] = {"id": [entry.id], "title": [entry.title]}
    if isinstance(entry, BenchmarkItem):
        fields["alias"] = list(entry.aliases)
        fields["clause"] = [entry.clause]
        cited = [*entry.violated, entry.penalty]
    else:
        fields["conditions"] = [entry.conditions_text or ""]
        cited = list(entry.basis)
    fields["law"] = [normalize_law_name(c.law) for c in cited]
    return fields


def _pieces(text: str) -> set[str]:
    text = re.sub(r"\s+", "", text)
    return {text[i:i + 2] for i in range(len(text) - 1)} or ({text} if text else set())


def rank(catalog: Catalog, text: str) -> list[Hit]:
    """Every entry that has every word of ``text``, best first; or near matches when none has."""
    words = [normalize_law_name(w) for w in text.split() if w]
    if not words:
        return []
    entries: list[BenchmarkItem | ListItem] = [*catalog.benchmarks.values(), *catalog.lists.values()]
    hits: list[Hit] = []
    for order, entry in enumerate(entries):
        fields = _fields(entry)
        score, why = 0.0, []
        for word in words:
            found = [(where, value) for where, values in fields.items() for value in values
                     if word in value]
            if not found:
                break
            best = max(found, key=lambda f: WEIGHTS[f[0]])
            score += WEIGHTS[best[0]] + (20 if best[1] == word else 0)  # a whole name counts more
            why.append(f"“{word}”见于{WHERE[best[0]]}" +
                       (f"：{best[1]}" if best[0] == "alias" else ""))
        else:
            hits.append(Hit(entry.id, score - order * 1e-6, why))
    if hits:
        return sorted(hits, key=lambda h: -h.score)
    query = _pieces(text)
    near: list[Hit] = []
    for order, entry in enumerate(entries):
        if not isinstance(entry, BenchmarkItem):
            continue
        names = [entry.title, *entry.aliases]
        share = max(len(query & _pieces(name)) / len(query) for name in names)
        if share >= NEAR_MIN:
            near.append(Hit(entry.id, share - order * 1e-6,
                            [f"近似：与“{text}”有{round(share * 100)}%的字相同"], near=True))
    return sorted(near, key=lambda h: -h.score)[:NEAR_LIMIT]


def search_hits(catalog: Catalog, text: str) -> list[Hit]:
    """A citation's items (and their list entries), or the ranked text search."""
    citation = parse_citation_text(text)
    if citation is not None:
        ids = catalog.by_citation(citation)
        ids += [e.id for e in catalog.lists.values() if e.benchmark in ids]
        return [Hit(i, 0, ["引用条款"]) for i in ids]
    return rank(catalog, text)


def search_catalog(catalog: Catalog, text: str) -> list[str]:
    """Ids matching a citation, or the ranked text search's ids, best first."""
    return [hit.id for hit in search_hits(catalog, text)]
