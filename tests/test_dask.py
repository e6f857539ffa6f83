"""``--dask``: ``check --batch`` and ``audit`` on a real Dask cluster (a ``LocalCluster`` of two
worker processes) write byte for byte what one process writes, also when a worker is killed
mid-run; a worker with another catalog or other code refuses."""

from __future__ import annotations

import datetime as dt
import json
import os
import signal
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytest.importorskip("distributed")

from distributed import Client, LocalCluster

from discretion import Catalog, Engine
from discretion.cli import main
from discretion.errors import DiscretionError
from discretion.runs import dask as dask_run
from discretion.runs.dask import (
    ShippedCatalog,
    WorkerRefused,
    check_scheduler,
    dask_batch,
    scan_block,
    worker_engine,
)
from discretion.testing.synthetic import synthetic_decided, write_decided

ROOT = Path(__file__).resolve().parent.parent


@pytest.fixture(scope="module")
def engine() -> Engine:
    return Engine(today=dt.date(2023, 1, 1))


@pytest.fixture(scope="module")
def cluster() -> Iterator[str]:
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as local:
        yield local.scheduler_address


@pytest.fixture(autouse=True)
def small_blocks(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setattr(dask_run, "BLOCK_SIZE", 8 * 1024)  # many blocks from a small input


def _cases(engine: Engine, count: int) -> list[str]:
    """JSON lines of synthetic cases, with bad records and blank lines mixed in."""
    lines = []
    for number, decided in enumerate(synthetic_decided(engine, count, seed=17)):
        case = {k: v for k, v in decided.items() if k != "decided"}
        lines.append(json.dumps(case, ensure_ascii=False))
        if number % 97 == 5:
            lines.append("{not json")
        if number % 89 == 7:
            lines.append(json.dumps(dict(case, party={"kind": "individual", "age": -3})))
        if number % 101 == 3:
            lines.append("")
    return lines


def _decided(engine: Engine, path: Path, count: int) -> None:
    names = {f.name for item in engine.catalog.benchmarks.values() for f in item.facts}
    with open(path, "w", encoding="utf-8", newline="") as out:
        write_decided(synthetic_decided(engine, count, 23), out,
                      path.suffix == ".csv", names)


def _batch(args: list[str]) -> int:
    return main(["check", "--batch", *args, "--progress", "off"])


def test_batch_jsonl_on_the_cluster_is_one_process_byte_for_byte(
        engine: Engine, cluster: str, tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(_cases(engine, 600)) + "\n", encoding="utf-8")
    one, many = tmp_path / "one.jsonl", tmp_path / "many.jsonl"
    assert _batch([str(cases), "--out", str(one), "--on", "2023-01-01"]) == 1  # bad records
    assert _batch([str(cases), "--out", str(many), "--on", "2023-01-01",
                   "--dask", cluster]) == 1
    assert cases.stat().st_size > 10 * dask_run.BLOCK_SIZE  # the run had many blocks
    assert many.read_bytes() == one.read_bytes()
    side = json.loads((tmp_path / "many.jsonl.run.json").read_text(encoding="utf-8"))
    assert side["complete"] is True and side["dask"] == cluster


def test_batch_gb18030_csv_decided_by_a_late_line(engine: Engine, cluster: str,
                                                  tmp_path: Path) -> None:
    """--encoding auto: the first line that is not ASCII comes blocks after the start, and
    decides for every block after it, as in one process."""
    names = {f.name for item in engine.catalog.benchmarks.values() for f in item.facts}
    text = tmp_path / "decided.csv"
    with open(text, "w", encoding="utf-8", newline="") as out:
        write_decided(synthetic_decided(engine, 300, 5), out, True, names)
    rows = text.read_text(encoding="utf-8").splitlines(keepends=True)
    assert rows[0].startswith("reference,") and all(row.isascii() for row in rows)
    # the references of the last 100 rows in Chinese: their first is the line that decides
    rows[-100:] = ["浙丽" + row for row in rows[-100:]]
    cases = tmp_path / "cases.csv"
    cases.write_bytes("".join(rows).encode("gb18030"))
    assert len("".join(rows[:-100]).encode()) > 4 * dask_run.BLOCK_SIZE
    one, many = tmp_path / "one.jsonl", tmp_path / "many.jsonl"
    first = _batch([str(cases), "--out", str(one)])
    assert _batch([str(cases), "--out", str(many), "--dask", cluster]) == first
    assert many.read_bytes() == one.read_bytes()


def test_audit_on_the_cluster_is_one_process_byte_for_byte(
        engine: Engine, cluster: str, tmp_path: Path) -> None:
    decided = tmp_path / "decided.csv"
    _decided(engine, decided, 900)
    outputs = {}
    for name, extra in (("one", []), ("many", ["--dask", cluster])):
        folder = tmp_path / name
        folder.mkdir()
        code = main(["audit", str(decided), "--out", str(folder / "dev.csv"),
                     "--summary", str(folder / "summary.md"), "--chart",
                     str(folder / "chart.png"), "--records", str(folder / "records.jsonl"),
                     "--progress", "off", *extra])
        outputs[name] = (code, {p.name: p.read_bytes() for p in folder.iterdir()})
    assert outputs["many"] == outputs["one"]
    assert outputs["one"][1]["dev.csv"].startswith(b"\xef\xbb\xbf")


def test_audit_jsonl_to_stdout(engine: Engine, cluster: str, tmp_path: Path,
                               capfdbinary: pytest.CaptureFixture[bytes]) -> None:
    decided = tmp_path / "decided.jsonl"
    _decided(engine, decided, 300)
    main(["audit", str(decided), "--progress", "off"])
    one = capfdbinary.readouterr().out
    main(["audit", str(decided), "--progress", "off", "--dask", cluster])
    assert capfdbinary.readouterr().out == one


class _KillingSink:
    """An output that kills a worker process of the cluster when the first block is written,
    while the other blocks are being decided."""

    def __init__(self, client: Client) -> None:
        self.client, self.data, self.killed = client, bytearray(), 0

    def write(self, data: bytes) -> int:
        if not self.killed:
            pids = self.client.run(os.getpid)
            os.kill(pids[sorted(pids)[0]], signal.SIGKILL)
            self.killed = pids[sorted(pids)[0]]
        self.data += data
        return len(data)

    def flush(self) -> None:
        pass

    def close(self) -> None:
        pass


def test_a_killed_worker_costs_a_retry_not_the_run(engine: Engine, tmp_path: Path) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(_cases(engine, 1200)) + "\n", encoding="utf-8")
    one = tmp_path / "one.jsonl"
    _batch([str(cases), "--out", str(one), "--on", "2023-01-01"])
    with LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                      dashboard_address=":0") as local, Client(local) as watcher:
        sink = _KillingSink(watcher)
        stats = dask_batch(engine.catalog, str(cases), sink, scheduler=local.scheduler_address,
                           on=dt.date(2023, 1, 1), blocksize=4 * 1024)
        assert sink.killed and os.getpid() != sink.killed
        assert sink.killed not in watcher.run(os.getpid).values()  # a new worker took its place
    assert bytes(sink.data) == one.read_bytes()
    assert stats.records == len(one.read_bytes().splitlines())


