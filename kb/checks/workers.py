"""The probe workers: a bounded pool, so live checks never take more threads than this.

Each probe runs on one of MAX_WORKERS threads. How long it waited for one is its
queueing time, reported apart from its response time, which starts only when the
request is sent.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from concurrent.futures import Future, ThreadPoolExecutor

MAX_WORKERS = 16
_pool = ThreadPoolExecutor(max_workers=MAX_WORKERS, thread_name_prefix="probe")


def submit(work: Callable[..., object], clock: Callable[[], float] = time.monotonic) -> Future:
    """Run `work(queued_ms=...)` on a probe worker."""
    queued = clock()
    return _pool.submit(lambda: work(queued_ms=int((clock() - queued) * 1000)))
