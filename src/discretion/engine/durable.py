"""The only module that imports durable-rules: condition ASTs -> rulesets, one host per catalog.

An item has one rule per tier condition, one for the 情节严重 condition and one per list entry
tied to it. Items are compiled, on first use, in small groups that share one ruleset
(:meth:`RuleHost.build_group`): every rule of a group also requires the fact's ``c_item`` to be
its item, so a case only fires its own item's rules. Groups keep every ruleset far below the
size at which durable-rules 2.0.28 stops answering, and far fewer rulesets than items: each
ruleset durable-rules has asserted into holds about 100 KB of session state. A case is
evaluated by asserting it as a *fact* (every matching rule fires, unlike an event, which the
first matching rule consumes) and retracting it afterwards.

Numbers a float does not carry exactly are never sent: a ruleset with such a literal, or a fact
with such a value, is decided by the exact reference interpreter instead. Which numbers are
safe, and the JSON text of a fact, are :mod:`discretion.engine.facttext`'s (compiled with the
engine). durable-rules' background dispatch timers are not started, and no Python action runs:
:meth:`RuleHost.evaluate` asserts and retracts through the functions under ``Host`` and reads
the fired rules' names from the pending actions.
"""

from __future__ import annotations

import itertools
import json
import threading
from collections.abc import Callable, Mapping
from decimal import Decimal
from json.decoder import scanstring as _scanstring  # type: ignore[attr-defined]
from typing import Any

import durable_rules_engine as _rules_engine
from durable import engine as _durable

from discretion.conditions.ast import (
    NEGATED_OP,
    And,
    Compare,
    Const,
    Expr,
    InList,
    Literal,
    Not,
    Or,
    Truth,
)
from discretion.conditions.interpret import evaluate
from discretion.engine.facttext import fact_key, fact_text, facts_safe, float_safe, json_number

_OPS = {"<": "$lt", "<=": "$lte", ">": "$gt", ">=": "$gte", "!=": "$neq"}
_SEPARATOR = "|"  # between a group member's name and its rule's name (ids have no "|")


class _QuietHost(_durable.Host):
    """A durable-rules host without the background dispatch threads (no timers are used)."""

    def _run(self) -> None:
        return None


def _literals_safe(expr: Expr) -> bool:
    match expr:
        case Compare(value=value):
            return float_safe(value.value)
        case InList(values=values):
            return all(float_safe(v.value) for v in values)
        case Not(operand=operand):
            return _literals_safe(operand)
        case And(operands=ops) | Or(operands=ops):
            return all(_literals_safe(o) for o in ops)
    return True


def _value(literal: Literal | Any) -> Any:
    value = literal.value if isinstance(literal, Literal) else literal
    return json_number(value) if isinstance(value, Decimal) else value


def compile_condition(expr: Expr, negate: bool = False) -> dict[str, Any]:
    """The durable-rules condition of ``expr`` (negations pushed to the leaves)."""
    match expr:
        case Const(value=value):
            return {"c_on": value != negate}
        case Truth(name=name):
            key = fact_key(name.name)
            return {"$neq": {key: True}} if negate else {key: True}
        case Compare(name=name, op=op, value=literal):
            op = NEGATED_OP[op] if negate else op
            key = fact_key(name.name)
            if op == "==":
                return {key: _value(literal)}
            return {_OPS[op]: {key: _value(literal)}}
        case InList(name=name, values=values, negated=negated):
            key = fact_key(name.name)
            excluded = negated != negate
            parts = [{"$neq": {key: _value(v)}} if excluded else {key: _value(v)} for v in values]
            if len(parts) == 1:
                return parts[0]
            return {"$and": parts} if excluded else {"$or": parts}
        case Not(operand=operand):
            return compile_condition(operand, not negate)
        case And(operands=ops):
            parts = [compile_condition(o, negate) for o in ops]
            return {"$or": parts} if negate else {"$and": parts}
        case Or(operands=ops):
            parts = [compile_condition(o, negate) for o in ops]
            return {"$and": parts} if negate else {"$or": parts}
    raise TypeError(f"not a condition node: {expr!r}")


def rules_safe(rules: Mapping[str, Expr]) -> bool:
    """Whether durable-rules carries every literal of ``rules`` exactly (see :func:`float_safe`)."""
    return all(_literals_safe(expr) for expr in rules.values())


def group_definition(members: Mapping[str, Mapping[str, Expr]],
                     action: Callable[[str], Any]) -> dict[str, Any]:
    """The durable-rules definition of one group ruleset: every rule of every member whose
    literals are safe, each also requiring ``c_item`` to be its member; ``action(rule)`` makes
    a rule's action. (The bench registers the same definition with no-op actions.)"""
    definition: dict[str, Any] = {}
    for member, rules in members.items():
        if not rules_safe(rules):
            continue
        for rule_name, expr in rules.items():
            qualified = f"{member}{_SEPARATOR}{rule_name}"
            definition[qualified] = {
                "all": [{"m": {"$and": [{"c_on": True}, {"c_item": member},
                                        compile_condition(expr)]}}],
                "run": action(qualified),
            }
    if not definition:
        definition["__none"] = {"all": [{"m": {"c_on": False}}], "run": action("__none")}
    return definition


