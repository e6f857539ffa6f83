"""Type-checking of condition ASTs against the names a catalog item may read.

The vocabulary of an item is the case contract's own fields (``first_offense``, ``harm``,
``correction``, ``party_kind``, ``age`` ...), the circumstance codes (booleans) and the
item-specific facts it declares. A check reports every problem with its character offset, so
the catalog loader can turn it into file:line:column.
"""

from __future__ import annotations

import difflib
import re
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
    """Names visible to a condition, with their types. ``declared`` lists the facts the item
    itself declares (the rest are case fields and circumstance codes): an unknown name is
    answered with the close names, and the item's own facts are always named."""

    names: Mapping[str, FactType] = field(default_factory=dict)
    declared: tuple[str, ...] = ()

    def lookup(self, name: Name) -> FactType | TypeProblem:
        if name.name in self.names:
            return self.names[name.name]
        close = self.suggest(name.name)
        own = [n for n in self.declared if n in self.names]
        listed = " This item's facts: " + ", ".join(self._shown(n) for n in own) + "." if own \
            else " This item declares no facts."
        if close:
            hint = ("did you mean " + " or ".join(self._shown(n) for n in close) + "?"
                    + (listed if set(own) - set(close) else "")
                    + "\n    中文：条件中的名称“" + name.name + "”未声明，是否应为 "
                    + "、".join(close) + "？")
        else:
            hint = ("declare it under the item's facts (facts: [{name: " + name.name
                    + ", type: ..., label: ...}]), or use a case field or circumstance code."
                    + listed + "\n    中文：条件中的名称“" + name.name
                    + "”未声明；请在本事项的 facts 中声明该事实，或者改用案件字段、情节代码")
        return TypeProblem(f"unknown name '{name.name}'", name.offset,
                           "a declared fact, a case field or a circumstance code", hint)

    def suggest(self, unknown: str, n: int = 3) -> list[str]:
        """The known names closest to ``unknown``, the item's own facts first: close spellings
        (difflib), then names sharing a word (``items`` → ``item_count``), containing it or an
        abbreviation of one of their words (``cnt`` → ``item_count``)."""
        known = sorted(self.names, key=lambda k: (k not in self.declared, k))
        lowered = {k.lower(): k for k in known}
        close = [lowered[c] for c in difflib.get_close_matches(unknown.lower(), list(lowered),
                                                                  n=n, cutoff=0.6)]
        close.sort(key=lambda k: k not in self.declared)  # stable: difflib's order otherwise
        if close:
            return close[:n]
        words = _words(unknown)
        related = [k for k in known if _related(unknown.lower(), words, k)]
        return related[:n]

    def _shown(self, name: str) -> str:
        label = self.names[name].label if name in self.names else ""
        return f"{name} ({label})" if label else name


def _words(name: str) -> list[str]:
    """``numberOfItems`` / ``number_of_items`` → ``["number", "of", "items"]``, lower case."""
    spaced = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", name)
    return [w for w in re.split(r"[_\W]+", spaced.lower()) if w]


def _stem(word: str) -> str:
    return word[:-1] if len(word) > 3 and word.endswith("s") else word


def _related(unknown: str, words: list[str], known: str) -> bool:
    theirs = _words(known)
    if len(unknown) >= 3 and (unknown in known.lower() or known.lower() in unknown):
        return True
    stems = {_stem(w) for w in theirs if len(w) >= 3}
    if any(_stem(w) in stems for w in words if len(w) >= 3):
        return True
    # a one-word abbreviation of one of its words: cnt → count, amt → amount
    return len(words) == 1 and len(unknown) >= 3 and \
        any(_abbreviates(unknown, t) for t in theirs if len(t) > len(unknown))


def _abbreviates(short: str, word: str) -> bool:
    if short[0] != word[0]:
        return False
    rest = iter(word[1:])
    return all(ch in rest for ch in short[1:])


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
