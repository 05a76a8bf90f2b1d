"""Running declared probes over real HTTP, safely and within a deadline.

httpx gives per-phase timeouts but no total deadline and no body cap, and it honours
proxy variables unless told not to; this module adds the deadline and the cap, turns
redirects into results, and names every way a request can fail.
"""

from __future__ import annotations

import json
import os
import socket
import ssl
import time
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from datetime import UTC, datetime

import httpx

from kb.checks.catalog import SECRET, Catalog, Probe
from kb.checks.conditions import MISSING, Response, evaluate

MAX_BODY = 64 * 1024
PASS, FAIL, ERROR, SKIPPED = "pass", "fail", "error", "skipped"
_pool = ThreadPoolExecutor(max_workers=16, thread_name_prefix="probe")


class _DeadlineExceeded(Exception):
    pass


@dataclass
class ConditionResult:
    name: str
    success: bool
    shown: str
    missing: bool = False


@dataclass
class ProbeResult:
    probe: str
    outcome: str  # pass / fail / error / skipped
    detail: str
    ms: int
    status: int | None = None
    conditions: list[ConditionResult] = field(default_factory=list)
    at: str = field(default_factory=lambda: datetime.now(UTC).isoformat(timespec="seconds"))

    @property
    def failed(self) -> list[str]:
        """Names of the conditions that failed, in declaration order."""
        return [c.name for c in self.conditions if not c.success]

    def to_dict(self) -> dict:
        return {
            "id": self.probe,
            "outcome": self.outcome,
            "detail": self.detail,
            "ms": self.ms,
            "status": self.status,
            "at": self.at,
            "conditions": [c.__dict__ for c in self.conditions],
        }


def _headers(probe: Probe, environ) -> tuple[dict[str, str], list[str]]:
    missing: list[str] = []
    headers = {"User-Agent": "kb-probe/1", "Accept": "application/json"}
    for name, value in probe.headers:

        def substitute(match) -> str:
            secret = environ.get(match.group(1))
            if not secret:
                missing.append(match.group(1))
                return ""
            return secret

        headers[name] = SECRET.sub(substitute, value)
    return headers, missing


def _error_name(error: Exception) -> str:
    """Say which way the request failed, in words an on-call engineer acts on."""
    cause: BaseException | None = error
    while cause is not None:
        if isinstance(cause, socket.gaierror):
            return "DNS lookup failed"
        if isinstance(cause, ssl.SSLCertVerificationError):
            return f"TLS certificate not trusted: {cause.verify_message}"
        if isinstance(cause, ssl.SSLError):
            return "TLS handshake failed"
        if isinstance(cause, ConnectionRefusedError):
            return "connection refused"
        cause = cause.__cause__ or cause.__context__
    if isinstance(error, httpx.ConnectTimeout):
        return "connect timeout"
    if isinstance(error, httpx.ReadTimeout):
        return "read timeout"
    if isinstance(error, httpx.ConnectError):
        text = str(error).lower()
        if "name or service" in text or "nodename" in text or "resolution" in text:
            return "DNS lookup failed"
        if "refused" in text:
            return "connection refused"
        if "ssl" in text or "certificate" in text:
            return "TLS error"
        return "cannot connect"
    if isinstance(error, httpx.RemoteProtocolError):
        return "connection closed without a valid response"
    return type(error).__name__


def run_probe(probe: Probe, catalog: Catalog, environ: dict | None = None) -> ProbeResult:
    environ = os.environ if environ is None else environ
    started = time.monotonic()

    def elapsed_ms() -> int:
        return int((time.monotonic() - started) * 1000)

    headers, missing = _headers(probe, environ)
    if missing:
        names = ", ".join(sorted(set(missing)))
        return ProbeResult(probe.name, SKIPPED, f"not configured: set {names} to run this check", 0)
    url = catalog.targets[probe.target].base_url(environ) + probe.path
    deadline = started + probe.timeout

    def remaining() -> float:
        left = deadline - time.monotonic()
        if left <= 0:
            raise _DeadlineExceeded
        return left

    try:
        timeout = httpx.Timeout(remaining())
        with (
            httpx.Client(
                trust_env=False, follow_redirects=False, verify=True, timeout=timeout
            ) as client,
            client.stream(probe.method, url, headers=headers) as response,
        ):
            body = bytearray()
            for chunk in response.iter_bytes():
                body.extend(chunk)
                if len(body) > MAX_BODY:
                    return ProbeResult(
                        probe.name,
                        ERROR,
                        f"body too large (over {MAX_BODY // 1024} KiB)",
                        elapsed_ms(),
                        status=response.status_code,
                    )
                remaining()
            status = response.status_code
            encoding = response.encoding or "utf-8"
    except _DeadlineExceeded:
        return ProbeResult(
            probe.name, ERROR, f"deadline exceeded ({probe.timeout:g} s)", elapsed_ms()
        )
    except httpx.TimeoutException as error:
        if time.monotonic() >= deadline - 0.05:
            return ProbeResult(
                probe.name, ERROR, f"deadline exceeded ({probe.timeout:g} s)", elapsed_ms()
            )
        return ProbeResult(probe.name, ERROR, _error_name(error), elapsed_ms())
    except (httpx.HTTPError, OSError) as error:
        return ProbeResult(probe.name, ERROR, _error_name(error), elapsed_ms())

    took = elapsed_ms()
    text = bytes(body).decode(encoding, errors="replace")
    try:
        parsed: object = json.loads(text) if text.strip() else MISSING
    except ValueError:
        parsed = MISSING
    if parsed is MISSING and any(c.uses_body_path for _, c in probe.conditions):
        return ProbeResult(
            probe.name, ERROR, f"invalid JSON in the response (HTTP {status})", took, status=status
        )
    seen = Response(status=status, response_time_ms=took, body=parsed, text=text)
    results = []
    for name, condition in probe.conditions:
        checked = evaluate(condition, seen)
        results.append(ConditionResult(name, checked.success, checked.shown, checked.missing))
    failed = [r for r in results if not r.success]
    outcome = FAIL if failed else PASS
    detail = "; ".join(r.shown for r in failed) if failed else f"HTTP {status}, all conditions met"
    return ProbeResult(probe.name, outcome, detail, took, status=status, conditions=results)


def run_many(probes: list[Probe], run) -> dict[str, ProbeResult]:
    """Run probes concurrently: the wall time of a step is its slowest probe, not the sum."""
    futures = {probe.name: _pool.submit(run, probe) for probe in probes}
    return {name: future.result() for name, future in futures.items()}
