"""The compiled-catalog cache: a loaded, validated catalog kept as data, bound to its content.

``discretion check`` should not parse and validate every YAML file on each call. After a
catalog loads and validates, its models are written to an entry in the user cache directory
(``$DISCRETION_CACHE_DIR`` overrides it; ``DISCRETION_NO_CACHE=1`` turns the cache off), and
the next load with the same content reads them back from there.

What is read can never run code, and an entry is served only for the content it was built from:

- An entry is **data**: each model as the JSON that pydantic's ``model_dump_json`` wrote, read
  back with ``model_validate_json`` (no pickle, no ``eval``), lazily, item by item. A model
  whose JSON does not come back exactly as it was (every amount with its own digits) is not
  cached at all, so a cached catalog decides byte for byte like a freshly loaded one.
- An entry is **bound** to the catalog's content: its header records the catalog's ``sha256``
  (:func:`discretion.catalog.loader.content_hash`), a digest of every YAML file reachable under
  the catalog folder, following linked folders as the loader does (:func:`tree_digest`), and the
  versions of the package and of Python. Any difference and the entry is not served but rebuilt.
- An entry is **authenticated**: an HMAC-SHA256 of all its bytes, keyed by a random secret kept
  outside the cache folder (:func:`key_file`: ``cache-key`` in the user data directory, readable
  by this account only), opens the entry. A planted or edited file, in the cache folder or in a
  ``DISCRETION_CACHE_DIR`` that others can write, does not carry a valid code and is removed and
  rebuilt. Someone who can read that secret (this account) could still forge an entry: they
  could as well edit the catalog itself.
- The ``sha256`` a decision names is always the one computed from the catalog files for this
  load; an entry never supplies it.

A missing, stale, truncated, corrupt, foreign or oversized entry, one that is not a regular file
(a named pipe, a link to a device: never opened in a way that blocks or reads without end), an
unreadable secret or a read-only folder all only cost speed: the catalog is loaded from its
files. Entries are written atomically (temp file + rename) and the ``KEEP`` newest are kept.
"""

from __future__ import annotations

import hashlib
import hmac
import os
import secrets
import stat
import sys
import tempfile
import threading
from collections.abc import Mapping
from pathlib import Path

from pydantic import BaseModel, ConfigDict, ValidationError

from discretion import __version__
from discretion.catalog.catalog import (
    Catalog,
    CitationIndex,
    LazyModels,
    Source,
    exact_json,
)
from discretion.catalog.models import BenchmarkItem, Field_, ListItem, Manifest

FORMAT = 2
KEEP = 8  # entries kept per cache directory; older ones are removed when a new one is written
MAGIC = b"discretion-catalog-cache\n"
SUFFIX = ".cache"
KEY_BYTES = 32
MAX_ENTRY_BYTES = 512 * 1024 * 1024  # a larger file in the cache folder is not an entry of ours
# Bounds of the walk over a catalog folder (tree_digest): past them the cache is not used.
MAX_TREE_FILES = 100_000
MAX_TREE_BYTES = 1024 * 1024 * 1024
MAX_TREE_DEPTH = 32
YAML_SUFFIXES = (".yaml", ".yml")  # every file a loader could read as a catalog file

_NONBLOCK = getattr(os, "O_NONBLOCK", 0)
_NOFOLLOW = getattr(os, "O_NOFOLLOW", 0)
_BINARY = getattr(os, "O_BINARY", 0)


def cache_dir() -> Path | None:
    """Where entries live, or None when caching is off."""
    if os.environ.get("DISCRETION_NO_CACHE"):
        return None
    override = os.environ.get("DISCRETION_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("discretion", appauthor=False))


def key_file() -> Path:
    """The secret that authenticates entries: in the user data directory, never in the cache
    folder (which ``DISCRETION_CACHE_DIR`` may point anywhere)."""
    import platformdirs

    return Path(platformdirs.user_data_dir("discretion", appauthor=False)) / "cache-key"


def _secret() -> bytes | None:
    """This account's cache secret, created on first use; None when it cannot be had safely
    (then the cache is not used)."""
    path = key_file()
    found = _read_secret(path)
    if found is not None or os.path.lexists(path):
        return found
    try:
        path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=".cache-key-")  # mode 0600
    except OSError:
        return None
    try:
        with os.fdopen(fd, "wb") as handle:
            handle.write(secrets.token_bytes(KEY_BYTES))
        try:
            os.link(tmp, path)  # published whole; the first of racing processes wins
        except FileExistsError:
            pass
        except OSError:  # no hard links here: a racing process's secret may be replaced,
            os.replace(tmp, path)  # which only makes its entries rebuilt
    except OSError:
        return None
    finally:
        _remove(Path(tmp))
    return _read_secret(path)


