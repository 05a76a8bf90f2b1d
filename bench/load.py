"""Load and soak test of kb under `gunicorn -w 2` on 127.0.0.1, against `kb simulate`.

    python bench/load.py [--seconds 10] [--soak-seconds 180]

For each endpoint: requests/s, p50 and p99 latency and errors, next to `/health` measured
in the same run as the baseline ratio. Then a soak: a mixed load for --soak-seconds with
the workers' memory (RSS) sampled at the start and the end. Load comes from wrk when it
is installed (`apt-get install wrk`), else from Python client processes.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path
from urllib.parse import quote

import httpx

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(Path(__file__).resolve().parent))
from loadgen import client_name, free_port, run_load, wait_for_workers  # noqa: E402

QUERIES = [
    "shift won't close", "503", "pg_dump", "rollback", "shfit wont clsoe", "OOM", "devops phone",
    "railway logs -f", "emails not sending", "how do i restore a backup", "429", "DATABASE_URL",
]  # fmt: skip


def start(command: list[str], env: dict, log: Path) -> subprocess.Popen:
    handle = open(log, "w")  # noqa: SIM115 (lives as long as the process)
    return subprocess.Popen(command, cwd=ROOT, env=env, stdout=handle, stderr=handle)


def wait_ready(url: str, seconds: float = 120) -> None:
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, trust_env=False, timeout=5).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise SystemExit(f"{url} did not come up")


def worker_rss_mb(master_pid: int) -> float:
    """Resident memory of the gunicorn workers (the master's children), in MB."""
    total = 0
    for status in Path("/proc").glob("[0-9]*/status"):
        try:
            fields = dict(
                line.split(":", 1) for line in status.read_text().splitlines() if ":" in line
            )
        except OSError:
            continue
        if fields.get("PPid", "").strip() == str(master_pid):
            total += int(fields.get("VmRSS", "0 kB").split()[0])
    return total / 1024


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=10.0, help="per endpoint")
    parser.add_argument("--soak-seconds", type=float, default=180.0)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        tmp_path = Path(tmp)
        sim_port, port = free_port(), free_port()
        simulator = start(
            [sys.executable, "-m", "kb", "simulate", "--port", str(sim_port)],
            dict(os.environ),
            tmp_path / "sim.log",
        )
        env = {
            **os.environ,
            "KB_DATA_DIR": str(tmp_path / "data"),
            "KB_BIND": f"127.0.0.1:{port}",
            "WEB_CONCURRENCY": "2",
            "KB_THREADS": "1",
            "KB_TARGET_API_URL": f"http://127.0.0.1:{sim_port}",
            "KB_PROBE_RATE_PER_MINUTE": "1000000",  # the load generator is one client
        }
        server = start(
            [sys.executable, "-m", "gunicorn", "wsgi:app"], env, tmp_path / "gunicorn.log"
        )
        base = f"http://127.0.0.1:{port}"
        try:
            wait_ready(f"http://127.0.0.1:{sim_port}/health")
            wait_ready(base + "/health/ready")
            wait_for_workers(base, 2)
            rows = [
                ("/health (baseline)", ["/health"], "GET"),
                ("/ (home page)", ["/"], "GET"),
                ("article page", ["/a/alcom-v3-runbook/issue-shift-wont-close"], "GET"),
                (
                    "/api/search (12 queries)",
                    [f"/api/search?log=0&q={quote(q)}" for q in QUERIES],
                    "GET",
                ),
                ("/api/contacts", ["/api/contacts"], "GET"),
                ("POST /api/triage", ["/api/triage"], "POST"),
            ]
            results = []
            for name, paths, method in rows:
                results.append((name, run_load(base, paths, args.seconds, method=method)))
            baseline = results[0][1]["rps"] or 1
            print(
                f"kb under gunicorn -w 2 (sync) on 127.0.0.1; {client_name()}; {args.seconds:.0f} s per row"
            )
            print(
                f"{'endpoint':<28} {'req/s':>8} {'x /health':>9} {'p50 ms':>8} {'p99 ms':>8} {'errors':>7}"
            )
            for name, row in results:
                print(
                    f"{name:<28} {row['rps']:>8.1f} {row['rps'] / baseline:>9.2f} "
                    f"{row['p50']:>8.2f} {row['p99']:>8.2f} {row['errors']:>7}"
                )

            mixed = ["/", "/a/alcom-v3-runbook/2-rollback", "/api/contacts", "/health"] + [
                f"/api/search?log=0&q={quote(q)}" for q in QUERIES
            ]
            samples: list[tuple[float, float]] = []
            done = threading.Event()

            def sample() -> None:
                started = time.monotonic()
                while not done.is_set():
                    samples.append((time.monotonic() - started, worker_rss_mb(server.pid)))
                    done.wait(5)

            sampler = threading.Thread(target=sample, daemon=True)
            sampler.start()
            soak = run_load(base, mixed, args.soak_seconds)
            done.set()
            sampler.join()
            first = samples[: max(1, len(samples) // 10)]
            last = samples[-max(1, len(samples) // 10) :]
            start_mb = sum(m for _, m in first) / len(first)
            end_mb = sum(m for _, m in last) / len(last)
            print(
                f"\nsoak: {args.soak_seconds:.0f} s of mixed load, {soak['rps']:.1f} req/s, "
                f"p99 {soak['p99']:.1f} ms, {soak['errors']} errors"
            )
            print(
                f"workers' RSS: {start_mb:.1f} MB at the start, {end_mb:.1f} MB at the end "
                f"({end_mb - start_mb:+.1f} MB, {(end_mb / start_mb - 1) * 100:+.1f}%; {len(samples)} samples)"
            )
        finally:
            server.terminate()
            simulator.terminate()
            server.wait(timeout=30)
            simulator.wait(timeout=10)


if __name__ == "__main__":
    main()
