"""Web load benchmark: the public pages under a crowd, cold and warm.

Starts the site with uvicorn on a free loopback port (127.0.0.1 only) in a child process,
with a fresh SQLite store holding the Bærum example, the way ``muniplan serve`` runs it
(one worker). Then:

* **first answer**: seconds from starting the server process to its first 200;
* **cold burst**: right after the start, with nothing computed, ``CLIENTS`` readers ask for
  the Bærekraft page at once — how long the last one waits, how many Monte Carlo runs the
  server made (counted from the store's computed results: one is the target) and the
  server's peak memory (target under 500 MB);
* **cold, per page**: for each page type a restart on the same store, then ``CLIENTS``
  readers at once as the new process's first requests — p50, p99, max and errors — and
  the Monte Carlo runs counted again after all the restarts (still one: the store keeps it);
* **warm**: for each page type, ``CLIENTS`` connections asking as fast as they can for
  ``BENCH_WEB_SECONDS`` seconds (default 60; ``--quick`` 5), with brotli accepted as a
  browser does — p50, p99, max and errors per page (target p99 under 100 ms, 0 errors);
* **baseline**: the same client against the cheapest ASGI app on the same uvicorn — what
  the client, the HTTP server and loopback cost on their own on these two cores — and each
  page's p99 as a ratio to it, from the same run.

The warm client is :mod:`loadclient` (raw keep-alive connections), not httpx, whose own CPU
cost on the same two cores would otherwise be part of every figure.

Run: ``.venv/bin/python benchmarks/bench_web.py [--quick]`` (or ``make bench``). On a shared
machine the absolute times move with the load; the table says what was measured, when.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import httpx

try:
    from benchmarks import loadclient
except ImportError:  # run as a script: benchmarks/ is on the path
    import loadclient  # type: ignore[no-redef]

CLIENTS = int(os.environ.get("BENCH_WEB_CLIENTS", "50"))
SECONDS = float(os.environ.get("BENCH_WEB_SECONDS", "60"))
PLAN = "/plan/baerum-2018-2021/"
PAGES = {
    "oversikt": PLAN,
    "sektor": PLAN + "sektorer/barn-og-unge",
    "investeringer": PLAN + "investeringer",
    "satsingsomrader": PLAN + "satsingsomrader",
    "okonomi": PLAN + "okonomi",
    "okonomi-2030": PLAN + "okonomi?to=2030",
    "baerekraft": PLAN + "baerekraft",
    "kilder": PLAN + "kilder",
    "oversikt-en": PLAN + "?lang=en",
    "figur-svg": PLAN + "chart/net-operating-result-ratio.svg",
    "css": "/static/site.css",
}
HEADERS = loadclient.HEADERS


def serve(db_dir: str, port: int) -> None:
    """Child process: the app on 127.0.0.1:port over the store in ``db_dir``."""
    import uvicorn

    from muniplan.store import Settings, Store
    from muniplan.web.app import create_app
    from muniplan.web.serving import FRESH_SECONDS

    settings = Settings(data_dir=Path(db_dir), database_url=f"sqlite:///{db_dir}/bench.db")
    app = create_app(settings, Store.from_settings(settings))
    app.state.web.source.fresh_seconds = FRESH_SECONDS  # as muniplan serve runs it
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def serve_baseline(port: int) -> None:
    """Child process: the trivial app on the same uvicorn, for the client's floor."""
    import uvicorn

    uvicorn.run(loadclient.baseline_app, host="127.0.0.1", port=port, log_level="warning",
                access_log=False)


def prepare(db_dir: str) -> None:
    from muniplan.plan.load import read_folder, resolve
    from muniplan.store import Settings, Store

    settings = Settings(data_dir=Path(db_dir), database_url=f"sqlite:///{db_dir}/bench.db")
    store = Store.from_settings(settings)
    store.upgrade()
    store.import_files(read_folder(resolve(None)), status="adopted")
    store.dispose()


def free_port() -> int:
    return loadclient.free_port(loadclient.port_range())


def start(db_dir: str, port: int, path: str = "/static/site.css"
          ) -> tuple[subprocess.Popen[bytes], float]:
    """The server process and the seconds to its first 200 (``db_dir`` "-": baseline)."""
    t = time.perf_counter()
    args = ["--baseline", str(port)] if db_dir == "-" else ["--serve", db_dir, str(port)]
    proc = subprocess.Popen([sys.executable, __file__, *args],
                            cwd=Path(__file__).resolve().parents[1])
    url = f"http://127.0.0.1:{port}"
    while time.perf_counter() - t < 300:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(url + path, timeout=2).status_code == 200:
                return proc, time.perf_counter() - t
        except httpx.HTTPError:
            time.sleep(0.05)
    raise RuntimeError("the server did not start")


def peak_rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) / 1024
    return float("nan")


def computed_runs(db_dir: str) -> int:
    import sqlite3

    with sqlite3.connect(f"{db_dir}/bench.db") as db:
        return db.execute("SELECT count(*) FROM computed_results WHERE kind = 'risk'"
                          ).fetchone()[0]


async def burst(url: str, path: str, n: int) -> tuple[list[float], int]:
    async with httpx.AsyncClient(base_url=url, timeout=600, headers=HEADERS,
                                 limits=httpx.Limits(max_connections=n)) as http:
        async def one() -> tuple[float, int]:
            t = time.perf_counter()
            r = await http.get(path)
            return time.perf_counter() - t, r.status_code
        got = await asyncio.gather(*[one() for _ in range(n)])
    return [t for t, _ in got], sum(1 for _, s in got if s != 200)


