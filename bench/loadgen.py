"""Load generation shared by the benchmarks: wrk when installed, Python clients otherwise."""

from __future__ import annotations

import json
import multiprocessing
import os
import re
import shutil
import socket
import statistics
import subprocess
import tempfile
import time

import httpx


def percentiles(samples_ms: list[float]) -> tuple[float, float, float]:
    cuts = statistics.quantiles(samples_ms, n=100, method="inclusive")
    return cuts[49], cuts[94], cuts[98]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def _load_worker(args) -> tuple[int, int, list[float]]:
    base, paths, seconds, method = args
    ok = errors = 0
    latencies = []
    deadline = time.monotonic() + seconds
    with httpx.Client(base_url=base, timeout=10, trust_env=False) as client:
        i = 0
        while time.monotonic() < deadline:
            path = paths[i % len(paths)]
            i += 1
            start = time.perf_counter()
            try:
                response = client.request(method, path)
                if response.status_code == 200:
                    ok += 1
                else:
                    errors += 1
            except httpx.HTTPError:
                errors += 1
            latencies.append((time.perf_counter() - start) * 1000)
    return ok, errors, latencies


def wrk_load(
    base: str, paths: list[str], seconds: float, connections: int, method: str = "GET"
) -> dict:
    """wrk (C, one thread) cycles through the paths: a client light enough not to steal
    the server's CPU on a 2-core machine."""
    script = "local paths = {" + ",".join(json.dumps(p) for p in paths) + "}\n"
    script += (
        "local i = 0\n"
        "request = function()\n  i = i % #paths + 1\n"
        f"  return wrk.format('{method}', paths[i])\nend\n"
    )
    with tempfile.NamedTemporaryFile("w", suffix=".lua", delete=False) as handle:
        handle.write(script)
    try:
        out = subprocess.run(
            [
                "wrk",
                "-t1",
                f"-c{connections}",
                f"-d{int(seconds)}s",
                "--latency",
                "-s",
                handle.name,
                base,
            ],
            capture_output=True,
            text=True,
            check=True,
        ).stdout
    finally:
        os.unlink(handle.name)

    def ms(label: str) -> float:
        value = re.search(rf"^\s*{label}%\s+([\d.]+)(us|ms|s)", out, re.M)
        number, unit = float(value.group(1)), value.group(2)
        return number / 1000 if unit == "us" else number * 1000 if unit == "s" else number

    errors = sum(int(n) for n in re.findall(r"(?:connect|read|write|timeout) (\d+)", out))
    non_2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
    errors += int(non_2xx.group(1)) if non_2xx else 0
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out).group(1))
    return {"rps": rps, "errors": errors, "p50": ms("50"), "p99": ms("99")}


def load(base: str, paths: list[str], seconds: float, clients: int, method: str = "GET") -> dict:
    with multiprocessing.get_context("spawn").Pool(clients) as pool:
        parts = pool.map(
            _load_worker,
            [(base, paths[i::clients] or paths, seconds, method) for i in range(clients)],
        )
    ok = sum(p[0] for p in parts)
    errors = sum(p[1] for p in parts)
    latencies = [ms for p in parts for ms in p[2]]
    p50, _, p99 = percentiles(latencies)
    return {"rps": ok / seconds, "errors": errors, "p50": p50, "p99": p99}


def wait_for_workers(base: str, workers: int, seconds: float = 300) -> None:
    """Until every worker answers: one still loading content would skew the figures."""
    seen: set[int] = set()
    deadline = time.monotonic() + seconds
    while len(seen) < workers and time.monotonic() < deadline:
        try:
            with httpx.Client(trust_env=False, timeout=60) as client:  # a new connection each time
                seen.add(client.get(base + "/health/metrics").json()["pid"])
        except (httpx.HTTPError, ValueError, KeyError):
            time.sleep(0.5)
    if len(seen) < workers:
        raise SystemExit(f"only {len(seen)} of {workers} workers came up")


def run_load(
    base: str, paths: list[str], seconds: float, connections: int = 4, method: str = "GET"
) -> dict:
    if shutil.which("wrk"):
        return wrk_load(base, paths, seconds, connections, method)
    return load(base, paths, seconds, connections, method)


def client_name() -> str:
    return "wrk, 1 thread, 4 connections" if shutil.which("wrk") else "4 Python client processes"
