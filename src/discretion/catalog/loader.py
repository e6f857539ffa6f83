"""Loading a catalog folder: YAML with positions -> models -> cross-checks, every error at once.

Layout of ``catalogs/<jurisdiction>-<version>/``::

    manifest.yaml                 jurisdiction, version, dates, policy
    fields.yaml                   fields: [{code, name}]
    benchmarks/<FIELD>.yaml       field: F, items: [benchmark items]
    lists/<kind>/<FIELD>.yaml     field: F, kind: K, items: [list items]

The catalog's ``sha256`` is computed over every YAML file (relative path and bytes, sorted),
so a decision can name exactly the catalog content it was made with.
"""

from __future__ import annotations

import hashlib
import os
from pathlib import Path
from typing import Any, TypeVar

from pydantic import BaseModel, ValidationError

from discretion.catalog.catalog import Catalog, Source
from discretion.catalog.models import (
    BenchmarkItem,
    Field_,
    Fields,
    ListItem,
    ListKind,
    Manifest,
)
from discretion.catalog.positions import known_keys, located_problems
from discretion.errors import CatalogError, Problem
from discretion.yamlpos import Located, YamlError, load_yaml_file

ALL_KEYS = known_keys(Manifest, Fields, BenchmarkItem, ListItem) | {"items"}
DEFAULT_CATALOG_NAME = "lishui-2022"
M = TypeVar("M", bound=BaseModel)


def default_catalog_path() -> Path:
    """The bundled catalog: ``$DISCRETION_CATALOG``, else ``catalogs/lishui-2022`` of the project."""
    env = os.environ.get("DISCRETION_CATALOG")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    candidates = [
        here.parent.parent / "data" / "catalogs" / DEFAULT_CATALOG_NAME,  # installed wheel
        here.parents[3] / "catalogs" / DEFAULT_CATALOG_NAME,  # source checkout / editable
    ]
    for candidate in candidates:
        if (candidate / "manifest.yaml").is_file():
            return candidate
    return candidates[-1]


class _Collector:
    def __init__(self, root: Path) -> None:
        self.root = root
        self.problems: list[Problem] = []
        self.docs: dict[str, Located] = {}

    def rel(self, path: Path) -> str:
        try:
            return path.relative_to(self.root).as_posix()
        except ValueError:
            return str(path)

    def display(self, path: Path) -> str:
        return str(path)

    def load(self, path: Path) -> Located | None:
        try:
            doc = load_yaml_file(path, self.display(path))
        except YamlError as exc:
            self.problems.extend(exc.problems)
            return None
        self.docs[self.rel(path)] = doc
        return doc

    def model(self, model: type[M], value: Any, doc: Located,
                            prefix: tuple[str | int, ...]) -> M | None:
        try:
            return model.model_validate(value)
        except ValidationError as exc:
            self.problems.extend(located_problems(exc, doc, prefix, value, ALL_KEYS))
            return None


def catalog_files(root: Path) -> list[Path]:
    """Every YAML file of a catalog folder, in a stable order."""
    return sorted(p for p in root.rglob("*") if p.suffix in (".yaml", ".yml") and p.is_file())


def content_hash(root: Path, files: list[Path]) -> str:
    """sha256 over every YAML file's relative path and bytes, and the names of the folders
    (an empty unknown folder changes what validation says, so it changes the hash)."""
    digest = hashlib.sha256()
    for folder in sorted(p for p in root.rglob("*") if p.is_dir()):
        digest.update(b"dir:" + folder.relative_to(root).as_posix().encode("utf-8") + b"\0")
    for path in files:
        digest.update(path.relative_to(root).as_posix().encode("utf-8"))
        digest.update(b"\0")
        digest.update(path.read_bytes())
        digest.update(b"\0")
    return digest.hexdigest()


def load_catalog(path: str | Path | None = None, *, cache: bool = True) -> Catalog:
    """Load, validate and cross-check a catalog; raise :class:`CatalogError` with every problem.

    With ``cache`` (the default) a catalog already validated with the same content is taken
    from the compiled-catalog cache (:mod:`discretion.catalog.cache`).
    """
    root = Path(path) if path is not None else default_catalog_path()
    if not root.is_dir():
        raise CatalogError(Problem(f"catalog folder not found: {root}", file=str(root),
                                   expected="a folder with manifest.yaml and fields.yaml",
                                   hint="pass --catalog DIR, or set DISCRETION_CATALOG"))
    if cache:
        from discretion.catalog.cache import read_cached, write_cached

        digest = content_hash(root, catalog_files(root))
        cached = read_cached(root, digest)
        if cached is not None:
            return cached
        catalog = _load_uncached(root)
        if catalog.sha256 == digest:
            write_cached(catalog)
        return catalog
    return _load_uncached(root)


