"""Finding catalog items by Chinese text or by a citation such as 《…条例》第三十二条第一款第二项."""

from __future__ import annotations

import re

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import Citation
from discretion.numerals import parse_chinese_integer

_CITATION = re.compile(
    r"《?(?P<law>[^》第\s]+?)》?\s*第(?P<article>[零〇一二两三四五六七八九十百千\d]+)条"
    r"(?:第(?P<paragraph>[零〇一二两三四五六七八九十百千\d]+)款)?"
    r"(?:第[（(]?(?P<item>[零〇一二两三四五六七八九十百千\d]+)[）)]?项)?")


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


def search_catalog(catalog: Catalog, text: str) -> list[str]:
    """Ids matching a citation (when the text is one) or containing every word of the text."""
    citation = parse_citation_text(text)
    if citation is not None:
        hits = catalog.by_citation(citation)
        tied = [e.id for e in catalog.lists.values() if e.benchmark in hits]
        return hits + tied
    return catalog.search(text)
