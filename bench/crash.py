"""Crash harness: a real `parley serve` killed with SIGKILL under load, many times.

Several client threads import lists, confirm handovers and file inquiries through the
HTTP API, each write with its own Idempotency-Key, retrying with the same key until the
server acknowledges it (connection refused, reset or timed out: try again). Some
answers are abandoned on purpose (the client stops reading after a few milliseconds),
as a network would lose them, so retries of writes that did happen are common. The
server is killed with SIGKILL at random moments and restarted. After every kill, with
the server dead, the harness checks the database (``crash_check.check``: every
acknowledged write present exactly once, nothing twice, no half-applied import) and
runs ``parley ledger verify``. At the end the clients finish their writes and a final
check requires every write acknowledged.

Run it on SQLite (default) or PostgreSQL::

    .venv/bin/python bench/crash.py --kills 50
    .venv/bin/python bench/crash.py --kills 50 \\
        --postgres postgresql+psycopg://postgres@127.0.0.1:55432/postgres

and against a deliberately broken build, which it must catch (exit status 1): the same
server wrapped by ``bench/crash_faults.py`` and run by uvicorn instead of ``parley serve``::

    .venv/bin/python bench/crash.py --kills 5 --broken ack-before-commit
    .venv/bin/python bench/crash.py --kills 5 --broken no-idempotency

Exit status 0 when everything held, 1 when anything was lost, duplicated, half-applied,
wrongly answered or the ledger failed to verify.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import random
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import threading
import time
import uuid
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from bench.crash_check import Findings, Ledger, Write, check
from bench.crash_faults import FAULT_VARIABLE, FAULTS
from bench.crash_world import World, build_world

from parley.bootstrap import bootstrap
from parley.services.ledger import verify_ledger
from parley.settings import Settings

PARLEY = Path(sys.executable).with_name("parley")
REPOSITORY = Path(__file__).resolve().parents[1]
ROLE_OF = {("ua", "RU->UA"): "receiving", ("ua", "UA->RU"): "sending",
           ("ru", "UA->RU"): "receiving", ("ru", "RU->UA"): "sending"}
SURNAMES = ("Коваленко", "Бондаренко", "Шевченко", "Ткаченко", "Мельник", "Кравчук",
            "Смирнов", "Иванов", "Kovalenko", "Petrenko")
GIVEN = ("Олександр", "Іван", "Андрій", "Алексей", "Дмитро", "Oleksandr", "Serhii")


@dataclass
class Config:
    """How long and how hard to run; the defaults are the in-suite short run."""

    kills: int = 5
    clients: int = 4
    persons: int = 40                 # per direction in the stage being confirmed
    min_up: float = 0.3               # seconds of load between a restart and a kill
    max_up: float = 1.5
    abandon: float = 0.15             # share of requests whose answer is not read
    after_ack: float = 0.5            # share of kills made just after an acknowledgement
    batch: int = 3                    # persons per confirmation write
    seed: int = 1
    postgres: str | None = None       # an admin URL: the harness creates its own database
    broken: str | None = None         # one of crash_faults.FAULTS
    workdir: Path | None = None
    keep: bool = False
    verbose: bool = False
    stop_on_failure: bool = False     # stop killing once a check found something


@dataclass
class Report:
    backend: str
    broken: str | None
    kills: int = 0
    acked: Counter[str] = field(default_factory=Counter)
    retries: int = 0
    abandoned: int = 0
    server_errors: list[str] = field(default_factory=list)
    refused: list[str] = field(default_factory=list)
    ledger_failures: list[str] = field(default_factory=list)
    findings: Findings = field(default_factory=Findings)
    restart_failures: list[str] = field(default_factory=list)
    seconds: float = 0.0
    events: int = 0

    @property
    def ok(self) -> bool:
        return (self.findings.ok and not self.ledger_failures and not self.server_errors
                and not self.refused and not self.restart_failures)

    def lines(self) -> list[str]:
        f = self.findings
        mode = f" (broken build: {self.broken})" if self.broken else ""
        kinds = ", ".join(f"{k} {n}" for k, n in sorted(self.acked.items()))
        out = [
            f"crash harness on {self.backend}{mode}: {self.kills} kills in "
            f"{self.seconds:.0f} s, {sum(self.acked.values())} writes acknowledged "
            f"({kinds}), {self.retries} retries (refused, reset, timed out or abandoned; "
            f"{self.abandoned} answers abandoned on purpose), "
            f"{self.events} events in the verified ledger",
            f"lost {len(f.lost)}, duplicated {len(f.duplicated)}, half-applied "
            f"{len(f.half_applied)}, wrong answers {len(f.wrong_answers)}, never "
            f"acknowledged {len(f.unacknowledged)}, ledger failures "
            f"{len(self.ledger_failures)}, server errors {len(self.server_errors)}, "
            f"refused {len(self.refused)}, failed restarts {len(self.restart_failures)}",
            "RESULT: " + ("PASS" if self.ok else "FAIL"),
        ]
        for title, items in (("lost", f.lost), ("duplicated", f.duplicated),
                             ("half-applied", f.half_applied),
                             ("wrong answer", f.wrong_answers),
                             ("never acknowledged", f.unacknowledged),
                             ("ledger", self.ledger_failures),
                             ("server error", self.server_errors),
                             ("restart failure", self.restart_failures),
                             ("refused", self.refused)):
            out.extend(f"  {title}: {item}" for item in items[:5])
            if len(items) > 5:
                out.append(f"  {title}: … and {len(items) - 5} more")
        return out


# --- the server -------------------------------------------------------------------------


class Server:
    """`parley serve` as a child process in its own session, killed with SIGKILL; with
    ``broken``, the same application with a fault (``bench/crash_faults.py``) under
    uvicorn."""

    def __init__(self, env: dict[str, str], log: Path, broken: str | None = None) -> None:
        self.env = env
        self.log = log
        self.broken = broken
        self.port = _free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        self.proc: subprocess.Popen[bytes] | None = None

    def command(self) -> tuple[list[str], dict[str, str]]:
        address = ["--host", "127.0.0.1", "--port", str(self.port)]
        if self.broken is None:
            return [str(PARLEY), "serve", "--all-keys-here", *address], self.env
        path = os.pathsep.join(p for p in (str(REPOSITORY), self.env.get("PYTHONPATH")) if p)
        return ([sys.executable, "-m", "uvicorn", "bench.crash_faults:create_app", "--factory",
                 *address, "--log-level", "warning", "--no-access-log"],
                {**self.env, FAULT_VARIABLE: self.broken, "PYTHONPATH": path})

    def start(self, timeout: float = 60) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        command, env = self.command()
        with self.log.open("ab") as log:
            self.proc = subprocess.Popen(command, env=env, stdout=log, stderr=log,
                                         start_new_session=True)
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.proc.poll() is not None:
                tail = self.log.read_text(errors="replace").strip().splitlines()[-1:]
                raise RuntimeError(f"the server exited with {self.proc.returncode}: "
                                   f"{' '.join(tail)[:300]}")
            try:
                if httpx.get(f"{self.base}/api/v1/parties", timeout=1).status_code == 200:
                    return
            except httpx.HTTPError:
                pass
            time.sleep(0.05)
        raise RuntimeError(f"the server did not answer within {timeout:.0f} s")

    def kill(self) -> None:
        if self.proc is None:
            return
        with suppress(ProcessLookupError):
            os.killpg(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        self.proc = None


def _free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


# --- the clients ------------------------------------------------------------------------


class Workload:
    """Hands out writes to client threads: confirmation batches while they last, then
    new lists to import and new inquiries to file."""

    def __init__(self, world: World, cfg: Config) -> None:
        self._lock = threading.Lock()
        self._rng = random.Random(cfg.seed)
        self._count = 0
        self.stage_id = world.stage_id
        batches: list[tuple[str, str, list[str]]] = []
        for direction, people in sorted(world.listed.items()):
            for i in range(0, len(people), cfg.batch):
                chunk = people[i:i + cfg.batch]
                for caller in ("int", "ua", "ru"):
                    role = "intermediary" if caller == "int" else ROLE_OF[(caller, direction)]
                    batches.append((caller, role, chunk))
        self._rng.shuffle(batches)
        self._batches = batches

    def next(self) -> tuple[Write, dict[str, Any]]:
        """The next write and what to send (json, or a file to upload)."""
        with self._lock:
            self._count += 1
            number = self._count
            choice = self._rng.random()
            key = str(uuid.uuid4())
            if self._batches and choice < 0.5:
                caller, role, persons = self._batches.pop()
                return (Write(number, "confirm", caller, key, persons=persons, role=role),
                        {"json": {"person_ids": persons}})
            if choice < 0.8:
                return self._import(number, key)
            marker = f"crash-inquiry-{number}-{key[:8]}"
            body = {"surname": self._rng.choice(SURNAMES),
                    "given_name": self._rng.choice(GIVEN), "notes": marker}
            return Write(number, "inquiry", "int", key, marker=marker), {"json": body}

    def _import(self, number: int, key: str) -> tuple[Write, dict[str, Any]]:
        rows = ["record_id,surname,given_name,birth_date,service_number"]
        good = self._rng.randint(2, 6)
        bad = self._rng.choice((0, 0, 1, 2))
        for i in range(good):
            rows.append(f"crash-{number}-{i},{self._rng.choice(SURNAMES)},"
                        f"{self._rng.choice(GIVEN)},{self._rng.randint(1,28):02d}.0"
                        f"{self._rng.randint(1, 9)}.{self._rng.randint(1970, 2005)},"
                        f"AA{number:05d}{i}")
        for i in range(bad):
            rows.append(f"crash-{number}-bad{i},{self._rng.choice(SURNAMES)},"
                        f"{self._rng.choice(GIVEN)},31.02.2001,BB{number:05d}{i}")
        content = ("\n".join(rows) + "\n").encode("utf-8")
        holder = self._rng.choice(("ua", "ru"))
        write = Write(number, "import", holder, key,
                      marker=hashlib.sha256(content).hexdigest(), accepted=good,
                      quarantined=bad)
        return write, {"file": (f"crash-{number}.csv", content),
                       "data": {"kind": "capture_card", "source": f"crash-{number}"}}


class Clients:
    """Client threads that send writes, retrying each with its key until acknowledged."""

    def __init__(self, world: World, workload: Workload, ledger: Ledger, cfg: Config,
                 routes: dict[str, str], report: Report, base: str) -> None:
        self.world = world
        self.workload = workload
        self.ledger = ledger
        self.cfg = cfg
        self.routes = routes
        self.report = report
        self.base = base
        self.generating = threading.Event()
        self.generating.set()
        self.acknowledged = threading.Event()   # set at every acknowledgement
        self._lock = threading.Lock()
        self._threads = [threading.Thread(target=self._run, args=(i,), daemon=True)
                         for i in range(cfg.clients)]

    def start(self) -> None:
        for t in self._threads:
            t.start()

    def finish(self, timeout: float = 300) -> None:
        """Stop taking new writes; wait until every write in flight is acknowledged."""
        self.generating.clear()
        for t in self._threads:
            t.join(timeout=timeout)

    def _run(self, index: int) -> None:
        rng = random.Random(self.cfg.seed * 1000 + index)
        while self.generating.is_set():
            write, payload = self.workload.next()
            if write.kind not in self.routes:
                continue
            self.ledger.add(write)
            self._send_until_acked(write, payload, rng)

    def _send_until_acked(self, write: Write, payload: dict[str, Any],
                          rng: random.Random) -> None:
        path = self.routes[write.kind].format(stage_id=self.workload.stage_id)
        headers = {"Authorization": f"Bearer {self.world.tokens[write.caller]}",
                   "Idempotency-Key": write.key}
        while True:
            write.attempts += 1
            write.state = "sent"
            abandon = rng.random() < self.cfg.abandon
            read = rng.uniform(0.001, 0.03) if abandon else 30.0
            timeout = httpx.Timeout(connect=2.0, read=read, write=10.0, pool=2.0)
            try:
                with httpx.Client(base_url=self.base, timeout=timeout) as client:
                    if "file" in payload:
                        response = client.post(path, headers=headers,
                                               files={"file": payload["file"]},
                                               data=payload["data"])
                    else:
                        response = client.post(path, headers=headers, json=payload["json"])
            except httpx.TimeoutException:
                with self._lock:
                    self.report.abandoned += abandon
                    self.report.retries += 1
                continue
            except httpx.TransportError:
                with self._lock:
                    self.report.retries += 1
                time.sleep(0.1)
                continue
            if response.status_code in (200, 201):
                write.answer = response.json()
                write.state = "acked"
                self.acknowledged.set()
                with self._lock:
                    self.report.acked[write.kind] += 1
                return
            message = f"{write.name()}: {response.status_code} {response.text[:300]}"
            if response.status_code >= 500:
                with self._lock:
                    self.report.server_errors.append(message)
                time.sleep(0.05)
                continue
            if response.status_code == 429:
                time.sleep(float(response.headers.get("Retry-After", "1")))
                continue
            write.state = "refused"
            write.detail = message
            with self._lock:
                self.report.refused.append(message)
            return


def discover_routes(base: str) -> dict[str, str]:
    """The write routes this build's API has (the import and handover routes by shape)."""
    schema = httpx.get(f"{base}/openapi.json", timeout=10).json()
    routes = {"inquiry": "/api/v1/inquiries"}
    for path, ops in schema["paths"].items():
        if "post" not in ops:
            continue
        if path.endswith("/handover") and "{stage_id}" in path:
            routes["confirm"] = path
        elif path.rstrip("/") == "/api/v1/imports":
            routes["import"] = path
    return routes


