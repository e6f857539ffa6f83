"""The decisions of a fixed grid of cases, hashed: proof that a restructuring changed no answer.

    python -m bench.decisions                 # prints the sha256 of every decision and error
    python -m bench.decisions --out FILE      # also writes them, one per line, to diff

Run it on two checkouts (e.g. a ``git worktree`` of the commit before a change, installed in
its own venv) and compare the hashes. The grid: every benchmark item of the bundled catalog,
each with cases drawn with a fixed seed — both party kinds, every harm and correction status,
circumstances, the item's facts (random, sometimes missing), cases naming the provision instead
of the item, cases without a decision date (with and without the caller's ``today``), cases
naming several items (Art. 29), a tier the officer found, Chinese input forms, and broken cases
(whose error messages are recorded as they read). Only the public API is used, so the script
runs unchanged on every version of the package that has it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import random
from collections.abc import Iterator
from pathlib import Path
from typing import Any

HARMS = ("none", "minor", "ordinary", "serious")
CORRECTIONS = ("in_time", "pending", "overdue", "refused", None)
CIRCUMSTANCES = ([], ["eliminated_harm"], ["coerced"], ["meritorious"], ["emergency_measures"])


def _facts(rng: random.Random, item: Any) -> dict[str, Any]:
    facts: dict[str, Any] = {}
    for fact in item.facts:
        if rng.random() < 0.1:
            continue  # not established
        if fact.type == "integer":
            facts[fact.name] = rng.randint(0, 60)
        elif fact.type in ("number", "money"):
            facts[fact.name] = f"{rng.randint(0, 600000) / 100:.2f}"
        elif fact.type == "boolean":
            facts[fact.name] = rng.random() < 0.5
        elif fact.type == "enum":
            facts[fact.name] = rng.choice(fact.values or [""])
        else:
            facts[fact.name] = "x"
    return facts


def cases(catalog: Any, per_item: int, seed: int) -> Iterator[dict[str, Any]]:
    rng = random.Random(seed)
    items = sorted(catalog.benchmarks.values(), key=lambda i: i.id)
    for item in items:
        for _ in range(per_item):
            individual = rng.random() < 0.6
            case: dict[str, Any] = {
                "item": item.id,
                "party": {"kind": "individual", "age": rng.choice([13, 15, 40, 70])}
                if individual else {"kind": "organization"},
                "occurred_on": rng.choice(["2019-05-01", "2021-08-01", "2022-03-01", "2023-10-01"]),
                "discovered_on": "2024-01-10",
                "decided_on": "2024-02-01",
                "first_offense": rng.choice([True, False, None]),
                "harm": rng.choice(HARMS),
                "circumstances": rng.choice(CIRCUMSTANCES),
                "facts": _facts(rng, item),
            }
            correction = rng.choice(CORRECTIONS)
            if correction is not None:
                case["correction"] = correction
            roll = rng.random()
            if roll < 0.1:
                del case["decided_on"]
            elif roll < 0.15:
                del case["discovered_on"]
            elif roll < 0.2:
                case["involves"] = rng.choice([[], ["life_health"]])
            elif roll < 0.25 and item.tiers:
                case["tier"] = rng.choice(item.tiers).level
            elif roll < 0.3:
                case["party"]["kind"] = "个人" if individual else "单位"
                case["harm"] = {"none": "没有", "minor": "轻微", "ordinary": "一般",
                                "serious": "严重"}[case["harm"]]
            elif roll < 0.33:
                cited = rng.choice([*item.violated, item.penalty])
                del case["item"]
                case["citation"] = {k: v for k, v in cited.model_dump().items() if v is not None}
            elif roll < 0.36:
                case["item"] = [item.id, rng.choice(items).id]
            elif roll < 0.38:
                case["party"]["age"] = "forty"  # broken: the error message is recorded
            elif roll < 0.4:
                case["facts"]["no_such_fact"] = 1
            yield case


def run(per_item: int, seed: int, out: Path | None) -> str:
    from discretion import Catalog, DiscretionError, Engine

    catalog = Catalog.load()
    engines = (Engine(catalog), Engine(catalog, today=dt.date(2024, 3, 1)))
    digest = hashlib.sha256()
    lines: list[str] = []
    count = 0
    for case in cases(catalog, per_item, seed):
        for engine in engines:
            try:
                text = engine.evaluate(case).to_json(indent=None)
            except DiscretionError as exc:
                text = "ERROR " + json.dumps(str(exc), ensure_ascii=False)
            digest.update(text.encode() + b"\n")
            count += 1
            if out is not None:
                lines.append(text)
    if out is not None:
        out.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return f"{digest.hexdigest()}  {count} decisions and errors"


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.decisions")
    parser.add_argument("--per-item", type=int, default=12)
    parser.add_argument("--seed", type=int, default=24)
    parser.add_argument("--out", type=Path)
    args = parser.parse_args()
    print(run(args.per_item, args.seed, args.out))


if __name__ == "__main__":
    main()
