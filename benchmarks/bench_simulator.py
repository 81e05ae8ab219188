"""Load benchmark of the budget simulator: 50 concurrent citizens for 60 s on loopback.

The app runs with uvicorn in a child process on 127.0.0.1 (one worker, like ``muniplan
serve``), on a fresh SQLite store with the Bærum example. Each citizen is an asyncio task with
its own cookies: it opens the simulator, then moves one lever at a time (a random walk over
the levers' steps), asks for the recomputed result part (``del=resultat``, what the page's
script asks for), now and then reloads the whole page, and sends its budget when it is
balanced. Between actions it waits ``THINK`` seconds (a person reading the result; the page
itself debounces input by 250 ms). All citizens share one address, so the per-address limits
are raised in the child (they are tested elsewhere); every other limit is the default
(2 projections at once, 5 s queue, 4 096 cached results).

Baseline, measured first in the same run: one citizen alone, recomputations one after the
other (each a cache miss). The load figures are printed with their ratio to it. The machine is
shared, so absolute times are noisy; the ratio is the figure to compare between runs.

Run: ``.venv/bin/python -m benchmarks.bench_simulator`` (``BENCH_SIM_CITIZENS``,
``BENCH_SIM_SECONDS``, ``BENCH_SIM_THINK`` change the defaults 50, 60, 1.0).
"""

from __future__ import annotations

import asyncio
import os
import random
import re
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

CITIZENS = int(os.environ.get("BENCH_SIM_CITIZENS", "50"))
SECONDS = float(os.environ.get("BENCH_SIM_SECONDS", "60"))
THINK = float(os.environ.get("BENCH_SIM_THINK", "1.0"))
PORTS = loadclient.port_range(range(8700, 8800))  # BENCH_PORTS=8100-8199 to choose
SIM = "/plan/baerum-2018-2021/budsjettsimulator"
LEVERS = {  # lever: (low, high, step)
    "ramme-barn-og-unge": (-10, 10, 0.5),
    "ramme-bistand-og-omsorg": (-10, 10, 0.5),
    "ramme-miljo-idrett-og-kultur": (-10, 10, 0.5),
    "ramme-organisasjon-styring-og-utvikling": (-10, 10, 0.5),
    "utsettelse": (0, 3, 1),
    "langsiktige-investeringer": (-30, 30, 5),
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')


def serve(db_dir: str, port: int) -> None:
    """Child process: a store with the example, the app on 127.0.0.1:port."""
    import uvicorn

    from muniplan.plan.load import read_folder, resolve
    from muniplan.store import Settings, Store
    from muniplan.web.app import create_app
    from muniplan.web.citizen_limits import Citizens, Limits

    settings = Settings(data_dir=Path(db_dir), database_url=f"sqlite:///{db_dir}/bench.db")
    store = Store.from_settings(settings)
    store.upgrade()
    store.import_files(read_folder(resolve(None)), status="adopted")
    app = create_app(settings, store)
    app.state.citizens = Citizens(Limits(computations_per_minute=10**9,
                                         submissions_per_hour=10**9))
    uvicorn.run(app, host="127.0.0.1", port=port, log_level="warning", access_log=False)


def free_port() -> int:
    return loadclient.free_port(PORTS)


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 90) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            raise RuntimeError(f"the server exited with {proc.returncode}")
        try:
            if httpx.get(url + SIM, timeout=30).status_code == 200:
                return
        except httpx.HTTPError:
            time.sleep(0.3)
    raise RuntimeError("the server did not start")


def percentile(values: list[float], q: float) -> float:
    if not values:
        return float("nan")
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def step(choices: dict[str, float], rng: random.Random) -> dict[str, float]:
    """Move one lever one or two steps, within its range."""
    lever = rng.choice(list(LEVERS))
    low, high, by = LEVERS[lever]
    value = choices.get(lever, 0.0) + rng.choice((-2, -1, 1, 2)) * by
    return {**choices, lever: min(high, max(low, value))}


def query(choices: dict[str, float]) -> dict[str, str]:
    return {k: f"{v:g}" for k, v in choices.items() if v}


