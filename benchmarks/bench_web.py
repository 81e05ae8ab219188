"""Web load benchmark: the public pages under concurrent readers.

Starts the app with uvicorn on a free loopback port in a child process (one worker, the way
``muniplan serve`` runs it), imports the Bærum example into a fresh SQLite store, warms every
page once (so the projection and chart caches are filled, as on a live site), then fires
``REQUESTS`` requests from ``CLIENTS`` concurrent httpx clients, round-robin over the pages,
and prints throughput and p50/p99 latency per page.

Run: ``.venv/bin/python benchmarks/bench_web.py`` (or ``python -m benchmarks``).
"""

from __future__ import annotations

import os
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

import httpx

REQUESTS = int(os.environ.get("BENCH_WEB_REQUESTS", "2000"))
CLIENTS = int(os.environ.get("BENCH_WEB_CLIENTS", "4"))
PLAN = "/plan/baerum-2018-2021/"
PAGES = {
    "oversikt": PLAN,
    "sektor": PLAN + "sektorer/barn-og-unge",
    "investeringer": PLAN + "investeringer",
    "satsingsomrader": PLAN + "satsingsomrader",
    "okonomi": PLAN + "okonomi",
    "kilder": PLAN + "kilder",
    "oversikt-en": PLAN + "?lang=en",
    "figur-svg": PLAN + "chart/net-operating-result-ratio.svg",
}


def serve(db_dir: str, port: int) -> None:
    """Child process: a store with the example in it, and the app on 127.0.0.1:port."""
    import uvicorn

    from muniplan.plan.load import read_folder, resolve
    from muniplan.store import Settings, Store
    from muniplan.web.app import create_app

    settings = Settings(data_dir=Path(db_dir), database_url=f"sqlite:///{db_dir}/bench.db")
    store = Store.from_settings(settings)
    store.upgrade()
    store.import_files(read_folder(resolve(None)), status="adopted")
    uvicorn.run(create_app(settings, store), host="127.0.0.1", port=port,
                log_level="warning", access_log=False)


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(url + "/static/site.css", timeout=1).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.2)
    raise RuntimeError("the server did not start")


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def load(url: str) -> tuple[dict[str, list[float]], float, int]:
    """Fire the requests; per-page latencies (s), wall time (s), failures."""
    names = list(PAGES)
    latencies: dict[str, list[float]] = {n: [] for n in names}
    failures = 0
    lock = threading.Lock()
    counter = iter(range(REQUESTS))

    def client() -> None:
        nonlocal failures
        with httpx.Client(base_url=url, timeout=30) as http:
            while True:
                with lock:
                    i = next(counter, None)
                if i is None:
                    return
                name = names[i % len(names)]
                t = time.perf_counter()
                r = http.get(PAGES[name])
                dt = time.perf_counter() - t
                with lock:
                    latencies[name].append(dt)
                    if r.status_code != 200:
                        failures += 1

    threads = [threading.Thread(target=client) for _ in range(CLIENTS)]
    t0 = time.perf_counter()
    for th in threads:
        th.start()
    for th in threads:
        th.join()
    return latencies, time.perf_counter() - t0, failures


def main() -> dict[str, float]:
    import muniplan.store

    if not hasattr(muniplan.store, "Store"):
        print("web: skipped, muniplan.store.Store is not there yet")
        return {}
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen([sys.executable, __file__, "--serve", tmp, str(port)],
                                cwd=Path(__file__).resolve().parents[1])
        try:
            t = time.perf_counter()
            wait_up(url, proc)
            started = time.perf_counter() - t
            t = time.perf_counter()
            with httpx.Client(base_url=url, timeout=60) as http:
                for path in PAGES.values():
                    http.get(path).raise_for_status()
            warm = time.perf_counter() - t
            latencies, wall, failures = load(url)
        finally:
            proc.terminate()
            proc.wait(timeout=10)
    total = sum(len(v) for v in latencies.values())
    rps = total / wall
    print(f"web: {total} requests over {CLIENTS} clients in {wall:.2f} s: {rps:.0f} req/s, "
          f"{failures} failures (server up in {started:.1f} s, first pass over every page "
          f"{warm:.2f} s)")
    print(f"{'page':<18}{'n':>6}{'p50 ms':>10}{'p99 ms':>10}{'mean ms':>10}")
    for name, values in latencies.items():
        print(f"{name:<18}{len(values):>6}{1000 * percentile(values, 0.5):>10.1f}"
              f"{1000 * percentile(values, 0.99):>10.1f}{1000 * statistics.fmean(values):>10.1f}")
    every = [v for vs in latencies.values() for v in vs]
    return {"requests_per_second": rps, "p50_ms": 1000 * percentile(every, 0.5),
            "p99_ms": 1000 * percentile(every, 0.99), "failures": failures}


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        main()