pct = loadclient.pct


def main(seconds: float = SECONDS) -> dict[str, float]:
    figures: dict[str, float] = {}
    with tempfile.TemporaryDirectory() as tmp:
        prepare(tmp)
        port = free_port()
        url = f"http://127.0.0.1:{port}"
        proc, up = start(tmp, port)
        try:
            t = time.perf_counter()
            first = httpx.get(url + PLAN, timeout=600).status_code
            first_page = time.perf_counter() - t
            times, errors = asyncio.run(burst(url, PAGES["baerekraft"], CLIENTS))
            runs = computed_runs(tmp)
            rss = peak_rss_mb(proc.pid)
            print(f"web: server up (first 200) in {up:.2f} s; first page {first_page:.2f} s "
                  f"(status {first})")
            print(f"cold burst: {CLIENTS} readers at once on Bærekraft: last answer "
                  f"{max(times):.1f} s, {errors} errors, {runs} Monte Carlo run(s) "
                  f"(target 1), server peak {rss:.0f} MB (target < 500 MB)")
            figures.update(up_s=up, cold_burst_s=max(times), cold_runs=runs, cold_rss_mb=rss,
                           cold_errors=errors)
            proc.terminate()
            proc.wait(timeout=20)
            figures.update(cold_pages(tmp))
            proc, _up = start(tmp, port)
            floor = baseline(seconds)
            print(f"warm: {CLIENTS} connections × {seconds:g} s per page, brotli accepted; "
                  f"ratio = p99 / the trivial app's p99 ({floor:.1f} ms) in this run")
            print(f"{'page':<16}{'n':>7}{'req/s':>7}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}"
                  f"{'errors':>7}{'ratio':>7}")
            worst = 0.0
            for name, path in PAGES.items():
                httpx.get(url + path, headers=HEADERS, timeout=600)  # warm: computed once
                got = asyncio.run(loadclient.get_many("127.0.0.1", port, path, CLIENTS,
                                                      seconds))
                p99 = 1000 * pct(got.times, 0.99)
                worst = max(worst, p99)
                print(f"{name:<16}{len(got.times):>7}{len(got.times) / seconds:>7.0f}"
                      f"{1000 * pct(got.times, 0.5):>8.1f}{p99:>8.1f}"
                      f"{1000 * max(got.times):>8.1f}{got.errors:>7}{p99 / floor:>7.1f}",
                      flush=True)
                figures[f"{name}_p99_ms"] = p99
                figures[f"{name}_errors"] = got.errors
            figures["worst_p99_ms"] = worst
            figures["baseline_p99_ms"] = floor
            print(f"worst p99 {worst:.0f} ms (target < 100 ms); server peak "
                  f"{peak_rss_mb(proc.pid):.0f} MB")
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    return figures


def cold_pages(db_dir: str) -> dict[str, float]:
    """Each page type right after a restart: ``CLIENTS`` readers at once, as the first
    requests the new process answers. The store keeps what was computed (the Monte Carlo
    above), so a restart must not run it again; each process renders its pages anew."""
    figures: dict[str, float] = {}
    print(f"cold: a restart per page, then {CLIENTS} readers at once (the process's first "
          f"requests); up = seconds from start to listening")
    print(f"{'page':<16}{'up s':>6}{'p50 ms':>8}{'p99 ms':>8}{'max ms':>8}{'errors':>7}")
    worst = 0.0
    for name, path in PAGES.items():
        port = free_port()
        proc, up = start(db_dir, port, "/static/site.css")
        try:
            times, errors = asyncio.run(burst(f"http://127.0.0.1:{port}", path, CLIENTS))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
        p99 = 1000 * pct(times, 0.99)
        worst = max(worst, p99)
        print(f"{name:<16}{up:>6.2f}{1000 * pct(times, 0.5):>8.0f}{p99:>8.0f}"
              f"{1000 * max(times):>8.0f}{errors:>7}", flush=True)
        figures[f"cold_{name}_p99_ms"] = p99
        figures[f"cold_{name}_errors"] = errors
    runs = computed_runs(db_dir)
    print(f"cold: worst p99 {worst:.0f} ms; Monte Carlo runs in the store after "
          f"{len(PAGES)} restarts: {runs} (target 1: a restart reads it, never recomputes)")
    figures.update(cold_worst_p99_ms=worst, cold_runs_after_restarts=runs)
    return figures


def baseline(seconds: float) -> float:
    """p99 ms of the trivial app under the same client and connections (printed)."""
    port = free_port()
    proc, up = start("-", port, "/")
    try:
        got = asyncio.run(loadclient.get_many("127.0.0.1", port, "/", CLIENTS, seconds))
    finally:
        proc.terminate()
        proc.wait(timeout=20)
    p99 = 1000 * pct(got.times, 0.99)
    print(f"baseline: the trivial app up in {up:.2f} s (Python and uvicorn alone); "
          f"{CLIENTS} connections: {len(got.times) / seconds:.0f} "
          f"req/s, p50 {1000 * pct(got.times, 0.5):.1f} ms, p99 {p99:.1f} ms, "
          f"{got.errors} errors (the client's and uvicorn's own cost)")
    return max(p99, 1e-3)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "--baseline":
        serve_baseline(int(sys.argv[2]))
    else:
        main(5.0 if "--quick" in sys.argv else SECONDS)
