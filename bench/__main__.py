"""Benchmarks of discretion, each against a baseline run in the same process or command.

    python -m bench            # all targets, printing ratios
    python -m bench --quick    # fewer repetitions
    python -m bench --citation # only the citation measure (with --quick: fewer cases)

Targets (issue "Speed and scale"):
- cold start: median wall time of ``discretion check`` on one case vs
  ``python -c "import pydantic, yaml, durable.engine"`` (target ratio <= 3);
- throughput: ``Engine.evaluate_many`` vs a bare durable-rules loop asserting and retracting
  the same facts into the same rulesets with no-op actions (target ratio >= 1), and decisions/s;
  both sides build their rulesets before the clock starts (``Engine.prepare``), the engine
  starts with empty circumstance caches, and the two are timed block by block, alternately
  (the engine's own blocks of ``BLOCK`` cases), so that both see the same moments of a
  machine whose load moves within a run. Also: the engine on a second set of cases after the
  first (caches as in a long run), the first set once more (every cache warm: the most caching
  can give), and ``discretion check --batch`` with ``--jobs 1`` and ``--jobs 2`` (JSON in and
  out) against the bare rate;
- memory: RSS with every ruleset and plan of the catalog built and 20,000 cases decided, and of
  one ``check``;
- citation: the same cases naming the provision (``citation``) instead of the item id
  (``item``), every cache warm, interleaved (target ratio <= 1.2).
Cases are generated with a fixed seed over every item of the bundled catalog.
"""

from __future__ import annotations

import argparse
import datetime as dt
import gc
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
    # Both sides start from cached bytecode, as on a machine where Python has run them once
    # (pip compiles the dependencies' bytecode at install; an editable install's sources get
    # theirs on first import, unless PYTHONDONTWRITEBYTECODE is set, as on some CI machines).
    import compileall

    import discretion

    compileall.compile_dir(str(Path(discretion.__file__).parent), quiet=1)
    # The command as users run it: the installed `discretion` script (which does not import
    # runpy as `python -m discretion` does); `python -m` where no script is installed.
    script = Path(python).with_name("discretion")
    command = [str(script)] if script.exists() else [python, "-m", "discretion"]
    baseline, check = [], []
    for _ in range(runs):  # interleaved, so both see the same machine load
        baseline.append(median_wall([python, "-c", "import pydantic, yaml, durable.engine"], 1))
        check.append(median_wall([*command, "check", str(EXAMPLE)], 1))
    b, c = statistics.median(baseline), statistics.median(check)
    return {"baseline_s": b, "check_s": c, "ratio": c / b}


