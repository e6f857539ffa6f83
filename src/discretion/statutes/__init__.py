"""The statute corpus: parsed laws, their articles (条), paragraphs (款) and items (项).

:func:`parse_statute` reads one corpus file into a :class:`Statute`; :class:`LawLibrary` indexes
a whole corpus folder (see ``shared/laws/README.md``) and finds the version of a law in force on
a date; :func:`normalize_law_name` makes ``《中华人民共和国行政处罚法》`` and ``行政处罚法`` equal.
The representation of odd cases (inserted ``第X条之一`` articles, sub-items, headings that lost
their ``#``) is described in :mod:`discretion.statutes.parse`.
"""

from typing import Any

_PARSE_NAMES = {
    "Article", "LawLibrary", "LawVersion", "Paragraph", "Statute", "StatuteItem",
    "default_laws_root", "normalize_law_name", "parse_statute", "parse_statute_text",
    "split_file_name",
}


def __getattr__(name: str) -> Any:
    """Import the parser on first use, so that ``discretion`` starts fast."""
    if name in _PARSE_NAMES:
        from discretion.statutes import parse

        return getattr(parse, name)
    raise AttributeError(f"module 'discretion.statutes' has no attribute {name!r}")


__all__ = [
    "Article",
    "LawLibrary",
    "LawVersion",
    "Paragraph",
    "Statute",
    "StatuteItem",
    "default_laws_root",
    "normalize_law_name",
    "parse_statute",
    "parse_statute_text",
    "split_file_name",
]