def _load_uncached(root: Path) -> Catalog:
    col = _Collector(root)
    manifest = _load_manifest(col, root)
    fields = _load_fields(col, root)
    benchmarks, lists, sources, item_docs = _load_items(col, root)
    if manifest is None or fields is None:
        raise CatalogError(col.problems)
    files = catalog_files(root)
    catalog = Catalog(root=root, manifest=manifest, fields=fields, benchmarks=benchmarks,
                      lists=lists, sha256=content_hash(root, files), sources=sources)
    from discretion.catalog.validate import validate_catalog

    col.problems.extend(validate_catalog(catalog, item_docs))
    if col.problems:
        raise CatalogError(col.problems)
    return catalog


def _load_manifest(col: _Collector, root: Path) -> Manifest | None:
    path = root / "manifest.yaml"
    if not path.is_file():
        col.problems.append(Problem("missing manifest.yaml", file=str(path),
                                    hint="every catalog folder starts with a manifest"))
        return None
    doc = col.load(path)
    if doc is None:
        return None
    return col.model(Manifest, doc.value, doc, ())


def _load_fields(col: _Collector, root: Path) -> dict[str, Field_] | None:
    path = root / "fields.yaml"
    if not path.is_file():
        col.problems.append(Problem("missing fields.yaml", file=str(path),
                                    hint="list the fields: fields: [{code: SRHJ, name: 市容环境卫生}]"))
        return None
    doc = col.load(path)
    if doc is None:
        return None
    model = col.model(Fields, doc.value, doc, ())
    if model is None:
        return None
    result: dict[str, Field_] = {}
    for index, entry in enumerate(model.fields):
        if entry.code in result:
            col.problems.append(doc.problem(("fields", index, "code"),
                                            f"duplicate field code '{entry.code}'"))
        result[entry.code] = entry
    return result


ItemDocs = dict[str, tuple[Located, tuple[str | int, ...]]]


def _load_items(col: _Collector, root: Path) -> tuple[dict[str, BenchmarkItem], dict[str, ListItem],
                                                      dict[str, Source], ItemDocs]:
    benchmarks: dict[str, BenchmarkItem] = {}
    lists: dict[str, ListItem] = {}
    sources: dict[str, Source] = {}
    docs: ItemDocs = {}
    # (file, the list kind of its folder; None for benchmarks)
    files: list[tuple[Path, ListKind | None]] = [
        (p, None) for p in sorted((root / "benchmarks").glob("*.yaml"))]
    for list_kind in ListKind:
        files += [(p, list_kind) for p in sorted((root / "lists" / list_kind.value).glob("*.yaml"))]
    extra = sorted((root / "lists").glob("*")) if (root / "lists").is_dir() else []
    for folder in extra:
        if folder.is_dir() and folder.name not in {k.value for k in ListKind}:
            col.problems.append(Problem(f"unknown list folder '{folder.name}'", file=str(folder),
                                        expected=", ".join(k.value for k in ListKind)))
    for path, kind in files:
        doc = col.load(path)
        if doc is None:
            continue
        value = doc.value
        if not isinstance(value, dict) or not isinstance(value.get("items"), list):
            col.problems.append(doc.problem((), "an item file is a mapping with 'items:' (a list)",
                                            expected="field: CODE\\nitems: [...]"))
            continue
        unknown = set(value) - {"field", "kind", "items"}
        for key in sorted(unknown):
            col.problems.append(doc.problem((key,), f"unknown key '{key}' in an item file",
                                            hint="item files have field, kind (lists) and items"))
        file_field = value.get("field")
        file_kind = value.get("kind")
        if kind is not None and file_kind not in (None, kind.value):
            col.problems.append(doc.problem(("kind",), f"kind '{file_kind}' in lists/{kind.value}/",
                                            expected=kind.value))
        for index, raw in enumerate(value["items"]):
            prefix = ("items", index)
            if not isinstance(raw, dict):
                col.problems.append(doc.problem(prefix, "an item is a mapping of keys"))
                continue
            data = dict(raw)
            if file_field is not None:
                data.setdefault("field", file_field)
            if kind is not None:
                data.setdefault("kind", kind.value)
            model: BenchmarkItem | ListItem | None
            if kind is None:
                model = col.model(BenchmarkItem, data, doc, prefix)
            else:
                model = col.model(ListItem, data, doc, prefix)
            if model is None:
                continue
            line, _ = doc.position(prefix)
            source = Source(col.rel(path), line)
            if model.id in sources:
                first = sources[model.id]
                col.problems.append(doc.problem((*prefix, "id"), f"duplicate id '{model.id}'",
                                                hint=f"first defined at {first.file}:{first.line}; "
                                                     "ids are stable, give the new item a new id"))
                continue
            sources[model.id] = source
            docs[model.id] = (doc, prefix)
            if isinstance(model, BenchmarkItem):
                benchmarks[model.id] = model
            else:
                lists[model.id] = model
    return benchmarks, lists, sources, docs
