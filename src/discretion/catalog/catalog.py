"""The loaded catalog: manifest, fields, benchmark and list items, parsed conditions, lookups."""

from __future__ import annotations

import difflib
import os
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NamedTuple, TypeVar

from pydantic import BaseModel

from discretion.catalog.lawnames import normalize_law_name
from discretion.catalog.models import (
    BenchmarkItem,
    Citation,
    Field_,
    ListItem,
    ListKind,
    Manifest,
)
from discretion.conditions.ast import Expr
from discretion.errors import CatalogError, Problem

M = TypeVar("M", bound=BaseModel)


class Source(NamedTuple):
    """Where an item is written: catalog-relative file and line. (A named tuple: the cache
    holds one per item and every command reads them back; tuples are built fastest.)"""

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


class CacheEntryDamaged(CatalogError):
    """A model of a cached catalog failed to validate when first read (the entry was
    authenticated, so this means a damaged cache or a bug; the entry is removed)."""


class LazyModels(Mapping[str, M]):
    """Catalog models kept as JSON until first read: a cached catalog of a thousand items opens
    without validating every one (a check reads a handful).

    ``buffer[start:end]`` is the JSON of one model, as :meth:`pydantic.BaseModel.model_dump_json`
    wrote it (fields set at load time only, so that defaults stay exactly the defaults); it is
    read back with ``model_validate_json``: data, never code. ``origin`` is the cache entry the
    buffer came from, removed if a model fails to validate.
    """

    def __init__(self, model: type[M], buffer: bytes | memoryview,
                 spans: dict[str, tuple[int, int]], origin: str | None = None) -> None:
        self._model = model
        self._buffer = buffer
        self._spans = spans
        self._origin = origin
        self._loaded: dict[str, M] = {}

    @classmethod
    def of(cls, model: type[M], models: Mapping[str, M]) -> Mapping[str, M]:
        """The models as JSON (a :class:`LazyModels` is returned as it is); as they are when
        one of them would not come back from its JSON exactly (:func:`exact_json`)."""
        if isinstance(models, LazyModels):
            return models
        buffer = bytearray()
        spans: dict[str, tuple[int, int]] = {}
        for key, value in models.items():
            data = exact_json(value)
            if data is None:
                return models
            start = len(buffer)
            buffer += data
            spans[key] = (start, len(buffer))
        return cls(model, bytes(buffer), spans)

    def raw(self, key: str) -> bytes:
        """The JSON of one model."""
        start, end = self._spans[key]
        return bytes(self._buffer[start:end])

    def __getitem__(self, key: str) -> M:
        model = self._loaded.get(key)
        if model is None:
            raw = self.raw(key)  # KeyError for unknown ids
            try:
                model = self._model.model_validate_json(raw)
            except ValueError as exc:  # pydantic's ValidationError is a ValueError
                raise self._damaged(key) from exc
            self._loaded[key] = model
        return model

    def _damaged(self, key: str) -> CacheEntryDamaged:
        if self._origin is None:  # a pickled copy of a catalog
            return CacheEntryDamaged(Problem(
                f"this copy of the catalog does not hold a valid '{key}'",
                hint="load the catalog again from its folder; 裁量基准副本已损坏，请重新加载"))
        try:
            os.unlink(self._origin)
        except OSError:
            pass
        return CacheEntryDamaged(Problem(
            f"the compiled-catalog cache entry {self._origin} does not hold a valid '{key}'",
            file=self._origin, expected="a cache entry written by this version of discretion",
            hint="run the command again (the entry has been removed and is rebuilt), or set "
                 "DISCRETION_NO_CACHE=1; 裁量基准缓存已损坏并已删除，请重新运行"))

    def __contains__(self, key: object) -> bool:
        return key in self._spans

    def __iter__(self) -> Iterator[str]:
        return iter(self._spans)

    def __len__(self) -> int:
        return len(self._spans)

    def __reduce__(self) -> tuple[object, ...]:
        return (LazyModels, (self._model, bytes(self._buffer), self._spans))


def dump_model(model: BaseModel) -> bytes:
    """The JSON that :class:`LazyModels` keeps of a model: the fields set when it was validated
    (a default is left out, so it comes back as the very default, not as a value re-read)."""
    return model.model_dump_json(exclude_unset=True).encode("utf-8")


def exact_json(model: BaseModel) -> bytes | None:
    """:func:`dump_model`, or None when the model would not come back from it exactly as it is
    (equal, and with every amount's own digits: ``Decimal('0')`` is not ``Decimal('0.00')``)."""
    data = dump_model(model)
    try:
        again = type(model).model_validate_json(data)
    except ValueError:
        return None
    if again != model or again.model_dump_json() != model.model_dump_json():
        return None
    return data


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

    def build_indexes(self) -> None:
        """Build the lookups by benchmark, successor and citation now (they are kept with the
        catalog in the compiled-catalog cache and when it is pickled)."""
        self.lists_for("")
        self.successors("")
        self.citing("", 0)  # kept, a lookup by citation needs no other item validated

    def __getstate__(self) -> dict[str, object]:
        # Pickling (e.g. to another process) is for the caller's own objects; the
        # compiled-catalog cache never pickles (``discretion.catalog.cache``).
        self.build_indexes()
        state = dict(self.__dict__)
        state["conditions"] = {}
        state["benchmarks"] = LazyModels.of(BenchmarkItem, self.benchmarks)
        state["lists"] = LazyModels.of(ListItem, self.lists)
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


CitationEntries = dict[tuple[str, int], tuple[tuple[str, int | None, int | None], ...]]


class CitationIndex:
    """The provisions benchmark items cite, by normalised law name and article.

    Built once per catalog, and kept in the compiled-catalog cache: without it, each lookup
    normalised the law name of every citation of every item (~2,000 calls) and read back every
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
        self._entries: CitationEntries = {key: tuple(bucket) for key, bucket in entries.items()}
        self._names = names  # the catalog's spellings of law names, normalised
        self._asked: dict[str, str] = {}
        self._found: dict[tuple[str, int, int | None, int | None], tuple[str, ...]] = {}

    def __getstate__(self) -> dict[str, object]:
        return {"_entries": self._entries, "_names": self._names}

    def __setstate__(self, state: dict[str, Any]) -> None:
        self.__dict__.update(state)
        self._asked = {}
        self._found = {}

    @property
    def entries(self) -> CitationEntries:
        """(normalised law, article) -> (item id, paragraph, item), in catalog order."""
        return self._entries

    @property
    def names(self) -> dict[str, str]:
        """The catalog's spellings of law names, normalised."""
        return dict(self._names)

    @classmethod
    def restore(cls, entries: CitationEntries, names: dict[str, str]) -> CitationIndex:
        """The index with these entries and names (as :attr:`entries` and :attr:`names` gave
        them), without the items: how the compiled-catalog cache brings it back."""
        index = cls.__new__(cls)
        index.__setstate__({"_entries": entries, "_names": dict(names)})
        return index

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
