"""Several processes (``--jobs``): the same output, byte for byte and in order, as one process."""

from __future__ import annotations

import datetime as dt
import json
from pathlib import Path

import pytest

from discretion import Engine
from discretion.audit import synthetic_decided, write_decided
from discretion.cli import main
from discretion.parallel import jobs_for, map_ordered, worker_engine


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
    part = tmp_path / "part.jsonl"
    kept = whole.read_bytes().split(b"\n")[:333]
    part.write_bytes(b"\n".join(kept) + b"\n" + b'{"line":334,"deci')  # a torn last line
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


def _fail_on_seven(block: list[int]) -> list[int]:
    if 7 in block:
        raise ValueError("seven")
    return block


def test_a_failing_chunk_stops_the_run_with_its_error(engine: Engine) -> None:
    results = map_ordered(engine, _fail_on_seven, iter(range(100)), jobs=2, chunk=5)
    assert [next(results) for _ in range(5)] == [0, 1, 2, 3, 4]
    with pytest.raises(ValueError, match="seven"):
        list(results)


def test_closing_the_results_early_stops_the_workers(engine: Engine) -> None:
    """A reader that stops (a closed pipe, an interrupted run) does not wait for the rest."""
    results = map_ordered(engine, _engine_item_count, iter(range(100_000)), jobs=2, chunk=10)
    assert [n for n, _ in (next(results) for _ in range(25))] == list(range(25))
    results.close()
