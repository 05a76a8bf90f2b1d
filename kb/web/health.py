"""The KB's own health, in the shapes its runbook expects of the customer's API."""

from __future__ import annotations

import os
import resource
import time
from pathlib import Path

from flask import Blueprint, current_app, jsonify
from sqlalchemy import text

from kb.ratelimit import shared_counter
from kb.search.index import building, current_generation, read_meta

bp = Blueprint("health", __name__)
STARTED = time.monotonic()


def version() -> str:
    from importlib.metadata import PackageNotFoundError
    from importlib.metadata import version as package_version

    try:
        return package_version("kb")
    except PackageNotFoundError:
        return "0+unknown"


@bp.get("/health")
def health():
    return jsonify(
        {"status": "ok", "version": version(), "uptime": int(time.monotonic() - STARTED)}
    )


def _database() -> str:
    try:
        with current_app.extensions["kb.db"].connect() as connection:
            connection.execute(text("SELECT 1"))
        return "ok"
    except Exception:
        current_app.logger.warning("readiness: database unreachable", exc_info=True)
        return "error"


def _index() -> str:
    data_dir = Path(current_app.config["KB_DATA_DIR"])
    generation = current_generation(data_dir)
    if generation is not None:
        indexed = read_meta(generation).get("digests", {})
        # An index of no runbook (only the contacts) answers nothing: not ready.
        return "ok" if any(not s.startswith("@") for s in indexed) else "empty"
    return "building" if building(data_dir) else "error"


@bp.get("/health/ready")
def ready():
    library = current_app.extensions["kb.library"]
    checks = {"database": _database(), "index": _index()}
    body = {
        "status": "ok" if all(v == "ok" for v in checks.values()) else "degraded",
        "checks": checks,
    }
    if current_app.config.get("KB_REDIS_URL"):
        # Reported, not failed on: without Redis kb serves on, only rate limits are off.
        up = shared_counter(current_app).reachable()
        body["rate_limits"] = "ok" if up else "error: Redis unreachable, limits not enforced"
    if library.unreadable:
        # Still serving (the last good index, the readable files): report, don't go dark.
        body["content"] = {"status": "error", "unreadable": library.unreadable}
    return jsonify(body), 200 if body["status"] == "ok" else 503


def _memory() -> dict:
    rss_mb = 0.0
    try:
        pages = int(Path("/proc/self/statm").read_text().split()[1])
        rss_mb = pages * resource.getpagesize() / 1024 / 1024
    except (OSError, ValueError, IndexError):
        pass
    peak_mb = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    return {"rss_mb": round(rss_mb, 1), "peak_rss_mb": round(peak_mb, 1)}


@bp.get("/health/metrics")
def metrics():
    return jsonify(
        {
            "uptime": int(time.monotonic() - STARTED),
            "pid": os.getpid(),  # which worker answered: several run behind one address
            "memory": _memory(),
            "requests": current_app.extensions["kb.counters"].snapshot(),
        }
    )
