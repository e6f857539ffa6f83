"""Which of the engine's modules run compiled, and the guard against stale compiled code.

``setup.py`` compiles the modules in :data:`MODULES` to C extensions with mypyc and records the
SHA-256 of each source it compiled in ``_compiled_sources.py``. Python imports an extension in
preference to the source next to it, so an editable install whose sources changed after the
build would run the old code: for a legal engine, old law. :func:`choose` runs when
``discretion`` is imported, before any of these modules: when an extension does not match its
source, or ``DISCRETION_PURE_PYTHON`` is set, every module of the list is imported from its
source instead (all or none: compiled modules call each other directly, not through imports).
Decisions are identical either way; the compiled modules are faster.

This module imports nothing from the package: ``setup.py`` reads :data:`MODULES` from it.
"""

from __future__ import annotations

import hashlib
import importlib.abc
import importlib.machinery
import importlib.util
import os
import sys
import warnings
from collections.abc import Sequence
from pathlib import Path
from types import ModuleType

# The modules on the path of one decision, relative to the package folder. Not here: the
# pydantic models (classes built by a metaclass, which mypyc does not compile),
# engine/durable.py (durable-rules needs Python functions and subclasses) and decision.py
# (compiled dataclasses keep only runtime classes as annotations, `type` for `str | None`,
# from which pydantic cannot derive the decision's JSON Schema).
MODULES: tuple[str, ...] = (
    "blocks.py",
    "casefields.py",
    "collector.py",
    "conditions/ast.py",
    "conditions/classes.py",
    "conditions/interpret.py",
    "engine/engine.py",
    "engine/facttext.py",
    "engine/plan.py",
    "law/apl.py",
    "law/caseview.py",
    "law/citations.py",
    "law/facts.py",
    "law/ranges.py",
    "law/versions.py",
    "money.py",
)

PACKAGE = Path(__file__).resolve().parent
PURE_ENV = "DISCRETION_PURE_PYTHON"


def module_name(relative: str) -> str:
    """``engine/engine.py`` → ``discretion.engine.engine``."""
    return "discretion." + relative.removesuffix(".py").replace("/", ".")


def extension_of(relative: str, package: Path = PACKAGE) -> Path | None:
    """The compiled extension installed for a module, or None."""
    source = package / relative
    for suffix in importlib.machinery.EXTENSION_SUFFIXES:
        candidate = source.with_name(source.stem + suffix)
        if candidate.exists():
            return candidate
    return None


def source_digest(relative: str, package: Path = PACKAGE) -> str | None:
    """The SHA-256 of a module's source (None if it is missing): what a build records."""
    source = package / relative
    return hashlib.sha256(source.read_bytes()).hexdigest() if source.exists() else None


def recorded_sources() -> dict[str, str]:
    """What the last build compiled: module → SHA-256 of its source (empty if never built)."""
    try:
        from discretion._compiled_sources import SOURCES  # type: ignore[import-not-found,unused-ignore]
    except ImportError:
        return {}
    return dict(SOURCES)


def stale(package: Path = PACKAGE, sources: dict[str, str] | None = None) -> list[str]:
    """The modules whose installed extension was not built from the source beside it."""
    recorded = recorded_sources() if sources is None else sources
    found = []
    for relative in MODULES:
        if extension_of(relative, package) is None:
            continue
        digest = source_digest(relative, package)
        if digest is None or recorded.get(relative) != digest:
            found.append(relative)
    return found


def pure_requested() -> bool:
    return os.environ.get(PURE_ENV, "").strip().lower() not in ("", "0", "no", "false")


class SourceFinder(importlib.abc.MetaPathFinder):
    """Imports the listed modules from their ``.py`` files, passing over their extensions."""

    def __init__(self, package: Path = PACKAGE) -> None:
        self.paths = {module_name(relative): package / relative for relative in MODULES}

    def find_spec(self, fullname: str, path: Sequence[str] | None,
                  target: ModuleType | None = None) -> importlib.machinery.ModuleSpec | None:
        source = self.paths.get(fullname)
        if source is None or not source.exists():
            return None
        return importlib.util.spec_from_file_location(fullname, source)


def running_compiled() -> bool:
    """True when the engine's modules run as compiled extensions (after ``import discretion``)."""
    engine = sys.modules.get("discretion.engine.engine")
    origin = getattr(engine, "__file__", None) or ""
    return not origin.endswith(".py")


def choose() -> None:
    """Run the extensions when they match their sources; otherwise the sources, with a warning."""
    if any(isinstance(finder, SourceFinder) for finder in sys.meta_path):
        return
    if not pure_requested():
        outdated = stale()
        if not outdated:
            return
        warnings.warn(
            "discretion: the compiled extensions of " + ", ".join(outdated)
            + " were built from other sources than the ones installed beside them; running"
            " every compiled module from its source instead (slower, same decisions). Rebuild"
            " with `pip install -e .` (or set DISCRETION_PURE_PYTHON=1 before installing to"
            " build no extensions).", RuntimeWarning, stacklevel=2)
    sys.meta_path.insert(0, SourceFinder())
