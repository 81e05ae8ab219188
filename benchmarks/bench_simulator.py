"""Load benchmark of the budget simulator: 50 concurrent citizens for 60 s on loopback, the
server run as it is deployed.

The server is ``muniplan serve --workers 2`` (one worker per core of the 2-core reference
machine) in a child process, on a fresh SQLite store with the Bærum example, after ``muniplan
warm`` has filled the store's computed results (as ``serve`` does itself in the background;
here it is done first so the warm-up's Monte Carlo runs are not measured). Every limit is the
default: each citizen connects from its own loopback address (127.0.1.N), so the
per-address limits count each person separately, as they would on the Internet.

Each citizen is an asyncio task with its own cookies: it opens the simulator (the citizens
arrive one after another over ``RAMP`` seconds; those first visits are the "arrival" line,
apart from the steady state), then moves one
lever at a time (a random walk over the levers' steps, so most choices are new: the results
cache is not what is measured), asks for the recomputed result part (``del=resultat``, what
the page's script asks for), reloads the whole page one time in ten, and sends its budget
once, the first time it is balanced. Between actions it waits ``THINK`` seconds × 0.5–1.5
(a person reading the result; the page itself debounces input by 250 ms).

Baseline, measured first in the same run: one citizen alone, recomputations one after the
other, each a cache miss. The load figures are printed with their ratio to it, with the
load average before and after, and the server's CPU time per request (all its processes).
The machine is shared, so absolute times are noisy; the ratios are the figures to compare.

Run: ``.venv/bin/python -m benchmarks.bench_simulator``; ``BENCH_SIM_CITIZENS``,
``BENCH_SIM_SECONDS``, ``BENCH_SIM_THINK``, ``BENCH_SIM_WORKERS``, ``BENCH_SIM_RAMP`` change the
defaults 50, 60, 1.0, 2, 5.0; ``BENCH_PORTS=9000-9099`` keeps the server to those ports.
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

from muniplan.web import serving

try:
    from benchmarks import loadclient
except ImportError:  # run as a script: benchmarks/ is on the path
    import loadclient  # type: ignore[no-redef]

CITIZENS = int(os.environ.get("BENCH_SIM_CITIZENS", "50"))
SECONDS = float(os.environ.get("BENCH_SIM_SECONDS", "60"))
THINK = float(os.environ.get("BENCH_SIM_THINK", "1.0"))
WORKERS = int(os.environ.get("BENCH_SIM_WORKERS", "2"))
PORTS = loadclient.port_range(range(8700, 8800))
SIM = "/plan/baerum-2018-2021/budsjettsimulator"
LEVERS = {  # lever: (low, high, step), within the example's default limits
    "ramme-barn-og-unge": (-10, 10, 0.5),
    "ramme-bistand-og-omsorg": (-10, 10, 0.5),
    "ramme-miljo-idrett-og-kultur": (-10, 10, 0.5),
    "ramme-organisasjon-styring-og-utvikling": (-10, 10, 0.5),
    "utsettelse": (0, 3, 1),
    "langsiktige-investeringer": (-30, 30, 5),
}
CSRF = re.compile(r'name="csrf_token" value="([^"]+)"')
MS = 1000.0
RAMP = float(os.environ.get("BENCH_SIM_RAMP", "5.0"))
"""Seconds over which the citizens arrive, one after the other (people do not all open a
page in the same millisecond); 0: all at once, the worst case."""
WARM_MARGIN = 2.0
"""Seconds given to each worker's engine warm-up (numba's import, the cached finance loop)
after it starts, so the steady state is measured; the citizens' first visits, all at once,
are reported on their own line ("arrival")."""
MUNIPLAN = [sys.executable, "-c", "import sys; from muniplan.cli import main; main(sys.argv[1:])"]
"""The ``muniplan`` command of this interpreter (the console script, wherever it is)."""


def address(i: int) -> str:
    """Citizen ``i``'s own loopback address (the whole 127/8 is the machine itself)."""
    return f"127.0.1.{i + 1}"


