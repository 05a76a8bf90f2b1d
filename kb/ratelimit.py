"""Per-client rate limits for whatever a runaway script or a guesser could abuse: live
checks (they send requests to the customer's API) and logins.

A limit must hold across gunicorn workers and across instances, so the counts live where
they all meet: in Redis when `KB_REDIS_URL` is set, else in the database every instance
already shares. Each client gets `per_minute` requests in each clock minute (a fixed
window: one counter a minute, incremented atomically by a single statement).
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable

from sqlalchemy import BigInteger, Column, Integer, String, delete
from sqlalchemy.engine import Engine
from sqlmodel import Field, Session, SQLModel

log = logging.getLogger(__name__)

WINDOW_SECONDS = 60
CLEAN_EVERY = 200  # counts written between two removals of old windows


class RateHit(SQLModel, table=True):
    """How many requests one client made in one minute, for one limit."""

    __tablename__ = "rate_hit"
    key: str = Field(sa_column=Column(String(200), primary_key=True))
    window: int = Field(sa_column=Column(BigInteger, primary_key=True, autoincrement=False))
    count: int = Field(default=0, sa_column=Column(Integer, nullable=False))


class DatabaseCounter:
    """Counts in the shared database: an upsert that returns the new count."""

    def __init__(self, engine: Engine):
        self.engine = engine
        self.written = 0

    def hit(self, key: str, window: int) -> int:
        if self.engine.dialect.name == "postgresql":
            from sqlalchemy.dialects.postgresql import insert
        else:
            from sqlalchemy.dialects.sqlite import insert
        table = RateHit.__table__
        statement = (
            insert(table)
            .values(key=key, window=window, count=1)
            .on_conflict_do_update(
                index_elements=[table.c.key, table.c.window], set_={"count": table.c.count + 1}
            )
            .returning(table.c.count)
        )
        with Session(self.engine) as session:
            count = session.execute(statement).scalar_one()
            self.written += 1
            if self.written % CLEAN_EVERY == 0:
                session.execute(delete(table).where(table.c.window < window - 1))
            session.commit()
        return count


class RedisCounter:
    """Counts in Redis: INCR, with the key expiring once its minute is long over."""

    def __init__(self, url: str):
        import redis

        self.client = redis.Redis.from_url(url, socket_timeout=2, socket_connect_timeout=2)

    def hit(self, key: str, window: int) -> int:
        name = f"kb:rate:{key}:{window}"
        pipeline = self.client.pipeline()
        pipeline.incr(name)
        pipeline.expire(name, 2 * WINDOW_SECONDS)
        return int(pipeline.execute()[0])

    def reachable(self) -> bool:
        try:
            return bool(self.client.ping())
        except Exception:
            return False


class SharedRateLimiter:
    """`allow(client)`: whether one more request from this client fits this minute."""

    def __init__(
        self,
        name: str,
        per_minute: int,
        counter: DatabaseCounter | RedisCounter,
        clock: Callable[[], float] = time.time,
    ):
        self.name = name
        self.per_minute = per_minute
        self.counter = counter
        self.clock = clock
        self._warned = -1  # the window in which the store's failure was last logged

    def retry_after(self) -> int:
        """Seconds until the next window, when a refused client may try again."""
        return max(1, WINDOW_SECONDS - int(self.clock() % WINDOW_SECONDS))

    def allow(self, client: str) -> bool:
        window = int(self.clock() // WINDOW_SECONDS)
        key = f"{self.name}:{client}"[:200]
        try:
            return self.counter.hit(key, window) <= self.per_minute
        except Exception as error:
            # The shared store being down must not lock everyone out of logging in or
            # diagnosing; it is logged (once a minute) and shown in /health/ready.
            if self._warned != window:
                self._warned = window
                log.warning("rate limit %s not enforced: its store failed: %s", self.name, error)
            return True


def shared_counter(app) -> DatabaseCounter | RedisCounter:
    """The app's one counter store, made on first use: Redis when `KB_REDIS_URL` is set,
    else the app's database."""
    if "kb.rate_counter" not in app.extensions:
        url = app.config.get("KB_REDIS_URL") or ""
        store = RedisCounter(url) if url else DatabaseCounter(app.extensions["kb.db"])
        app.extensions["kb.rate_counter"] = store
    return app.extensions["kb.rate_counter"]
