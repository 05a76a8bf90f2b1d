"""Production settings for `gunicorn wsgi:app` (read automatically from the repo root).

Override with environment variables: PORT / KB_BIND, WEB_CONCURRENCY, KB_THREADS.
"""

import os

bind = os.environ.get("KB_BIND") or f"0.0.0.0:{os.environ.get('PORT', '5000')}"
workers = int(os.environ.get("WEB_CONCURRENCY", "2"))
threads = int(os.environ.get("KB_THREADS", "4"))
worker_class = "gthread" if threads > 1 else "sync"
# No control socket: containers and CI have no writable home, and nothing uses it.
control_socket_disable = True
# Each worker loads content and opens the index itself; preloading would share a
# database pool across forks.
preload_app = False
timeout = 30
graceful_timeout = 20
keepalive = 5
# No max_requests: a worker loads all content at start (seconds for thousands of
# articles), so recycling it under load would cost more than it saves; the soak in
# bench/load.py checks memory stays flat instead.
limit_request_line = 8190
limit_request_fields = 100
accesslog = "-"
errorlog = "-"
# The request id kb puts on every response, so access lines match the app's JSON logs.
access_log_format = '%(h)s "%(r)s" %(s)s %(b)s %(M)sms request_id=%({x-request-id}o)s'
