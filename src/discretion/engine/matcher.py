"""Matching a case's facts against an item's rules: which tier conditions, 情节严重 and list
entries hold.

A :class:`Matcher` belongs to one :class:`~discretion.engine.engine.Engine` and holds what it
builds from the catalog: each item's rules (parsed conditions), the classes of the values they
read (:mod:`discretion.conditions.classes`), the durable-rules rulesets (built in groups of
``GROUP_SIZE`` items, :mod:`discretion.engine.durable`) and the results, kept by item and
classes of values. With every name the rules read known, durable-rules decides; otherwise the
three-valued reference interpreter (:mod:`discretion.conditions.interpret`).

Each rule's answer is kept as well, by its condition's canonical text and the classes of the
values that condition reads: items share conditions (``harm == "serious"``, the same amount
thresholds), so a case whose item has not seen its combination of classes is often decided by
answers durable-rules gave for the same conditions over values of the same classes, and
durable-rules is asked only when some rule has no such answer.
"""

from __future__ import annotations

from collections.abc import Hashable

from discretion.catalog.catalog import OTHERWISE, Catalog
from discretion.catalog.models import BenchmarkItem
from discretion.conditions.ast import Expr, to_source
from discretion.conditions.classes import ValueClasses
from discretion.conditions.interpret import Tri, evaluate
from discretion.decision import TierOut, TraceStep
from discretion.engine.durable import RuleHost
from discretion.engine.trace import Draft
from discretion.law.facts import Env

RULE_CACHE_SIZE = 200_000  # circumstance results kept (then the cache starts again)
GROUP_SIZE = 8  # items per durable-rules ruleset (consecutive ids; see engine/durable.py)

# The tier the same classes of facts choose: (tier index, the decision's tier, the trace steps
# of the choice, 情节严重), filled by the legal steps (engine/steps.py) once known.
TierChoice = tuple[int | None, TierOut | None, tuple[TraceStep, ...], bool]


class Match:
    """The truth of every rule of an item in one case: rule name (``tier:0``, ``serious``,
    ``list:ID``) -> True, False or UNKNOWN, and its trace step. When every name was known
    (``kept``) it is shared by the cases whose values fall in the same classes, and so is the
    tier they choose."""

    __slots__ = ("kept", "step", "tier", "values")

    def __init__(self, values: dict[str, Tri], step: TraceStep, kept: bool) -> None:
        self.values = values
        self.step = step
        self.kept = kept  # durable-rules' answer, kept by the classes of the values
        self.tier: TierChoice | None = None


