"""Loading a catalog folder: YAML with positions -> models -> cross-checks, every error at once.

Layout of ``catalogs/<jurisdiction>-<version>/``::

    manifest.yaml                 jurisdiction, version, dates, policy
    fields.yaml                   fields: [{code, name}]
    benchmarks/<FIELD>.yaml       field: F, items: [benchmark items]
    lists/<kind>/<FIELD>.yaml     field: F, kind: K, items: [list items]

The catalog's files are every ``*.yaml`` file under the folder, linked folders included
(:func:`catalog_files`, the one definition the cache uses too); a ``.yml`` file, or a
``.yaml`` path that is not a regular file of at most 64 MiB (a link to ``/dev/zero``, a named
pipe, a folder), is refused by name before anything is read. The catalog's ``sha256`` is
computed over those files (relative path and bytes, sorted) and the folder names, so a
decision can name exactly the catalog content it was made with.
"""

from __future__ import annotations

import hashlib
import importlib.resources
import os
from dataclasses import replace
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

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
from discretion.catalog.yamlpos import (
    MAX_BYTES,
    Located,
    YamlError,
    file_kind,
    load_yaml_file,
    not_regular_problem,
    read_file_bytes,
    too_large_problem,
)
from discretion.errors import CatalogError, Problem

if TYPE_CHECKING:
    from discretion.catalog.validate import Unloaded

ALL_KEYS = known_keys(Manifest, Fields, BenchmarkItem, ListItem) | {"items"}
DEFAULT_CATALOG_NAME = "lishui-2022"
M = TypeVar("M", bound=BaseModel)


def default_catalog_path() -> Path:
    """The catalog read when none is given (``Catalog.load()``, a command without ``--catalog``):

    - ``$DISCRETION_CATALOG``, when set;
    - in a source checkout (an editable install included), ``catalogs/lishui-2022`` at the
      project's root, the catalog's one source;
    - in an installed wheel, the copy the package carries as data
      (``discretion/data/catalogs/lishui-2022``, put there by setup.py), found through
      :mod:`importlib.resources`.
    """
    env = os.environ.get("DISCRETION_CATALOG")
    if env:
        return Path(env)
    here = Path(__file__).resolve()
    if len(here.parents) > 3:
        root = here.parents[3]  # <root>/src/discretion/catalog/loader.py
        if here.parents[2] == root / "src" and (root / "pyproject.toml").is_file():
            return root / "catalogs" / DEFAULT_CATALOG_NAME
    return _packaged_catalog()


def _packaged_catalog() -> Path:
    """The bundled catalog as package data: a folder of the installed package. (Imported from an
    archive instead, which the package's namespace subpackages do not allow anyway, the path
    names the place in the archive, and loading it says it is not a folder.)"""
    resource = importlib.resources.files("discretion") / "data" / "catalogs" / DEFAULT_CATALOG_NAME
    return resource if isinstance(resource, Path) else Path(str(resource))


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
            self.problems.extend(_with_chinese(p) for p in exc.problems)
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


def _with_chinese(problem: Problem) -> Problem:
    """A file that does not load says so in Chinese too (the officers' line)."""
    if any("\u4e00" <= ch <= "\u9fff" for ch in problem.hint or ""):
        return problem  # it has its Chinese line already
    words = "该文件不是有效的YAML（多为缩进、引号或者冒号有误），请按提示的行列修改后重新校验"
    if not problem.message.startswith("malformed YAML"):
        words = "该文件内容有误，请按提示的位置修改后重新校验"
    return replace(problem, hint=(problem.hint + "\n    " if problem.hint else "") + "中文：" + words)


def _with_skipped(problem: Problem, count: int) -> Problem:
    """The error of a benchmark file that does not load, saying which checks it holds back."""
    note = (f"{count} check{'s' if count != 1 else ''} of other files that name its items "
            f"(list entries, supersedes) {'are' if count != 1 else 'is'} left until it loads; "
            f"引用本文件事项的其他{count}处（清单条目等）待本文件修正后再校验")
    return replace(problem, hint=(problem.hint + "\n    " if problem.hint else "") + note)


CATALOG_SUFFIX = ".yaml"
OTHER_YAML_SUFFIXES = (".yml",)
MAX_TREE_ENTRIES = 100_000  # files and folders walked under a catalog folder
MAX_TREE_DEPTH = 32


