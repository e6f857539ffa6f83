"""Load test of ``discretion serve``: concurrent clients for a fixed time, with 1 and 2 workers,
side by side with in-process ``Engine.evaluate`` on the same cases.

    python -m bench.service                  # 20 s per run
    python -m bench.service --seconds 5      # quicker
    python -m bench.service --rate 200 --clients 32 --workers 1 2

For each worker count the server is started as a user starts it (``python -m discretion serve
--workers N`` on 127.0.0.1, a free port), waited for (``/healthz``) and warmed up (every case
decided once, so that both workers' caches hold what a long-running service's hold); then:

- **fixed rate**: ``POST /v1/decisions`` at ``--rate`` requests a second for ``--seconds``,
  open loop: request *i* is sent at start + *i*/rate whatever the answers before it did, and its
  latency counts from that moment (so a slow answer delays no later request's clock and is not
  hidden: no coordinated omission), on the first idle of ``--clients`` keep-alive connections;
- **saturation**: ``--clients`` clients each sending its next request as soon as the last is
  answered, for ``--seconds``: the most the server answers on this machine;
- **batch**: every case in one ``POST /v1/decisions:batch`` (its rate is lines a second, its
  latency the whole request's).

Every answer must be 200 with a decision; anything else (another status, a refused or broken
connection, a client timeout) is counted as an error. The client runs on the same machine (2
cores here): it takes CPU from the workers, most of all at saturation. Results as a Markdown
table (bench/README.md, "The HTTP service").
"""

from __future__ import annotations

import argparse
import asyncio
import json
import os
import signal
import socket
import statistics
import subprocess
import sys
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx

ROOT = Path(__file__).resolve().parents[1]
TARGET_RATE = 200.0
TARGET_P99_MS = 20.0


@dataclass
class Run:
    name: str
    seconds: float
    latencies: list[float] = field(default_factory=list)  # seconds, answered requests
    errors: int = 0

    def row(self) -> str:
        done = len(self.latencies)
        p50, p99 = percentile(self.latencies, 50), percentile(self.latencies, 99)
        return (f"| {self.name} | {done + self.errors:,} | {done / self.seconds:,.0f} | "
                f"{p50 * 1000:.2f} | {p99 * 1000:.2f} | {max(self.latencies, default=0) * 1000:.1f} "
                f"| {self.errors} |")


def percentile(values: list[float], p: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(len(ordered) * p / 100))]


def bodies(count: int) -> tuple[list[dict[str, Any]], list[bytes]]:
    from bench.__main__ import generate_cases
    from discretion import Engine

    cases = generate_cases(Engine(), count)
    return cases, [json.dumps(case, default=str, ensure_ascii=False).encode() for case in cases]


