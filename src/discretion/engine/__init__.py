"""The engine: finds the item(s) of a case, applies the law and the benchmark, returns a Decision."""

from discretion.engine.engine import Engine

__all__ = ["Engine"]
