"""Load on `parley serve` over loopback: persons' status reads and handover confirmations.

Builds an exchange (two parties each holding N/2 young soldiers of the other, all
nominated, verified, interviewed and planned into one stage), starts `parley serve` with
--workers W on 127.0.0.1, then runs C concurrent keep-alive clients:

1. reads: GET /api/v1/persons/{id}/status with the three sides' tokens in turn, for D s;
2. confirmations: POST /api/v1/stages/{id}/handover, one person per request, each with
   an Idempotency-Key, each (person, side) once, until done or D s;
3. mixed (``--phases mixed``): half the clients read while the other half confirm, so
   every read finds the status cache emptied by the last confirmation.

With ``--signed`` the parties' private keys leave the server's key directory (the server
starts without ``--all-keys-here``) and the load generator plays the parties' nodes: a
party's confirmation is answered 428 with the statement to sign, the generator signs it
with the party's key and sends it again with ``Parley-Signatures``; the server checks the
signature against the registered key (docs/protocol.md). A confirmation is then two
requests; requests/s counts confirmations.

Prints requests/s, p50 and p99 latency, errors, and the CPU per request of the server
and of the load generator (both share the machine's cores). Everything stays on
127.0.0.1; every loop is bounded in count and time.

    .venv/bin/python bench/load_status.py [--persons 400] [--clients 32] [--seconds 10]
        [--workers 2] [--database-url postgresql+psycopg://...]
        [--phases reads,confirmations | mixed] [--signed]
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
import tempfile
import time
import uuid
from collections.abc import Coroutine
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
PARLEY = Path(sys.executable).with_name("parley")


def build(directory: Path, database_url: str | None, persons: int) -> dict[str, object]:
    """The exchange, users and tokens; returns ids and tokens for the clients."""
    from tests.helpers import ACTORS, INT, RU, UA
    from tests.integration.exchange.builders import (
        ISTANBUL,
        YOUNG,
        Exchange,
        capture_cards,
        ready,
    )

    from parley.bootstrap import bootstrap
    from parley.services.exchange.agreements import load_agreement, sign_agreement
    from parley.services.exchange.stages import plan_stage
    from parley.services.people.users import add_user, create_token
    from parley.settings import Settings

    settings = Settings.for_directory(directory)
    if database_url:
        settings = Settings(database_url=database_url, key_dir=directory / "keys")
    app = bootstrap(settings)
    try:
        from tests.helpers import register_three

        register_three(app)
        half = persons // 2
        ua_people = capture_cards(app, holder=RU, births=[YOUNG] * half, tag="ua")
        ru_people = capture_cards(app, holder=UA, births=[YOUNG] * half, tag="ru")
        agreement = load_agreement(app, path=ISTANBUL, actor=ACTORS[INT])
        sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[UA])
        agreement = sign_agreement(app, agreement_id=agreement.id, actor=ACTORS[RU])
        ex = Exchange(app=app, agreement=agreement, ua_people=ua_people, ru_people=ru_people)
        ready(ex, ua_people)
        ready(ex, ru_people)
        stage = plan_stage(app, agreement_id=agreement.id, stage_date="2025-06-09",
                           capacity=persons, actor=ACTORS[INT]).stage
        tokens = {}
        for name, role, party in (("officer", "intermediary", INT),
                                  ("ua-office", "party", UA), ("ru-office", "party", RU)):
            add_user(app, username=name, role=role, party=party, actor=ACTORS[party])
            tokens[party] = create_token(app, username=name).secret
        return {"stage": stage.id, "persons": ua_people + ru_people, "tokens": tokens,
                "url": settings.database_url, "keys": str(settings.key_dir)}
    finally:
        app.close()


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def take_party_keys(world: dict[str, object]) -> dict[str, Any]:
    """Move the parties' private keys out of the server's key directory (to the load
    generator, which plays their nodes); returns actor -> (key, key id)."""
    from tests.helpers import ACTORS, RU, UA

    from parley.ledger.keys import key_id
    from parley.ledger.signing import public_key_hex, read_private_key

    keys = {}
    for party in (UA, RU):
        path = Path(str(world["keys"])) / "actors" / f"{ACTORS[party]}.pem"
        key = read_private_key(path)
        path.unlink()
        keys[ACTORS[party]] = (key, key_id(public_key_hex(key)))
    return keys


def start_server(world: dict[str, object], port: int, workers: int, *,
                 all_keys_here: bool = True) -> subprocess.Popen[bytes]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.update(PARLEY_DATABASE_URL=str(world["url"]), PARLEY_KEY_DIR=str(world["keys"]))
    flag = ["--all-keys-here"] if all_keys_here else []
    proc = subprocess.Popen([str(PARLEY), "serve", *flag, "--port", str(port),
                             "--workers", str(workers)], env=env, stdout=subprocess.DEVNULL,
                            start_new_session=True)
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        try:
            with socket.create_connection(("127.0.0.1", port), timeout=1):
                return proc
        except OSError:
            time.sleep(0.2)
    proc.kill()
    raise SystemExit("the server did not start")


class Client:
    """A minimal HTTP/1.1 keep-alive client, so the load generator costs little CPU."""

    def __init__(self, port: int) -> None:
        self.port = port
        self.reader: asyncio.StreamReader | None = None
        self.writer: asyncio.StreamWriter | None = None

    async def request(self, method: str, path: str, headers: dict[str, str],
                      body: bytes = b"") -> tuple[int, bytes]:
        if self.writer is None:
            self.reader, self.writer = await asyncio.open_connection("127.0.0.1", self.port)
        assert self.reader is not None
        head = [f"{method} {path} HTTP/1.1", f"Host: 127.0.0.1:{self.port}",
                f"Content-Length: {len(body)}"]
        head += [f"{k}: {v}" for k, v in headers.items()]
        self.writer.write(("\r\n".join(head) + "\r\n\r\n").encode() + body)
        raw = await self.reader.readuntil(b"\r\n\r\n")
        lines = raw.decode("latin-1").split("\r\n")
        status = int(lines[0].split()[1])
        length = 0
        for line in lines[1:]:
            name, _, value = line.partition(":")
            if name.lower() == "content-length":
                length = int(value)
        payload = await self.reader.readexactly(length)
        return status, payload

    def close(self) -> None:
        if self.writer is not None:
            self.writer.close()


async def warm(port: int, world: dict[str, object], clients: int) -> None:
    """Read every person once as the intermediary and once as a party (untimed), so the
    server's status cache holds each person's status in both views, in every worker."""
    persons = list(world["persons"])  # type: ignore[call-overload]
    tokens = list(world["tokens"].values())[:2]  # type: ignore[attr-defined]
    jobs = [(p, t) for t in tokens for p in persons] * 3  # each worker sees most of them

    async def worker(n: int) -> None:
        client = Client(port)
        try:
            for pid, token in jobs[n::clients]:
                await client.request("GET", f"/api/v1/persons/{pid}/status",
                                     {"Authorization": f"Bearer {token}"})
        finally:
            client.close()

    await asyncio.gather(*(worker(n) for n in range(clients)))


async def run_reads(port: int, world: dict[str, object], clients: int, seconds: float
                    ) -> tuple[list[float], int, int]:
    persons = list(world["persons"])  # type: ignore[call-overload]
    tokens = list(world["tokens"].values())  # type: ignore[attr-defined]
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds

    async def worker(n: int) -> None:
        nonlocal errors
        client = Client(port)
        i = n
        try:
            while time.monotonic() < stop:
                pid = persons[i % len(persons)]
                token = tokens[i % len(tokens)]
                i += clients
                t0 = time.perf_counter()
                status, _ = await client.request(
                    "GET", f"/api/v1/persons/{pid}/status",
                    {"Authorization": f"Bearer {token}"})
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors += 1
        finally:
            client.close()

    await asyncio.gather(*(worker(n) for n in range(clients)))
    return latencies, len(latencies), errors


def sign_prepared(answer: bytes, keys: dict[str, Any]) -> str:
    """The Parley-Signatures header for a 428 answer: each statement signed by its
    actor's key, as the party's node would."""
    from dataclasses import replace

    from parley.ledger.chain import Statement, sign_statement
    from parley.services.people.signed import SignedStatement, encode_header

    sign = json.loads(answer)["sign"]
    signed = []
    for item in sign["statements"]:
        st = Statement.from_json(item["statement"])
        key, kid = keys[st.actor]
        mine = replace(st, key_id=kid)
        signed.append(SignedStatement(mine, sign_statement(mine, key)))
    return encode_header(sign["nonce"], signed)


async def run_confirmations(port: int, world: dict[str, object], clients: int,
                            seconds: float, keys: dict[str, Any] | None = None
                            ) -> tuple[list[float], int, int]:
    persons = list(world["persons"])  # type: ignore[call-overload]
    tokens = list(world["tokens"].values())  # type: ignore[attr-defined]
    jobs = [(p, t) for t in tokens for p in persons]
    latencies: list[float] = []
    errors = 0
    stop = time.monotonic() + seconds
    queue: asyncio.Queue[tuple[str, str]] = asyncio.Queue()
    for job in jobs:
        queue.put_nowait(job)

    async def worker() -> None:
        nonlocal errors
        client = Client(port)
        try:
            while time.monotonic() < stop and not queue.empty():
                pid, token = queue.get_nowait()
                body = json.dumps({"person_ids": [pid]}).encode()
                headers = {"Authorization": f"Bearer {token}",
                           "Content-Type": "application/json",
                           "Idempotency-Key": str(uuid.uuid4())}
                path = f"/api/v1/stages/{world['stage']}/handover"
                t0 = time.perf_counter()
                status, payload = await client.request("POST", path, headers, body)
                if status == 428 and keys is not None:
                    headers["Parley-Signatures"] = sign_prepared(payload, keys)
                    status, payload = await client.request("POST", path, headers, body)
                latencies.append(time.perf_counter() - t0)
                if status != 200:
                    errors += 1
                    if errors <= 3:
                        print(f"  error {status}: {payload[:200]!r}", file=sys.stderr)
        finally:
            client.close()

    await asyncio.gather(*(worker() for _ in range(clients)))
    return latencies, len(latencies), errors


def server_cpu(pid: int) -> float:
    """CPU seconds used so far by the server's process group (the parent and workers)."""
    total = 0.0
    tick = os.sysconf("SC_CLK_TCK")
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        if int(fields[2]) == pid:  # process group id
            total += (int(fields[11]) + int(fields[12])) / tick
    return total


