"""The app's probe runner: declared probes only, concurrently, one flight per probe, and
never longer than the slowest probe's deadline, whatever the targets do."""

from __future__ import annotations

import os
from concurrent.futures import wait
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
BUSY = "not run: other requests are running checks right now; try again in a few seconds"


class ProbeService:
    def __init__(self, catalog: Catalog, ttl: float, environ=None, admission_limit: int = 2):
        self.catalog = catalog
        self.flights = ProbeFlights(ttl=ttl)
        self.environ = os.environ if environ is None else environ
        self.admission = Admission(admission_limit)

    def try_run(self, names: list[str]) -> dict[str, ProbeResult] | None:
        """Results for the named probes, or None when too many requests already wait on
        checks (the caller should say "busy" rather than hold a server thread)."""
        known = [self.catalog.probes[n] for n in dict.fromkeys(names) if n in self.catalog.probes]
        results = {p.name: r for p in known if (r := self.flights.cached(p.name)) is not None}
        pending = [p for p in known if p.name not in results]
        if pending:
            with self.admission.enter() as admitted:
                if not admitted:
                    return None
                results.update(self._run(pending))
        for name in names:
            if name not in results:
                results[name] = ProbeResult(name, SKIPPED, "no such check is declared", 0)
        return {name: results[name] for name in dict.fromkeys(names)}

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

    def _run(self, probes) -> dict[str, ProbeResult]:
        """Start every probe (or join its flight), then wait at most the longest deadline."""
        futures = {
            probe.name: self.flights.future(
                probe.name,
                partial(run_probe, probe, self.catalog, self.environ),
                workers.submit,
            )
            for probe in probes
        }
        longest = max(probe.timeout for probe in probes)
        wait(list(futures.values()), timeout=longest + GRACE)
        results = {}
        for probe in probes:
            future = futures[probe.name]
            if not future.done():
                detail = (
                    f"deadline exceeded ({probe.timeout:g} s): "
                    "no answer in time, or no probe worker was free"
                )
                results[probe.name] = ProbeResult(probe.name, ERROR, detail, 0)
            elif future.exception() is not None:
                failure = future.exception()
                detail = f"the check itself failed ({type(failure).__name__})"
                results[probe.name] = ProbeResult(probe.name, ERROR, detail, 0)
            else:
                results[probe.name] = future.result()
        return results


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
