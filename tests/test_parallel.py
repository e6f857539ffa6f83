"""Several processes (``--jobs``): the same output, byte for byte and in order, as one process."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path
from typing import Any

import pytest
from hypothesis import given
from hypothesis import strategies as st

from discretion import Engine
from discretion.cli import main
from discretion.io.records import Record, record_key
from discretion.runs.parallel import SPILL, jobs_for, map_ordered, split_block, worker_engine
from discretion.testing.synthetic import synthetic_decided, write_decided


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(today=dt.date(2023, 1, 1))


def _mixed_cases(engine: Engine, count: int) -> list[object]:
    """Synthetic cases with bad records mixed in (invalid JSON, invalid fields, not objects)."""
    records: list[object] = []
    for number, decided in enumerate(synthetic_decided(engine, count, seed=11)):
        case = {k: v for k, v in decided.items() if k != "decided"}
        records.append(case)
        if number % 97 == 5:
            records.append("{not json")
        if number % 89 == 7:
            records.append(dict(case, party={"kind": "individual", "age": -3}))
        if number % 113 == 9:
            records.append([1, 2])
    return records


def _write(path: Path, records: list[object]) -> None:
    path.write_text("".join((r if isinstance(r, str) else json.dumps(r, ensure_ascii=False)) + "\n"
                            for r in records), encoding="utf-8")


def test_batch_with_two_jobs_equals_one_job(engine: Engine, tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    _write(cases, _mixed_cases(engine, 1500))
    outputs = []
    for jobs in ("1", "2"):
        out = tmp_path / f"out{jobs}.jsonl"
        code = main(["check", "--batch", str(cases), "--out", str(out), "--progress", "off",
                     "--jobs", jobs])
        assert code == 1  # the bad records
        outputs.append(out.read_bytes())
    assert outputs[0] == outputs[1]
    lines = outputs[0].decode("utf-8").splitlines()
    assert len(lines) == len(cases.read_text(encoding="utf-8").splitlines())
    assert [json.loads(line)["line"] for line in lines] == list(range(1, len(lines) + 1))


def test_batch_resume_with_jobs(engine: Engine, tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    _write(cases, _mixed_cases(engine, 700))
    whole = tmp_path / "whole.jsonl"
    main(["check", "--batch", str(cases), "--out", str(whole), "--progress", "off"])
    # interrupted on 2 processes by a byte that is not text on line 334, fixed, resumed on 2
    good = cases.read_bytes()
    lines = good.splitlines(keepends=True)
    cases.write_bytes(b"".join(lines[:333]) + b"\xff" + b"".join(lines[333:]))
    part = tmp_path / "part.jsonl"
    main(["check", "--batch", str(cases), "--out", str(part), "--progress", "off", "--jobs", "2"])
    assert part.read_bytes().count(b"\n") == 333
    with part.open("ab") as handle:
        handle.write(b'{"line":334,"deci')  # a torn last line
    cases.write_bytes(good)
    main(["check", "--batch", str(cases), "--out", str(part), "--resume", "--progress", "off",
          "--jobs", "2"])
    assert part.read_bytes() == whole.read_bytes()


def test_audit_with_two_jobs_equals_one_job(engine: Engine, tmp_path: Path) -> None:
    decided = tmp_path / "decided.jsonl"
    with decided.open("w", encoding="utf-8") as handle:
        write_decided(synthetic_decided(engine, 1500, seed=5), handle, False)
    results = []
    for jobs in ("1", "2"):
        paths = [tmp_path / f"dev{jobs}.csv", tmp_path / f"rec{jobs}.jsonl", tmp_path / f"sum{jobs}.md"]
        main(["audit", str(decided), "--out", str(paths[0]), "--records", str(paths[1]),
              "--summary", str(paths[2]), "--progress", "off", "--jobs", jobs])
        results.append([p.read_bytes() for p in paths])
    assert results[0] == results[1]
    assert results[0][1].count(b"\n") == 1500


def _engine_item_count(block: list[int]) -> list[tuple[int, int]]:
    return [(n, len(worker_engine().catalog.benchmarks)) for n in block]


@pytest.mark.parametrize("jobs", [1, 2, 3])
def test_map_ordered_keeps_order_and_gives_workers_the_engine(engine: Engine, jobs: int) -> None:
    results = list(map_ordered(engine, _engine_item_count, iter(range(1000)), jobs=jobs, chunk=7))
    assert [n for n, _ in results] == list(range(1000))
    assert {count for _, count in results} == {len(engine.catalog.benchmarks)}


def _worker_pid(block: list[int]) -> list[tuple[int, int]]:
    import os

    return [(key, os.getpid()) for key in block]


def test_map_ordered_sends_items_with_the_same_affinity_to_the_same_worker(engine: Engine) -> None:
    keys = [n % 6 for n in range(600)]  # six items; integers hash to themselves: 3 per lane
    results = list(map_ordered(engine, _worker_pid, iter(keys), jobs=2, chunk=50,
                               affinity=lambda key: key))
    assert [key for key, _ in results] == keys
    workers: dict[int, set[int]] = {}
    for key, pid in results:
        workers.setdefault(key, set()).add(pid)
    assert all(len(pids) == 1 for pids in workers.values())
    assert len({pid for _, pid in results}) == 2


@given(st.lists(st.integers(0, 5), max_size=300), st.integers(1, 4), st.booleans())
def test_split_block_places_every_item_once_and_keeps_lanes_balanced(
        block: list[int], lanes: int, by_affinity: bool) -> None:
    parts, where = split_block(block, lanes, (lambda n: n) if by_affinity else None)
    assert len(parts) == lanes
    assert [parts[lane][position] for lane, position in where] == block
    assert sorted(position for lane, position in where) == sorted(
        p for part in parts for p in range(len(part)))
    even = -(-len(block) // lanes)
    assert all(len(part) <= even + even // SPILL for part in parts)


def test_split_block_spills_a_frequent_item_to_the_other_lanes() -> None:
    block = [0] * 90 + [1] * 10  # item 0 would take lane 0 alone
    parts, _ = split_block(block, 2, lambda key: key)
    assert len(parts[0]) == 50 + 50 // SPILL  # full: the rest of item 0 spills to lane 1
    assert parts[0] == [0] * len(parts[0])
    assert sorted(parts[1]) == [0] * (90 - len(parts[0])) + [1] * 10


def test_record_key_is_the_item_or_citation_of_a_record() -> None:
    assert record_key(Record(1, {"item": "X-1"})) == "X-1"
    assert record_key(Record(1, {"item": ["X-1", "X-2"]})) == record_key(Record(2, {"item": ["X-1", "X-2"]}))
    assert record_key(Record(1, {"citation": {"law": "L", "article": 3}})) != record_key(Record(1, {}))
    assert record_key(Record(1, None, "unreadable")) is None


def test_ruleset_group_routes_the_items_of_one_ruleset_together(engine: Engine) -> None:
    """--jobs N routes records by the ruleset deciding their item, so that each worker builds
    only its own rulesets: consecutive ids share a group, unknown keys pass through."""
    from discretion.engine.matcher import GROUP_SIZE

    ids = sorted(engine.catalog.benchmarks)
    groups = [engine.ruleset_group(item_id) for item_id in ids]
    assert groups == [index // GROUP_SIZE for index in range(len(ids))]
    assert engine.ruleset_group("NOT-AN-ITEM") == "NOT-AN-ITEM"
    assert engine.ruleset_group(None) is None


def _failing_input() -> Any:
    yield from range(25)
    raise OSError("the input broke")


@pytest.mark.parametrize("jobs", [1, 2])
def test_what_was_read_before_the_input_fails_comes_out_first(engine: Engine, jobs: int) -> None:
    results = map_ordered(engine, _engine_item_count, _failing_input(), jobs=jobs, chunk=10)
    got = []
    with pytest.raises(OSError, match="the input broke"):
        for number, _count in results:
            got.append(number)
    assert got == list(range(25))


def test_jobs_zero_means_every_core() -> None:
    assert jobs_for(0) >= 1
    assert jobs_for(3) == 3


@pytest.mark.parametrize("value", ["-1", "two", "1.5"])
def test_bad_jobs_value_is_a_usage_error(value: str, capsys: pytest.CaptureFixture[str]) -> None:
    assert main(["check", "--batch", "x.jsonl", "--jobs", value]) == 2
    assert "whole number of processes" in capsys.readouterr().err


def test_jobs_without_batch_is_a_usage_error(capsys: pytest.CaptureFixture[str]) -> None:
    root = Path(__file__).resolve().parents[1]
    assert main(["check", str(root / "examples" / "overdue-fine.yaml"), "--jobs", "2"]) == 2
    assert "--jobs" in capsys.readouterr().err


def _fail_on_seventeen(block: list[int]) -> list[int]:
    if 17 in block:
        raise ValueError("seventeen")
    return block


def test_a_failing_chunk_stops_the_run_with_its_error(engine: Engine) -> None:
    # blocks of chunk x jobs = 10: the first block comes through, the second fails
    results = map_ordered(engine, _fail_on_seventeen, iter(range(100)), jobs=2, chunk=5)
    assert [next(results) for _ in range(10)] == list(range(10))
    with pytest.raises(ValueError, match="seventeen"):
        list(results)


def test_closing_the_results_early_stops_the_workers(engine: Engine) -> None:
    """A reader that stops (a closed pipe, an interrupted run) does not wait for the rest."""
    results = map_ordered(engine, _engine_item_count, iter(range(100_000)), jobs=2, chunk=10)
    assert [n for n, _ in (next(results) for _ in range(25))] == list(range(25))
    results.close()
