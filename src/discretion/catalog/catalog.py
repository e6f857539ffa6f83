"""The loaded catalog: manifest, fields, benchmark and list items, parsed conditions, lookups."""

from __future__ import annotations

import difflib
import pickle
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple

from discretion.catalog.models import (
    BenchmarkItem,
    Citation,
    Field_,
    ListItem,
    ListKind,
    Manifest,
)
from discretion.conditions.ast import Expr
from discretion.lawnames import normalize_law_name


class Source(NamedTuple):
    """Where an item is written: catalog-relative file and line. (A named tuple: the cache
    holds one per item and every command unpickles them; tuples unpickle fastest.)"""

    file: str
    line: int | None


OTHERWISE = "otherwise"


@dataclass(frozen=True)
class ItemConditions:
    """The parsed conditions of one benchmark item and the list entries tied to it.

    ``tiers[i]`` is the AST of tier i, ``None`` for a tier that always holds, or the string
    ``"otherwise"``. ``serious`` is the 情节严重 condition; ``lists`` pairs list ids with theirs.
    """

    item_id: str
    tiers: tuple[Expr | str | None, ...]
    serious: Expr | None
    lists: tuple[tuple[str, Expr], ...]


class LazyModels(Mapping[str, Any]):
    """Catalog models kept pickled until first read: a cached catalog of a thousand items opens
    without unpickling every one (a check reads a handful)."""

    def __init__(self, raw: dict[str, bytes]) -> None:
        self._raw = raw
        self._loaded: dict[str, Any] = {}

    @classmethod
    def of(cls, models: Mapping[str, Any]) -> LazyModels:
        if isinstance(models, LazyModels):
            return models
        return cls({key: pickle.dumps(model, protocol=pickle.HIGHEST_PROTOCOL)
                    for key, model in models.items()})

    def __getitem__(self, key: str) -> Any:
        model = self._loaded.get(key)
        if model is None:
            model = pickle.loads(self._raw[key])  # KeyError for unknown ids
            self._loaded[key] = model
        return model

    def __contains__(self, key: object) -> bool:
        return key in self._raw

    def __iter__(self) -> Iterator[str]:
        return iter(self._raw)

    def __len__(self) -> int:
        return len(self._raw)

    def __reduce__(self) -> tuple[object, ...]:
        return (LazyModels, (self._raw,))


class _ConditionMap(dict[str, ItemConditions]):
    """Parsed conditions by benchmark id; entries missing after unpickling are parsed on first
    use (the catalog was validated before it was cached, so parsing cannot fail)."""

    def __init__(self, catalog: Catalog | None = None) -> None:
        super().__init__()
        self._catalog = catalog

    def __missing__(self, item_id: str) -> ItemConditions:
        if self._catalog is None or item_id not in self._catalog.benchmarks:
            raise KeyError(item_id)
        from discretion.conditions.parser import parse_condition

        item = self._catalog.benchmarks[item_id]
        tiers: list[Expr | str | None] = []
        for tier in item.tiers:
            when = tier.when.strip() if tier.when is not None else None
            tiers.append(None if when is None else OTHERWISE if when == OTHERWISE
                         else parse_condition(when))
        serious_when = item.statutory.serious_when
        serious = None if serious_when is None else parse_condition(serious_when)
        lists = tuple((entry.id, parse_condition(entry.when))
                      for entry in self._catalog.lists_for(item_id))
        result = ItemConditions(item_id, tuple(tiers), serious, lists)
        self[item_id] = result
        return result

    def __contains__(self, item_id: object) -> bool:
        if self._catalog is not None and isinstance(item_id, str):
            return item_id in self._catalog.benchmarks
        return super().__contains__(item_id)

    def get(self, item_id: str, default: ItemConditions | None = None) -> ItemConditions | None:  # type: ignore[override]
        return self[item_id] if item_id in self else default

    def __reduce__(self) -> tuple[object, ...]:
        return (dict, ())  # not cached: re-parsed lazily, much faster than unpickling ASTs


