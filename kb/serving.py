"""gunicorn's settings, in one place for `gunicorn wsgi:app` (via gunicorn.conf.py) and
`kb serve` alike. Override with PORT / KB_BIND, WEB_CONCURRENCY, KB_THREADS."""

from __future__ import annotations

import os

MIN_THREADS = 2


def gunicorn_settings(environ: os._Environ | dict = os.environ) -> dict:
    # At least 2 threads: a live check may hold one for up to 30 s, and pages and /health
    # must keep another (a single-threaded worker would answer nothing meanwhile).
    threads = max(MIN_THREADS, int(environ.get("KB_THREADS", "4")))
    return {
        "bind": environ.get("KB_BIND") or f"0.0.0.0:{environ.get('PORT', '5000')}",
        "workers": int(environ.get("WEB_CONCURRENCY", "2")),
        "threads": threads,
        "worker_class": "gthread",
        # No control socket: containers and CI have no writable home, and nothing uses it.
        "control_socket_disable": True,
        # Each worker loads content and opens the index itself; preloading would share a
        # database pool across forks.
        "preload_app": False,
        "timeout": 30,
        "graceful_timeout": 20,
        "keepalive": 5,
        # No max_requests: a worker loads all content at start (seconds for thousands of
        # articles), so recycling it under load would cost more than it saves; the soak in
        # bench/load.py checks memory stays flat instead.
        "limit_request_line": 8190,
        "limit_request_fields": 100,
        # kb logs one JSON line per request itself (kb.access, with the request id):
        # gunicorn's own access line would be a second, plain one.
        "accesslog": None,
        "errorlog": "-",
    }
