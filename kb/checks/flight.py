"""One request per probe however many responders ask: single-flight plus a short cache.

During an incident twenty people open the same tree within seconds; the customer's API
should see one `GET /health/ready`, not twenty. The first caller runs the probe, the
others wait for its result, and the result is reused for `ttl` seconds.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from kb.checks.runner import ProbeResult


class ProbeFlights:
    def __init__(self, ttl: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._done: dict[str, tuple[float, ProbeResult]] = {}
        self._running: dict[str, Future] = {}

    def get(self, name: str, compute: Callable[[], ProbeResult]) -> ProbeResult:
        with self._lock:
            cached = self._done.get(name)
            if cached and self.clock() - cached[0] < self.ttl:
                return cached[1]
            future = self._running.get(name)
            owner = future is None
            if owner:
                future = Future()
                self._running[name] = future
        if not owner:
            return future.result()
        try:
            result = compute()
        except BaseException as error:
            with self._lock:
                self._running.pop(name, None)
            future.set_exception(error)
            raise
        with self._lock:
            self._done[name] = (self.clock(), result)
            self._running.pop(name, None)
        future.set_result(result)
        return result
