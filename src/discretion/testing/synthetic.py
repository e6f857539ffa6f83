"""Synthetic decided cases, for measuring and testing the audit and the batch (never for
deciding real cases): ``python -m discretion.testing.synthetic synth --count N OUT.csv|.jsonl``.

Most follow the engine's decision; a share deviates on purpose (docs/audit.md)."""

from __future__ import annotations

import csv
import json
import sys
from collections.abc import Iterable, Iterator
from decimal import Decimal
from typing import IO, Any

from discretion.catalog.catalog import Catalog
from discretion.catalog.models import BenchmarkItem
from discretion.decision import Decision
from discretion.engine.engine import Engine
from discretion.errors import DiscretionError
from discretion.money import fmt
from discretion.runs.audit import ZERO, span_of


def random_facts(rng: Any, item: BenchmarkItem) -> dict[str, Any]:
    """Plausible random values for an item's declared facts (synthetic cases; bench)."""
    facts: dict[str, Any] = {}
    for fact in item.facts:
        if fact.type == "integer":
            facts[fact.name] = rng.randint(0, 60)
        elif fact.type in ("number", "money"):
            facts[fact.name] = f"{rng.randint(0, 6000) / 100:.2f}"
        elif fact.type == "boolean":
            facts[fact.name] = rng.random() < 0.5
        elif fact.type == "enum":
            facts[fact.name] = rng.choice(fact.values or [""])
    return facts


def synthetic_decided(engine: Engine, count: int, seed: int = 20221,
                      deviate: float = 0.15) -> Iterator[dict[str, Any]]:
    """``count`` decided cases over every benchmark item of the engine's catalog, with a fixed
    seed: most decisions follow the engine; a share ``deviate`` is altered on purpose (fine above
    or below the range, penalised although the law forbids it, not penalised...). About 1% lack
    a fact and 0.2% are invalid. Used to measure the audit (docs/audit.md)."""
    import random

    rng = random.Random(seed)
    items = sorted(engine.catalog.benchmarks.values(), key=lambda i: i.id)
    for number in range(count):
        item = rng.choice(items)
        facts = random_facts(rng, item)
        if facts and rng.random() < 0.01:
            facts.pop(rng.choice(sorted(facts)))
        individual = rng.random() < 0.6
        age = rng.randint(18, 80) if rng.random() < 0.9 else rng.randint(12, 17)
        case: dict[str, Any] = {
            "reference": f"SYN-{seed}-{number + 1:07d}",
            "item": item.id,
            "party": {"kind": "individual", "age": age} if individual else {"kind": "organization"},
            "occurred_on": "2019-03-01" if rng.random() < 0.03 else "2022-03-01",
            "discovered_on": "2022-05-20", "decided_on": "2022-06-01",
            "first_offense": rng.random() < 0.5,
            "harm": rng.choice(["none", "minor", "ordinary", "serious"]),
            "correction": rng.choice(["in_time", "overdue", "overdue", "refused"]),
            "circumstances": rng.sample(["eliminated_harm", "coerced"], rng.randint(0, 1)),
            "facts": facts,
        }
        try:
            decision: Decision | None = engine.evaluate(case)
        except DiscretionError:
            decision = None
        outcome, fine = "penalized", Decimal(0)
        if decision is not None and decision.outcome is not None:
            outcome = decision.outcome
            span = span_of(decision.recommended)
            if span is not None and outcome == "penalized":
                low, high = span
                fine = (low + (high - low) * Decimal(rng.randint(0, 100)) / 100).quantize(ZERO)
            if rng.random() < deviate:
                outcome, fine = _deviate(rng, decision, outcome, fine)
        if rng.random() < 0.002:
            case["party"] = {"kind": "individual", "age": -1}
        case["decided"] = {"outcome": outcome, "fine": fmt(fine) if fine > 0 else ""}
        yield case


def _deviate(rng: Any, decision: Decision, outcome: str, fine: Decimal) -> tuple[str, Decimal]:
    statutory = span_of(s for s in decision.statutory if not (s.basis or "").startswith("情节严重的"))
    if outcome != "penalized":
        return "penalized", (statutory[0] if statutory and statutory[0] > 0 else Decimal(200))
    choice = rng.random()
    if choice < 0.3 and statutory is not None:
        return "penalized", statutory[1] * 2
    if choice < 0.5 and statutory is not None and statutory[0] > 1:
        return "penalized", (statutory[0] / 2).quantize(ZERO)
    if choice < 0.8 and statutory is not None:
        return "penalized", statutory[1]
    return "not_penalized", Decimal(0)


def write_decided(cases: Iterable[dict[str, Any]], out: IO[str], csv_format: bool,
                  fact_names: Iterable[str] = ()) -> int:
    """Write decided cases as JSON Lines, or as flattened CSV (``fact_names``: the facts.*
    columns). Returns the number written."""

    count = 0
    if not csv_format:
        for case in cases:
            out.write(json.dumps(case, ensure_ascii=False, separators=(",", ":")) + "\n")
            count += 1
        return count
    facts = sorted(set(fact_names))
    columns = ["reference", "item", "party.kind", "party.age", "occurred_on", "discovered_on",
               "decided_on", "first_offense", "harm", "correction", "circumstances",
               *(f"facts.{n}" for n in facts), "decided.outcome", "decided.fine"]
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(columns)
    for case in cases:
        flat = {"reference": case.get("reference", ""), "item": case["item"],
                "party.kind": case["party"]["kind"], "party.age": case["party"].get("age", ""),
                "occurred_on": case["occurred_on"], "discovered_on": case.get("discovered_on", ""),
                "decided_on": case.get("decided_on", ""),
                "first_offense": str(case.get("first_offense", "")).lower(),
                "harm": case.get("harm", ""), "correction": case.get("correction", ""),
                "circumstances": ";".join(case.get("circumstances", [])),
                "decided.outcome": case["decided"]["outcome"],
                "decided.fine": case["decided"]["fine"]}
        for name, value in case.get("facts", {}).items():
            flat[f"facts.{name}"] = str(value).lower() if isinstance(value, bool) else value
        writer.writerow([flat.get(c, "") for c in columns])
        count += 1
    return count


def main(argv: list[str] | None = None) -> int:
    """``python -m discretion.testing.synthetic synth --catalog DIR --count N --seed S OUT.csv|.jsonl``."""
    import argparse

    parser = argparse.ArgumentParser(prog="python -m discretion.testing.synthetic",
                                     description="write synthetic decided cases for measurements")
    sub = parser.add_subparsers(dest="command", required=True)
    synth = sub.add_parser("synth")
    synth.add_argument("out")
    synth.add_argument("--catalog")
    synth.add_argument("--count", type=int, default=100_000)
    synth.add_argument("--seed", type=int, default=20221)
    args = parser.parse_args(argv)
    engine = Engine(Catalog.load(args.catalog))
    names = {f.name for item in engine.catalog.benchmarks.values() for f in item.facts}
    with open(args.out, "w", encoding="utf-8", newline="") as out:
        written = write_decided(synthetic_decided(engine, args.count, args.seed), out,
                                args.out.lower().endswith(".csv"), names)
    print(f"{written} decided cases -> {args.out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
