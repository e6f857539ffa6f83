"""Batch integrity: a hostile record costs one error line, never the run; an output names what it
was made from, so that --resume never continues another input's output nor writes a record
twice; one writer at a time; workers end with their parent."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import pytest
from hypothesis import given
from hypothesis import strategies as st

from discretion.cli import main
from discretion.runs.batch import sidecar_path

GOOD = {"item": "LS-SRHJ-0001", "party": {"kind": "individual", "age": 35},
        "occurred_on": "2022-03-01", "decided_on": "2022-05-01", "first_offense": True,
        "harm": "minor", "correction": "overdue", "facts": {"item_count": 5}}
LINE = json.dumps(GOOD, ensure_ascii=False) + "\n"
WAIT = 120.0  # seconds: the bound of every wait for another process (never a speed claim)


def run(*args: str) -> int:
    return main([*args, "--progress", "off"])


def cases_file(path: Path, count: int) -> Path:
    path.write_text("".join(json.dumps(dict(GOOD, reference=f"R{i}"), ensure_ascii=False) + "\n"
                            for i in range(count)), encoding="utf-8")
    return path


def rows(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


# --- a hostile record costs one error record ----------------------------------------------------


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_a_deeply_nested_line_costs_one_error_record(tmp_path: Path, jobs: str,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    """100,000 nested brackets made the JSON decoder raise RecursionError out of the run: no
    line written, and --resume stopped on it again. So did a number of 5,000 digits."""
    cases = tmp_path / "cases.jsonl"
    cases.write_text(LINE + "[" * 100_000 + "]" * 100_000 + "\n" + LINE
                     + '{"a": ' + '{"b": ' * 900 + "1" + "}" * 901 + "\n"
                     + '{"item": "LS-SRHJ-0001", "party": {"age": ' + "9" * 5000 + "}}\n" + LINE,
                     encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(cases), "--out", str(out), "--jobs", jobs) == 1
    result = rows(out)
    assert [row["line"] for row in result] == [1, 2, 3, 4, 5, 6]
    assert ["decision" in row for row in result] == [True, False, True, False, False, True]
    assert "nests 100000 levels" in result[1]["error"]["problems"][0]["message"]
    assert "nests 901 levels" in result[3]["error"]["problems"][0]["message"]
    assert "number that cannot be read" in result[4]["error"]["problems"][0]["message"]
    assert "6 records: 3 decided, 3 errors" in capsys.readouterr().err


def test_brackets_inside_strings_do_not_count_as_nesting() -> None:
    from discretion.io.records import json_depth, parse_json_line

    text = json.dumps(dict(GOOD, reference="[{" * 500 + '"\\"[['))
    assert json_depth(text) == 2  # the case, and its party and facts
    assert parse_json_line(1, text).case == json.loads(text)


def test_a_csv_row_the_reader_refuses_costs_one_error_record(tmp_path: Path) -> None:
    """A cell longer than the CSV reader's limit (131,072 characters) stopped the run with an
    internal error; an unclosed quote ran to the next quote, its lines read as rows."""
    header = "reference,item,party.kind,occurred_on,decided_on\n"
    row = "{},LS-SRHJ-0001,individual,2022-03-01,2022-05-01\n"
    cases = tmp_path / "cases.csv"
    cases.write_text(header + row.format("R1")
                     + "R2," + "x" * 200_000 + ",individual,2022-03-01,2022-05-01\n"
                     + row.format("R3")
                     + 'R4,"' + "y" * 200_000 + "\n" + row.format("HIDDEN") + 'z"",z",individual\n'
                     + row.format("R5"), encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(cases), "--out", str(out)) == 1
    result = rows(out)
    assert [row["line"] for row in result] == [2, 3, 4, 7, 8]
    assert [row.get("decision", {}).get("reference") for row in result] == \
        ["R1", None, "R3", None, "R5"]  # the row inside R4's quoted cell is not decided
    assert "line 3" in result[1]["error"]["problems"][0]["message"]
    assert "lines 5 to 7" in result[3]["error"]["problems"][0]["message"]


def test_a_csv_header_the_reader_refuses_is_an_input_error(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    cases = tmp_path / "cases.csv"
    cases.write_text("reference," + "x" * 200_000 + "\nR1,y\n", encoding="utf-8")
    assert run("check", "--batch", str(cases)) == 1
    err = capsys.readouterr().err
    assert f"{cases}:1" in err and "header row cannot be read" in err and "Traceback" not in err


# --- the output names its input --------------------------------------------------------------


@pytest.mark.parametrize("how", ["same", "hard link", "symbolic link"])
@pytest.mark.parametrize("resume", [False, True])
def test_out_that_is_the_input_is_refused(tmp_path: Path, how: str, resume: bool,
                                          capsys: pytest.CaptureFixture[str]) -> None:
    """`check --batch IN --out IN --resume` cut IN's last line and appended to it."""
    cases = cases_file(tmp_path / "cases.jsonl", 3)
    with cases.open("a", encoding="utf-8") as handle:
        handle.write(LINE.rstrip("\n"))  # no newline at the end: --resume cut it
    before = cases.read_bytes()
    out = cases
    if how == "hard link":
        out = tmp_path / "out.jsonl"
        os.link(cases, out)
    elif how == "symbolic link":
        out = tmp_path / "out.jsonl"
        out.symlink_to(cases)
    assert run("check", "--batch", str(cases), "--out", str(out),
               *(["--resume"] if resume else [])) == 2
    assert "is the input file" in capsys.readouterr().err
    assert cases.read_bytes() == before
    assert not sidecar_path(out).exists()


