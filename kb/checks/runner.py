"""Running one declared probe: its request, then its conditions, into a ProbeResult.

Only declared probes run: the target, method, path and headers come from reviewed
content, secrets from the environment. The exchange itself (deadline, caps, the name of
every way it can fail) is `fetch`'s; the meaning of each condition is `conditions`'.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from datetime import UTC, datetime
from urllib.parse import urlsplit

from kb.checks import fetch
from kb.checks.catalog import SECRET, Catalog, Probe
from kb.checks.conditions import Response, evaluate

MAX_BODY = fetch.MAX_BODY
PASS, FAIL, ERROR, SKIPPED = "pass", "fail", "error", "skipped"


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class ConditionResult:
    name: str
    success: bool
    shown: str
    missing: bool = False
    error: str = ""


@dataclass
class ProbeResult:
    probe: str
    outcome: str  # pass / fail / error / skipped
    detail: str
    ms: int  # response time: from sending the request to the end of the body
    status: int | None = None
    conditions: list[ConditionResult] = field(default_factory=list)
    at: str = field(default_factory=_now)  # when it ran (a shared result keeps its time)
    target: str = ""  # host[:port] it was sent to
    queued_ms: int = 0  # time spent waiting for a free probe worker, before sending

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
            "target": self.target,
            "queued_ms": self.queued_ms,
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


def target_host(url: str) -> str:
    """host[:port] of a URL, what a result shows as where it was sent."""
    try:
        return urlsplit(url).netloc.rpartition("@")[2]
    except ValueError:
        return ""


def run_probe(
    probe: Probe, catalog: Catalog, environ: dict | None = None, *, queued_ms: int = 0
) -> ProbeResult:
    environ = os.environ if environ is None else environ
    started = _now()
    headers, missing = _headers(probe, environ)
    url = catalog.targets[probe.target].base_url(environ) + probe.path
    host = target_host(url)

    def result(outcome: str, detail: str, ms: int = 0, **more) -> ProbeResult:
        return ProbeResult(
            probe.name, outcome, detail, ms, at=started, target=host, queued_ms=queued_ms, **more
        )

    if missing:
        names = ", ".join(sorted(set(missing)))
        return result(SKIPPED, f"not configured: set {names} to run this check")
    if queued_ms >= probe.timeout * 1000:
        # Whoever asked has stopped waiting by now: sending it late would only load the
        # target during the incident, for a result nobody reads.
        waited = f"{queued_ms / 1000:.1f} s"
        return result(
            SKIPPED,
            f"not run: no probe worker was free within its deadline "
            f"(waited {waited}); check it by hand",
        )
    got = fetch.fetch(probe.method, url, headers, probe.timeout)
    if got.error and (got.connected or not probe.checks_connection):
        return result(ERROR, got.error, got.ms, status=got.status)
    seen = Response(
        status=got.status,
        response_time_ms=got.ms if got.connected else None,
        text=got.text,
        connected=got.connected,
        certificate_expiration_ms=got.certificate_expiration_ms,
    )
    results = []
    for name, condition in probe.conditions:
        checked = evaluate(condition, seen)
        results.append(
            ConditionResult(name, checked.success, checked.shown, checked.missing, checked.error)
        )
    broken = [r for r in results if r.error]
    failed = [r for r in results if not r.success]
    if broken:
        detail = "; ".join(f"{r.shown}: {r.error}" for r in broken)
        return result(ERROR, detail, got.ms, status=got.status, conditions=results)
    if failed:
        detail = "; ".join(r.shown for r in failed)
        if got.error:
            detail = f"{got.error}: {detail}"
        return result(FAIL, detail, got.ms, status=got.status, conditions=results)
    summary = f"HTTP {got.status}, all conditions met" if got.connected else "all conditions met"
    return result(PASS, summary, got.ms, status=got.status, conditions=results)