@dataclass
class Catalog:
    """A loaded, validated catalog. Build it with :meth:`Catalog.load`."""

    root: Path
    manifest: Manifest
    fields: dict[str, Field_]
    benchmarks: Mapping[str, BenchmarkItem]
    lists: Mapping[str, ListItem]
    sha256: str
    sources: dict[str, Source] = field(default_factory=dict)
    conditions: dict[str, ItemConditions] = field(default_factory=dict)
    _lists_by_benchmark: dict[str, list[str]] | None = field(default=None, repr=False,
                                                             compare=False)
    _successors: dict[str, list[str]] | None = field(default=None, repr=False, compare=False)
    _citations: CitationIndex | None = field(default=None, repr=False, compare=False)

    def __post_init__(self) -> None:
        if not isinstance(self.conditions, _ConditionMap):
            parsed = self.conditions
            self.conditions = _ConditionMap(self)
            self.conditions.update(parsed)

    def __getstate__(self) -> dict[str, object]:
        self.lists_for("")  # build the indexes, so that they are cached too
        self.successors("")
        self.citing("", 0)  # cached, a lookup by citation needs no other item unpickled
        state = dict(self.__dict__)
        state["conditions"] = {}
        state["benchmarks"] = LazyModels.of(self.benchmarks)
        state["lists"] = LazyModels.of(self.lists)
        return state

    def __setstate__(self, state: dict[str, object]) -> None:
        self.__dict__.update(state)
        self.conditions = _ConditionMap(self)

    @classmethod
    def load(cls, path: str | Path | None = None, *, cache: bool = True) -> Catalog:
        """Load and validate a catalog folder (default: the bundled catalog).

        Raises :class:`~discretion.errors.CatalogError` listing every problem with
        file:line:column. ``cache=False`` bypasses the compiled-catalog cache.
        """
        from discretion.catalog.loader import load_catalog

        return load_catalog(path, cache=cache)

    # --- lookups -------------------------------------------------------------------------

    @property
    def ids(self) -> list[str]:
        return [*self.benchmarks, *self.lists]

    def get(self, item_id: str) -> BenchmarkItem | ListItem | None:
        return self.benchmarks.get(item_id) or self.lists.get(item_id)

    def lists_for(self, benchmark_id: str, kind: ListKind | None = None) -> list[ListItem]:
        """List entries tied to a benchmark (indexed once per catalog)."""
        if self._lists_by_benchmark is None:
            index: dict[str, list[str]] = {}
            for entry in self.lists.values():
                index.setdefault(entry.benchmark, []).append(entry.id)
            self._lists_by_benchmark = index
        entries = [self.lists[i] for i in self._lists_by_benchmark.get(benchmark_id, [])]
        return [e for e in entries if kind is None or e.kind is kind]

    def successors(self, benchmark_id: str) -> list[str]:
        """Ids of the versions that supersede ``benchmark_id`` (Art. 37)."""
        if self._successors is None:
            index: dict[str, list[str]] = {}
            for other in self.benchmarks.values():
                for old in other.supersedes:
                    index.setdefault(old, []).append(other.id)
            self._successors = index
        return self._successors.get(benchmark_id, [])

    def suggest(self, item_id: str, n: int = 3) -> list[str]:
        """Closest ids to a mistyped one (``ls-srhj-1`` finds ``LS-SRHJ-0001`` first)."""
        wanted = _id_key(item_id)
        same = [i for i in self.ids if _id_key(i) == wanted]
        close = difflib.get_close_matches(item_id.strip().upper(), self.ids, n=n, cutoff=0.5)
        return (same + [c for c in close if c not in same])[:n]

    def by_citation(self, citation: Citation) -> list[str]:
        """Benchmark ids whose violated provision matches ``citation``, in catalog order.

        The law name matches with or without 中华人民共和国 and 《》; a citation without a
        paragraph (or item) matches every paragraph (or item) of the article. An item's penalty
        provision counts only where none of its violated provisions is of the same article.
        Looked up in an index built once per catalog (:class:`CitationIndex`).
        """
        return self.citing(citation.law, citation.article, citation.paragraph, citation.item)

    def citing(self, law: str, article: int, paragraph: int | None = None,
               item: int | None = None) -> list[str]:
        """:meth:`by_citation` for a citation given in parts (not validated as a Citation)."""
        index = self._citations
        if index is None:
            index = CitationIndex(self.benchmarks)
            self._citations = index  # published whole: a thread that races builds its own
        return index.find(law, article, paragraph, item)

    def items_in_field(self, code: str) -> list[BenchmarkItem]:
        return [item for item in self.benchmarks.values() if item.field == code]

    def search(self, text: str) -> list[str]:
        """Ids whose title, clause, law or id contains ``text`` (all words must match)."""
        words = [normalize_law_name(w) for w in text.split() if w]
        hits: list[str] = []
        entries: tuple[tuple[str, BenchmarkItem | ListItem], ...] = (
            *self.benchmarks.items(), *self.lists.items())
        for item_id, entry in entries:
            hay = " ".join([item_id, entry.title,
                            getattr(entry, "clause", "") or "",
                            getattr(entry, "conditions_text", "") or "",
                            " ".join(normalize_law_name(c.law) for c in _citations(entry))])
            if all(w in hay for w in words):
                hits.append(item_id)
        return hits