def prepare(tmp: str) -> dict[str, str]:
    """A store with the example adopted and warmed, as an operator would set it up; the
    environment ``muniplan serve`` reads it from."""
    env = {**os.environ, "MUNIPLAN_DATA_DIR": tmp,
           "MUNIPLAN_DATABASE_URL": f"sqlite:///{tmp}/bench.db"}
    code = ("from muniplan.plan.load import read_folder, resolve\n"
            "from muniplan.store import Settings, Store\n"
            "s = Store.from_settings(Settings()); s.upgrade()\n"
            "s.import_files(read_folder(resolve(None)), status='adopted')\n")
    subprocess.run([sys.executable, "-c", code], env=env, check=True)
    subprocess.run([*MUNIPLAN, "warm"], env=env, check=True, stdout=subprocess.DEVNULL)
    return env


def start_server(env: dict[str, str], port: int) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [*MUNIPLAN, "serve", "--host", "127.0.0.1", "--port",
         str(port), "--workers", str(WORKERS)],
        env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)


def wait_up(url: str, proc: subprocess.Popen[bytes], timeout: float = 120) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if proc.poll() is not None:
            err = proc.stderr.read().decode(errors="replace") if proc.stderr else ""
            raise RuntimeError(f"the server exited with {proc.returncode}: {err[-2000:]}")
        try:
            if httpx.get(url + SIM, timeout=30).status_code == 200:
                return
        except httpx.HTTPError:
            pass
        time.sleep(0.3)
    raise RuntimeError("the server did not start")


def server_cpu(proc: subprocess.Popen[bytes]) -> float:
    """CPU seconds of the server and its workers so far (the niced warm-up excluded), read
    from /proc (Linux)."""
    tick = os.sysconf("SC_CLK_TCK")
    stats = {}
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                raw = (entry / "stat").read_text()
                cmd = (entry / "cmdline").read_bytes()
            except OSError:
                continue
            fields = raw[raw.rindex(")") + 2:].split()
            stats[int(entry.name)] = (int(fields[1]), int(fields[11]) + int(fields[12]),
                                      b"warm" in cmd)
    family, total = {proc.pid}, 0
    grew = True
    while grew:
        grew = False
        for pid, (parent, _, _) in stats.items():
            if parent in family and pid not in family:
                family.add(pid)
                grew = True
    for pid in family:
        if pid in stats and not stats[pid][2]:
            total += stats[pid][1]
    return total / tick


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
    sent = False
    transport = httpx.AsyncHTTPTransport(local_address=address(seed))
    async with httpx.AsyncClient(base_url=url, timeout=60, transport=transport) as http:
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

        await asyncio.sleep(seed * RAMP / CITIZENS)
        page = await timed("arrival", "GET", SIM)
        while time.perf_counter() < until:
            await asyncio.sleep(rng.uniform(0.5, 1.5) * THINK)
            choices = step(choices, rng)
            r = await timed("recompute", "GET", SIM,
                            params={**query(choices), "del": "resultat"})
            balanced = "sim-verdict ok" in r.text
            if rng.random() < 0.1:
                page = await timed("page", "GET", SIM, params=query(choices))
            elif balanced and not sent and any(choices.values()):
                m = CSRF.search(page.text)
                if m:
                    sent = True
                    await timed("send", "POST", SIM + "/send",
                                data={**query(choices), "csrf_token": m.group(1)})


async def run_load(url: str) -> tuple[dict[str, list[float]], list[str], float]:
    out: dict[str, list[float]] = {"recompute": [], "page": [], "send": [], "arrival": []}
    errors: list[str] = []
    t0 = time.perf_counter()
    until = t0 + SECONDS
    await asyncio.gather(*(citizen(url, i, until, out, errors) for i in range(CITIZENS)))
    return out, errors, time.perf_counter() - t0