def _walk(root: Path) -> tuple[list[Path], list[Path], list[Problem]]:
    """Every folder and every file under ``root`` (not ``root`` itself), each sorted, following
    linked folders as ``(root / "benchmarks").glob(...)`` does, each real folder once (a link
    back up the tree is not walked again). Bounded: past :data:`MAX_TREE_ENTRIES` entries or
    :data:`MAX_TREE_DEPTH` levels a problem is returned instead of walking on."""
    folders: list[Path] = []
    files: list[Path] = []
    problems: list[Problem] = []
    seen: set[tuple[int, int]] = set()
    stack: list[tuple[Path, int]] = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            info = folder.stat()
            if (info.st_dev, info.st_ino) in seen:
                continue
            seen.add((info.st_dev, info.st_ino))
            with os.scandir(folder) as listing:
                entries = list(listing)
        except OSError as exc:
            problems.append(Problem(f"cannot read the folder: {exc.strerror or exc}",
                                    file=str(folder), hint="无法读取该文件夹，请检查权限"))
            continue
        for entry in entries:
            path = folder / entry.name
            if len(folders) + len(files) >= MAX_TREE_ENTRIES:
                return folders, files, [Problem(
                    f"more than {MAX_TREE_ENTRIES} files and folders under the catalog folder",
                    file=str(root), expected="a catalog folder (manifest.yaml, fields.yaml, "
                                             "benchmarks/, lists/)",
                    hint="pass the catalog's own folder; 请指定裁量基准本身的文件夹")]
            try:
                is_folder = entry.is_dir()  # follows a link
            except OSError:
                is_folder = False
            if is_folder:
                if depth + 1 > MAX_TREE_DEPTH:
                    problems.append(Problem(f"folders nested deeper than {MAX_TREE_DEPTH} levels",
                                            file=str(path), hint="文件夹层级过深"))
                    continue
                folders.append(path)
                stack.append((path, depth + 1))
            else:
                files.append(path)
    return sorted(folders), sorted(files), problems


def catalog_files(root: Path) -> list[Path]:
    """The catalog files of a folder: every ``*.yaml`` file under it, in a stable order.

    This is the one definition of which files make up a catalog: the loader reads its files
    from this list and :func:`content_hash` (the catalog's ``sha256``) hashes exactly these.
    Linked folders are followed (each real folder once). Raises :class:`CatalogError` naming
    every file that cannot be one: a ``.yml`` or ``.YAML`` file (the loader would not read it:
    rename it ``.yaml``), a ``.yaml`` path that is not a regular file (a folder, a device such
    as a link to ``/dev/zero``, a named pipe, a broken link), one larger than
    :data:`~discretion.catalog.yamlpos.MAX_BYTES`, or a folder too large or too deep to be a catalog.
    """
    files: list[Path] = []
    folders, found, problems = _walk(root)
    problems += [not_regular_problem(str(folder), "a folder") for folder in folders
                 if folder.suffix.lower() in (CATALOG_SUFFIX, *OTHER_YAML_SUFFIXES)]
    for path in found:
        suffix = path.suffix
        if suffix != CATALOG_SUFFIX and suffix.lower() in (CATALOG_SUFFIX, *OTHER_YAML_SUFFIXES):
            problems.append(Problem(
                f"'{path.name}': catalog files end in {CATALOG_SUFFIX}", file=str(path),
                expected=f"{path.stem}{CATALOG_SUFFIX}",
                hint=f"rename it to {path.stem}{CATALOG_SUFFIX} (a {suffix} file would not be "
                     f"read); 裁量基准文件的扩展名应为{CATALOG_SUFFIX}，请重命名该文件"))
            continue
        if suffix != CATALOG_SUFFIX:
            continue
        try:
            info = path.stat()  # follows links: what would be read
        except OSError as exc:
            problems.append(Problem(
                f"cannot read: {exc.strerror or exc}"
                + (" (a broken link)" if path.is_symlink() else ""),
                file=str(path), hint="remove it or point it at the catalog file; "
                                     "无法读取该文件，请删除或者修正"))
            continue
        kind = file_kind(info.st_mode)
        if kind is not None:
            problems.append(not_regular_problem(str(path), kind))
        elif info.st_size > MAX_BYTES:
            problems.append(too_large_problem(str(path), info.st_size, MAX_BYTES))
        else:
            files.append(path)
    if problems:
        raise CatalogError(problems)
    return files


def content_hash(root: Path, files: list[Path]) -> str:
    """sha256 over every catalog file's relative path and bytes (``files``, from
    :func:`catalog_files`), and the names of the folders (an empty unknown folder changes what
    validation says, so it changes the hash). Each file is read bounded, like the loader does."""
    return _digest(*_contents(root, files))


def _digest(folders: list[str], contents: dict[str, bytes]) -> str:
    digest = hashlib.sha256()
    for folder in folders:
        digest.update(b"dir:" + folder.encode("utf-8") + b"\0")
    for name, data in contents.items():
        digest.update(name.encode("utf-8"))
        digest.update(b"\0")
        digest.update(data)
        digest.update(b"\0")
    return digest.hexdigest()


def catalog_contents(root: Path) -> tuple[list[str], dict[str, bytes]]:
    """What makes up the catalog in folder ``root``, exactly as :func:`content_hash` hashes
    it: its folders' relative paths (POSIX) and each catalog file's relative path and bytes.
    Written out again under another folder, they load as a catalog with the same ``sha256``
    (``--dask`` sends a catalog to its workers so)."""
    return _contents(root, catalog_files(root))