def generate_cases(engine: Any, count: int, seed: int = 20221) -> list[dict[str, Any]]:
    from discretion.testing.synthetic import random_facts

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
    from discretion.engine.durable import group_definition
    from discretion.engine.facttext import fact_key, to_json_value
    from discretion.law.facts import build_env

    catalog = Catalog.load()
    engine = Engine(catalog, today=dt.date(2023, 1, 1))
    cases = generate_cases(engine, count)
    later = generate_cases(engine, count, seed=20222)

    # Baseline: the same rulesets and facts in bare durable-rules, no-op actions.
    class QuietHost(durable_engine.Host):
        def _run(self) -> None:
            return None

    host = QuietHost()
    # The bare loop's facts, as two lists (a list of tuples would give the collector 50,000
    # more containers to scan while the engine runs: see "the fourth session" in README.md).
    rulesets: list[str] = []
    facts: list[dict[str, Any]] = []
    from discretion.engine.engine import BLOCK, parse_case

    # The same rulesets as the engine's: its groups of items (engine.prepare() built them),
    # each rule also requiring c_item, with no-op actions.
    engine.prepare()
    matcher = engine._matcher  # the engine's own rules and rulesets
    groups = matcher.group_members()
    host.register_rulesets({
        f"g{group}": group_definition({m: matcher.rules(catalog.benchmarks[m]) for m in members},
                                      lambda _rule: (lambda c: None))
        for group, members in groups.items()})
    for number, data in enumerate(cases):
        case = parse_case(data)
        item = catalog.benchmarks[case.item_ids[0]]
        names = matcher.names_read(item)  # the names the rules read, as the engine sends them
        env, _ = build_env(case, item, catalog.manifest)
        fact = {fact_key(k): to_json_value(v) for k, v in env.values.items()
                if v is not None and k in names}
        fact.update({"c_on": True, "c_no": number, "sid": "b", "c_item": item.id})
        rulesets.append(f"g{engine.ruleset_group(item.id)}")
        facts.append(fact)

    def bare(start: int) -> float:
        """The bare loop over the facts of the block of cases beginning at ``start``."""
        begin = time.perf_counter()
        for name, fact in zip(rulesets[start:start + BLOCK], facts[start:start + BLOCK], strict=True):
            try:
                host.assert_fact(name, fact)
            except durable_engine.MessageNotHandledException:
                pass
            host.retract_fact(name, fact)
        return time.perf_counter() - begin

    def side_by_side(chosen: list[dict[str, Any]]) -> tuple[float, float, int]:
        """The bare loop and the engine over ``chosen``, block by block, alternately: the bare
        loop over a block, then the engine over the same block (evaluate_many decides BLOCK
        cases at a time anyway, so the engine does the same work as over the whole list). The
        machine's load moves within a run; this way both sides see the same moments."""
        bare_s = engine_s = 0.0
        decided = 0
        for start in range(0, count, BLOCK):
            gc.collect()  # each side starts without the other's garbage
            bare_s += bare(start)
            gc.collect()
            begin = time.perf_counter()
            decided += sum(1 for _ in engine.evaluate_many(chosen[start:start + BLOCK]))
            engine_s += time.perf_counter() - begin
        return bare_s, engine_s, decided

    bare_first, first, decided = side_by_side(cases)
    bare_second, second, _ = side_by_side(later)
    # The first cases again: every circumstance result and plan part they need is kept, so this
    # is the most that caching can give (each case is still validated and decided in full).
    bare_warm, warm, _ = side_by_side(cases)
    return {"cases": decided, "bare_durable_per_s": count / bare_first,
            "engine_per_s": count / first, "ratio": bare_first / first,
            "second_per_s": count / second, "second_ratio": bare_second / second,
            "warm_per_s": count / warm, "warm_ratio": bare_warm / warm}


def batch(count: int, bare_per_s: float) -> dict[str, float]:
    """Wall time of ``discretion check --batch`` (JSONL in and out) with 1 and 2 processes."""
    import json
    import tempfile

    from discretion import Engine

    engine = Engine(today=dt.date(2023, 1, 1))
    out: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as folder:
        cases = Path(folder) / "cases.jsonl"
        with cases.open("w", encoding="utf-8") as handle:
            for case in generate_cases(engine, count):
                handle.write(json.dumps(dict(case, decided_on="2022-06-01"), ensure_ascii=False) + "\n")
        for jobs in (1, 2):
            target = Path(folder) / f"out{jobs}.jsonl"
            start = time.perf_counter()
            subprocess.run([sys.executable, "-m", "discretion", "check", "--batch", str(cases),
                            "--out", str(target), "--progress", "off", "--jobs", str(jobs)],
                           check=True, stderr=subprocess.DEVNULL)
            rate = count / (time.perf_counter() - start)
            out[f"jobs{jobs}_per_s"] = rate
            out[f"jobs{jobs}_ratio"] = rate / bare_per_s
    return out


def unique_citation(catalog: Any, item: Any) -> dict[str, Any] | None:
    """The first of the item's own citations that finds it alone (as a case writes it), or None."""
    for cited in (*item.violated, item.penalty):
        if catalog.by_citation(cited) == [item.id]:
            return {key: value for key, value in cited.model_dump().items() if value is not None}
    return None


