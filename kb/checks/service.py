"""The app's probe runner: declared probes only, concurrently, one flight per probe."""

from __future__ import annotations

import os
from pathlib import Path

from flask import Flask, current_app

from kb.checks.catalog import Catalog, load_catalog
from kb.checks.flight import ProbeFlights
from kb.checks.runner import SKIPPED, ProbeResult, run_many, run_probe
from kb.ratelimit import RateLimiter


class ProbeService:
    def __init__(self, catalog: Catalog, ttl: float, environ=None):
        self.catalog = catalog
        self.flights = ProbeFlights(ttl=ttl)
        self.environ = os.environ if environ is None else environ

    def run(self, names: list[str]) -> dict[str, ProbeResult]:
        """Results for the named probes; an undeclared name is never requested."""
        known = [self.catalog.probes[n] for n in dict.fromkeys(names) if n in self.catalog.probes]
        results = run_many(
            known,
            lambda probe: self.flights.get(
                probe.name, lambda: run_probe(probe, self.catalog, self.environ)
            ),
        )
        for name in names:
            if name not in results:
                results[name] = ProbeResult(name, SKIPPED, "no such check is declared", 0)
        return results

    def run_all(self) -> dict[str, ProbeResult]:
        return self.run(list(self.catalog.probes))


def init_app(app: Flask) -> None:
    catalog = load_catalog(Path(app.config["KB_CONTENT_DIR"]))
    ttl = float(app.config.get("KB_PROBE_CACHE_SECONDS", 5))
    # Tests and demos point targets elsewhere without touching the process environment.
    environ = {**os.environ, **app.config.get("KB_PROBE_ENVIRON", {})}
    app.extensions["kb.probes"] = ProbeService(catalog, ttl, environ)
    per_minute = int(app.config.get("KB_PROBE_RATE_PER_MINUTE", 60))
    app.extensions["kb.probe_limit"] = RateLimiter(
        per_minute=per_minute, burst=max(5, per_minute // 3)
    )


def get_probes() -> ProbeService:
    return current_app.extensions["kb.probes"]


def probe_limit() -> RateLimiter:
    return current_app.extensions["kb.probe_limit"]