def report(name: str, latencies: list[float], count: int, errors: int, elapsed: float,
           cpu: float, own_cpu: float) -> None:
    if not latencies:
        print(f"{name}: no requests")
        return
    ordered = sorted(latencies)
    p50 = statistics.median(ordered) * 1000
    p99 = ordered[min(len(ordered) - 1, int(len(ordered) * 0.99))] * 1000
    print(f"{name}: {count} requests in {elapsed:.1f} s = {count / elapsed:.0f} req/s, "
          f"p50 {p50:.1f} ms, p99 {p99:.1f} ms, errors {errors}; CPU per request: "
          f"server {cpu * 1000 / count:.2f} ms, load generator {own_cpu * 1000 / count:.2f} ms")


Phase = tuple[list[float], int, int]


def measure(server: subprocess.Popen[bytes], phases: dict[str, Coroutine[Any, Any, Phase]]
            ) -> None:
    """Run the phases at once and report each (the CPU figures are for all of them)."""
    t1, c1, own = time.monotonic(), server_cpu(server.pid), time.process_time()

    async def together() -> list[Phase]:
        return list(await asyncio.gather(*phases.values()))

    results = asyncio.run(together())
    elapsed = time.monotonic() - t1
    cpu, own_cpu = server_cpu(server.pid) - c1, time.process_time() - own
    total = sum(count for _, count, _ in results) or 1
    for name, (latencies, count, errors) in zip(phases, results, strict=True):
        share = count / total
        report(name, latencies, count, errors, elapsed, cpu * share, own_cpu * share)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--persons", type=int, default=400)
    parser.add_argument("--clients", type=int, default=32)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--database-url", default=None)
    parser.add_argument("--signed", action="store_true",
                        help="the parties sign in the load generator (their nodes); the "
                             "server holds only the intermediary's key")
    parser.add_argument("--phases", default="reads,confirmations",
                        help="comma-separated: reads, confirmations, mixed (reads while "
                             "confirming; needs a fresh stage: run it alone)")
    args = parser.parse_args()
    admin = None
    name = f"parley_bench_{uuid.uuid4().hex[:8]}"
    if args.database_url:
        from sqlalchemy import create_engine, text
        from sqlalchemy.engine import make_url

        admin = create_engine(args.database_url, isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.execute(text(f'CREATE DATABASE "{name}"'))
        args.database_url = make_url(args.database_url).set(database=name).render_as_string(
            hide_password=False)
    try:
        run(args)
    finally:
        if admin is not None:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
            admin.dispose()


def run(args: argparse.Namespace) -> None:
    with tempfile.TemporaryDirectory(prefix="parley-load-") as tmp:
        t0 = time.monotonic()
        world = build(Path(tmp), args.database_url, args.persons)
        print(f"built: {args.persons} persons on one stage in {time.monotonic() - t0:.0f} s "
              f"({'PostgreSQL' if args.database_url else 'SQLite'}); "
              f"server with {args.workers} workers, {args.clients} clients")
        port = free_port()
        keys = take_party_keys(world) if args.signed else None
        server = start_server(world, port, args.workers, all_keys_here=not args.signed)
        phases = set(args.phases.split(","))
        half = max(1, args.clients // 2)
        try:
            if "reads" in phases:
                measure(server, {"status reads, first pass (computed, then cached)":
                                 run_reads(port, world, args.clients, args.seconds)})
                t1 = time.monotonic()
                asyncio.run(warm(port, world, args.clients))
                print(f"warmed the status cache in {time.monotonic() - t1:.0f} s")
                measure(server, {"status reads, warm": run_reads(port, world, args.clients,
                                                                 args.seconds)})
            if "confirmations" in phases:
                name = "handover confirmations" + (
                    " (parties sign on their nodes)" if keys is not None else "")
                measure(server, {name: run_confirmations(
                    port, world, args.clients, args.seconds, keys)})
            if "mixed" in phases:
                # Every confirmation moves the chain head and so empties the status cache:
                # reads computed afresh, alongside the writes.
                measure(server, {
                    f"mixed: status reads ({half} clients)":
                        run_reads(port, world, half, args.seconds),
                    f"mixed: handover confirmations ({half} clients)":
                        run_confirmations(port, world, half, args.seconds, keys)})
        finally:
            os.killpg(server.pid, signal.SIGTERM)
            server.wait(timeout=30)


if __name__ == "__main__":
    main()