async def citizen(url: str, seed: int, until: float, out: dict[str, list[float]],
                  errors: list[str]) -> None:
    rng = random.Random(seed)
    choices: dict[str, float] = {}
    async with httpx.AsyncClient(base_url=url, timeout=60) as http:
        async def timed(kind: str, method: str, path: str, **kw: object) -> httpx.Response:
            t = time.perf_counter()
            try:
                r = await http.request(method, path, **kw)  # type: ignore[arg-type]
            except httpx.HTTPError as exc:  # counted, and the citizen goes on
                errors.append(f"{kind} {type(exc).__name__}")
                return httpx.Response(599, text="")
            out[kind].append(time.perf_counter() - t)
            if r.status_code >= 400:
                errors.append(f"{kind} {r.status_code}")
            return r

        page = await timed("page", "GET", SIM)
        while time.perf_counter() < until:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * THINK)
            choices = step(choices, rng)
            r = await timed("recompute", "GET", SIM,
                            params={**query(choices), "del": "resultat"})
            balanced = "sim-verdict ok" in r.text
            roll = rng.random()
            if roll < 0.1:
                page = await timed("page", "GET", SIM, params=query(choices))
            elif roll < 0.15 and balanced:
                m = CSRF.search(page.text)
                if m:
                    await timed("send", "POST", SIM + "/send",
                                data={**query(choices), "csrf_token": m.group(1)})


async def run_load(url: str) -> tuple[dict[str, list[float]], list[str], float]:
    out: dict[str, list[float]] = {"recompute": [], "page": [], "send": []}
    errors: list[str] = []
    t0 = time.perf_counter()
    until = t0 + SECONDS
    await asyncio.gather(*(citizen(url, i, until, out, errors) for i in range(CITIZENS)))
    return out, errors, time.perf_counter() - t0


def baseline(url: str, n: int = 12) -> float:
    """One citizen alone: p50 of recomputations that are all cache misses."""
    times = []
    with httpx.Client(base_url=url, timeout=60) as http:
        for i in range(n):
            t = time.perf_counter()
            http.get(SIM, params={"ramme-kultur": "0", "ramme-barn-og-unge": f"{-9.5 + i}",
                                  "utsettelse": "3", "del": "resultat"}).raise_for_status()
            times.append(time.perf_counter() - t)
    return percentile(times, 0.5)


def main() -> dict[str, float]:
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        proc = subprocess.Popen([sys.executable, "-m", "benchmarks.bench_simulator",
                                 "--serve", tmp, str(port)],
                                cwd=Path(__file__).resolve().parents[1])
        try:
            wait_up(url, proc)
            base = baseline(url)
            out, errors, wall = asyncio.run(run_load(url))
        finally:
            proc.terminate()
            proc.wait(timeout=20)
    ms = 1000.0
    print(f"simulator: {CITIZENS} citizens for {SECONDS:.0f} s (think {THINK:g} s) on "
          f"127.0.0.1:{port}, wall {wall:.1f} s; shared 2-core machine, figures are noisy")
    print(f"baseline (one citizen, cache misses): recompute p50 {base * ms:.0f} ms")
    figures = {"baseline_ms": base * ms}
    for kind, values in out.items():
        p50, p99 = percentile(values, 0.5), percentile(values, 0.99)
        print(f"{kind:>9}: {len(values):5d} requests, {len(values) / wall:6.1f}/s, "
              f"p50 {p50 * ms:7.0f} ms ({p50 / base:5.2f}× baseline), "
              f"p99 {p99 * ms:7.0f} ms ({p99 / base:5.2f}× baseline)")
        figures[f"{kind}_p50_ms"] = p50 * ms
        figures[f"{kind}_p99_ms"] = p99 * ms
    kinds: dict[str, int] = {}
    for e in errors:
        kinds[e] = kinds.get(e, 0) + 1
    print(f"errors: {len(errors)}" + (f" ({', '.join(f'{k}: {v}' for k, v in kinds.items())})"
                                      if errors else ""))
    target = figures["recompute_p99_ms"]
    print(f"target p99 < 150 ms for a recomputation: {'met' if target < 150 else 'NOT met'} "
          f"({target:.0f} ms)")
    figures["errors"] = float(len(errors))
    return figures


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "--serve":
        serve(sys.argv[2], int(sys.argv[3]))
    else:
        main()