def in_process(cases: list[dict[str, Any]], seconds: float) -> tuple[Run, Run]:
    """``Engine.evaluate`` on the same cases, one at a time, every cache warm; and the same with
    the JSON the service answers (the decision contract and its text)."""
    from discretion import Engine
    from discretion.service.app import decision_bytes

    engine = Engine()
    engine.prepare()
    for case in cases:  # as warm as the warmed-up server
        engine.evaluate(case)
    runs = []
    for name, work in (("in-process `evaluate`", engine.evaluate),
                       ("in-process `evaluate` + JSON with text",
                        lambda case: decision_bytes(engine.evaluate(case)))):
        run = Run(name, seconds)
        start = time.perf_counter()
        index = 0
        while time.perf_counter() - start < seconds:
            begin = time.perf_counter()
            work(cases[index % len(cases)])
            run.latencies.append(time.perf_counter() - begin)
            index += 1
        run.seconds = time.perf_counter() - start
        runs.append(run)
    return runs[0], runs[1]


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def start_server(workers: int) -> tuple[subprocess.Popen[bytes], str]:
    port = free_port()
    process = subprocess.Popen(
        [sys.executable, "-m", "discretion", "serve", "--port", str(port), "--workers",
         str(workers)], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, cwd=ROOT)
    base = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 180
    with httpx.Client(base_url=base, timeout=10) as client:
        while time.monotonic() < deadline:
            if process.poll() is not None:
                raise SystemExit(f"discretion serve --workers {workers} exited with "
                                 f"{process.returncode}")
            try:
                if client.get("/healthz").status_code == 200:
                    return process, base
            except httpx.TransportError:
                pass
            time.sleep(0.2)
    process.kill()
    raise SystemExit("discretion serve did not start within 180 s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    process.send_signal(signal.SIGINT)
    try:
        process.wait(60)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait()


class Connection:
    """One keep-alive HTTP/1.1 connection sending ``POST /v1/decisions``.

    The load is sent over plain asyncio streams rather than through an HTTP client library:
    on a machine of two cores the client's own time per request is taken from the server's,
    and httpx spends about a millisecond of CPU on each (more than the server's whole answer),
    which would be measured as server latency. This writes the request and reads the status
    line, the headers and ``Content-Length`` bytes of body; anything else is an error."""

    def __init__(self, host: str, port: int) -> None:
        self.host, self.port = host, port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def post(self, body: bytes) -> bool:
        try:
            if self.writer is None:
                self.reader, self.writer = await asyncio.open_connection(self.host, self.port)
            assert self.reader is not None
            self.writer.write(b"POST /v1/decisions HTTP/1.1\r\nHost: %b\r\nContent-Type: "
                              b"application/json\r\nContent-Length: %d\r\n\r\n%b"
                              % (self.host.encode(), len(body), body))
            head = await asyncio.wait_for(self.reader.readuntil(b"\r\n\r\n"), 30)
            length = next(int(line.split(b":", 1)[1]) for line in head.split(b"\r\n")
                          if line.lower().startswith(b"content-length:"))
            answer = await asyncio.wait_for(self.reader.readexactly(length), 30)
        except (OSError, asyncio.IncompleteReadError, asyncio.LimitOverrunError,
                TimeoutError, StopIteration, ValueError):
            self.close()
            return False
        return head.startswith(b"HTTP/1.1 200 ") and answer.startswith(b'{"outcome"')

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()
        self.reader = self.writer = None


def _address(base: str) -> tuple[str, int]:
    host, port = base.removeprefix("http://").rsplit(":", 1)
    return host, int(port)


async def warm_up(base: str, payloads: list[bytes], clients: int) -> int:
    """Every case twice, over every connection (so that each worker sees most cases): returns
    the errors (there should be none: a warm-up error is a bug the figures must not hide)."""
    queue = list(payloads) * 2
    errors = 0

    async def worker() -> None:
        nonlocal errors
        connection = Connection(*_address(base))
        while queue:
            if not await connection.post(queue.pop()):
                errors += 1
        connection.close()

    await asyncio.gather(*(worker() for _ in range(clients)))
    return errors


async def fixed_rate(base: str, payloads: list[bytes], rate: float, seconds: float,
                     clients: int, name: str) -> Run:
    """Open loop: request i at start + i/rate, on the first idle of ``clients`` connections;
    its latency counts from its moment, waiting for a connection included."""
    run = Run(name, seconds)
    idle: asyncio.Queue[Connection] = asyncio.Queue()
    for _ in range(clients):
        idle.put_nowait(Connection(*_address(base)))
    loop = asyncio.get_running_loop()
    start = loop.time() + 0.2
    total = int(rate * seconds)

    async def one(index: int) -> None:
        scheduled = start + index / rate
        delay = scheduled - loop.time()
        if delay > 0:
            await asyncio.sleep(delay)
        connection = await idle.get()
        ok = await connection.post(payloads[index % len(payloads)])
        idle.put_nowait(connection)
        if ok:
            run.latencies.append(loop.time() - scheduled)
        else:
            run.errors += 1

    tasks = [asyncio.create_task(one(index)) for index in range(total)]
    await asyncio.gather(*tasks)
    while not idle.empty():
        idle.get_nowait().close()
    return run


async def saturation(base: str, payloads: list[bytes], seconds: float, clients: int,
                     name: str) -> Run:
    """Closed loop: ``clients`` connections, each sending its next request on an answer."""
    run = Run(name, seconds)
    loop = asyncio.get_running_loop()
    end = loop.time() + seconds
    counter = iter(range(10**12))

    async def worker() -> None:
        connection = Connection(*_address(base))
        while loop.time() < end:
            begin = loop.time()
            if await connection.post(payloads[next(counter) % len(payloads)]):
                run.latencies.append(loop.time() - begin)
            else:
                run.errors += 1
        connection.close()

    began = loop.time()
    await asyncio.gather(*(worker() for _ in range(clients)))
    run.seconds = loop.time() - began
    return run


def batch(base: str, payloads: list[bytes], name: str) -> Run:
    """Every case in one ``POST /v1/decisions:batch``, read as it streams; the row's latency
    is the whole request's."""
    run = Run(name, 0.0)
    begin = time.perf_counter()
    with httpx.Client(base_url=base, timeout=600) as client, client.stream(
            "POST", "/v1/decisions:batch", content=b"\n".join(payloads)) as response:
        lines = [line for line in response.iter_lines() if line]
    run.seconds = time.perf_counter() - begin
    decided = sum(1 for line in lines if line.startswith('{"line":') and '"decision":' in line[:30])
    run.errors = len(payloads) - decided
    run.latencies = [run.seconds] * decided
    return run


def main() -> None:
    parser = argparse.ArgumentParser(prog="python -m bench.service", description=__doc__,
                                     formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=float, default=20.0, help="each run (default 20)")
    parser.add_argument("--rate", type=float, default=TARGET_RATE,
                        help=f"requests a second of the fixed-rate run (default {TARGET_RATE:g})")
    parser.add_argument("--clients", type=int, default=32,
                        help="connections (fixed rate) and clients (saturation) (default 32)")
    parser.add_argument("--cases", type=int, default=2000, help="distinct cases (default 2000)")
    parser.add_argument("--workers", type=int, nargs="+", default=[1, 2])
    args = parser.parse_args()

    cases, payloads = bodies(args.cases)
    print(f"# discretion serve, {args.cases} cases over every item, {os.cpu_count()} cores, "
          f"{args.seconds:g} s a run, {args.clients} connections", flush=True)
    runs = list(in_process(cases, args.seconds))
    verdicts = []
    for workers in args.workers:
        process, base = start_server(workers)
        try:
            warm_errors = asyncio.run(warm_up(base, payloads, args.clients))
            label = f"{workers} worker{'s' if workers != 1 else ''}"
            rated = asyncio.run(fixed_rate(base, payloads, args.rate, args.seconds, args.clients,
                                           f"HTTP, {label}, {args.rate:g} req/s"))
            rated.errors += warm_errors
            runs.append(rated)
            runs.append(asyncio.run(saturation(base, payloads, args.seconds, args.clients,
                                               f"HTTP, {label}, saturation ({args.clients} clients)")))
            runs.append(batch(base, payloads, f"HTTP batch, {label}: {len(payloads):,} lines "
                                              "in one request"))
            p99 = percentile(rated.latencies, 99) * 1000
            verdicts.append(f"{label} at {args.rate:g} req/s: p99 {p99:.2f} ms, {rated.errors} "
                            f"errors — target p99 < {TARGET_P99_MS:g} ms and no error: "
                            + ("met" if p99 < TARGET_P99_MS and rated.errors == 0 else "NOT met"))
        finally:
            stop_server(process)
    print()
    print("| run | requests | answered/s | p50 ms | p99 ms | max ms | errors |")
    print("|---|---:|---:|---:|---:|---:|---:|")
    for run in runs:
        print(run.row())
    print()
    for verdict in verdicts:
        print(verdict)
    print(f"(in-process mean {statistics.fmean(runs[0].latencies) * 1e6:.0f} µs a case)")


if __name__ == "__main__":
    main()
