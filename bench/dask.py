"""The supervision audit on one process, on ``--jobs 2`` and on Dask, side by side.

    python -m bench.dask                       # 1,370,000 synthetic decided cases (the Lishui year)
    python -m bench.dask --records 200000      # a shorter run
    python -m bench.dask --decided DECIDED.csv # an input of your own

runs ``discretion audit DECIDED --out DEV.csv --summary SUMMARY.md`` four ways, one after the
other on the same machine: one process, ``--jobs 2``, ``--dask local:1`` and ``--dask local:2``
(a local cluster of that many worker processes, started by the command). For each it prints
the wall time, records a second, and the peak memory of the largest process the command ran
(its own or a worker's: ``RUSAGE_CHILDREN`` of a wrapper process, which waits for them all),
then the scaling of ``local:2`` over ``local:1``, ``local:2`` against ``--jobs 2``, and the
records a worker decides in an hour, for docs/scaling.md's sizing table. Every run's
deviations CSV and summary must be byte-identical to the one-process run's, or the bench
stops.

The synthetic input is made once (``python -m discretion.testing.synthetic synth``, a fixed
seed) and kept in the system's temporary folder.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass
from pathlib import Path

RUNS = (("one process", ["--jobs", "1"]), ("--jobs 2", ["--jobs", "2"]),
        ("--dask local:1", ["--dask", "local:1"]), ("--dask local:2", ["--dask", "local:2"]))

# Runs a command and prints, as JSON on its last line, the peak RSS of the largest process it
# waited for (the command, and through it every process the command waited for).
WRAPPER = """
import json, resource, subprocess, sys
done = subprocess.run(sys.argv[1:], stdout=subprocess.DEVNULL)
peak = resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss
print(json.dumps({"code": done.returncode, "peak_kb": peak}))
"""


def synthetic(records: int) -> Path:
    path = Path(tempfile.gettempdir()) / f"discretion-bench-decided-{records}.csv"
    if not path.exists():
        print(f"making {records:,} synthetic decided cases in {path} ...", file=sys.stderr)
        partial = path.with_name(path.stem + ".partial.csv")  # synth writes CSV for .csv
        subprocess.run([sys.executable, "-m", "discretion.testing.synthetic", "synth", str(partial),
                        "--count", str(records)], check=True)
        partial.replace(path)
    return path


def digest(path: Path) -> str:
    sha = hashlib.sha256()
    with open(path, "rb") as handle:
        while block := handle.read(1 << 20):
            sha.update(block)
    return sha.hexdigest()


@dataclass
class Run:
    name: str
    wall: float
    peak_mb: float
    output: str  # sha256 of the deviations CSV and of the summary


def run(decided: Path, folder: Path, name: str, options: list[str]) -> Run:
    out, summary = folder / "dev.csv", folder / "summary.md"
    command = [sys.executable, "-m", "discretion", "audit", str(decided), "--out", str(out),
               "--summary", str(summary), "--progress", "off", *options]
    start = time.perf_counter()
    done = subprocess.run([sys.executable, "-c", WRAPPER, *command], check=True,
                          capture_output=True, text=True)
    wall = time.perf_counter() - start
    result = json.loads(done.stdout.strip().splitlines()[-1])
    if result["code"] not in (0, 1):
        raise SystemExit(f"{name}: the audit failed (exit {result['code']})")
    return Run(name, wall, result["peak_kb"] / 1024, digest(out) + digest(summary))


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.dask")
    parser.add_argument("--records", type=int, default=1_370_000)
    parser.add_argument("--decided", help="a decided-cases CSV or JSON Lines file to audit")
    args = parser.parse_args()
    decided = Path(args.decided) if args.decided else synthetic(args.records)
    with open(decided, "rb") as handle:
        records = sum(1 for _ in handle) - (1 if decided.suffix.lower() == ".csv" else 0)
    print(f"audit of {records:,} decided cases ({decided.stat().st_size / 2**20:,.0f} MB)")
    results = []
    with tempfile.TemporaryDirectory() as temporary:
        for number, (name, options) in enumerate(RUNS):
            folder = Path(temporary) / str(number)
            folder.mkdir()
            result = run(decided, folder, name, options)
            results.append(result)
            print(f"  {name:16} {result.wall:7.1f} s  {records / result.wall:9,.0f} "
                  f"records/s  largest process {result.peak_mb:5.0f} MB", flush=True)
            if result.output != results[0].output:
                raise SystemExit(f"{name}: the deviations CSV or summary differs from one "
                                 f"process's")
    by = {r.name: r.wall for r in results}
    speedup = by["--dask local:1"] / by["--dask local:2"]
    print(f"local:2 is {speedup:.2f}x local:1 (scaling efficiency {speedup / 2:.0%}; target "
          f">= 1.7x); local:2 takes {by['--dask local:2'] / by['--jobs 2'] - 1:+.1%} the time "
          f"of --jobs 2 (target within 15 %)")
    per_hour = records / (by["--dask local:2"] * 2) * 3600
    print(f"a worker audits {per_hour / 1e6:.1f} million records an hour (local:2); one "
          f"process {records / by['one process'] * 3600 / 1e6:.1f} million")
    print("outputs: byte-identical in all four runs")


if __name__ == "__main__":
    main()
