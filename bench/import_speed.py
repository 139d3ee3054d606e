"""Import speed: synthetic CSV and XLSX lists into SQLite and PostgreSQL.

Writes lists of ``--rows`` rows (default 100,000, plus a run at a tenth of that to show
memory is flat in file size) in the shape real lists have (title row, Ukrainian
headers, dd.mm.yyyy dates, one bad row in a thousand), then times ``import_list`` on
each in a fresh process and prints rows per second (wall), rows per CPU second (all the
CPU the import took: the importing process and, when it reads in a second process, that
one too; steadier than wall time on a shared machine), rows per CPU second of the busier
process ("1-core r/s": what the import reaches on an idle machine with a core for each
process; the same as CPU rows/s when it reads in-process) and the process's peak memory.

    .venv/bin/python bench/import_speed.py                 # SQLite only
    .venv/bin/python bench/import_speed.py --postgres postgresql+psycopg://postgres@127.0.0.1:55432/postgres

The PostgreSQL run creates and drops a scratch database on that server.
"""

from __future__ import annotations

import argparse
import csv
import multiprocessing
import os
import random
import resource
import tempfile
import time
import uuid
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

from parley.synth.people import FATHERS, MALE_GIVEN, PLACES, RANKS, SURNAMES

HEADER = ["№ з/п", "Прізвище", "Ім'я", "По батькові", "Дата народження", "Місце народження",
          "Особистий номер", "Військове звання", "Військова частина", "Примітка"]


def make_rows(count: int, seed: int = 7) -> list[list[object]]:
    rng = random.Random(seed)
    rows: list[list[object]] = []
    for i in range(count):
        born = date(1965, 1, 1) + timedelta(days=rng.randrange(0, 365 * 40))
        birth = born.strftime("%d.%m.%Y") if i % 1000 else "31.02.1990"
        rows.append([i + 1, rng.choice(SURNAMES), rng.choice(MALE_GIVEN), rng.choice(FATHERS),
                     birth, rng.choice(PLACES), f"{rng.randrange(1000000, 9999999)}",
                     rng.choice(RANKS), f"А{rng.randrange(1000, 9999)}", ""])
    return rows


def write_csv(path: Path, rows: list[list[object]]) -> None:
    with path.open("w", encoding="cp1251", newline="") as handle:
        handle.write("Список військовослужбовців\r\n\r\n")
        out = csv.writer(handle, delimiter=";")
        out.writerow(HEADER)
        out.writerows(rows)


def write_xlsx(path: Path, rows: list[list[object]]) -> None:
    from openpyxl import Workbook

    # The normal (not write-only) mode writes shared strings and the sheet dimension, as
    # Excel does; write-only mode's inline strings are slower to read and rare in lists.
    book = Workbook()
    ws = book.active
    ws.title = "Список"
    ws.append(["Список військовослужбовців"])
    ws.append([])
    ws.append(HEADER)
    for row in rows:
        number = int(str(row[6]))
        ws.append([*row[:6], float(number), *row[7:]])  # service numbers as Excel floats
    book.save(path)


def _run(url: str, key_dir: str, path: str, second: str,
         queue: multiprocessing.Queue[object]) -> None:
    import parley.services.intake.imports as imports
    from parley.bootstrap import bootstrap
    from parley.services.intake.imports import import_list
    from parley.services.people.organisation import register_party
    from parley.settings import Settings

    if second != "auto":
        imports._second_core = lambda size: second == "on"  # type: ignore[assignment]
    app = bootstrap(Settings(database_url=url, key_dir=Path(key_dir)))
    register_party(app, code="UA", title="Ukraine", kind="party", actor="ua-bench")
    started, cpu, child = time.perf_counter(), time.process_time(), _children_cpu()
    summary = import_list(app, path=Path(path), kind="origin_list", actor="ua-bench",
                          party="UA")
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    child = _children_cpu() - child  # the second process that reads, when there is one
    app.close()
    peak_mb = _peak_rss_mb()
    queue.put((summary.rows, summary.accepted, summary.quarantined, seconds, cpu, child,
               peak_mb))


