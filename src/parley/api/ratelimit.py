"""Rate limits for the endpoints anyone can reach (families, the public, signing in).

A token bucket per client address and bucket name, in the server process. With several
worker processes each keeps its own buckets, so the effective limit is per worker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from dataclasses import dataclass


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
}

MAX_CLIENTS = 100_000


class RateLimiter:
    def __init__(self, rules: dict[str, Rule] | None = None,
                 clock: Callable[[], float] = time.monotonic) -> None:
        self.rules = dict(DEFAULT_RULES if rules is None else rules)
        self._buckets: dict[tuple[str, str], tuple[float, float]] = {}
        self._lock = threading.Lock()
        self._now = clock

    def check(self, bucket: str, client: str) -> float | None:
        """None if the request may go on, else the seconds to wait before retrying."""
        rule = self.rules.get(bucket)
        if rule is None:
            return None
        now = self._now()
        rate = rule.per_minute / 60.0
        with self._lock:
            if len(self._buckets) > MAX_CLIENTS:
                self._buckets.clear()
            tokens, last = self._buckets.get((bucket, client), (float(rule.burst), now))
            tokens = min(float(rule.burst), tokens + (now - last) * rate)
            if tokens < 1.0:
                self._buckets[(bucket, client)] = (tokens, now)
                return (1.0 - tokens) / rate
            self._buckets[(bucket, client)] = (tokens - 1.0, now)
        return None
