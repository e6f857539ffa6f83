"""The plain reference interpreter of the condition language, with three-valued logic.

It is the oracle of the differential tests (durable-rules must agree with it) and it decides
which tiers are still possible when a case lacks facts: a name missing from the environment is
:data:`UNKNOWN`, and ``and``/``or``/``not`` follow Kleene's logic, so a condition is ``True``,
``False`` or ``UNKNOWN``.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from typing import ClassVar, Final

from discretion.conditions.ast import And, Compare, Const, Expr, InList, Not, Or, Truth, Value


class _Unknown:
    _instance: ClassVar[_Unknown | None] = None

    def __new__(cls) -> _Unknown:
        if cls._instance is None:
            cls._instance = super().__new__(cls)
        return cls._instance

    def __repr__(self) -> str:
        return "UNKNOWN"

    def __bool__(self) -> bool:
        raise TypeError("UNKNOWN has no truth value; compare with 'is UNKNOWN'")


UNKNOWN: Final = _Unknown()
Tri = bool | _Unknown


def evaluate(expr: Expr, env: Mapping[str, Value | int | None]) -> Tri:
    """Evaluate ``expr`` over ``env``; absent or ``None`` names are UNKNOWN."""
    value: Value | _Unknown  # a fact's value in one case, a sub-condition's Tri in another
    match expr:
        case Const(value=value):
            return value
        case Truth(name=name):
            value = _get(env, name.name)
            return value if value is UNKNOWN else value is True
        case Compare(name=name, op=op, value=literal):
            value = _get(env, name.name)
            if value is UNKNOWN:
                return UNKNOWN
            return _compare(value, op, literal.value)
        case InList(name=name, values=values, negated=negated):
            value = _get(env, name.name)
            if value is UNKNOWN:
                return UNKNOWN
            found = any(_compare(value, "==", v.value) for v in values)
            return not found if negated else found
        case Not(operand=operand):
            inner = evaluate(operand, env)
            return inner if inner is UNKNOWN else not inner
        case And(operands=ops):
            result: Tri = True
            for operand in ops:
                value = evaluate(operand, env)
                if value is False:
                    return False
                if value is UNKNOWN:
                    result = UNKNOWN
            return result
        case Or(operands=ops):
            result = False
            for operand in ops:
                value = evaluate(operand, env)
                if value is True:
                    return True
                if value is UNKNOWN:
                    result = UNKNOWN
            return result
    raise TypeError(f"not a condition node: {expr!r}")


def _get(env: Mapping[str, Value | int | None], name: str) -> Value | _Unknown:
    value = env.get(name)
    if value is None:
        return UNKNOWN
    if isinstance(value, int) and not isinstance(value, bool):
        return Decimal(value)
    return value


def _compare(left: object, op: str, right: Value) -> bool:
    if isinstance(left, bool) or isinstance(right, bool):
        if op == "==":
            return left is right
        if op == "!=":
            return left is not right
        return False
    if isinstance(left, Decimal) and isinstance(right, Decimal):
        return {
            "==": left == right, "!=": left != right, "<": left < right,
            "<=": left <= right, ">": left > right, ">=": left >= right,
        }[op]
    if op == "==":
        return left == right
    if op == "!=":
        return left != right
    return False
