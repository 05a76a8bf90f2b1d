"""A stand-in for the customer's API, for tests and the offline demo (`kb simulate`).

Serves the health endpoints in the shapes the runbook documents, healthy or broken in
one of several ways. `POST /__sim/mode/<mode>` switches mode and `GET /__sim/stats`
counts the requests received, so tests can see exactly what kb sent.
"""

from __future__ import annotations

import threading
import time
from collections import Counter

from flask import Flask, jsonify, request

MODES = ("healthy", "db-down", "redis-down", "memory-high", "rate-limited", "slow", "hang")
VERSION = "3.4.1"


def create_simulator(mode: str = "healthy") -> Flask:
    if mode not in MODES:
        raise ValueError(f"unknown mode {mode!r}; choose from {', '.join(MODES)}")
    app = Flask("kb-simulator")
    state = {"mode": mode, "started": time.monotonic()}
    counts: Counter[str] = Counter()
    lock = threading.Lock()

    @app.before_request
    def misbehave():
        if request.path.startswith("/__sim/"):
            return None
        with lock:
            counts[request.path] += 1
        current = state["mode"]
        if current == "hang":
            time.sleep(3600)  # accept, then never answer
        if current == "slow":
            time.sleep(1.5)
        if current == "rate-limited":
            response = jsonify({"statusCode": 429, "message": "Too Many Requests"})
            response.status_code = 429
            response.headers["Retry-After"] = "60"
            return response
        return None

    _health_routes(app, state)
    _control_routes(app, state, counts, lock)
    return app


def _health_routes(app: Flask, state: dict) -> None:
    """The customer API's own health endpoints, answering as the mode says."""

    def uptime() -> int:
        return int(time.monotonic() - state["started"])

    @app.get("/health")
    def health():
        return jsonify({"status": "ok", "version": VERSION, "uptime": uptime()})

    @app.get("/health/ready")
    def ready():
        checks = {
            "database": "error" if state["mode"] == "db-down" else "ok",
            "redis": "error" if state["mode"] == "redis-down" else "ok",
        }
        degraded = "error" in checks.values()
        body = {"status": "degraded" if degraded else "ok", "checks": checks}
        return jsonify(body), 503 if degraded else 200

    @app.get("/health/metrics")
    def metrics():
        used = 92.4 if state["mode"] == "memory-high" else 41.7
        limit = 512
        return jsonify(
            {
                "uptime": uptime(),
                "memory": {
                    "rss_mb": round(limit * used / 100, 1),
                    "heap_used_mb": round(limit * used / 130, 1),
                    "limit_mb": limit,
                    "used_percent": used,
                },
            }
        )


def _control_routes(app: Flask, state: dict, counts: Counter, lock: threading.Lock) -> None:
    """`/__sim/...`: what tests use to steer the simulator and read what it received."""

    @app.get("/__sim/large")
    def large():
        return app.response_class("x" * (200 * 1024), mimetype="text/plain")

    @app.get("/__sim/redirect")
    def moved():
        return "", 302, {"Location": "http://127.0.0.1:9/elsewhere"}

    @app.get("/__sim/headers")
    def headers():
        return jsonify({"authorization": request.headers.get("Authorization", "")})

    @app.post("/__sim/mode/<name>")
    def set_mode(name: str):
        if name not in MODES:
            return jsonify({"error": f"unknown mode {name}"}), 400
        state["mode"] = name
        return jsonify({"mode": name})

    @app.get("/__sim/stats")
    def stats():
        with lock:
            return jsonify({"mode": state["mode"], "requests": dict(counts)})

    @app.post("/__sim/reset")
    def reset():
        with lock:
            counts.clear()
        return jsonify({"ok": True})
