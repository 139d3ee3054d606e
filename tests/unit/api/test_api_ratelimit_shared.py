"""Rate limits shared by the worker processes of one host through a file: two processes
drawing on one bucket together get exactly one burst between them."""

from __future__ import annotations

import multiprocessing
from pathlib import Path

import pytest

from parley.api.ratelimit import RateLimiter, Rule, SharedBuckets

# A burst of 10 that refills once in about 19 years: no refill during a test.
SLOW = {"family": Rule(per_minute=1e-7, burst=10)}


def _draw(path: str, attempts: int, start: object, results: object) -> None:
    """One worker process: wait for the other, then try ``attempts`` requests."""
    limiter = RateLimiter(SLOW, path=Path(path))
    assert limiter.shared
    start.wait()  # type: ignore[attr-defined]
    allowed = sum(limiter.check("family", "203.0.113.7") is None for _ in range(attempts))
    results.put(allowed)  # type: ignore[attr-defined]
    limiter.close()


def test_two_processes_share_one_burst(tmp_path: Path) -> None:
    spawn = multiprocessing.get_context("spawn")
    start, results = spawn.Barrier(2), spawn.Queue()
    path = str(tmp_path / "ratelimits.bin")
    workers = [spawn.Process(target=_draw, args=(path, 400, start, results)) for _ in range(2)]
    for w in workers:
        w.start()
    for w in workers:
        w.join(timeout=120)
        assert w.exitcode == 0
    allowed = sorted(results.get(timeout=10) for _ in workers)
    # Per process, each would have let 10 through (20 in all); shared, 10 in all.
    assert sum(allowed) == 10
    # A third process (a restarted worker) finds the bucket spent.
    late = RateLimiter(SLOW, path=Path(path))
    wait = late.check("family", "203.0.113.7")
    assert wait is not None and wait > 1e6
    assert late.check("family", "198.51.100.1") is None  # another client has its own
    late.close()


def test_the_file_keeps_no_address_and_a_foreign_file_is_replaced(tmp_path: Path) -> None:
    path = tmp_path / "ratelimits.bin"
    path.write_bytes(b"not a rate limit table")
    now = [1000.0]
    limiter = RateLimiter({"login": Rule(per_minute=60, burst=2)}, clock=lambda: now[0],
                          path=path)
    assert [limiter.check("login", "192.0.2.44") for _ in range(3)] == [None, None, 1.0]
    now[0] += 1.0
    assert limiter.check("login", "192.0.2.44") is None
    limiter.close()
    raw = path.read_bytes()
    assert raw.startswith(SharedBuckets.MAGIC)
    assert b"192.0.2.44" not in raw and b"login" not in raw
    assert len(raw) == SharedBuckets.HEADER.size + SharedBuckets.SLOTS * SharedBuckets.SLOT.size


def test_a_crowded_run_of_slots_gives_way_to_the_longest_idle(tmp_path: Path) -> None:
    now = [0.0]
    limiter = RateLimiter({"public": Rule(per_minute=0.6, burst=1)}, clock=lambda: now[0])
    limiter._shared = SharedBuckets(tmp_path / "tiny.bin", slots=4)
    for i in range(4):
        now[0] = float(i)
        assert limiter.check("public", f"client-{i}") is None
    now[0] = 4.0
    # A fifth client takes the slot idle longest (client-0's); the others keep theirs.
    assert limiter.check("public", "client-4") is None
    assert limiter.check("public", "client-3") == pytest.approx(99.0)
    assert limiter.check("public", "client-4") == pytest.approx(100.0)
    limiter.close()
