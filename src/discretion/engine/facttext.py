"""How a case's values travel to durable-rules: as JSON text, and only when JSON carries them exactly.

Numbers reach durable-rules as JSON floats. A number that a float does not carry exactly, or
that JSON would write in exponent form (which durable-rules rejects), is not sent: a ruleset
with such a literal, or a fact with such a value, is decided by the exact reference interpreter
instead (:func:`float_safe` says which numbers are safe).

Fact keys are prefixed (``f_`` for names, ``c_`` for control keys) so that no catalog name can
collide with durable-rules' own ``id``/``sid``.

This module runs once for every fact asserted, so it is compiled with the engine
(:mod:`discretion.engine.compiled`); it does not import durable-rules, which only
:mod:`discretion.engine.durable` does.
"""

from __future__ import annotations

from collections.abc import Mapping
from decimal import Decimal
from json.encoder import encode_basestring as _quote
from typing import Any, Final

MAX_SAFE_DIGITS: Final = 15
SAFE_LOW: Final = Decimal("0.0001")
SAFE_HIGH: Final = Decimal("1e15")
_SAFE_INT: Final = 10**15  # an int is safe below this magnitude (it has at most 15 digits)
_EXACT_FLOAT_INT: Final = 2**53

def float_safe(value: object) -> bool:
    """Whether a number survives the trip to durable-rules exactly (and in plain notation).

    Zero, and numbers with at most 15 significant digits between 0.0001 and 10**15: their
    float images are distinct, ordered like the decimals, and written by JSON without an
    exponent.
    """
    if isinstance(value, bool):
        return True
    if isinstance(value, int):
        return -_SAFE_INT < value < _SAFE_INT
    if not isinstance(value, Decimal):
        return True
    if value == 0:
        return True
    magnitude = abs(value)
    if not (SAFE_LOW <= magnitude < SAFE_HIGH):
        return False
    return len(value.normalize().as_tuple().digits) <= MAX_SAFE_DIGITS


def fact_key(name: str) -> str:
    return "f_" + name


def json_number(value: Decimal) -> int | float:
    """A decimal as durable-rules compares it: an int when it is one (and a float carries it
    exactly), else a float."""
    if value == value.to_integral_value() and abs(value) < _EXACT_FLOAT_INT:
        return int(value)
    return float(value)


def to_json_value(value: Any) -> Any:
    """A case value as durable-rules sees it (decimals as JSON numbers)."""
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, int):
        return value if -_EXACT_FLOAT_INT < value < _EXACT_FLOAT_INT else float(value)
    if isinstance(value, Decimal):
        return json_number(value)
    return str(value)


def facts_safe(facts: Mapping[str, Any]) -> bool:
    """Whether durable-rules carries every value of ``facts`` exactly."""
    for value in facts.values():
        if not float_safe(value):
            return False
    return True


def json_text(value: Any) -> str:
    """A value of :func:`to_json_value` as ``json.dumps(value, ensure_ascii=False)`` writes it."""
    if value is True:
        return "true"
    if value is False:
        return "false"
    if isinstance(value, str):
        return _quote(value)
    if isinstance(value, int):
        return int.__repr__(value)
    if isinstance(value, float):
        return float.__repr__(value)  # finite: float_safe let no other number through
    raise TypeError(f"not a JSON value of a fact: {value!r}")


def fact_text(facts: Mapping[str, Any], item: str, number: int, session: str) -> str:
    """The JSON text of the fact asserted for ``facts`` (``None`` values left out): the prefixed
    names, then ``c_on``, the fact's number ``c_no``, durable-rules' session ``sid`` and the
    item ``c_item`` the group's rules require. The text ``json.dumps(fact, ensure_ascii=False)``
    writes for that dict, written directly (json.dumps builds an encoder on every call)."""
    parts: list[str] = []
    for name, value in facts.items():
        if value is not None:
            parts.append(_quote("f_" + name) + ": " + json_text(to_json_value(value)))
    parts.append('"c_on": true')
    parts.append('"c_no": ' + int.__repr__(number))
    parts.append('"sid": ' + _quote(session))
    parts.append('"c_item": ' + _quote(item))
    return "{" + ", ".join(parts) + "}"


__all__ = ["fact_key", "fact_text", "facts_safe", "float_safe", "json_number", "json_text",
           "to_json_value"]