def test_out_that_standard_input_reads_is_refused(tmp_path: Path) -> None:
    out = tmp_path / "out.jsonl"
    out.write_bytes(b"")
    with out.open("rb") as stdin:
        done = subprocess.run([sys.executable, "-m", "discretion", "check", "--batch", "-",
                               "--out", str(out), "--progress", "off"], stdin=stdin,
                              capture_output=True, text=True, timeout=WAIT)
    assert done.returncode == 2 and "standard input reads" in done.stderr


def test_the_output_says_what_it_was_made_from(tmp_path: Path) -> None:
    cases = cases_file(tmp_path / "cases.jsonl", 3)
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(cases), "--out", str(out), "--on", "2023-01-01") == 0
    made = json.loads(sidecar_path(out).read_text(encoding="utf-8"))
    assert made["input"] == {"path": str(cases.resolve()), "bytes": cases.stat().st_size}
    assert made["on"] == "2023-01-01" and made["encoding"] == "auto"
    assert made["lines"] == 3 and made["complete"] is True
    assert len(made["catalog_sha256"]) == len(made["records_sha256"]) == 64
    assert out.read_bytes().count(b"\n") == 3  # the output itself is as it was


def test_resuming_another_inputs_output_is_refused_and_changes_nothing(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    first = cases_file(tmp_path / "first.jsonl", 5)
    other = tmp_path / "other.jsonl"
    other.write_text("".join(json.dumps(dict(GOOD, reference=f"X{i}")) + "\n" for i in range(8)),
                     encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(first), "--out", str(out)) == 0
    kept = out.read_bytes(), sidecar_path(out).read_bytes()
    assert run("check", "--batch", str(other), "--out", str(out), "--resume") == 2
    assert "not the records the output holds" in capsys.readouterr().err
    shorter = cases_file(tmp_path / "shorter.jsonl", 2)
    assert run("check", "--batch", str(shorter), "--out", str(out), "--resume") == 2
    assert "only 2 records" in capsys.readouterr().err
    assert run("check", "--batch", str(first), "--out", str(out), "--resume",
               "--on", "2023-01-01") == 2
    assert "--on was not given, now 2023-01-01" in capsys.readouterr().err
    assert (out.read_bytes(), sidecar_path(out).read_bytes()) == kept


def test_resuming_twice_writes_every_record_once(tmp_path: Path,
                                                 capsys: pytest.CaptureFixture[str]) -> None:
    cases = cases_file(tmp_path / "cases.jsonl", 5)
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(cases), "--out", str(out), "--resume") == 0  # nothing yet
    whole = out.read_bytes()
    for _ in range(2):
        assert run("check", "--batch", str(cases), "--out", str(out), "--resume") == 0
        assert "0 records: 0 decided, 0 errors, 5 already done" in capsys.readouterr().err
    assert out.read_bytes() == whole and whole.count(b"\n") == 5


def test_an_output_without_its_record_is_not_resumed(tmp_path: Path,
                                                     capsys: pytest.CaptureFixture[str]) -> None:
    cases = cases_file(tmp_path / "cases.jsonl", 5)
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(cases), "--out", str(out)) == 0
    sidecar_path(out).unlink()
    before = out.read_bytes()
    assert run("check", "--batch", str(cases), "--out", str(out), "--resume") == 2
    assert "no out.jsonl.run.json beside it" in capsys.readouterr().err
    assert out.read_bytes() == before


