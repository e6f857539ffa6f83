"""How much reading an input costs, against a baseline in the same process.

    python -m bench.reading DECIDED.csv

reads every row of a CSV file through ``csv.reader`` twice, interleaved: as the commands read
it (bytes split at line ends and decoded line by line, :mod:`discretion.io.textlines`) and through
a plain text stream (the baseline), and prints both times and their ratio. With a second file,
an ``.xlsx`` workbook holding the same rows, it also times reading the workbook
(:mod:`discretion.io.workbook`) against the CSV.
"""

from __future__ import annotations

import argparse
import csv
import statistics
import time
from collections.abc import Callable


def timed(read: Callable[[], int], runs: int) -> tuple[float, int]:
    times, count = [], 0
    for _ in range(runs):
        start = time.perf_counter()
        count = read()
        times.append(time.perf_counter() - start)
    return statistics.median(times), count


def main() -> None:
    from discretion.io.textlines import open_lines
    from discretion.io.workbook import workbook_records

    parser = argparse.ArgumentParser(prog="python -m bench.reading")
    parser.add_argument("csv", help="a CSV input")
    parser.add_argument("xlsx", nargs="?", help="an .xlsx workbook with the same rows")
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()

    def text_stream() -> int:
        with open(args.csv, encoding="utf-8-sig", newline="") as handle:
            return sum(1 for _ in csv.reader(handle))

    def lines() -> int:
        with open_lines(args.csv) as decoded:
            return sum(1 for _ in csv.reader(decoded))

    base, ours = [], []
    for _ in range(args.runs):  # interleaved, so both see the same machine load
        base.append(timed(text_stream, 1))
        ours.append(timed(lines, 1))
    b, rows = statistics.median(t for t, _ in base), base[0][1]
    o = statistics.median(t for t, _ in ours)
    print(f"{rows:,} rows: text stream {b:.2f} s, decoded lines {o:.2f} s -> ratio {o / b:.2f} "
          f"({(o - b) / rows * 1e6:+.2f} us a row)")
    if args.xlsx:
        def workbook() -> int:
            with workbook_records(args.xlsx) as records:
                return 1 + sum(1 for _ in records)  # and the header

        w, count = timed(workbook, 1)
        print(f"{count:,} rows from the workbook: {w:.2f} s -> ratio {w / o:.1f} against the CSV")


if __name__ == "__main__":
    main()