def _read_secret(path: Path) -> bytes | None:
    try:
        fd = os.open(path, os.O_RDONLY | _NOFOLLOW | _NONBLOCK | _BINARY)
    except OSError:
        return None
    with os.fdopen(fd, "rb") as handle:
        try:
            info = os.fstat(fd)
            if not stat.S_ISREG(info.st_mode):
                return None
            if os.name == "posix" and (info.st_uid != os.getuid() or info.st_mode & 0o077):
                return None  # others may read or have written it: it proves nothing
            data = handle.read(KEY_BYTES + 1)
        except OSError:
            return None
    return data if len(data) == KEY_BYTES else None  # a secret still being written: not yet


def _code_stamp() -> str:
    """Size and mtime of every module of the package: edited code never reads old entries."""
    package = str(Path(__file__).resolve().parents[1])
    modules: list[str] = []
    for folder, folders, files in os.walk(package):  # os.walk: a third of rglob's time
        folders[:] = [name for name in folders if name != "__pycache__"]
        modules.extend(os.path.join(folder, name) for name in files if name.endswith(".py"))
    digest = hashlib.sha256()
    start = len(package) + 1
    for path in sorted(modules):
        info = os.stat(path)
        digest.update(f"{path[start:]}:{info.st_size}:{info.st_mtime_ns};".encode())
    return digest.hexdigest()


def cache_key(content_sha256: str, tree_sha256: str, secret: bytes) -> str:
    """The name of the entry for this content, package, Python and secret (accounts sharing a
    cache folder keep entries of their own instead of replacing each other's)."""
    owner = hmac.new(secret, b"entry name", hashlib.sha256).hexdigest()
    salt = (f"{FORMAT}:{__version__}:{sys.version_info[:2]}:{_code_stamp()}:"
            f"{content_sha256}:{tree_sha256}:{owner}")
    return hashlib.sha256(salt.encode("utf-8")).hexdigest()[:32]


class _Unusable(Exception):
    """The folder cannot be digested safely (a loop of links, a device, too large...)."""


def tree_digest(root: Path, known: Mapping[str, bytes] | None = None) -> str | None:
    """sha256 over every ``.yaml``/``.yml`` file (any case) under ``root`` (relative path and
    bytes) and every folder's name, following linked folders as the loader's ``glob`` does.

    It covers at least every file any loader reads (``catalog_files``, ``benchmarks/*.yaml``
    through a linked ``benchmarks/``...), so an entry is never served for other content, whatever
    ``content_hash`` covers. None when the folder holds something that cannot be read safely
    (then the cache is bypassed and the loader reports it).

    ``known``: the bytes of files this load has just read and hashed for the catalog's sha256
    (relative POSIX path -> bytes, :func:`discretion.catalog.loader.catalog_contents`): they are
    digested as read then, not read a second time (the digest is the same; the entry is then
    bound to exactly the bytes the sha256 was computed from).
    """
    digest = hashlib.sha256()
    budget = [MAX_TREE_FILES, MAX_TREE_BYTES]
    try:
        _walk(root, "", digest, budget, frozenset(), 0, known or {})
    except (_Unusable, OSError):
        return None
    return digest.hexdigest()


def _walk(folder: Path, rel: str, digest: hashlib._Hash, budget: list[int],
          ancestors: frozenset[tuple[int, int]], depth: int, known: Mapping[str, bytes]) -> None:
    info = os.stat(folder)
    ident = (info.st_dev, info.st_ino)
    if ident in ancestors or depth > MAX_TREE_DEPTH:
        raise _Unusable(folder)  # a link back up the tree
    ancestors = ancestors | {ident}
    with os.scandir(folder) as listing:
        entries = sorted(listing, key=lambda entry: entry.name)
    for entry in entries:
        budget[0] -= 1
        if budget[0] < 0:
            raise _Unusable(folder)
        name = entry.name
        path = folder / name
        child = f"{rel}/{name}" if rel else name
        encoded = child.encode("utf-8", "surrogateescape")
        try:
            is_dir = entry.is_dir()  # follows links (the listing's type, else a stat)
        except OSError:
            is_dir = False
        if is_dir:
            digest.update(b"d\0" + encoded + b"\0")
            _walk(path, child, digest, budget, ancestors, depth + 1, known)
        elif os.path.splitext(name)[1].lower() in YAML_SUFFIXES:
            data = known.get(child)
            if data is None or len(data) > budget[1]:
                data = _read_regular(path, budget[1])
            budget[1] -= len(data)
            digest.update(b"f\0" + encoded + b"\0" + len(data).to_bytes(8, "big") + data)