# --- the run ----------------------------------------------------------------------------


@contextmanager
def database(cfg: Config, workdir: Path) -> Iterator[str]:
    """SQLite in the work directory, or a new PostgreSQL database dropped afterwards."""
    if cfg.postgres is None:
        yield f"sqlite:///{workdir / 'parley.db'}"
        return
    name = f"parley_crash_{uuid.uuid4().hex[:10]}"
    admin = create_engine(cfg.postgres, isolation_level="AUTOCOMMIT")
    with admin.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))
    try:
        yield make_url(cfg.postgres).set(database=name).render_as_string(hide_password=False)
    finally:
        if not cfg.keep:
            with admin.connect() as conn:
                conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        admin.dispose()


def run(cfg: Config) -> Report:
    """Set up, load, kill and restart ``cfg.kills`` times, check after each; the report."""
    workdir = cfg.workdir or Path(tempfile.mkdtemp(prefix="parley-crash-"))
    workdir.mkdir(parents=True, exist_ok=True)
    report = Report(backend="postgresql" if cfg.postgres else "sqlite", broken=cfg.broken)
    started = time.monotonic()
    try:
        with database(cfg, workdir) as url:
            _run(cfg, workdir, url, report)
    except RuntimeError as exc:
        report.restart_failures.append(f"run stopped: {exc}")
    finally:
        report.seconds = time.monotonic() - started
        if not cfg.keep and cfg.workdir is None:
            if report.ok:
                shutil.rmtree(workdir, ignore_errors=True)
            else:
                print(f"work directory kept for inspection: {workdir}", file=sys.stderr)
    return report


