"""What a rate-limit check costs, per process and shared between processes.

Times N checks of the in-process limiter and of the file-shared one (``parley serve``'s,
see src/parley/api/ratelimit.py) from one process, then from P processes at once on the
same file, over K distinct clients; prints microseconds per check and checks per second.

    .venv/bin/python bench/load_ratelimit.py [--checks 200000] [--processes 2]
        [--clients 1000]
"""

from __future__ import annotations

import argparse
import multiprocessing
import tempfile
import time
from pathlib import Path

from parley.api.ratelimit import RateLimiter, Rule

RULES = {"public": Rule(per_minute=600, burst=120)}


def run(path: str | None, checks: int, clients: int, start: object | None = None) -> float:
    limiter = RateLimiter(RULES, path=Path(path) if path else None)
    names = [f"198.51.{i // 250}.{i % 250}" for i in range(clients)]
    if start is not None:
        start.wait()  # type: ignore[attr-defined]
    began = time.perf_counter()
    for i in range(checks):
        limiter.check("public", names[i % clients])
    spent = time.perf_counter() - began
    limiter.close()
    return spent


def _worker(path: str, checks: int, clients: int, start: object, out: object) -> None:
    out.put(run(path, checks, clients, start))  # type: ignore[attr-defined]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--checks", type=int, default=200_000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--clients", type=int, default=1000)
    args = parser.parse_args()
    with tempfile.TemporaryDirectory(prefix="parley-ratelimit-") as tmp:
        path = str(Path(tmp) / "ratelimits.bin")
        for label, where in (("in-process", None), ("shared file, 1 process", path)):
            spent = run(where, args.checks, args.clients)
            print(f"{label:<28} {spent / args.checks * 1e6:6.2f} µs/check  "
                  f"{args.checks / spent:10,.0f} checks/s")
        spawn = multiprocessing.get_context("spawn")
        start, out = spawn.Barrier(args.processes), spawn.Queue()
        procs = [spawn.Process(target=_worker, args=(path, args.checks, args.clients, start,
                                                     out)) for _ in range(args.processes)]
        for p in procs:
            p.start()
        spent_each = [out.get(timeout=600) for _ in procs]
        for p in procs:
            p.join()
        total = args.checks * args.processes
        wall = max(spent_each)
        print(f"shared file, {args.processes} processes    "
              f"{wall / args.checks * 1e6:6.2f} µs/check  {total / wall:10,.0f} checks/s "
              "(all processes together)")


if __name__ == "__main__":
    main()