def citation_lookup(count: int, rounds: int) -> dict[str, float]:
    """The same cases naming ``citation`` vs naming ``item``: the cost of finding the item."""
    from discretion import Catalog, Engine

    catalog = Catalog.load()
    engine = Engine(catalog, today=dt.date(2023, 1, 1))
    start = time.perf_counter()
    cited = {item.id: unique_citation(catalog, item) for item in catalog.benchmarks.values()}
    first = time.perf_counter() - start  # the index is built by the first lookup
    by_item = [case for case in generate_cases(engine, count * 2, seed=20223)
               if cited[case["item"]] is not None][:count]
    by_citation = []
    for case in by_item:
        case = dict(case, citation=cited[case["item"]])
        del case["item"]
        by_citation.append(case)
    engine.prepare({case["item"] for case in by_item})
    for cases in (by_item, by_citation):  # every cache warm on both sides
        sum(1 for _ in engine.evaluate_many(cases))
    def many(cases: list[dict[str, Any]]) -> None:
        sum(1 for _ in engine.evaluate_many(cases))

    def one_by_one(cases: list[dict[str, Any]]) -> None:
        for case in cases:
            engine.evaluate(case)

    times: dict[tuple[str, str], list[float]] = {}
    for _ in range(rounds):  # interleaved, so both see the same machine load
        for way, decide in (("many", many), ("one", one_by_one)):
            for name, cases in (("item", by_item), ("citation", by_citation)):
                gc.collect()
                start = time.perf_counter()
                decide(cases)
                times.setdefault((way, name), []).append(time.perf_counter() - start)
    median = {key: statistics.median(value) for key, value in times.items()}
    return {"cases": len(by_item), "items": sum(1 for c in cited.values() if c is not None),
            "first_lookups_s": first, "item_per_s": len(by_item) / median["many", "item"],
            "citation_per_s": len(by_item) / median["many", "citation"],
            "ratio": median["many", "citation"] / median["many", "item"],
            "one_ratio": median["one", "citation"] / median["one", "item"]}


# Peak resident memory of the process itself (VmHWM): ru_maxrss would carry the parent's
# peak across fork+exec on Linux.
PEAK = ("import sys\n"
        "def peak():\n"
        "    for line in open('/proc/self/status'):\n"
        "        if line.startswith('VmHWM:'):\n"
        "            return int(line.split()[1])\n")


def memory() -> dict[str, float]:
    code = PEAK + (
        "import datetime as dt\n"
        "from bench.__main__ import generate_cases\n"
        "from discretion import Catalog, Engine\n"
        "engine = Engine(Catalog.load(), today=dt.date(2023, 1, 1))\n"
        "rulesets = engine.prepare()\n"
        "for _ in engine.evaluate_many(generate_cases(engine, 20000)):\n"
        "    pass\n"
        "print(peak(), rulesets)\n"
    )
    built = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True,
                           cwd=ROOT)
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
    parser.add_argument("--citation", action="store_true", help="only the citation measure")
    args = parser.parse_args()
    runs = 7 if args.quick else 21
    count = 5_000 if args.quick else 50_000
    if args.citation:
        citation(count, args.quick)
        return
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
    print(f"  a second {count:,} other cases: engine {rate['second_per_s']:,.0f}/s -> ratio "
          f"{rate['second_ratio']:.2f}")
    print(f"  the first {count:,} again, every cache warm: engine {rate['warm_per_s']:,.0f}/s -> "
          f"ratio {rate['warm_ratio']:.2f}")
    piped = batch(count, rate["bare_durable_per_s"])
    print(f"  check --batch (JSONL in and out): --jobs 1 {piped['jobs1_per_s']:,.0f}/s "
          f"(ratio {piped['jobs1_ratio']:.2f}), --jobs 2 {piped['jobs2_per_s']:,.0f}/s "
          f"(ratio {piped['jobs2_ratio']:.2f})")
    mem = memory()
    print(f"memory: all {mem['rulesets']:.0f} rulesets built and 20,000 cases decided "
          f"{mem['all_rulesets_mb']:.0f} MB (target <= 250); "
          f"one check {mem['one_check_mb']:.0f} MB (target <= 80)")
    citation(count, args.quick)


def citation(count: int, quick: bool) -> None:
    lookup = citation_lookup(count // 5, 3 if quick else 5)
    print(f"citation: {lookup['cases']:,.0f} cases naming citation {lookup['citation_per_s']:,.0f}/s "
          f"vs the same naming item {lookup['item_per_s']:,.0f}/s (evaluate_many) -> ratio "
          f"{lookup['ratio']:.2f} (target <= 1.2); one evaluate() at a time -> ratio "
          f"{lookup['one_ratio']:.2f}")
    print(f"  the first lookup of each of the {lookup['items']:,.0f} items with a citation of "
          f"their own, index built: {lookup['first_lookups_s'] * 1000:.0f} ms")


if __name__ == "__main__":
    main()
