"""The abstract syntax tree of the condition language: immutable nodes and a name walker."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from decimal import Decimal

Value = bool | Decimal | str
"""A literal value: booleans, exact decimal numbers, strings."""


@dataclass(frozen=True, slots=True)
class Literal:
    value: Value
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Name:
    """A fact or circumstance name; ``offset`` is its position in the source text."""

    name: str
    offset: int = 0


@dataclass(frozen=True, slots=True)
class Truth:
    """A bare boolean name used as a condition: ``first_offense``."""

    name: Name


@dataclass(frozen=True, slots=True)
class Compare:
    """``name OP literal``; ``op`` is one of ``== != < <= > >=``."""

    name: Name
    op: str
    value: Literal


@dataclass(frozen=True, slots=True)
class InList:
    """``name in [v1, v2]`` (or ``not in`` when ``negated``)."""

    name: Name
    values: tuple[Literal, ...]
    negated: bool = False


@dataclass(frozen=True, slots=True)
class Not:
    operand: Expr


@dataclass(frozen=True, slots=True)
class And:
    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Or:
    operands: tuple[Expr, ...]


@dataclass(frozen=True, slots=True)
class Const:
    """``true`` / ``false`` as a whole condition."""

    value: bool


Expr = Truth | Compare | InList | Not | And | Or | Const

NEGATED_OP = {"==": "!=", "!=": "==", "<": ">=", "<=": ">", ">": "<=", ">=": "<"}
FLIPPED_OP = {"==": "==", "!=": "!=", "<": ">", "<=": ">=", ">": "<", ">=": "<="}


def names_in(expr: Expr) -> Iterator[Name]:
    """Every name the expression reads, in source order (with repeats)."""
    match expr:
        case Truth(name=name) | Compare(name=name) | InList(name=name):
            yield name
        case Not(operand=operand):
            yield from names_in(operand)
        case And(operands=ops) | Or(operands=ops):
            for op in ops:
                yield from names_in(op)
        case Const():
            return


def to_source(expr: Expr) -> str:
    """Canonical source text of an expression (parenthesised where needed)."""
    match expr:
        case Truth(name=name):
            return name.name
        case Compare(name=name, op=op, value=value):
            return f"{name.name} {op} {_literal_source(value.value)}"
        case InList(name=name, values=values, negated=negated):
            inner = ", ".join(_literal_source(v.value) for v in values)
            return f"{name.name} {'not in' if negated else 'in'} [{inner}]"
        case Not(operand=operand):
            return f"not ({to_source(operand)})"
        case And(operands=ops):
            return " and ".join(f"({to_source(o)})" if isinstance(o, Or) else to_source(o)
                                for o in ops)
        case Or(operands=ops):
            return " or ".join(to_source(o) for o in ops)
        case Const(value=value):
            return "true" if value else "false"
    raise TypeError(f"not a condition node: {expr!r}")


def _literal_source(value: Value) -> str:
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, Decimal):
        return format(value, "f")
    return '"' + value.replace("\\", "\\\\").replace('"', '\\"') + '"'