def _read_regular(path: Path, limit: int, *, follow: bool = True) -> bytes:
    """The bytes of a regular file of at most ``limit`` bytes, or :class:`_Unusable`: a named
    pipe or a device is never read (opened non-blocking, checked before reading)."""
    flags = os.O_RDONLY | _NONBLOCK | _BINARY | (0 if follow else _NOFOLLOW)
    try:
        fd = os.open(path, flags)
    except OSError as exc:
        raise _Unusable(path) from exc
    with os.fdopen(fd, "rb") as handle:
        info = os.fstat(fd)
        if not stat.S_ISREG(info.st_mode) or info.st_size > limit:
            raise _Unusable(path)
        data = handle.read(limit + 1)
    if len(data) > limit:
        raise _Unusable(path)
    return data


# --- the entry ---------------------------------------------------------------------------
#
#   MAGIC
#   HMAC-SHA256(secret, everything below), 64 hex digits, "\n"
#   the header: one line of JSON (:class:`_Header`), "\n"
#   the models: each one's JSON, one after another, at the header's offsets

Span = tuple[int, int]


class _Header(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, strict=True)

    format: int
    key: str
    content_sha256: str
    tree_sha256: str
    manifest: Span
    fields: list[tuple[str, int, int]]
    benchmarks: list[tuple[str, int, int]]
    lists: list[tuple[str, int, int]]
    sources: list[tuple[str, str, int | None]]
    lists_by_benchmark: dict[str, list[str]]
    successors: dict[str, list[str]]
    citations: list[tuple[str, int, list[tuple[str, int | None, int | None]]]]
    law_names: dict[str, str]


# (str(root), content sha256) -> tree digest taken before an uncached load: written only if the
# folder still digests the same after it (an edit during the load is never cached).
_pending: dict[tuple[str, str], str] = {}
_pending_lock = threading.Lock()


def read_cached(root: Path, content_sha256: str,
                contents: Mapping[str, bytes] | None = None) -> Catalog | None:
    """The cached catalog for this content, or None (then load it and :func:`write_cached`).

    ``content_sha256`` is the hash of the catalog files computed for this load; it becomes the
    catalog's ``sha256``. ``contents``: the bytes it was computed from, by relative path
    (read once: see :func:`tree_digest`).
    """
    folder = cache_dir()
    if folder is None:
        return None
    tree = tree_digest(root, contents)
    if tree is None:
        return None
    with _pending_lock:
        if len(_pending) >= 64:  # loads that failed never write: forget them
            _pending.clear()
        _pending[(str(root), content_sha256)] = tree
    secret = _secret()
    if secret is None:
        return None
    key = cache_key(content_sha256, tree, secret)
    path = entry_path(folder, key)
    try:
        data = _read_regular(path, MAX_ENTRY_BYTES, follow=False)
    except _Unusable as exc:
        if not isinstance(exc.__cause__, FileNotFoundError):
            _remove(path)  # not an entry of ours (a pipe, a link, a huge file): replace it
        return None
    except OSError:
        _remove(path)
        return None
    catalog = _decode(data, secret, key, content_sha256, tree, root, path)
    if catalog is None:
        _remove(path)
        return None
    with _pending_lock:
        _pending.pop((str(root), content_sha256), None)
    return catalog


def entry_path(folder: Path, key: str) -> Path:
    return folder / f"catalog-{key}{SUFFIX}"


def write_cached(catalog: Catalog) -> None:
    """Cache a catalog just loaded from its files (after :func:`read_cached` found none)."""
    folder = cache_dir()
    if folder is None:
        return
    with _pending_lock:
        before = _pending.pop((str(catalog.root), catalog.sha256), None)
    if before is None or tree_digest(catalog.root) != before:
        return  # not looked up first, or edited while it loaded: not cached
    secret = _secret()
    if secret is None:
        return
    key = cache_key(catalog.sha256, before, secret)
    body = _encode(catalog, key, before)
    if body is None:
        return
    mac = hmac.new(secret, body, hashlib.sha256).hexdigest().encode("ascii")
    try:
        folder.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".catalog-", suffix=".tmp")
        try:
            with os.fdopen(fd, "wb") as handle:
                handle.write(MAGIC + mac + b"\n" + body)
            os.replace(tmp, entry_path(folder, key))
        except OSError:
            _remove(Path(tmp))
            raise
        _prune(folder)
    except OSError:
        return  # a read-only or full cache directory only costs speed