class Matcher:
    """The rules of one catalog's items, their durable-rules rulesets and their results (see
    the module docstring). Safe to share between threads: every cache is filled by whole
    entries, and an entry two threads build at once is built the same."""

    def __init__(self, catalog: Catalog) -> None:
        self.catalog = catalog
        self._host = RuleHost()
        # item id -> rule name -> condition (see :meth:`rules`)
        self._rules: dict[str, dict[str, Expr]] = {}
        # Circumstance results by item and the classes of the values its rules read
        # (conditions/classes.py): values in the same classes fire the same rules, so
        # durable-rules is asked once per item and combination of classes.
        self._fired: dict[tuple[object, ...], Match] = {}
        # the shared result by item and the rules that fired
        self._outcomes: dict[tuple[str, frozenset[str]], Match] = {}
        # item id -> the classes of the values its rules read
        self._classes: dict[str, ValueClasses] = {}
        # Each rule's answer by its condition (a number for its canonical text) and the
        # classes of the values that condition reads: shared by every item with the condition.
        self._answers: dict[tuple[object, ...], bool] = {}
        # item id -> (rule name, condition number, classes of its values) for each rule
        self._parts: dict[str, tuple[tuple[str, int, ValueClasses], ...]] = {}
        # canonical condition text -> (its number, the classes of the values it reads)
        self._conditions: dict[str, tuple[int, ValueClasses]] = {}
        # item id -> its ruleset's number; the ids of each ruleset (built on first use)
        self._groups: dict[str, int] | None = None
        self._group_members: dict[int, list[str]] = {}

    @property
    def ruleset_count(self) -> int:
        """The number of durable-rules rulesets built so far."""
        return self._host.ruleset_count

    def rules(self, item: BenchmarkItem) -> dict[str, Expr]:
        """The item's rules by name: ``tier:N`` for each tier with a condition, ``serious`` for
        情节严重, ``list:ID`` for each list entry covering the item."""
        rules = self._rules.get(item.id)
        if rules is None:
            conds = self.catalog.conditions[item.id]
            rules = {}
            for index, cond in enumerate(conds.tiers):
                if cond is not None and cond != OTHERWISE:
                    assert not isinstance(cond, str)
                    rules[f"tier:{index}"] = cond
            if conds.serious is not None:
                rules["serious"] = conds.serious
            for entry_id, cond in conds.lists:
                rules[f"list:{entry_id}"] = cond
            self._classes[item.id] = ValueClasses(rules.values())
            self._parts[item.id] = tuple((name, *self._condition(expr)) for name, expr in rules.items())
            self._rules[item.id] = rules
        return rules

    def _condition(self, expr: Expr) -> tuple[int, ValueClasses]:
        """The number of ``expr``'s canonical text (equal texts: equal conditions) and the
        classes of the values it reads."""
        text = to_source(expr)
        found = self._conditions.get(text)
        if found is None:
            found = self._conditions[text] = (len(self._conditions), ValueClasses([expr]))
        return found

    def names_read(self, item: BenchmarkItem) -> tuple[str, ...]:
        """The names the item's rules read: what travels to durable-rules for a case."""
        self.rules(item)
        return tuple(self._classes[item.id].names)

    def ruleset_group(self, item_id: Hashable) -> Hashable:
        """The durable-rules ruleset that decides ``item_id`` (a group of ``GROUP_SIZE`` items
        in id order), as a number; anything the catalog lacks is returned as it is."""
        if isinstance(item_id, str):
            return self._group_table().get(item_id, item_id)
        return item_id

    def group_members(self) -> dict[int, list[str]]:
        """Ruleset number -> the ids of the items it decides."""
        self._group_table()
        return self._group_members

    def _group_table(self) -> dict[str, int]:
        groups = self._groups
        if groups is None:  # built whole, then published: other threads see all or nothing
            ordered = sorted(self.catalog.benchmarks)
            groups = {item_id: index // GROUP_SIZE for index, item_id in enumerate(ordered)}
            members: dict[int, list[str]] = {}
            for item_id, number in groups.items():
                members.setdefault(number, []).append(item_id)
            self._group_members = members
            self._groups = groups
        return groups

    def build(self, item: BenchmarkItem) -> None:
        """Register the durable-rules ruleset of the item's group (GROUP_SIZE items in id
        order): fewer rulesets than items keeps durable-rules' per-ruleset state small."""
        if self._host.is_built(item.id):
            return
        group = self._group_table()[item.id]
        benchmarks = self.catalog.benchmarks
        members = {member: self.rules(benchmarks[member])
                   for member in self._group_members[group]}
        self._host.build_group(f"g{group}", members)

    def match(self, item: BenchmarkItem, env: Env, draft: Draft) -> Match:
        """Truth of every rule of the item: durable-rules when all names are known, else the
        three-valued reference interpreter; the trace step goes to ``draft``. The result is
        shared (and its tier choice kept) when every name is known."""
        item_id = item.id  # read once: a catalog model's attribute read is slow (pydantic's hook)
        rules = self.rules(item)
        classes = self._classes[item_id]
        names = classes.names
        known = env.values
        if classes.name_set <= known.keys():
            # values in the same classes fire the same rules (conditions/classes.py)
            key = (item_id, *classes.key(known))
            found = self._fired.get(key)
            if found is None:
                fired = self._fired_rules(item, rules, known)
                if len(self._fired) >= RULE_CACHE_SIZE:
                    self._fired.clear()
                    self._outcomes.clear()
                # many combinations fire the same rules: they share one entry (memory)
                shared = (item_id, frozenset(fired))
                found = self._outcomes.get(shared)
                if found is None:
                    values: dict[str, Tri] = {name: name in fired for name in rules}
                    step = TraceStep(rule="rules", detail="情形评估（durable-rules）：" + (
                        "、".join(sorted(n for n, v in values.items() if v)) or "无规则命中"))
                    found = self._outcomes[shared] = Match(values, step, True)
                self._fired[key] = found
            draft.trace.append(found.step)
            return found
        missing = [n for n in names if n not in known]
        values = {name: evaluate(expr, known) for name, expr in rules.items()}  # type: ignore[arg-type]
        step = TraceStep(rule="rules", detail="情形评估（参考解释器，事实未查明：" + "、".join(missing) + "）")
        draft.trace.append(step)
        return Match(values, step, False)

    def _fired_rules(self, item: BenchmarkItem, rules: dict[str, Expr],
                     known: dict[str, object]) -> set[str]:
        """The rules of the item that fire for ``known`` (every name its rules read is known):
        from the answers kept for each rule's condition and the classes of its values, or,
        when some rule has none yet, from durable-rules, whose answers are then kept."""
        answers = self._answers
        parts = self._parts[item.id]
        keys = [(number, *classes.key(known)) for _, number, classes in parts]
        fired = self._answered(parts, keys)
        if fired is None:
            self.build(item)
            # only the names the rules read travel to durable-rules
            fired = self._host.evaluate(item.id, rules,
                                        {n: known[n] for n in self._classes[item.id].names})
            if len(answers) >= RULE_CACHE_SIZE:
                answers.clear()
            for (name, _, _), key in zip(parts, keys, strict=True):
                answers[key] = name in fired
        return fired

    def _answered(self, parts: tuple[tuple[str, int, ValueClasses], ...],
                  keys: list[tuple[object, ...]]) -> set[str] | None:
        """The rules that fire, by the answers kept under ``keys`` (one for each rule of
        ``parts``); None when some rule has no answer yet."""
        answers = self._answers
        fired = set()
        for (name, _, _), key in zip(parts, keys, strict=True):
            answer = answers.get(key)
            if answer is None:
                return None
            if answer:
                fired.add(name)
        return fired


__all__ = ["GROUP_SIZE", "RULE_CACHE_SIZE", "Match", "Matcher", "TierChoice"]