def _run(cfg: Config, workdir: Path, url: str, report: Report) -> None:
    settings = Settings(database_url=url, key_dir=workdir / "keys")
    app = bootstrap(settings)
    try:
        world = build_world(app, persons=cfg.persons)
    finally:
        app.close()
    world.save(workdir / "world.json")
    env = {k: v for k, v in os.environ.items() if not k.startswith("PARLEY_")}
    env.update({"PARLEY_DATABASE_URL": url, "PARLEY_KEY_DIR": str(settings.key_dir),
                "PARLEY_DATA_DIR": str(workdir)})
    server = Server(env, workdir / "server.log", broken=cfg.broken)
    server.start()
    routes = discover_routes(server.base)
    ledger = Ledger()
    clients = Clients(world, Workload(world, cfg), ledger, cfg, routes, report,
                      server.base)
    rng = random.Random(cfg.seed)
    clients.start()
    try:
        for kill in range(1, cfg.kills + 1):
            time.sleep(rng.uniform(cfg.min_up, cfg.max_up))
            if rng.random() < cfg.after_ack:
                # The most telling moment: right after the server said "done".
                clients.acknowledged.clear()
                clients.acknowledged.wait(timeout=10)
            server.kill()
            report.kills = kill
            _check(settings, env, ledger, report, final=False, label=f"after kill {kill}")
            if cfg.verbose:
                print(f"kill {kill}: {sum(report.acked.values())} acknowledged so far",
                      flush=True)
            _restart(server, report)
            if cfg.stop_on_failure and not report.ok:
                break
        clients.finish()
        server.kill()
        _check(settings, env, ledger, report, final=True, label="at the end")
    finally:
        clients.generating.clear()
        server.kill()


