"""The app's probe runner: declared probes only, concurrently, one flight per probe, and
never longer than the slowest probe's deadline, whatever the targets do."""

from __future__ import annotations

import os
from collections.abc import Iterator
from concurrent.futures import Future, as_completed
from contextlib import nullcontext
from functools import partial
from pathlib import Path

from flask import Flask, current_app

from kb.checks import workers
from kb.checks.admission import Admission, default_limit
from kb.checks.catalog import Catalog, load_catalog
from kb.checks.flight import ProbeFlights
from kb.checks.runner import ERROR, SKIPPED, ProbeResult, run_probe
from kb.ratelimit import SharedRateLimiter, shared_counter

GRACE = 0.5  # seconds past a probe's deadline before its caller stops waiting for it
BUSY = "not run: kb is busy with other checks right now; check it by hand"


class ProbeService:
    def __init__(self, catalog: Catalog, ttl: float, environ=None, admission_limit: int = 2):
        self.catalog = catalog
        self.flights = ProbeFlights(ttl=ttl)
        self.environ = os.environ if environ is None else environ
        self.admission = Admission(admission_limit)

    def try_run(self, names: list[str]) -> dict[str, ProbeResult] | None:
        """Results for the named probes, or None when too many requests already wait on
        checks (the caller should say "busy" rather than hold a server thread)."""
        feed = self.stream(names)
        if feed is None:
            return None
        results = dict(feed)
        return {name: results[name] for name in dict.fromkeys(names)}

    def stream(self, names: list[str]) -> Iterator[tuple[str, ProbeResult]] | None:
        """(name, result) for each named probe as it returns, fresh cached ones first; None
        when too many requests already wait on checks. The wait counts against that limit
        until the iterator is used up or closed (a closed page stops it)."""
        feed = self._stream(list(dict.fromkeys(names)))
        return feed if next(feed) else None

    def _stream(self, names: list[str]) -> Iterator:
        known = [self.catalog.probes[n] for n in names if n in self.catalog.probes]
        cached = {p.name: r for p in known if (r := self.flights.cached(p.name)) is not None}
        pending = [p for p in known if p.name not in cached]
        with self.admission.enter() if pending else nullcontext(True) as admitted:
            yield admitted  # primed by `stream`: the caller learns at once whether it waits
            if not admitted:
                return
            yield from cached.items()
            if pending:
                yield from self._as_completed(pending)
        for name in names:
            if name not in self.catalog.probes:
                yield name, ProbeResult(name, SKIPPED, "no such check is declared", 0)

    def run(self, names: list[str]) -> dict[str, ProbeResult]:
        """Results for the named probes; when busy, each is skipped (a person answers)."""
        results = self.try_run(names)
        if results is None:
            return {name: ProbeResult(name, SKIPPED, BUSY, 0) for name in dict.fromkeys(names)}
        return results

    def run_all(self) -> dict[str, ProbeResult]:
        return self.run(list(self.catalog.probes))

    def try_run_all(self) -> dict[str, ProbeResult] | None:
        return self.try_run(list(self.catalog.probes))

    def _as_completed(self, probes) -> Iterator[tuple[str, ProbeResult]]:
        """Start every probe (or join its flight), then hand each result over as it comes,
        waiting at most the longest deadline in all."""
        futures = {
            self.flights.future(
                probe.name,
                partial(run_probe, probe, self.catalog, self.environ),
                workers.submit,
            ): probe
            for probe in probes
        }
        longest = max(probe.timeout for probe in probes)
        left = dict(futures)
        try:
            for future in as_completed(list(futures), timeout=longest + GRACE):
                probe = left.pop(future)
                yield probe.name, _outcome(probe, future)
        except TimeoutError:
            pass  # the rest ran out of time; each is reported as such below
        for future, probe in left.items():
            yield probe.name, _outcome(probe, future)


def _outcome(probe, future: Future) -> ProbeResult:
    """A probe's result, or why there is none: out of time, or the check itself broke."""
    if not future.done():
        detail = (
            f"deadline exceeded ({probe.timeout:g} s): "
            "no answer in time, or no probe worker was free"
        )
        return ProbeResult(probe.name, ERROR, detail, 0)
    if future.exception() is not None:
        detail = f"the check itself failed ({type(future.exception()).__name__})"
        return ProbeResult(probe.name, ERROR, detail, 0)
    return future.result()


def init_app(app: Flask) -> None:
    catalog = load_catalog(Path(app.config["KB_CONTENT_DIR"]))
    ttl = float(app.config.get("KB_PROBE_CACHE_SECONDS", 5))
    # Tests and demos point targets elsewhere without touching the process environment.
    environ = {**os.environ, **app.config.get("KB_PROBE_ENVIRON", {})}
    limit = app.config.get("KB_PROBE_CONCURRENT_REQUESTS")
    admission = int(limit) if limit else default_limit(os.environ)
    app.extensions["kb.probes"] = ProbeService(catalog, ttl, environ, admission)
    per_minute = int(app.config.get("KB_PROBE_RATE_PER_MINUTE", 60))
    # Counted where every worker and instance meets (the database, or Redis).
    app.extensions["kb.probe_limit"] = SharedRateLimiter("probes", per_minute, shared_counter(app))


def get_probes() -> ProbeService:
    return current_app.extensions["kb.probes"]


def probe_limit() -> SharedRateLimiter:
    return current_app.extensions["kb.probe_limit"]
