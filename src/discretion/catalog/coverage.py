"""Generated cases that reach each tier of an item, and overlap checks between tiers.

For every benchmark item, :func:`probe_envs` enumerates condition environments from the
values its conditions compare against (each literal, and just below and above it) and the
case fields' own values; the reference interpreter then tells which tiers each environment
selects. Used by the catalog tests ("no dead tier", "no two tiers match unless the item
declares a priority") and by the coverage report.
"""

from __future__ import annotations

import itertools
from collections.abc import Iterator, Mapping
from decimal import Decimal

from discretion.catalog.catalog import OTHERWISE, Catalog
from discretion.catalog.models import BenchmarkItem
from discretion.catalog.vocabulary import item_facts, vocabulary_for
from discretion.conditions.ast import Compare, Expr, InList, Literal, Value, names_in
from discretion.conditions.interpret import evaluate

MAX_PROBES = 20_000


def _literals(expr: Expr) -> Iterator[tuple[str, Value]]:
    stack: list[object] = [expr]
    while stack:
        node = stack.pop()
        if isinstance(node, Compare):
            yield node.name.name, node.value.value
        elif isinstance(node, InList):
            for value in node.values:
                yield node.name.name, value.value
        elif isinstance(node, Literal):
            continue
        else:
            for attr in ("operand", "operands"):
                child = getattr(node, attr, None)
                if isinstance(child, tuple):
                    stack.extend(child)
                elif child is not None:
                    stack.append(child)


def candidate_values(catalog: Catalog, item: BenchmarkItem) -> dict[str, list[Value]]:
    """For each name the item's conditions read, the values worth trying."""
    conds = catalog.conditions[item.id]
    exprs = [c for c in conds.tiers if c is not None and c != OTHERWISE]
    exprs += [e for _, e in conds.lists] + ([conds.serious] if conds.serious else [])
    vocab = vocabulary_for(item, catalog.manifest).names
    integers = {name for name, decl in item_facts(item).items() if decl.type == "integer"}
    values: dict[str, list[Value]] = {}
    for expr in exprs:
        assert not isinstance(expr, str)
        for node in names_in(expr):
            ftype = vocab[node.name]
            if ftype.kind == "boolean":
                values[node.name] = [False, True]
            elif ftype.kind == "enum":
                values[node.name] = list(ftype.values)
            else:
                values.setdefault(node.name, [Decimal(0)])
        for name, literal in _literals(expr):
            if isinstance(literal, Decimal):
                bucket = values.setdefault(name, [Decimal(0)])
                step = Decimal(1) if name in integers else Decimal("0.5")
                for candidate in (literal - step, literal, literal + step, literal + 1):
                    if name in integers and candidate != candidate.to_integral_value():
                        continue
                    if candidate >= 0 and candidate not in bucket:
                        bucket.append(candidate)
            elif isinstance(literal, str) and vocab[name].kind == "text":
                values.setdefault(name, [])
                if literal not in values[name]:
                    values[name].append(literal)
    return values


def probe_envs(catalog: Catalog, item: BenchmarkItem) -> Iterator[dict[str, Value]]:
    values = candidate_values(catalog, item)
    names = sorted(values)
    for count, combo in enumerate(itertools.product(*(values[n] for n in names))):
        if count >= MAX_PROBES:
            return
        yield dict(zip(names, combo, strict=True))


def selected_tiers(catalog: Catalog, item: BenchmarkItem,
                   env: Mapping[str, Value | int | None], uses: str) -> list[int]:
    """Indexes of the non-``otherwise`` tiers of ``uses`` that hold in ``env``."""
    conds = catalog.conditions[item.id].tiers
    return [i for i, tier in enumerate(item.tiers)
            if tier.uses == uses and conds[i] != OTHERWISE
            and (conds[i] is None or evaluate(conds[i], env) is True)]  # type: ignore[arg-type]


def tier_reach(catalog: Catalog, item: BenchmarkItem) -> tuple[set[int], list[tuple[int, int]]]:
    """(tiers some probe selects, pairs of tiers some probe selects together)."""
    reached: set[int] = set()
    overlaps: set[tuple[int, int]] = set()
    # tiers switch to `uses: serious` only where the clause has a serious range (the condition
    # of 拒不改正或者情节严重的 alone opens the clause, it chooses no tiers)
    serious = catalog.conditions[item.id].serious if item.statutory.serious is not None else None
    for env in probe_envs(catalog, item):
        uses = "serious" if serious is not None and evaluate(serious, env) is True else "base"
        chosen = selected_tiers(catalog, item, env, uses)
        if chosen:
            reached.add(chosen[0])
        else:
            otherwise = [i for i, t in enumerate(item.tiers)
                         if t.uses == uses and catalog.conditions[item.id].tiers[i] == OTHERWISE]
            reached.update(otherwise[:1])
        for pair in itertools.combinations(chosen, 2):
            overlaps.add(pair)
    return reached, sorted(overlaps)
