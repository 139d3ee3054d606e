"""What a rate-limit check costs, per process and shared between processes.

Times N checks of the in-process limiter and of the file-shared one (``parley serve``'s,
see src/parley/api/ratelimit.py) from one process, then from P processes at once on the
same file, over K distinct clients; prints microseconds per check and checks per second.

With ``--serve W`` it then starts a real ``parley serve --workers W`` on 127.0.0.1 (a
fresh SQLite database in a temporary directory) and sends 30 wrong sign-ins, each on a
new connection so the workers share them; prints how many got past the limit (the
sign-in burst is 10, refilled at 20 a minute).

    .venv/bin/python bench/load_ratelimit.py [--checks 200000] [--processes 2]
        [--clients 1000] [--serve 2]
"""

from __future__ import annotations

import argparse
import collections
import multiprocessing
import os
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

from parley.api.ratelimit import RateLimiter, Rule

RULES = {"public": Rule(per_minute=600, burst=120)}
PARLEY = Path(sys.executable).with_name("parley")


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
    parser.add_argument("--serve", type=int, default=0, metavar="WORKERS",
                        help="Also count sign-ins let through by `parley serve --workers W`.")
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

        if args.serve:
            sign_ins(Path(tmp), args.serve)


def sign_ins(workdir: Path, workers: int, attempts: int = 30) -> None:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = int(sock.getsockname()[1])
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env["PARLEY_DATA_DIR"] = str(workdir / "data")
    server = subprocess.Popen([str(PARLEY), "serve", "--port", str(port), "--workers",
                               str(workers), "--insecure-cookies"], env=env,
                              stdout=subprocess.DEVNULL, start_new_session=True)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 60
        while True:
            try:
                httpx.get(f"{base}/login", timeout=2)
                break
            except httpx.HTTPError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise SystemExit("the server did not start") from None
                time.sleep(0.3)
        codes = []
        for _ in range(attempts):
            with httpx.Client(base_url=base, timeout=30) as client:
                form = client.get("/login").text
                token = re.search(r'name="csrf_token" value="([^"]+)"', form)
                assert token is not None
                codes.append(client.post("/login", data={
                    "username": "nobody", "password": "not-the-password",
                    "csrf_token": token.group(1)}).status_code)
    finally:
        os.killpg(server.pid, signal.SIGTERM)
        server.wait(timeout=30)
    counted = collections.Counter(codes)
    print(f"parley serve --workers {workers}: {attempts} wrong sign-ins on fresh "
          f"connections: {counted[401]} let through (401), {counted[429]} refused (429)")


if __name__ == "__main__":
    main()
