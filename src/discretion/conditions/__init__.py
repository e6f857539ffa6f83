"""The condition language of tier and list circumstances.

A small, safe expression language legal staff can read::

    harm in ["none", "minor"] and area_m2 < 10 and first_offense

It is parsed into an AST (never ``eval``), type-checked against the facts an item declares,
interpreted by a plain reference interpreter, and compiled to durable-rules by
:mod:`discretion.engine.durable`.
"""

from discretion.conditions.ast import (
    And,
    Compare,
    Expr,
    InList,
    Literal,
    Name,
    Not,
    Or,
    Truth,
    names_in,
)
from discretion.conditions.interpret import UNKNOWN, evaluate
from discretion.conditions.parser import ConditionSyntaxError, parse_condition
from discretion.conditions.typecheck import FactType, Vocabulary, typecheck

__all__ = [
    "UNKNOWN",
    "And",
    "Compare",
    "ConditionSyntaxError",
    "Expr",
    "FactType",
    "InList",
    "Literal",
    "Name",
    "Not",
    "Or",
    "Truth",
    "Vocabulary",
    "evaluate",
    "names_in",
    "parse_condition",
    "typecheck",
]
