"""Equivalence classes of fact values under a set of conditions (the circumstance-cache key).

A condition only ever compares a name with literals (``area_m2 < 10``, ``harm in [...]``), so
two values of a name that stand in the same relation to every literal the conditions compare
it with make every condition come out the same. :class:`ValueClasses` maps a value to such a
class:

* numbers: the position among the sorted literals — below the first, equal to one, strictly
  between two, above the last (``12`` and ``37`` are one class under ``< 10`` and ``>= 50``);
* text: the value itself when a literal names it, else one class for every other text
  (conditions on text only test equality);
* booleans and anything else: the value itself.

The engine asks durable-rules once per item and combination of classes instead of once per
combination of raw values; the differential tests check that the classes never merge values
that some condition separates.
"""

from __future__ import annotations

from bisect import bisect_left
from collections.abc import Callable, Hashable, Iterable
from decimal import Decimal

from discretion.conditions.ast import And, Compare, Const, Expr, InList, Not, Or, Truth

_OTHER_TEXT = ("t", None)


def _literals(expr: Expr, out: dict[str, list[object]]) -> None:
    match expr:
        case Compare(name=name, value=literal):
            out.setdefault(name.name, []).append(literal.value)
        case InList(name=name, values=values):
            out.setdefault(name.name, []).extend(v.value for v in values)
        case Truth(name=name):
            out.setdefault(name.name, [])
        case Not(operand=operand):
            _literals(operand, out)
        case And(operands=ops) | Or(operands=ops):
            for op in ops:
                _literals(op, out)
        case Const():
            return


def _exact(value: object) -> Hashable:
    # the type travels with the value: True == 1 == Decimal(1) as dict keys
    return (type(value).__name__, value)


def _number_class(points: list[Decimal]) -> Callable[[object], Hashable]:
    def classify(value: object) -> Hashable:
        if isinstance(value, bool) or not isinstance(value, int | Decimal):
            return _exact(value)
        if isinstance(value, Decimal) and not value.is_finite():
            return _exact(value)
        index = bisect_left(points, value)
        if index < len(points) and points[index] == value:
            return ("n", 2 * index + 1)
        return ("n", 2 * index)
    return classify


def _text_class(named: frozenset[str]) -> Callable[[object], Hashable]:
    def classify(value: object) -> Hashable:
        if isinstance(value, str):
            return ("t", value) if value in named else _OTHER_TEXT
        return _exact(value)
    return classify


class ValueClasses:
    """Maps the values of the names some conditions read to their equivalence classes."""

    __slots__ = ("_classifiers", "_pairs", "name_set", "names")

    def __init__(self, exprs: Iterable[Expr]) -> None:
        literals: dict[str, list[object]] = {}
        for expr in exprs:
            _literals(expr, literals)
        self.names: list[str] = sorted(literals)
        self.name_set = frozenset(self.names)
        self._classifiers: list[Callable[[object], Hashable]] = []
        for name in self.names:
            values = literals[name]
            if values and all(isinstance(v, Decimal) for v in values):
                self._classifiers.append(_number_class(sorted(set(values))))  # type: ignore[arg-type]
            elif values and all(isinstance(v, str) for v in values):
                self._classifiers.append(_text_class(frozenset(values)))  # type: ignore[arg-type]
            else:
                self._classifiers.append(_exact)
        self._pairs = tuple(zip(self.names, self._classifiers, strict=True))

    def key(self, values: dict[str, object]) -> tuple[Hashable, ...]:
        """The classes of ``values[name]`` for every name, in :attr:`names` order."""
        return tuple([classify(values[name]) for name, classify in self._pairs])