def baseline(url: str, n: int = 16) -> float:
    """One citizen alone: p50 of recomputations that are all cache misses."""
    times = []
    transport = httpx.HTTPTransport(local_address=address(CITIZENS + 1))
    with httpx.Client(base_url=url, timeout=60, transport=transport) as http:
        for i in range(n):
            t = time.perf_counter()
            http.get(SIM, params={"ramme-bistand-og-omsorg": f"{-9.5 + i}", "utsettelse": "3",
                                  "del": "resultat"}).raise_for_status()
            times.append(time.perf_counter() - t)
    return percentile(times, 0.5)


def report(base: float, out: dict[str, list[float]], errors: list[str], wall: float,
           cpu: float, load: tuple[tuple[float, ...], tuple[float, ...]], port: int
           ) -> dict[str, float]:
    print(f"simulator: {CITIZENS} citizens for {SECONDS:.0f} s (think {THINK:g} s) against "
          f"`muniplan serve --workers {WORKERS}` on 127.0.0.1:{port}, default limits, wall "
          f"{wall:.1f} s; shared 2-core machine, figures are noisy")
    print(f"load average (1/5/15 min) before {'/'.join(f'{x:.2f}' for x in load[0])}, "
          f"after {'/'.join(f'{x:.2f}' for x in load[1])}")
    print(f"baseline (one citizen alone, cache misses): recompute p50 {base * MS:.0f} ms")
    figures = {"baseline_ms": base * MS}
    for kind, values in out.items():
        p50, p99, top = (percentile(values, 0.5), percentile(values, 0.99),
                         max(values, default=float("nan")))
        print(f"{kind:>9}: {len(values):5d} requests, {len(values) / wall:5.1f}/s, "
              f"p50 {p50 * MS:6.0f} ms ({p50 / base:5.2f}×), p99 {p99 * MS:6.0f} ms "
              f"({p99 / base:5.2f}×), max {top * MS:6.0f} ms")
        figures |= {f"{kind}_p50_ms": p50 * MS, f"{kind}_p99_ms": p99 * MS,
                    f"{kind}_max_ms": top * MS, f"{kind}_per_s": len(values) / wall}
    requests = sum(len(v) for v in out.values())
    per = cpu / max(requests, 1)
    print(f"server CPU: {cpu:.1f} s in {wall:.1f} s ({cpu / wall:.2f} of {os.cpu_count()} "
          f"cores), {per * MS:.1f} ms a request: {os.cpu_count()} free cores would serve "
          f"about {(os.cpu_count() or 1) / max(per, 1e-9):.0f} requests/s, the citizens "
          f"were answered {requests / wall:.1f}/s")
    kinds: dict[str, int] = {}
    for e in errors:
        kinds[e] = kinds.get(e, 0) + 1
    print(f"errors: {len(errors)}" + (f" ({', '.join(f'{k}: {v}' for k, v in kinds.items())})"
                                      if errors else ""))
    target = figures["recompute_p99_ms"]
    print(f"target p99 < 150 ms for a recomputation, 0 errors: "
          f"{'met' if target < 150 and not errors else 'NOT met'} ({target:.0f} ms)")
    figures |= {"errors": float(len(errors)), "server_cpu_ms": per * MS}
    return figures


def main() -> dict[str, float]:
    port = loadclient.free_port(PORTS)
    url = f"http://127.0.0.1:{port}"
    with tempfile.TemporaryDirectory() as tmp:
        env = prepare(tmp)
        proc = start_server(env, port)
        try:
            wait_up(url, proc)
            time.sleep(serving.WARM_DELAY + WARM_MARGIN)  # the workers' warm-up
            base = baseline(url)
            load_before = os.getloadavg()
            cpu0 = server_cpu(proc)
            out, errors, wall = asyncio.run(run_load(url))
            cpu = server_cpu(proc) - cpu0
            load_after = os.getloadavg()
        finally:
            loadclient.stop(proc)
    return report(base, out, errors, wall, cpu, (load_before, load_after), port)


if __name__ == "__main__":
    main()
