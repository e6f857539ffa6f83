"""Citations of the Administrative Penalty Law (2021) and the wording the decisions use."""

from __future__ import annotations

from functools import cache

from discretion.catalog.models import Citation

APL = "行政处罚法"
APL_FILE = "行政法/行政处罚法(2021-01-22).md"


@cache
def apl(article: int, paragraph: int | None = None, item: int | None = None) -> Citation:
    """A citation of the Administrative Penalty Law (citations are immutable: one per provision)."""
    return Citation(law=APL, article=article, paragraph=paragraph, item=item)
