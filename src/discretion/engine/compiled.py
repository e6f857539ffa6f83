"""The modules a compiled build of the package compiles, and whether this process runs them.

The package is pure Python. ``DISCRETION_MYPYC=1 pip wheel .`` builds a wheel in which the
modules of :data:`MODULES` are C extensions compiled by mypyc (``setup.py``): the same
decisions, in about two thirds of the time. An editable install always runs its sources.

This module imports nothing from the package at import time: ``setup.py`` reads
:data:`MODULES` from it.
"""

from __future__ import annotations

# The modules on the path of one decision, relative to the package folder. Not here: the
# pydantic models (classes built by a metaclass, which mypyc does not compile),
# engine/durable.py (durable-rules needs Python functions and subclasses) and decision.py
# (compiled dataclasses keep only runtime classes as annotations, `type` for `str | None`,
# from which pydantic cannot derive the decision's JSON Schema).
MODULES: tuple[str, ...] = (
    "casefields.py",
    "catalog/ranges.py",
    "conditions/ast.py",
    "conditions/classes.py",
    "conditions/interpret.py",
    "engine/blocks.py",
    "engine/collector.py",
    "engine/engine.py",
    "engine/facttext.py",
    "engine/matcher.py",
    "engine/penalty.py",
    "engine/plan.py",
    "engine/state.py",
    "engine/steps.py",
    "engine/trace.py",
    "law/apl.py",
    "law/citations.py",
    "law/facts.py",
    "law/versions.py",
    "money.py",
)


def module_name(relative: str) -> str:
    """``engine/engine.py`` → ``discretion.engine.engine``."""
    return "discretion." + relative.removesuffix(".py").replace("/", ".")


def running_compiled() -> bool:
    """True when the engine's modules run as extensions (a wheel built with DISCRETION_MYPYC=1)."""
    from discretion.engine import engine

    return (engine.__file__ or "").endswith((".so", ".pyd"))
