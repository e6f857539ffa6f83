"""Reading an .xlsx workbook against the same rows as CSV, and python-calamine against openpyxl.

    python -m bench.workbooks                 # 20,000 case rows and the bundled benchmark table
    python -m bench.workbooks --rows 50000 --runs 5

Everything is measured in one run, on files the bench writes itself (a fixed seed), and given
as ratios against the CSV read in the same run, interleaved (the machines are shared and noisy):

- **case records** (``check --batch`` / ``audit`` input): the same rows as CSV read through
  ``csv.reader`` over :func:`discretion.io.textlines.open_lines` (the baseline, as the commands
  read it); as .xlsx through :func:`discretion.io.workbook.workbook_records` (openpyxl, read-only,
  streaming); and as .xlsx through python-calamine (when it can be imported), each cell made
  the same text :func:`discretion.io.workbook.cell_text` makes, and checked to give exactly the
  rows openpyxl gives;
- **the benchmark table** (``discretion import``): the bundled catalog exported as CSV and as
  .xlsx, read through :func:`discretion.tables.reader.read_tables` (openpyxl, the whole
  workbook, merged cells filled), and the workbook through python-calamine.

Peak memory of each reader is measured in a child process of its own (``VmHWM``, Linux).
"""

from __future__ import annotations

import argparse
import csv
import datetime as dt
import random
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

HEADER = ["item", "party.kind", "party.age", "occurred_on", "decided_on", "first_offense", "harm",
          "correction", "circumstances", "facts.item_count", "facts.area_m2", "reference",
          "decided.outcome", "decided.fine"]


def case_rows(count: int, seed: int = 20) -> list[list[Any]]:
    """Rows as a case-handling system exports them: text, whole numbers, decimals, dates."""
    rng = random.Random(seed)
    rows: list[list[Any]] = []
    start = dt.date(2022, 1, 1)
    for number in range(count):
        occurred = start + dt.timedelta(days=rng.randrange(700))
        rows.append([
            f"LS-SRHJ-{rng.randrange(1, 43):04d}", rng.choice(["individual", "organization"]),
            rng.randrange(18, 80), occurred, occurred + dt.timedelta(days=rng.randrange(1, 90)),
            rng.choice([True, False]), rng.choice(["none", "minor", "ordinary", "serious"]),
            rng.choice(["in_time", "overdue", "refused"]), "", rng.randrange(0, 30),
            round(rng.uniform(0.5, 120.0), 2), f"丽综执罚〔2022〕{number}号",
            rng.choice(["penalized", "not_penalized"]), rng.choice([200, 365, 1250.5, 3000]),
        ])
    return rows


def write_cases(folder: Path, rows: list[list[Any]]) -> tuple[Path, Path]:
    from openpyxl import Workbook

    from discretion.io.workbook import cell_text

    csv_path, xlsx_path = folder / "cases.csv", folder / "cases.xlsx"
    with csv_path.open("w", encoding="utf-8", newline="") as handle:
        writer = csv.writer(handle)
        writer.writerow(HEADER)
        writer.writerows([cell_text(v) for v in row] for row in rows)
    book = Workbook(write_only=True)
    sheet = book.create_sheet()
    sheet.append(HEADER)
    for row in rows:
        sheet.append(row)
    book.save(xlsx_path)
    return csv_path, xlsx_path


def write_table(folder: Path) -> tuple[Path, Path]:
    from discretion.catalog.catalog import Catalog
    from discretion.tables.export import export_table

    catalog = Catalog.load()
    csv_path, xlsx_path = folder / "table.csv", folder / "table.xlsx"
    export_table(catalog, "csv", csv_path)
    export_table(catalog, "xlsx", xlsx_path)
    return csv_path, xlsx_path


# --- the readers ----------------------------------------------------------------------------------


def read_csv_records(path: str) -> int:
    from discretion.io.textlines import open_lines

    with open_lines(path) as lines:
        return sum(1 for _ in csv.reader(lines))


def read_openpyxl_records(path: str) -> int:
    from discretion.io.workbook import workbook_records

    with workbook_records(path) as records:
        return 1 + sum(1 for _ in records)


def calamine_rows(path: str) -> Iterator[list[str]]:
    """The rows of the first sheet through python-calamine, cells as ``cell_text`` makes them,
    empty rows skipped and trailing empty cells dropped (as :mod:`discretion.io.workbook` does)."""
    from python_calamine import CalamineWorkbook

    from discretion.io.workbook import cell_text

    book = CalamineWorkbook.from_path(path)
    try:
        sheet = book.get_sheet_by_index(0)
        for values in sheet.iter_rows():
            cells = [cell_text(None if v == "" else v) for v in values]
            while cells and not cells[-1].strip():
                cells.pop()
            if cells:
                yield cells
    finally:
        book.close()


