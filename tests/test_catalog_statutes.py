"""The bundled catalog against the statute text: every citation exists, every clause is verbatim
(statutory ranges are checked by ``discretion verify``, see tests/test_verify.py).

Skipped where the statute corpus (``../shared/laws``) is absent.
"""

from __future__ import annotations

from pathlib import Path

import pytest

from discretion import Catalog
from discretion.catalog.models import BenchmarkItem
from discretion.statutes import LawLibrary, Statute, default_laws_root

ROOT = Path(__file__).resolve().parents[1]
LAWS = default_laws_root()
pytestmark = pytest.mark.skipif(LAWS is None, reason="statute corpus ../shared/laws not present")


@pytest.fixture(scope="module")
def catalog() -> Catalog:
    return Catalog.load(ROOT / "catalogs" / "lishui-2022")


@pytest.fixture(scope="module")
def library() -> LawLibrary:
    assert LAWS is not None
    return LawLibrary(LAWS)


def _statute(library: LawLibrary, item: BenchmarkItem, law: str) -> Statute:
    """The version the item's provenance names, when it is a version of ``law``."""
    version = next((v for v in library.versions(law) if v.path == item.provenance.file), None)
    return library.load(version) if version is not None else library.get(law, item.effective_from)


def test_every_citation_exists_in_the_statute(catalog: Catalog, library: LawLibrary) -> None:
    for item in catalog.benchmarks.values():
        statute = _statute(library, item, item.penalty.law)
        for cited in (*item.violated, item.penalty):
            if cited.item is not None:
                assert cited.paragraph is not None
                found = statute.item(cited.article, cited.paragraph, cited.item)
            elif cited.paragraph is not None:
                found = statute.paragraph(cited.article, cited.paragraph)
            else:
                found = statute.article(cited.article)
            assert found is not None, (item.id, cited)


def test_every_clause_is_the_statute_text(catalog: Catalog, library: LawLibrary) -> None:
    for item in catalog.benchmarks.values():
        statute = _statute(library, item, item.penalty.law)
        paragraph = statute.paragraph(item.penalty.article, item.penalty.paragraph or 1)
        assert paragraph is not None, item.id
        assert item.clause in paragraph.full_text, (item.id, item.clause, paragraph.full_text)


def test_provenance_file_exists_and_matches_the_penalty_article(catalog: Catalog) -> None:
    assert LAWS is not None
    for item in catalog.benchmarks.values():
        assert (LAWS / item.provenance.file).is_file(), item.provenance.file
        assert item.provenance.article == item.penalty.article, item.id
