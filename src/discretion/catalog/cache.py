"""The compiled-catalog cache: a loaded, validated catalog pickled under its content hash.

``discretion check`` should not parse and validate every YAML file on each call. The cache key
is the catalog's content hash (every YAML file's path and bytes) plus the versions of this
package and of Python, so any edit invalidates it. Entries live in the user cache directory
(``$DISCRETION_CACHE_DIR`` overrides it; ``DISCRETION_NO_CACHE=1`` turns the cache off). A
stale, truncated or corrupt entry is ignored and rebuilt: the cache can only make loading
faster, never change what is loaded. Entries are written atomically (temp file + rename).

Only this user's cache directory is read: unpickling trusts files the user's own account
wrote, like any cache of compiled code (``__pycache__``).
"""

from __future__ import annotations

import hashlib
import os
import pickle
import sys
import tempfile
from pathlib import Path

from discretion import __version__
from discretion.catalog.catalog import Catalog

FORMAT = 1
KEEP = 8  # entries kept per cache directory; older ones are removed when a new one is written


def cache_dir() -> Path | None:
    """Where entries live, or None when caching is off."""
    if os.environ.get("DISCRETION_NO_CACHE"):
        return None
    override = os.environ.get("DISCRETION_CACHE_DIR")
    if override:
        return Path(override)
    import platformdirs

    return Path(platformdirs.user_cache_dir("discretion", appauthor=False))


def _code_stamp() -> str:
    """Size and mtime of every module of the package: edited code never reads old entries."""
    package = Path(__file__).resolve().parents[1]
    digest = hashlib.sha256()
    for path in sorted(package.rglob("*.py")):
        stat = path.stat()
        digest.update(f"{path.relative_to(package)}:{stat.st_size}:{stat.st_mtime_ns};".encode())
    return digest.hexdigest()


def cache_key(content_sha256: str) -> str:
    salt = f"{FORMAT}:{__version__}:{sys.version_info[:2]}:{_code_stamp()}:{content_sha256}"
    return hashlib.sha256(salt.encode("utf-8")).hexdigest()[:32]


def read_cached(root: Path, content_sha256: str) -> Catalog | None:
    folder = cache_dir()
    if folder is None:
        return None
    path = folder / f"catalog-{cache_key(content_sha256)}.pickle"
    try:
        with path.open("rb") as handle:
            catalog = pickle.load(handle)
    except FileNotFoundError:
        return None
    except Exception:  # corrupt or from an incompatible build: drop it and rebuild
        _remove(path)
        return None
    if not isinstance(catalog, Catalog) or catalog.sha256 != content_sha256:
        _remove(path)
        return None
    catalog.root = root
    return catalog


def write_cached(catalog: Catalog) -> None:
    folder = cache_dir()
    if folder is None:
        return
    try:
        folder.mkdir(parents=True, exist_ok=True)
        path = folder / f"catalog-{cache_key(catalog.sha256)}.pickle"
        fd, tmp = tempfile.mkstemp(dir=folder, prefix=".catalog-", suffix=".tmp")
        with os.fdopen(fd, "wb") as handle:
            pickle.dump(catalog, handle, protocol=pickle.HIGHEST_PROTOCOL)
        os.replace(tmp, path)
        _prune(folder)
    except OSError:
        return  # a read-only or full cache directory only costs speed


def _prune(folder: Path) -> None:
    entries = sorted(folder.glob("catalog-*.pickle"), key=lambda p: p.stat().st_mtime,
                     reverse=True)
    for old in entries[KEEP:]:
        _remove(old)


def _remove(path: Path) -> None:
    try:
        path.unlink()
    except OSError:
        pass
