"""Per-client rate limiting, for whatever a runaway script or a guesser could abuse:
live checks (they send requests to the customer's API) and logins."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable


class RateLimiter:
    """A token bucket per client: enough for people clicking, not for a runaway script."""

    def __init__(
        self, per_minute: int = 60, burst: int = 20, clock: Callable[[], float] = time.monotonic
    ):
        self.rate = per_minute / 60.0
        self.burst = burst
        self.clock = clock
        self._lock = threading.Lock()
        self._buckets: dict[str, tuple[float, float]] = {}

    def allow(self, client: str) -> bool:
        with self._lock:
            now = self.clock()
            tokens, last = self._buckets.get(client, (float(self.burst), now))
            tokens = min(self.burst, tokens + (now - last) * self.rate)
            allowed = tokens >= 1
            self._buckets[client] = (tokens - 1 if allowed else tokens, now)
            if len(self._buckets) > 10_000:  # forget idle clients rather than grow forever
                cutoff = now - self.burst / self.rate
                self._buckets = {k: v for k, v in self._buckets.items() if v[1] > cutoff}
            return allowed