def test_an_output_cut_below_its_record_is_not_resumed(tmp_path: Path,
                                                       capsys: pytest.CaptureFixture[str]) -> None:
    cases = cases_file(tmp_path / "cases.jsonl", 5)
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(cases), "--out", str(out)) == 0
    out.write_bytes(b"".join(out.read_bytes().splitlines(keepends=True)[:2]))
    assert run("check", "--batch", str(cases), "--out", str(out), "--resume") == 2
    assert "holds 2 complete lines" in capsys.readouterr().err


def test_a_fixed_input_resumes_where_its_records_are_unchanged(tmp_path: Path) -> None:
    """The documented repair: a line that is not text stops the run; the file is fixed (here
    saved again in GB18030, every byte of the records changed) and the run resumed."""
    records = [dict(GOOD, reference=f"第{i}号") for i in range(1500)]
    text = "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)
    whole = tmp_path / "whole.jsonl"
    (tmp_path / "cases.jsonl").write_text(text, encoding="utf-8")
    assert run("check", "--batch", str(tmp_path / "cases.jsonl"), "--out", str(whole)) == 0
    lines = text.encode("utf-8").splitlines(keepends=True)
    broken = tmp_path / "broken.jsonl"
    broken.write_bytes(b"".join(lines[:1200]) + b"\xff\xfe\n" + b"".join(lines[1200:]))
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(broken), "--out", str(out)) == 1
    assert json.loads(sidecar_path(out).read_text(encoding="utf-8"))["lines"] == 1200
    fixed = tmp_path / "fixed.jsonl"
    fixed.write_bytes(text.encode("gb18030"))
    assert run("check", "--batch", str(fixed), "--out", str(out), "--resume") == 0
    assert out.read_bytes() == whole.read_bytes()


# --- one writer at a time; a killed run resumes -------------------------------------------------