class CitationIndex:
    """The provisions benchmark items cite, by normalised law name and article.

    Built once per catalog, and kept in the compiled-catalog cache: without it, each lookup
    normalised the law name of every citation of every item (~2,000 calls) and unpickled every
    item. ``find`` gives exactly what that scan gave, in the same order: the entries of one
    (law, article) are kept in catalog order, each item's together.
    """

    # The lookups asked so far, answered and with their law's spelling normalised: a batch asks
    # the same few again and again. Bounded, for a process that is asked about arbitrary text;
    # not pickled.
    MEMO_LIMIT = 65536

    def __init__(self, benchmarks: Mapping[str, BenchmarkItem]) -> None:
        entries: dict[tuple[str, int], list[tuple[str, int | None, int | None]]] = {}
        names: dict[str, str] = {}
        for item_id, item in benchmarks.items():
            penalty = item.penalty
            violated = [(_normalized(names, v.law), v.article) for v in item.violated]
            for cited in (*item.violated, penalty):
                key = (_normalized(names, cited.law), cited.article)
                # The penalty provision (and only it: `is`, as the scan compared) stands for the
                # item where no violated provision is of the same article.
                if cited is penalty and key in violated:
                    continue
                bucket = entries.setdefault(key, [])
                entry = (item_id, cited.paragraph, cited.item)
                if entry not in bucket:  # the same provision twice finds the item once anyway
                    bucket.append(entry)
        self._entries: dict[tuple[str, int], tuple[tuple[str, int | None, int | None], ...]] = {
            key: tuple(bucket) for key, bucket in entries.items()}
        self._names = names  # the catalog's spellings of law names, normalised
        self._asked: dict[str, str] = {}
        self._found: dict[tuple[str, int, int | None, int | None], tuple[str, ...]] = {}

    def __getstate__(self) -> dict[str, object]:
        return {"_entries": self._entries, "_names": self._names}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._asked = {}
        self._found = {}

    def find(self, law: str, article: int, paragraph: int | None = None,
             item: int | None = None) -> list[str]:
        """Ids of the items citing that provision (a new list, in catalog order)."""
        name = self._names.get(law) or self._asked.get(law)
        if name is None:
            name = normalize_law_name(law)
            if len(self._asked) < self.MEMO_LIMIT:
                self._asked[law] = name
        key = (name, article, paragraph, item)
        found = self._found.get(key)
        if found is None:
            found = self._match(key)
            if len(self._found) < self.MEMO_LIMIT:
                self._found[key] = found
        return list(found)

    def _match(self, key: tuple[str, int, int | None, int | None]) -> tuple[str, ...]:
        name, article, paragraph, item = key
        found: list[str] = []
        for item_id, cited_paragraph, cited_item in self._entries.get((name, article), ()):
            if found and found[-1] == item_id:
                continue  # an item's entries are together: it is found once
            if paragraph is not None and cited_paragraph not in (None, paragraph):
                continue
            if item is not None and cited_item not in (None, item):
                continue
            found.append(item_id)
        return tuple(found)


def _normalized(names: dict[str, str], law: str) -> str:
    name = names.get(law)
    if name is None:
        name = names[law] = normalize_law_name(law)
    return name


def _id_key(item_id: str) -> tuple[str, ...]:
    """An id with case and zero padding ignored: ``ls-srhj-01`` ~ ``LS-SRHJ-0001``."""
    return tuple(str(int(part)) if part.isdigit() else part
                 for part in item_id.strip().upper().replace("_", "-").split("-"))


def _citations(entry: BenchmarkItem | ListItem) -> list[Citation]:
    if isinstance(entry, BenchmarkItem):
        return [*entry.violated, entry.penalty]
    return list(entry.basis)
