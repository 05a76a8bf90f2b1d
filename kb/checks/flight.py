"""One request per probe however many responders ask: single-flight plus a short cache.

During an incident twenty people open the same tree within seconds; the customer's API
should see one `GET /health/ready`, not twenty. The first caller starts the probe, the
others share its future, and the result is reused for `ttl` seconds. Callers hold a
future, not a thread: waiting for someone else's probe never takes a probe worker.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import Future

from kb.checks.runner import ProbeResult

Submit = Callable[[Callable[..., ProbeResult]], Future]


def _inline(compute: Callable[[], ProbeResult]) -> Future:
    """Run in the caller's thread (for `get`)."""
    done: Future = Future()
    try:
        done.set_result(compute())
    except BaseException as error:  # handed to every waiter, as a worker would
        done.set_exception(error)
    return done


class ProbeFlights:
    def __init__(self, ttl: float = 5.0, clock: Callable[[], float] = time.monotonic):
        self.ttl = ttl
        self.clock = clock
        self._lock = threading.Lock()
        self._done: dict[str, tuple[float, ProbeResult]] = {}
        self._running: dict[str, Future] = {}

    def cached(self, name: str) -> ProbeResult | None:
        """A result still fresh enough to share, without starting anything."""
        with self._lock:
            entry = self._done.get(name)
            return entry[1] if entry and self.clock() - entry[0] < self.ttl else None

    def future(self, name: str, compute: Callable, submit: Submit) -> Future:
        """The result of probe `name`: cached, already running, or started by `submit`."""
        with self._lock:
            entry = self._done.get(name)
            if entry and self.clock() - entry[0] < self.ttl:
                ready: Future = Future()
                ready.set_result(entry[1])
                return ready
            running = self._running.get(name)
            if running is not None:
                return running
            mine: Future = Future()
            self._running[name] = mine
        try:
            inner = submit(compute)
        except BaseException as error:
            self._settle(name, mine, error=error)
            return mine
        inner.add_done_callback(lambda finished: self._settle(name, mine, finished=finished))
        return mine

    def _settle(self, name: str, mine: Future, finished: Future | None = None, error=None):
        if finished is not None:
            error = finished.exception()
        with self._lock:
            self._running.pop(name, None)
            if error is None:
                self._done[name] = (self.clock(), finished.result())
        if error is None:
            mine.set_result(finished.result())
        else:
            mine.set_exception(error)

    def get(self, name: str, compute: Callable[[], ProbeResult]) -> ProbeResult:
        """Run `compute` in this thread unless someone already is (or just did)."""
        return self.future(name, compute, _inline).result()
