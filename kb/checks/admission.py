"""How many requests may wait on live checks at once, per process.

A web server has a few threads (`kb serve`: 8; gunicorn.conf.py: 4 per worker). A request
that runs checks holds its thread until they finish, up to the probe's timeout; if every
thread did, even `/health` would stop answering. So only `limit` requests wait at once,
and the next one is told at once to try again, rather than queued behind them.
"""

from __future__ import annotations

import threading
from collections.abc import Iterator
from contextlib import contextmanager


class Admission:
    def __init__(self, limit: int):
        self.limit = max(1, limit)
        self._slots = threading.BoundedSemaphore(self.limit)

    @contextmanager
    def enter(self) -> Iterator[bool]:
        """Yields whether this request may wait on checks now; never blocks."""
        admitted = self._slots.acquire(blocking=False)
        try:
            yield admitted
        finally:
            if admitted:
                self._slots.release()


UNBOUNDED_SERVER_LIMIT = 32


def default_limit(environ) -> int:
    """Under gunicorn, half its threads per worker (KB_THREADS, else gunicorn.conf.py's 4),
    so pages keep the other half. A server that starts a thread per request (the
    development server, tests) cannot be starved that way: a generous bound suffices."""
    if not str(environ.get("SERVER_SOFTWARE", "")).startswith("gunicorn"):
        return UNBOUNDED_SERVER_LIMIT
    threads = str(environ.get("KB_THREADS", ""))
    return max(1, (int(threads) if threads.isdigit() else 4) // 2)