def _start(args: list[str], cwd: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen([sys.executable, "-m", "discretion", "check", *args,
                             "--progress", "off"], cwd=cwd, stdin=subprocess.PIPE,
                            stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def _wait_for(condition: object, what: str) -> None:
    deadline = time.monotonic() + WAIT
    while not condition():  # type: ignore[operator]
        assert time.monotonic() < deadline, f"waited {WAIT:.0f} s for {what}"
        time.sleep(0.05)


def _sidecar_lines(out: Path) -> int:
    try:
        return int(json.loads(sidecar_path(out).read_text(encoding="utf-8"))["lines"])
    except (OSError, ValueError, KeyError):
        return -1


def _kill(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        process.kill()
    process.wait(timeout=WAIT)
    for stream in (process.stdin, process.stderr):
        if stream is not None:
            stream.close()


def test_a_second_run_on_the_same_output_is_refused_while_the_first_writes(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    """Two runs with --resume on one --out both appended: every record twice."""
    cases = cases_file(tmp_path / "cases.jsonl", 10)
    out = tmp_path / "out.jsonl"
    first = _start(["--batch", "-", "--out", str(out)], tmp_path)  # waits on its input
    try:
        assert first.stdin is not None
        first.stdin.write(cases.read_bytes())
        first.stdin.flush()
        _wait_for(lambda: _sidecar_lines(out) == 0, "the first run to take its output")
        for resume in ([], ["--resume"]):
            assert run("check", "--batch", str(cases), "--out", str(out), *resume) == 2
            assert f"another run (process {first.pid}) is writing" in capsys.readouterr().err
    finally:
        _kill(first)  # kill -9: the lock ends with the process
    assert run("check", "--batch", str(cases), "--out", str(out), "--resume") == 0
    assert [row["decision"]["reference"] for row in rows(out)] == [f"R{i}" for i in range(10)]


def test_a_run_killed_outright_resumes_to_the_output_of_one_run(tmp_path: Path) -> None:
    cases = cases_file(tmp_path / "cases.jsonl", 2500)
    whole = tmp_path / "whole.jsonl"
    assert run("check", "--batch", str(cases), "--out", str(whole)) == 0
    out = tmp_path / "out.jsonl"
    killed = _start(["--batch", "-", "--out", str(out)], tmp_path)
    try:
        assert killed.stdin is not None
        killed.stdin.write(cases.read_bytes())  # and the input stays open: the run waits
        killed.stdin.flush()
        _wait_for(lambda: _sidecar_lines(out) == 2000, "2,000 records to be written")
    finally:
        _kill(killed)
    assert out.read_bytes().count(b"\n") >= 2000  # and lines the sidecar does not vouch for
    assert run("check", "--batch", str(cases), "--out", str(out), "--resume") == 0
    assert out.read_bytes() == whole.read_bytes()


# --- workers end with their parent ----------------------------------------------------------


def _children(pid: int) -> Iterator[int]:
    for entry in os.listdir("/proc"):
        if entry.isdigit() and _state(int(entry)) not in (None, "Z") and _parent(int(entry)) == pid:
            yield int(entry)


def _stat(pid: int) -> list[str] | None:
    try:
        text = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return text[text.rindex(")") + 2:].split()


def _state(pid: int) -> str | None:
    fields = _stat(pid)
    return fields[0] if fields else None


def _parent(pid: int) -> int | None:
    fields = _stat(pid)
    return int(fields[1]) if fields else None


@pytest.mark.skipif(not Path("/proc/self/stat").exists(), reason="reads processes from /proc")
def test_workers_end_when_their_parent_is_killed(tmp_path: Path) -> None:
    """kill -9 of `check --batch --jobs 2` left both workers blocked for ever on their task
    queue; they now end with it (a zombie, waiting for its reaper, counts as ended)."""
    parent = _start(["--batch", "-", "--jobs", "2"], tmp_path)
    workers: list[int] = []
    try:
        assert parent.stdin is not None
        parent.stdin.write(LINE.encode("utf-8") * 2500)  # a block handed out; then it waits
        parent.stdin.flush()

        def started() -> bool:
            workers[:] = list(_children(parent.pid))
            return len(workers) >= 2

        _wait_for(started, "two workers")
        os.kill(parent.pid, signal.SIGKILL)
        parent.wait(timeout=WAIT)
        _wait_for(lambda: all(_state(pid) in (None, "Z") for pid in workers),
                  "the workers to end")
    finally:
        _kill(parent)
        for pid in workers:  # only if the test failed: leave nothing running
            if _state(pid) not in (None, "Z"):
                os.kill(pid, signal.SIGKILL)


# --- a line too long to hold ---------------------------------------------------------------------


@given(st.lists(st.tuples(st.integers(0, 40), st.sampled_from([b"\n", b"\r\n", b"\r"]))),
       st.integers(1, 9), st.integers(1, 20))
def test_lines_past_the_limit_are_dropped_and_counted(lines: list[tuple[int, bytes]], size: int,
                                                      limit: int) -> None:
    """Every line comes out, in order: as it was while short, as an OverlongLine of its length
    once past the limit (give or take one read), never held whole."""
    import io

    from discretion.io.textlines import OverlongLine, raw_lines

    texts = [b"x" * length + end for length, end in lines]
    data = b"".join(texts)
    got = list(raw_lines(io.BytesIO(data), size, limit=limit))
    assert len(got) == len(data.splitlines())
    for line, text in zip(got, data.splitlines(keepends=True), strict=True):
        if isinstance(line, OverlongLine):
            assert line.size == len(text) and len(text) > limit
        else:
            assert line == text and len(text) <= limit + 2 * size


def test_a_jsonl_line_too_long_to_hold_costs_one_error_record(tmp_path: Path) -> None:
    from discretion.io.textlines import CHUNK, MAX_LINE

    cases = tmp_path / "cases.jsonl"
    long = '{"item": "LS-SRHJ-0001", "reference": "' + "x" * (MAX_LINE + CHUNK * 2) + '"}\r\n'
    cases.write_text(LINE + long + LINE, encoding="utf-8", newline="")
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(cases), "--out", str(out)) == 1
    result = rows(out)
    assert [row["line"] for row in result] == [1, 2, 3]
    assert "decision" in result[0] and "decision" in result[2]
    assert f"{len(long):,} bytes long" in result[1]["error"]["problems"][0]["message"]


def test_a_csv_line_too_long_to_hold_stops_the_run_naming_it(
        tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    from discretion.io.textlines import CHUNK, MAX_LINE

    header = "reference,item,party.kind,occurred_on,decided_on\n"
    row = "R1,LS-SRHJ-0001,individual,2022-03-01,2022-05-01\n"
    cases = tmp_path / "cases.csv"
    cases.write_text(header + row + "R2," + "x" * (MAX_LINE + CHUNK * 2) + "\n" + row, encoding="utf-8")
    out = tmp_path / "out.jsonl"
    assert run("check", "--batch", str(cases), "--out", str(out)) == 1
    err = capsys.readouterr().err
    assert f"{cases}:3" in err and "bytes long" in err and "Traceback" not in err
    assert [row["line"] for row in rows(out)] == [2]  # the records before it are written
