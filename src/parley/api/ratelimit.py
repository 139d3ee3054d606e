"""Rate limits for the endpoints anyone can reach (families, the public, signing in).

A token bucket per client address and bucket name. With a ``path`` the buckets live in
one small memory-mapped file that every worker process of the host opens (``parley serve
--workers N`` keeps one limit, not N): each check takes an ``flock`` on the file for a
few microseconds, so the workers' checks are serialised and none is lost. Without a
path (unit tests) the buckets are a dictionary of this process.

The file holds no address in clear: slots are keyed by a BLAKE2b hash of the bucket
name and the address under a random salt kept in the file's header. Times are
``time.monotonic()``, which all processes of a host share.
"""

from __future__ import annotations

import fcntl
import hashlib
import logging
import mmap
import os
import secrets
import struct
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

log = logging.getLogger(__name__)


@dataclass(frozen=True)
class Rule:
    """``burst`` requests at once, refilled at ``per_minute``."""

    per_minute: float
    burst: int


DEFAULT_RULES = {
    "public": Rule(per_minute=600, burst=120),
    "family": Rule(per_minute=30, burst=10),
    "login": Rule(per_minute=20, burst=10),
    "tracking": Rule(per_minute=10, burst=5),
    # Keyed by what is asked about rather than who asks (many addresses, one target):
    # an inquiry's names and birth date, a tracking code, a person whose status is shown.
    "family-target": Rule(per_minute=4, burst=5),
    "tracking-code": Rule(per_minute=4, burst=5),
    "family-person": Rule(per_minute=10, burst=10),
}

MAX_CLIENTS = 100_000


def _take(tokens: float, last: float, now: float, rule: Rule) -> tuple[float, float | None]:
    """The bucket after one request at ``now``: (tokens left, None) or (tokens, wait)."""
    rate = rule.per_minute / 60.0
    if now < last:  # a monotonic clock from before a reboot: start afresh
        tokens, last = float(rule.burst), now
    tokens = min(float(rule.burst), tokens + (now - last) * rate)
    if tokens < 1.0:
        return tokens, (1.0 - tokens) / rate
    return tokens - 1.0, None


class RateLimiter:
    def __init__(self, rules: dict[str, Rule] | None = None,
                 clock: Callable[[], float] = time.monotonic,
                 path: Path | None = None) -> None:
        self.rules = dict(DEFAULT_RULES if rules is None else rules)
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._now = clock
        self._shared: SharedBuckets | None = None
        if path is not None:
            try:
                self._shared = SharedBuckets(path)
            except OSError as exc:
                log.warning("rate limits per worker process: cannot use %s (%s)", path, exc)

    @property
    def shared(self) -> bool:
        """Whether the buckets are shared with the host's other processes."""
        return self._shared is not None

    def check(self, bucket: str, client: str) -> float | None:
        """None if the request may go on, else the seconds to wait before retrying."""
        rule = self.rules.get(bucket)
        if rule is None:
            return None
        if self._shared is not None:
            return self._shared.take(bucket, client, rule, self._now)
        with self._lock:
            # The time is read under the lock, so no bucket ever sees it go backwards.
            now = self._now()
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets.clear()
            tokens, last = self._buckets.get((bucket, client), (float(rule.burst), now))
            tokens, wait = _take(tokens, last, now, rule)
            self._buckets[(bucket, client)] = (tokens, now)
        return wait

    def close(self) -> None:
        if self._shared is not None:
            self._shared.close()


class SharedBuckets:
    """Token buckets in a memory-mapped file, one ``flock`` around each update.

    Layout: a 32-byte header (magic, slot count, 16-byte salt), then ``slots`` slots of
    (key: u64, tokens: f64, last: f64). A key hashes to a run of ``PROBE`` slots; a new
    key takes a free slot of its run, else the one idle longest (a full bucket lost is
    harmless; a part-used one lost is at worst a fresh burst for that client).
    """

    MAGIC = b"PRLYRL01"
    HEADER = struct.Struct("<8sQ16s")
    SLOT = struct.Struct("<Qdd")
    SLOTS = 1 << 16
    PROBE = 16

    def __init__(self, path: Path, slots: int = SLOTS) -> None:
        self.path = path
        self.slots = slots
        self._lock = threading.Lock()
        size = self.HEADER.size + slots * self.SLOT.size
        self._fd = os.open(path, os.O_RDWR | os.O_CREAT, 0o600)
        try:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                if os.fstat(self._fd).st_size != size or self._header_magic() != self.MAGIC:
                    os.ftruncate(self._fd, 0)
                    os.ftruncate(self._fd, size)
                    os.pwrite(self._fd, self.HEADER.pack(self.MAGIC, slots,
                                                         secrets.token_bytes(16)), 0)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
            self._map = mmap.mmap(self._fd, size)
        except BaseException:
            os.close(self._fd)
            raise
        _magic, _count, self._salt = self.HEADER.unpack_from(self._map, 0)

    def _header_magic(self) -> bytes:
        return os.pread(self._fd, len(self.MAGIC), 0)

    def _key(self, bucket: str, client: str) -> int:
        digest = hashlib.blake2b(f"{bucket}\x00{client}".encode(), digest_size=8,
                                 key=self._salt).digest()
        return int.from_bytes(digest, "little") or 1

    def take(self, bucket: str, client: str, rule: Rule,
             clock: Callable[[], float]) -> float | None:
        key = self._key(bucket, client)
        start = key % self.slots
        with self._lock:
            fcntl.flock(self._fd, fcntl.LOCK_EX)
            try:
                # Read under the lock: every process's updates then carry increasing
                # times, and a time before a slot's is a clock from before a reboot.
                now = clock()
                chosen, tokens, last = -1, float(rule.burst), now
                oldest, oldest_at = -1, float("inf")
                for i in range(self.PROBE):
                    slot = (start + i) % self.slots
                    held, held_tokens, held_last = self.SLOT.unpack_from(
                        self._map, self.HEADER.size + slot * self.SLOT.size)
                    if held == key:
                        chosen, tokens, last = slot, held_tokens, held_last
                        break
                    if held == 0:
                        held_last = -float("inf")
                    if held_last < oldest_at:
                        oldest, oldest_at = slot, held_last
                if chosen < 0:
                    chosen = oldest
                tokens, wait = _take(tokens, last, now, rule)
                self.SLOT.pack_into(self._map, self.HEADER.size + chosen * self.SLOT.size,
                                    key, tokens, now)
            finally:
                fcntl.flock(self._fd, fcntl.LOCK_UN)
        return wait

    def close(self) -> None:
        self._map.close()
        os.close(self._fd)