def _children_cpu() -> float:
    """CPU seconds of this process's finished children (the importer's reading process)."""
    usage = resource.getrusage(resource.RUSAGE_CHILDREN)
    return usage.ru_utime + usage.ru_stime


def _peak_rss_mb() -> float:
    """This process's peak resident memory (VmHWM: unlike ru_maxrss, not inherited)."""
    try:
        for line in Path("/proc/self/status").read_text().splitlines():
            if line.startswith("VmHWM:"):
                return int(line.split()[1]) / 1024
    except OSError:
        pass
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def measure(url: str, path: Path, work: Path, second: str
            ) -> tuple[int, int, int, float, float, float, float]:
    ctx = multiprocessing.get_context("spawn")
    queue: multiprocessing.Queue[object] = ctx.Queue()
    key_dir = work / f"keys-{uuid.uuid4().hex[:8]}"
    proc = ctx.Process(target=_run, args=(url, str(key_dir), str(path), second, queue))
    proc.start()
    result = queue.get()
    proc.join()
    rows, accepted, quarantined, seconds, cpu, child, peak = result  # type: ignore[misc]
    return rows, accepted, quarantined, seconds, cpu, child, peak


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--rows", type=int, default=100_000)
    parser.add_argument("--postgres", default=None, help="admin URL of a PostgreSQL server")
    parser.add_argument("--second-process", choices=("auto", "on", "off"), default="auto",
                        help="read in a second process: when a core is free (auto), "
                             "always, or never")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        work = Path(tmp)
        files: list[tuple[str, int, Path]] = []
        for count in (args.rows // 10, args.rows):
            rows = make_rows(count)
            for fmt, writer in (("csv", write_csv), ("xlsx", write_xlsx)):
                path = work / f"list-{count}.{fmt}"
                writer(path, rows)
                files.append((fmt, count, path))
        backends = [("sqlite", None)]
        if args.postgres:
            backends.append(("postgresql", args.postgres))
        print(f"load average before: {os.getloadavg()[0]:.2f} on {os.cpu_count()} CPUs")
        print(f"{'backend':<11}{'format':<7}{'rows':>9}{'accepted':>10}{'quarant.':>9}"
              f"{'seconds':>9}{'rows/s':>9}{'CPU rows/s':>11}{'1-core r/s':>11}"
              f"{'peak MB':>9}{'file MB':>9}")
        for backend, admin in backends:
            for fmt, _count, path in files:
                url, cleanup = _database(backend, admin, work)
                try:
                    rows, accepted, quarantined, seconds, cpu, child, peak = measure(
                        url, path, work, args.second_process)
                finally:
                    cleanup()
                print(f"{backend:<11}{fmt:<7}{rows:>9,}{accepted:>10,}{quarantined:>9,}"
                      f"{seconds:>9.2f}{rows / seconds:>9,.0f}{rows / (cpu + child):>11,.0f}"
                      f"{rows / max(cpu, child):>11,.0f}{peak:>9.0f}"
                      f"{path.stat().st_size / 2**20:>9.1f}", flush=True)


def _database(backend: str, admin: str | None, work: Path) -> tuple[str, Callable[[], None]]:
    if backend == "sqlite" or admin is None:
        db = work / f"bench-{uuid.uuid4().hex[:8]}.db"
        return f"sqlite:///{db}", lambda: None
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    name = f"parley_bench_{uuid.uuid4().hex[:10]}"
    engine = create_engine(admin, isolation_level="AUTOCOMMIT")
    with engine.connect() as conn:
        conn.execute(text(f'CREATE DATABASE "{name}"'))

    def drop() -> None:
        with engine.connect() as conn:
            conn.execute(text(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)'))
        engine.dispose()

    return make_url(admin).set(database=name).render_as_string(hide_password=False), drop


if __name__ == "__main__":
    main()
