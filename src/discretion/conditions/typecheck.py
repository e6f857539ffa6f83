"""Type-checking of condition ASTs against the names a catalog item may read.

The vocabulary of an item is the case contract's own fields (``first_offense``, ``harm``,
``correction``, ``party_kind``, ``age`` ...), the circumstance codes (booleans) and the
item-specific facts it declares. A check reports every problem with its character offset, so
the catalog loader can turn it into file:line:column.
"""

from __future__ import annotations

import difflib
from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal

from discretion.conditions.ast import (
    And,
    Compare,
    Const,
    Expr,
    InList,
    Literal,
    Name,
    Not,
    Or,
    Truth,
)


@dataclass(frozen=True, slots=True)
class FactType:
    """The type of a name: ``boolean``, ``number``, ``enum`` (with its values) or ``text``."""

    kind: str
    values: tuple[str, ...] = ()
    label: str = ""

    def describe(self) -> str:
        if self.kind == "enum":
            return "one of " + ", ".join(f'"{v}"' for v in self.values)
        return {"boolean": "true/false", "number": "a number", "text": "text"}.get(self.kind,
                                                                                   self.kind)


@dataclass(frozen=True, slots=True)
class TypeProblem:
    message: str
    offset: int
    expected: str | None = None
    hint: str | None = None


@dataclass
class Vocabulary:
    """Names visible to a condition, with their types."""

    names: Mapping[str, FactType] = field(default_factory=dict)

    def lookup(self, name: Name) -> FactType | TypeProblem:
        if name.name in self.names:
            return self.names[name.name]
        close = difflib.get_close_matches(name.name, list(self.names), n=3, cutoff=0.6)
        hint = ("did you mean " + " or ".join(close) + "?") if close else \
            "declare it under the item's facts, or use a case field or circumstance code"
        return TypeProblem(f"unknown name '{name.name}'", name.offset,
                           "a declared fact, a case field or a circumstance code", hint)


def typecheck(expr: Expr, vocabulary: Vocabulary) -> list[TypeProblem]:
    """Every type problem in ``expr``; an empty list means the condition is well typed."""
    problems: list[TypeProblem] = []
    _check(expr, vocabulary, problems)
    return problems


def _check(expr: Expr, vocab: Vocabulary, out: list[TypeProblem]) -> None:
    match expr:
        case Truth(name=name):
            found = vocab.lookup(name)
            if isinstance(found, TypeProblem):
                out.append(found)
            elif found.kind != "boolean":
                example = f'{name.name} == "{found.values[0]}"' if found.values else \
                    f"{name.name} > 0"
                out.append(TypeProblem(f"'{name.name}' is {found.describe()}, not true/false",
                                       name.offset, "a boolean name", f"compare it: {example}"))
        case Compare(name=name, op=op, value=value):
            found = vocab.lookup(name)
            if isinstance(found, TypeProblem):
                out.append(found)
                return
            _check_literal(name, found, value, out)
            if op not in ("==", "!=") and found.kind != "number":
                out.append(TypeProblem(f"'{op}' compares numbers, but '{name.name}' is "
                                       f"{found.describe()}", name.offset, "== or !=",
                                       f"use in [...] to list the accepted values of {name.name}"))
        case InList(name=name, values=values):
            found = vocab.lookup(name)
            if isinstance(found, TypeProblem):
                out.append(found)
                return
            for value in values:
                _check_literal(name, found, value, out)
        case Not(operand=operand):
            _check(operand, vocab, out)
        case And(operands=ops) | Or(operands=ops):
            for operand in ops:
                _check(operand, vocab, out)
        case Const():
            return


def _check_literal(name: Name, ftype: FactType, literal: Literal,
                   out: list[TypeProblem]) -> None:
    value = literal.value
    if ftype.kind == "boolean":
        ok = isinstance(value, bool)
    elif ftype.kind == "number":
        ok = isinstance(value, Decimal)
    else:
        ok = isinstance(value, str)
    if not ok:
        shown = value if not isinstance(value, str) else f'"{value}"'
        out.append(TypeProblem(f"'{name.name}' is {ftype.describe()}, compared with {shown}",
                               literal.offset, ftype.describe()))
        return
    if ftype.kind == "enum" and value not in ftype.values:
        close = difflib.get_close_matches(str(value), list(ftype.values), n=1)
        out.append(TypeProblem(f"'{value}' is not a value of '{name.name}'", literal.offset,
                               ftype.describe(),
                               f'did you mean "{close[0]}"?' if close else None))
