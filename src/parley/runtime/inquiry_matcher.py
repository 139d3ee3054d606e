"""The server's inquiry matcher: one thread per process that matches queued inquiries.

An anonymous inquiry is recorded and answered with its receipt; matching it against the
registry (identity resolution) happens here, after the answer, so the answer's content
and its time are the same whether or not anyone matches. Filing wakes the thread; it also
looks every ``interval`` seconds (an inquiry filed by another worker process, or left
queued by a failure). Several processes may run one each: matching a list already
resolved is a no-op.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable

log = logging.getLogger(__name__)


class InquiryMatcher:
    def __init__(self, work: Callable[[], object], *, interval: float = 5.0) -> None:
        """``work`` matches what is queued (the composition root passes
        :func:`parley.services.registry.inquiries.match_queued` over its app)."""
        self._work = work
        self._interval = interval
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    def start(self) -> None:
        if self._thread is None:
            self._thread = threading.Thread(target=self._run, name="parley-inquiry-matcher",
                                            daemon=True)
            self._thread.start()

    def wake(self) -> None:
        """An inquiry was queued: match it soon (never in the caller's request)."""
        self._wake.set()

    def stop(self) -> None:
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=30)
            self._thread = None

    def _run(self) -> None:
        while not self._stop.is_set():
            self._wake.wait(self._interval)
            self._wake.clear()
            if self._stop.is_set():
                break
            try:
                self._work()
            except Exception:
                log.exception("matching queued inquiries failed; they stay queued")