def read_calamine_records(path: str) -> int:
    return sum(1 for _ in calamine_rows(path))


def read_table(path: str) -> int:
    from discretion.tables.reader import read_tables

    main, lists = read_tables(Path(path))
    return len(main.rows) + (len(lists.rows) if lists else 0)


def read_calamine_table(path: str) -> int:
    from python_calamine import CalamineWorkbook

    book = CalamineWorkbook.from_path(path)
    try:
        return sum(len(book.get_sheet_by_name(name).to_python(skip_empty_area=False))
                   for name in book.sheet_names)
    finally:
        book.close()


READERS: dict[str, Callable[[str], int]] = {
    "csv": read_csv_records, "openpyxl": read_openpyxl_records, "calamine": read_calamine_records,
    "table": read_table, "calamine-table": read_calamine_table,
}


def calamine_available() -> bool:
    try:
        import python_calamine  # noqa: F401
    except ImportError:
        return False
    return True


def timed(read: Callable[[], int]) -> float:
    start = time.perf_counter()
    read()
    return time.perf_counter() - start


def interleaved(readers: dict[str, Callable[[], int]], runs: int) -> dict[str, float]:
    """Median seconds of each reader, run in turn ``runs`` times (all see the same load)."""
    times: dict[str, list[float]] = {name: [] for name in readers}
    for _ in range(runs):
        for name, read in readers.items():
            times[name].append(timed(read))
    return {name: statistics.median(values) for name, values in times.items()}


def peak_mb(reader: str, path: Path) -> float:
    """Peak resident memory of a child process that reads ``path`` with ``reader`` once."""
    # VmHWM, the process's own high-water mark (ru_maxrss would carry the parent's over exec)
    code = (f"import sys; sys.path[:0] = {sys.path!r}; "
            f"from bench.workbooks import READERS; READERS[{reader!r}]({str(path)!r}); "
            "print(next(l.split()[1] for l in open('/proc/self/status') if l.startswith('VmHWM')))")
    done = subprocess.run([sys.executable, "-c", code], check=True, capture_output=True, text=True)
    return int(done.stdout.split()[-1]) / 1024  # kilobytes


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.workbooks")
    parser.add_argument("--rows", type=int, default=20_000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    have_calamine = calamine_available()
    print(f"python {sys.version.split()[0]}; python-calamine "
          + ("importable" if have_calamine else "NOT importable (its figures are left out)"))
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        cases_csv, cases_xlsx = write_cases(folder, case_rows(args.rows))
        if have_calamine:
            same = list(calamine_rows(str(cases_xlsx)))
            from discretion.io.workbook import workbook_records

            with workbook_records(cases_xlsx) as records:
                theirs = [list(r.cells) for r in records]
            print(f"calamine gives the same rows as openpyxl: {same[1:] == theirs} "
                  f"({len(theirs):,} rows)")
        readers: dict[str, Callable[[], int]] = {
            "CSV (textlines + csv.reader)": lambda: read_csv_records(str(cases_csv)),
            "xlsx, openpyxl read-only (workbook.py)": lambda: read_openpyxl_records(str(cases_xlsx)),
        }
        if have_calamine:
            readers["xlsx, python-calamine"] = lambda: read_calamine_records(str(cases_xlsx))
        result = interleaved(readers, args.runs)
        base = next(iter(result.values()))
        print(f"\ncase records: {args.rows:,} rows × {len(HEADER)} columns, median of {args.runs}")
        for name, seconds in result.items():
            print(f"  {name:42} {seconds:7.3f} s  {seconds / base:6.2f}× CSV")
        memory = {"CSV": peak_mb("csv", cases_csv), "openpyxl": peak_mb("openpyxl", cases_xlsx)}
        if have_calamine:
            memory["calamine"] = peak_mb("calamine", cases_xlsx)
        print("  peak RSS of a process that reads the file once: "
              + ", ".join(f"{k} {v:.0f} MB" for k, v in memory.items()))

        table_csv, table_xlsx = write_table(folder)
        readers = {
            "CSV (read_tables)": lambda: read_table(str(table_csv)),
            "xlsx, openpyxl (read_tables)": lambda: read_table(str(table_xlsx)),
        }
        if have_calamine:
            readers["xlsx, python-calamine (both sheets)"] = lambda: read_calamine_table(str(table_xlsx))
        result = interleaved(readers, args.runs)
        base = next(iter(result.values()))
        print(f"\nbenchmark table: the bundled catalog, {read_table(str(table_csv)):,} rows, "
              f"median of {args.runs}")
        for name, seconds in result.items():
            print(f"  {name:42} {seconds:7.3f} s  {seconds / base:6.2f}× CSV")


if __name__ == "__main__":
    main()