def _encode(catalog: Catalog, key: str, tree: str) -> bytes | None:
    """The entry of a loaded catalog (without its code), or None when a model would not come
    back from its JSON exactly as it is."""
    catalog.build_indexes()
    blobs = bytearray()

    def put(model: BaseModel) -> Span:
        data = exact_json(model)
        if data is None:
            raise _Unusable(model)  # e.g. Decimal('0') would come back as Decimal('0.00')
        start = len(blobs)
        blobs.extend(data)
        return start, len(blobs)

    def spans(models: Mapping[str, BaseModel]) -> list[tuple[str, int, int]]:
        return [(name, *put(model)) for name, model in models.items()]

    index = catalog._citations
    assert index is not None  # built above
    try:
        header = _Header(
            format=FORMAT, key=key, content_sha256=catalog.sha256, tree_sha256=tree,
            manifest=put(catalog.manifest),
            fields=spans(catalog.fields),
            benchmarks=spans(catalog.benchmarks),
            lists=spans(catalog.lists),
            sources=[(name, source.file, source.line) for name, source in catalog.sources.items()],
            lists_by_benchmark=dict(catalog._lists_by_benchmark or {}),
            successors=dict(catalog._successors or {}),
            citations=[(law, article, list(found))
                       for (law, article), found in index.entries.items()],
            law_names=index.names,
        )
    except (_Unusable, ValidationError, ValueError):
        return None
    return header.model_dump_json().encode("utf-8") + b"\n" + bytes(blobs)


def _decode(data: bytes, secret: bytes, key: str, content_sha256: str, tree: str, root: Path,
            path: Path) -> Catalog | None:
    """The catalog of an entry, or None unless it is authentic and for exactly this content."""
    mac_end = len(MAGIC) + 64
    if not data.startswith(MAGIC) or data[mac_end:mac_end + 1] != b"\n":
        return None
    body = memoryview(data)[mac_end + 1:]
    expected = hmac.new(secret, body, hashlib.sha256).hexdigest().encode("ascii")
    if not hmac.compare_digest(expected, data[len(MAGIC):mac_end]):
        return None  # planted, edited, or written with another secret
    header_end = data.find(b"\n", mac_end + 1)
    if header_end < 0:
        return None
    try:
        header = _Header.model_validate_json(data[mac_end + 1:header_end])
    except ValidationError:
        return None
    if (header.format, header.key, header.content_sha256, header.tree_sha256) != (
            FORMAT, key, content_sha256, tree):
        return None
    blobs = memoryview(data)[header_end + 1:]
    size = len(blobs)
    spans = [header.manifest, *((s, e) for _, s, e in header.fields),
             *((s, e) for _, s, e in header.benchmarks), *((s, e) for _, s, e in header.lists)]
    if any(not 0 <= start <= end <= size for start, end in spans):
        return None
    origin = str(path)
    try:
        manifest = Manifest.model_validate_json(bytes(blobs[slice(*header.manifest)]))
        fields = {code: Field_.model_validate_json(bytes(blobs[start:end]))
                  for code, start, end in header.fields}
    except ValidationError:
        return None
    catalog = Catalog(
        root=root, manifest=manifest, fields=fields,
        benchmarks=LazyModels(BenchmarkItem, blobs,
                              {i: (s, e) for i, s, e in header.benchmarks}, origin),
        lists=LazyModels(ListItem, blobs, {i: (s, e) for i, s, e in header.lists}, origin),
        sha256=content_sha256,  # computed from the files for this load, never read here
        sources={name: Source(file, line) for name, file, line in header.sources},
    )
    catalog._lists_by_benchmark = header.lists_by_benchmark
    catalog._successors = header.successors
    catalog._citations = CitationIndex.restore(
        {(law, article): tuple(found) for law, article, found in header.citations},
        header.law_names)
    return catalog


def _prune(folder: Path) -> None:
    entries: list[tuple[float, Path]] = []
    for path in folder.glob(f"catalog-*{SUFFIX}"):
        try:
            entries.append((path.lstat().st_mtime, path))
        except OSError:
            continue
    entries.sort(reverse=True)
    for _, old in entries[KEEP:]:
        _remove(old)
    for legacy in folder.glob("catalog-*.pickle"):  # entries of the pickle format: never read
        _remove(legacy)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