def test_local_n_starts_a_cluster_for_the_run(engine: Engine, tmp_path: Path) -> None:
    """The command as a user runs it: ``--dask local:2`` in a process of its own."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(_cases(engine, 200)) + "\n", encoding="utf-8")
    one, many = tmp_path / "one.jsonl", tmp_path / "many.jsonl"
    _batch([str(cases), "--out", str(one)])
    done = subprocess.run([sys.executable, "-m", "discretion", "check", "--batch", str(cases),
                           "--out", str(many), "--dask", "local:2", "--progress", "on"],
                          capture_output=True, text=True, timeout=300)
    assert done.returncode == 1, done.stderr
    assert many.read_bytes() == one.read_bytes()
    assert "Traceback" not in done.stderr and "case/s" in done.stderr  # the progress bar


@pytest.mark.parametrize(("extra", "said"), [
    (["--jobs", "2"], "--jobs and --dask"),
    (["--resume", "--out", "OUT"], "--resume does not go with --dask"),
])
def test_options_dask_cannot_serve(engine: Engine, tmp_path: Path, extra: list[str], said: str,
                                   capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(_cases(engine, 5)) + "\n", encoding="utf-8")
    extra = [str(tmp_path / "o.jsonl") if e == "OUT" else e for e in extra]
    assert _batch([str(cases), "--dask", "local:1", *extra]) == 2
    assert said in capsys.readouterr().err


def test_inputs_dask_cannot_read(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    assert _batch(["-", "--dask", "local:1"]) == 2
    assert "standard input" in capsys.readouterr().err
    book = tmp_path / "cases.xlsx"
    from openpyxl import Workbook

    sheet = Workbook()
    sheet.save(book)
    assert main(["audit", str(book), "--dask", "local:1", "--progress", "off"]) == 2
    assert "save it as CSV" in capsys.readouterr().err
    starred = tmp_path / "cases[1].jsonl"
    starred.write_text("{}\n", encoding="utf-8")
    assert _batch([str(starred), "--dask", "local:1"]) == 2
    assert "pattern" in capsys.readouterr().err


@pytest.mark.parametrize("value", ["local:0", "local:x", "8786", "tcp://", "host:8786"])
def test_a_scheduler_is_an_address_or_local_n(value: str,
                                              capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(ValueError, match="local:N"):
        check_scheduler(value)
    assert _batch(["x.jsonl", "--dask", value]) == 2
    assert "--dask" in capsys.readouterr().err


def test_a_csv_row_across_lines_is_refused_with_its_line(engine: Engine, cluster: str,
                                                          tmp_path: Path,
                                                          capsys: pytest.CaptureFixture[str]) -> None:
    decided = tmp_path / "decided.csv"
    _decided(engine, decided, 50)
    rows = decided.read_text(encoding="utf-8").splitlines(keepends=True)
    header = next(iter(__import__("csv").reader([rows[0]])))
    cells = next(iter(__import__("csv").reader([rows[5]])))
    cells[header.index("reference")] = "first\nsecond"
    import csv
    import io

    text = io.StringIO()
    csv.writer(text, lineterminator="\n").writerow(cells)
    rows[5] = text.getvalue()
    decided.write_text("".join(rows), encoding="utf-8")
    assert main(["audit", str(decided), "--progress", "off", "--dask", cluster]) == 1
    err = capsys.readouterr().err
    assert f"{decided}:6" in err and "odd number of quotes" in err and "Traceback" not in err


def test_the_scan_counts_lines_as_the_reader_does() -> None:
    found = scan_block(b"\xef\xbb\xbfa\r\nb\rc\n\n\"x\n", csv=True, starts_file=True)
    assert (found.lines, found.filled, found.decides, found.odd_quotes) == (5, 4, "utf-8", 4)
    later = scan_block(b"ab\n" + "案".encode("gb18030") + b"\n", csv=False, starts_file=False)
    assert (later.lines, later.decides, later.odd_quotes) == (2, "gb18030", None)


def test_a_worker_refuses_other_code_or_another_catalog(tmp_path: Path) -> None:
    catalog = Catalog.load()
    shipped = ShippedCatalog.of(catalog)
    other_code = ShippedCatalog(shipped.sha256, "0" * 64, shipped.folders, shipped.files)
    with pytest.raises(WorkerRefused, match="other code"):
        worker_engine(other_code, None)
    files = dict(shipped.files)
    files["manifest.yaml"] = files["manifest.yaml"] + b"\n# edited\n"
    edited = ShippedCatalog(shipped.sha256, shipped.code, shipped.folders, files)
    with pytest.raises(WorkerRefused, match="sha256"):
        worker_engine(edited, None)
    assert worker_engine(shipped, None).catalog.sha256 == catalog.sha256


def test_a_client_with_other_code_is_refused_by_the_workers(
        engine: Engine, cluster: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
        capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.jsonl"
    cases.write_text("\n".join(_cases(engine, 20)) + "\n", encoding="utf-8")
    monkeypatch.setattr(dask_run, "_fingerprint", ["f" * 64])
    assert _batch([str(cases), "--out", str(tmp_path / "o.jsonl"), "--dask", cluster]) == 1
    err = capsys.readouterr().err
    assert "runs other code than the client" in err and "Traceback" not in err


def test_errors_keep_their_problems_across_processes() -> None:
    import pickle

    error = WorkerRefused("x")
    again: Any = pickle.loads(pickle.dumps(error))
    assert isinstance(again, DiscretionError) and again.problems == error.problems