def _fire(handle: int, result: tuple[int, int], fired: list[str]) -> None:
    """Run the actions an assert or retract left pending in ruleset ``handle``: record each
    fired rule's name in ``fired``. What ``Host.assert_fact`` does, without building the
    closure, promise and state copy its Python actions receive (ours read none of them)."""
    if result[0] != 0:  # 1: no rule matched; 2, 3: observed or deduplicated
        return
    pending = _rules_engine.start_action_for_state(handle, result[1])
    if not pending:
        return
    messages = pending[1]
    try:
        while messages:
            fired.append(_rule_of(messages))
            messages = _rules_engine.complete_and_start_action(handle, result[1])
    except BaseException:
        _rules_engine.abandon_action(handle, result[1])  # as Host does: free the session
        raise


def _rule_of(message: str) -> str:
    """The rule named by a pending action, ``{"<rule>": {...what it matched...}}``: its first
    key, read without decoding the matched fact."""
    if message.startswith('{"'):
        return _scanstring(message, 2)[0]
    return next(iter(json.loads(message)))


def _no_action(_rule: str) -> Callable[[Any], None]:
    """The registered action of every rule. :func:`_fire` reads which rules fired from
    durable-rules' queue of pending actions and never calls it."""
    def run(_closure: Any) -> None:
        return None
    return run


class RuleHost:
    """durable-rules rulesets of one catalog, built lazily, each holding a group of items.

    ``evaluate(name, rules, facts)`` returns the names of the rules that fire for ``facts``:
    ``name`` is a member of a group (:meth:`build_group`), or is built on first use as a group
    of its own (:meth:`build`). Safe to call from many threads: each thread uses its own
    durable-rules session, and each ruleset is entered by one thread at a time.
    """

    def __init__(self) -> None:
        self._host = _QuietHost()
        self._registered: dict[str, threading.Lock] = {}
        self._group_of: dict[str, str] = {}  # member -> the ruleset of its group
        self._exact: set[str] = set()  # members with literals durable-rules cannot carry
        self._register_lock = threading.Lock()
        self._local = threading.local()
        self._counter = itertools.count(1)
        self._sessions = itertools.count(1)
        self._handles: dict[str, int] = {}  # ruleset -> durable-rules' handle of it

    @property
    def ruleset_count(self) -> int:
        return len(self._registered)

    def is_built(self, name: str) -> bool:
        return name in self._group_of

    def build_group(self, group: str, members: Mapping[str, Mapping[str, Expr]]) -> None:
        """Register ruleset ``group`` holding the rules of every member (idempotent); a member
        whose literals durable-rules cannot carry is decided by the interpreter instead."""
        with self._register_lock:
            if group in self._registered:
                return
            self._exact.update(m for m, rules in members.items() if not rules_safe(rules))
            self._host.register_rulesets({group: group_definition(members, _no_action)})
            self._registered[group] = threading.Lock()
            for member in members:
                self._group_of[member] = group

    def _sid(self) -> str:
        """This thread's durable-rules session: threads never share one."""
        sid: str | None = getattr(self._local, "sid", None)
        if sid is None:
            sid = self._local.sid = f"s{next(self._sessions)}"
        return sid

    def build(self, name: str, rules: Mapping[str, Expr]) -> None:
        """Register ruleset ``name`` for ``rules`` alone: a group of one (idempotent)."""
        if name not in self._group_of:
            self.build_group(name, {name: rules})

    def evaluate(self, name: str, rules: Mapping[str, Expr], facts: Mapping[str, Any]) -> set[str]:
        """Assert ``facts`` into ruleset ``name`` (building it first, unless it is a member of
        a group) and return the fired rules."""
        group = self._group_of.get(name)
        if group is None:
            self.build(name, rules)
            group = self._group_of[name]
        if name in self._exact or not facts_safe(facts):
            return {rule for rule, expr in rules.items() if evaluate(expr, facts) is True}
        fired: list[str] = []
        text = fact_text(facts, name, next(self._counter), self._sid())
        with self._registered[group]:
            handle = self._handles.get(group)
            if handle is None:
                handle = self._handles[group] = self._host.get_ruleset(group)._handle
            try:
                _fire(handle, _rules_engine.assert_fact(handle, text), fired)
            finally:
                _fire(handle, _rules_engine.retract_fact(handle, text), fired)
        prefix = name + _SEPARATOR
        return {rule[len(prefix):] for rule in fired if rule.startswith(prefix)}
