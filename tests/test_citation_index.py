"""Catalog.by_citation's index finds exactly what the scan of every item found, in its order."""

from __future__ import annotations

import functools
import threading
from pathlib import Path

import pytest

from discretion import Catalog
from discretion.catalog.catalog import CitationIndex
from discretion.catalog.lawnames import normalize_law_name
from discretion.catalog.models import BenchmarkItem, Citation

ROOT = Path(__file__).resolve().parents[1]
MINI = ROOT / "tests" / "fixtures" / "catalogs" / "mini"


# The reference scan normalises every law name of the catalog for every lookup, as by_citation
# did; a pure function, memoised here only so that thousands of lookups take seconds.
_normalize = functools.lru_cache(maxsize=None)(normalize_law_name)


def _scan(catalog: Catalog, citation: Citation) -> list[str]:
    """by_citation as it was before the index: every item, every law name normalised again."""
    normalize_law_name = _normalize
    law = normalize_law_name(citation.law)
    found: list[str] = []
    for item_id, item in catalog.benchmarks.items():
        for cited in (*item.violated, item.penalty):
            if normalize_law_name(cited.law) != law or cited.article != citation.article:
                continue
            if citation.paragraph is not None and cited.paragraph not in (None, citation.paragraph):
                continue
            if citation.item is not None and cited.item not in (None, citation.item):
                continue
            if cited is item.penalty and any(
                    normalize_law_name(v.law) == law and v.article == citation.article
                    for v in item.violated):
                continue
            found.append(item_id)
            break
    return found


def _queries(items: list[BenchmarkItem]) -> list[Citation]:
    """Every citation of every item, its partial forms, other spellings of the law, misses."""
    seen: set[tuple[str, int, int | None, int | None]] = set()
    queries: list[Citation] = []

    def add(law: str, article: int, paragraph: int | None = None, item: int | None = None) -> None:
        key = (law, article, paragraph, item)
        if key not in seen:
            seen.add(key)
            queries.append(Citation(law=law, article=article, paragraph=paragraph, item=item))

    for entry in items:
        for cited in (*entry.violated, entry.penalty):
            for law in (cited.law, normalize_law_name(cited.law),
                        "《中华人民共和国" + normalize_law_name(cited.law) + "》"):
                add(law, cited.article)  # article only
                add(law, cited.article + 1000)  # an article nobody cites
                if cited.paragraph is not None:
                    add(law, cited.article, cited.paragraph)  # article and paragraph
                    add(law, cited.article, cited.paragraph + 1)
                    if cited.item is not None:
                        add(law, cited.article, cited.paragraph, cited.item)  # in full
                        add(law, cited.article, cited.paragraph, cited.item + 1)
                else:
                    add(law, cited.article, 1)
                    add(law, cited.article, 2, 3)
    add("没有这部法", 1)
    return queries


@pytest.fixture(scope="module")
def bundled() -> Catalog:
    return Catalog.load()


def test_the_index_finds_what_the_scan_found_for_every_citation(bundled: Catalog) -> None:
    queries = _queries(list(bundled.benchmarks.values()))
    assert len(queries) > 6000
    found_any = several = 0
    for citation in queries:
        expected = _scan(bundled, citation)
        assert bundled.by_citation(citation) == expected, citation
        assert bundled.by_citation(citation) == expected, citation  # answered from the memo
        found_any += bool(expected)
        several += len(expected) > 1
    # The comparison covered hits, ambiguous citations and misses.
    assert found_any > 1000 and several > 100 and len(queries) - found_any > 1000


def test_mini_catalog_and_a_fresh_index(tmp_path: Path) -> None:
    catalog = Catalog.load(MINI, cache=False)
    index = CitationIndex(catalog.benchmarks)
    for citation in _queries(list(catalog.benchmarks.values())):
        expected = _scan(catalog, citation)
        assert index.find(citation.law, citation.article, citation.paragraph,
                          citation.item) == expected
        assert catalog.by_citation(citation) == expected


def test_results_are_new_lists(bundled: Catalog) -> None:
    item = next(iter(bundled.benchmarks.values()))
    citation = item.violated[0] if item.violated else item.penalty
    first = bundled.by_citation(citation)
    first.append("changed by the caller")
    assert bundled.by_citation(citation) == _scan(bundled, citation)


def test_built_once_per_catalog_and_cached_with_it(bundled: Catalog) -> None:
    import pickle

    from discretion.catalog.catalog import LazyModels

    item = next(iter(bundled.benchmarks.values()))
    bundled.by_citation(item.penalty)
    index = bundled._citations
    assert index is not None
    bundled.by_citation(item.penalty)
    assert bundled._citations is index
    # The compiled-catalog cache pickles the catalog: the index goes along, without its memo,
    # and a lookup in the unpickled catalog unpickles no item.
    copy = pickle.loads(pickle.dumps(bundled))
    assert copy._citations is not None and copy._citations._found == {}
    assert copy._citations._entries == index._entries
    assert isinstance(copy.benchmarks, LazyModels)
    assert copy.by_citation(item.penalty) == bundled.by_citation(item.penalty)
    assert copy.benchmarks._loaded == {}


def test_threads_racing_on_first_use_agree() -> None:
    catalog = Catalog.load()
    queries = _queries(list(catalog.benchmarks.values()))[:300]
    expected = [_scan(catalog, c) for c in queries]
    results: list[list[list[str]]] = []
    start = threading.Barrier(4)

    def worker() -> None:
        start.wait()
        results.append([catalog.by_citation(c) for c in queries])

    threads = [threading.Thread(target=worker) for _ in range(4)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert results == [expected] * 4
