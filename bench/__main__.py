"""Benchmarks of discretion, each against a baseline run in the same process or command.

    python -m bench            # all targets, printing ratios
    python -m bench --quick    # fewer repetitions

Targets (issue "Speed and scale"):
- cold start: median wall time of ``discretion check`` on one case vs
  ``python -c "import pydantic, yaml, durable.engine"`` (target ratio <= 3);
- throughput: ``Engine.evaluate_many`` vs a bare durable-rules loop asserting and retracting
  the same facts into the same rulesets with no-op actions (target ratio >= 1), and decisions/s;
- memory: RSS with every ruleset of the catalog built, and of one ``check``.
Cases are generated with a fixed seed over every item of the bundled catalog.
"""

from __future__ import annotations

import argparse
import datetime as dt
import random
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "examples" / "overdue-fine.yaml"


def median_wall(command: list[str], runs: int) -> float:
    times = []
    for _ in range(runs):
        start = time.perf_counter()
        subprocess.run(command, check=True, stdout=subprocess.DEVNULL)
        times.append(time.perf_counter() - start)
    return statistics.median(times)


def cold_start(runs: int) -> dict[str, float]:
    python = sys.executable
    baseline, check = [], []
    for _ in range(runs):  # interleaved, so both see the same machine load
        baseline.append(median_wall([python, "-c", "import pydantic, yaml, durable.engine"], 1))
        check.append(median_wall([python, "-m", "discretion", "check", str(EXAMPLE)], 1))
    b, c = statistics.median(baseline), statistics.median(check)
    return {"baseline_s": b, "check_s": c, "ratio": c / b}


def generate_cases(engine: Any, count: int, seed: int = 20221) -> list[dict[str, Any]]:
    from discretion.audit import random_facts

    rng = random.Random(seed)
    items = sorted(engine.catalog.benchmarks.values(), key=lambda i: i.id)
    cases = []
    for _ in range(count):
        item = rng.choice(items)
        facts = random_facts(rng, item)
        individual = rng.random() < 0.6
        cases.append({
            "item": item.id,
            "party": {"kind": "individual", "age": rng.randint(18, 80)} if individual
            else {"kind": "organization"},
            "occurred_on": "2022-03-01", "decided_on": "2022-06-01",
            "first_offense": rng.random() < 0.5,
            "harm": rng.choice(["none", "minor", "ordinary", "serious"]),
            "correction": rng.choice(["in_time", "overdue", "refused"]),
            "circumstances": rng.sample(["eliminated_harm", "coerced"], rng.randint(0, 1)),
            "facts": facts,
        })
    return cases


def throughput(count: int) -> dict[str, float]:
    from durable import engine as durable_engine  # the bench's own baseline, not the package

    from discretion import Catalog, Engine
    from discretion.engine.durable import compile_condition, fact_key, to_json_value
    from discretion.law.facts import build_env

    catalog = Catalog.load()
    engine = Engine(catalog, today=dt.date(2023, 1, 1))
    cases = generate_cases(engine, count)

    # Baseline: the same rulesets and facts in bare durable-rules, no-op actions.
    class QuietHost(durable_engine.Host):
        def _run(self) -> None:
            return None

    host = QuietHost()
    facts: list[tuple[str, dict[str, Any]]] = []
    registered: set[str] = set()
    from discretion.engine.engine import parse_case

    for number, data in enumerate(cases):
        case = parse_case(data)
        item = catalog.benchmarks[case.item_ids[0]]
        rules = engine._item_rules(item)  # the same compiled rules
        if item.id not in registered:
            definition = {name: {"all": [{"m": {"$and": [{"c_on": True}, compile_condition(expr)]}}],
                                 "run": lambda c: None} for name, expr in rules.items()}
            if not definition:
                definition = {"none": {"all": [{"m": {"c_on": False}}], "run": lambda c: None}}
            host.register_rulesets({item.id: definition})
            registered.add(item.id)
        env, _ = build_env(case, item, catalog.manifest)
        fact = {fact_key(k): to_json_value(v) for k, v in env.values.items() if v is not None}
        fact.update({"c_on": True, "c_no": number, "sid": "b"})
        facts.append((item.id, fact))
    start = time.perf_counter()
    for name, fact in facts:
        try:
            host.assert_fact(name, fact)
        except durable_engine.MessageNotHandledException:
            pass
        host.retract_fact(name, fact)
    bare = time.perf_counter() - start

    start = time.perf_counter()
    decided = sum(1 for _ in engine.evaluate_many(cases))
    ours = time.perf_counter() - start
    return {"cases": decided, "bare_durable_per_s": count / bare, "engine_per_s": count / ours,
            "ratio": bare / ours}


# Peak resident memory of the process itself (VmHWM): ru_maxrss would carry the parent's
# peak across fork+exec on Linux.
PEAK = ("import sys\n"
        "def peak():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'):\n"
        "            return int(line.split()[1])\n")


def memory() -> dict[str, float]:
    code = PEAK + (
        "from discretion import Catalog, Engine\n"
        "engine = Engine(Catalog.load())\n"
        "for item in engine.catalog.benchmarks.values():\n"
        "    engine._host.build(item.id, engine._item_rules(item))\n"
        "print(peak(), engine._host.ruleset_count)\n"
    )
    built = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    check = subprocess.run(
        [sys.executable, "-c", PEAK + "from discretion.cli import main\n"
         f"main(['check', {str(EXAMPLE)!r}])\n"
         "print(peak(), file=sys.stderr)"],
        check=True, capture_output=True, text=True)
    kb, rulesets = built.stdout.split()
    return {"all_rulesets_mb": int(kb) / 1024, "rulesets": int(rulesets),
            "one_check_mb": int(check.stderr.strip().splitlines()[-1]) / 1024}


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench")
    parser.add_argument("--quick", action="store_true")
    args = parser.parse_args()
    runs = 7 if args.quick else 21
    count = 5_000 if args.quick else 50_000
    import os
    import platform

    print(f"python {sys.version.split()[0]}, {platform.machine()}, {os.cpu_count()} cores")
    cold = cold_start(runs)
    print(f"cold start: check {cold['check_s'] * 1000:.0f} ms vs imports {cold['baseline_s'] * 1000:.0f} ms"
          f" -> ratio {cold['ratio']:.2f} (target <= 3)")
    rate = throughput(count)
    print(f"throughput: engine {rate['engine_per_s']:,.0f}/s vs bare durable-rules "
          f"{rate['bare_durable_per_s']:,.0f}/s -> ratio {rate['ratio']:.2f} (target >= 1; "
          f"and >= 20,000/s)")
    mem = memory()
    print(f"memory: all {mem['rulesets']:.0f} rulesets {mem['all_rulesets_mb']:.0f} MB (target <= 250); "
          f"one check {mem['one_check_mb']:.0f} MB (target <= 80)")


if __name__ == "__main__":
    main()