def _contents(root: Path, files: list[Path]) -> tuple[list[str], dict[str, bytes]]:
    """The folders under ``root`` and the bytes of ``files`` (from :func:`catalog_files`),
    by relative POSIX path, in order; each file read bounded, like the loader does."""
    folders, _, problems = _walk(root)
    if problems:
        raise CatalogError(problems)
    contents: dict[str, bytes] = {}
    for path in files:
        try:
            contents[path.relative_to(root).as_posix()] = read_file_bytes(path, MAX_BYTES)
        except YamlError as exc:  # replaced since catalog_files looked at it
            raise CatalogError(exc.problems) from None
    return [folder.relative_to(root).as_posix() for folder in folders], contents


def load_catalog(path: str | Path | None = None, *, cache: bool = True) -> Catalog:
    """Load, validate and cross-check a catalog; raise :class:`CatalogError` with every problem.

    With ``cache`` (the default) a catalog already validated with the same content is taken
    from the compiled-catalog cache (:mod:`discretion.catalog.cache`).
    """
    root = Path(path) if path is not None else default_catalog_path()
    if not root.is_dir():
        raise CatalogError(Problem(f"catalog folder not found: {root}", file=str(root),
                                   expected="a folder with manifest.yaml and fields.yaml",
                                   hint="pass --catalog DIR, or set DISCRETION_CATALOG; 找不到裁量基准目录，请用 --catalog 指定"))
    files = catalog_files(root)
    if cache:
        from discretion.catalog.cache import read_cached, write_cached

        folders, contents = _contents(root, files)
        digest = _digest(folders, contents)
        cached = read_cached(root, digest, contents)
        if cached is not None:
            return cached
        catalog = _load_uncached(root, files)
        if catalog.sha256 == digest:
            write_cached(catalog)
        return catalog
    return _load_uncached(root, files)


def _load_uncached(root: Path, files: list[Path]) -> Catalog:
    col = _Collector(root)
    manifest = _load_manifest(col, root)
    fields = _load_fields(col, root)
    from discretion.catalog.validate import Unloaded, validate_catalog

    unloaded = Unloaded()
    benchmarks, lists, sources, item_docs = _load_items(col, root, files, unloaded)
    if manifest is None or fields is None:
        raise CatalogError(col.problems)
    catalog = Catalog(root=root, manifest=manifest, fields=fields, benchmarks=benchmarks,
                      lists=lists, sha256=content_hash(root, files), sources=sources)
    col.problems.extend(validate_catalog(catalog, item_docs, unloaded))
    for code, count in unloaded.skipped.items():  # said once, on the file that holds them back
        where = col.display(root / "benchmarks" / f"{code}.yaml")
        first = next((i for i, p in enumerate(col.problems) if p.file == where), None)
        if first is not None:
            col.problems[first] = _with_skipped(col.problems[first], count)
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


def _load_items(col: _Collector, root: Path, catalog: list[Path], unloaded: Unloaded | None = None
                ) -> tuple[dict[str, BenchmarkItem], dict[str, ListItem], dict[str, Source], ItemDocs]:
    """The items of the catalog's item files. A benchmark file that does not load, and a
    benchmark item that does not validate, are noted in ``unloaded``: what names them
    elsewhere is then not reported again (:mod:`discretion.catalog.validate`)."""
    benchmarks: dict[str, BenchmarkItem] = {}
    lists: dict[str, ListItem] = {}
    sources: dict[str, Source] = {}
    docs: ItemDocs = {}
    # (file, the list kind of its folder; None for benchmarks), from the catalog's files
    files: list[tuple[Path, ListKind | None]] = [
        (p, None) for p in catalog if p.parent == root / "benchmarks"]
    for list_kind in ListKind:
        files += [(p, list_kind) for p in catalog if p.parent == root / "lists" / list_kind.value]
    extra = sorted((root / "lists").glob("*")) if (root / "lists").is_dir() else []
    for folder in extra:
        if folder.is_dir() and folder.name not in {k.value for k in ListKind}:
            col.problems.append(Problem(f"unknown list folder '{folder.name}'", file=str(folder),
                                        expected=", ".join(k.value for k in ListKind)))
    for path, kind in files:
        doc = col.load(path)
        if doc is None:
            if kind is None and unloaded is not None:
                unloaded.fields.add(path.stem)
            continue
        value = doc.value
        if not isinstance(value, dict) or not isinstance(value.get("items"), list):
            col.problems.append(doc.problem((), "an item file is a mapping with 'items:' (a list)",
                                            expected="field: CODE\\nitems: [...]"))
            if kind is None and unloaded is not None:
                unloaded.fields.add(path.stem)
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
                if kind is None and unloaded is not None:
                    raw_id = data.get("id")
                    if isinstance(raw_id, str):
                        unloaded.ids.add(raw_id.strip())
                    else:  # which item it was is not known: any of its file's field
                        unloaded.fields.add(str(data.get("field") or path.stem))
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