def _restart(server: Server, report: Report, attempts: int = 3) -> None:
    """Start the server again; a failed start is a finding (a kill must never leave a
    database the server cannot open), retried a few times before the run gives up."""
    for attempt in range(1, attempts + 1):
        try:
            server.start()
            return
        except RuntimeError as exc:
            report.restart_failures.append(f"restart attempt {attempt}: {exc}")
            server.kill()
    raise RuntimeError("the server did not start again; see " + str(server.log))


def _check(settings: Settings, env: dict[str, str], ledger: Ledger, report: Report, *,
           final: bool, label: str) -> None:
    """Check the stored state against the writes; verify the ledger (after a kill in
    process, with the same function `parley ledger verify` runs; at the end with the
    command itself)."""
    app = bootstrap(settings, migrate=False)
    try:
        report.findings.merge(check(app, ledger.snapshot(), final=final))
        verified = verify_ledger(app)
    finally:
        app.close()
    if not verified.ok:
        report.ledger_failures.append(f"{label}: {verified.failure}")
    if final:
        command = subprocess.run([str(PARLEY), "ledger", "verify"], env=env,
                                 capture_output=True, text=True, timeout=300, check=False)
        if command.returncode != 0:
            report.ledger_failures.append(f"{label}: parley ledger verify: "
                                          f"{command.stderr.strip()[:300]}")
        report.events = verified.events


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--kills", type=int, default=50)
    parser.add_argument("--clients", type=int, default=6)
    parser.add_argument("--persons", type=int, default=None,
                        help="persons per direction to confirm (default: 8 per kill)")
    parser.add_argument("--min-up", type=float, default=0.5)
    parser.add_argument("--max-up", type=float, default=3.0)
    parser.add_argument("--abandon", type=float, default=0.15)
    parser.add_argument("--after-ack", type=float, default=0.5,
                        help="share of kills made just after an acknowledgement")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--postgres", metavar="ADMIN_URL", default=None,
                        help="run on PostgreSQL; a database is created there and dropped")
    parser.add_argument("--broken", choices=sorted(FAULTS), default=None,
                        help="run against a deliberately broken build (must FAIL)")
    parser.add_argument("--workdir", type=Path, default=None)
    parser.add_argument("--keep", action="store_true", help="keep the work directory")
    parser.add_argument("--verbose", action="store_true")
    args = parser.parse_args(argv)
    cfg = Config(kills=args.kills, clients=args.clients,
                 persons=args.persons or max(40, 8 * args.kills), min_up=args.min_up,
                 max_up=args.max_up, abandon=args.abandon, after_ack=args.after_ack,
                 seed=args.seed,
                 postgres=args.postgres, broken=args.broken, workdir=args.workdir,
                 keep=args.keep, verbose=args.verbose)
    report = run(cfg)
    for line in report.lines():
        print(line)
    return 0 if report.ok else 1


if __name__ == "__main__":
    sys.exit(main())
