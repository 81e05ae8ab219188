"""National runs on Dask: all 357 kommuner, deterministic and with 1 000 draws, 1 and 2 workers.

Targets (issue): deterministic national run < 10 s; 1 000 draws < 2 minutes; two workers at
least 1.7 × one. The ratio is measured in the same run, one worker then two, so the noise of a
shared machine hits both alike as far as possible; the load average is printed beside it.
Memory: each worker process's resident set after the runs (``psutil`` via ``client.run``).
Run: ``.venv/bin/python -m benchmarks.bench_national`` (or ``python -m benchmarks``).
Cluster ports: 8400 (one worker) and 8420 (two), on 127.0.0.1.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

from muniplan.demography.calibration import Calibration
from muniplan.national.runner import dask_client, run_national
from muniplan.plan.kommuner import load_calibration, load_national

BASE, TO = 2018, 2026
DRAWS = int(os.environ.get("BENCH_NATIONAL_DRAWS", "1000"))


def _rss(client: Any) -> list[float]:
    def rss() -> float:
        import psutil

        return psutil.Process().memory_info().rss / 2**20

    return sorted(client.run(rss).values())


def _measure(workers: int, port: int) -> dict[str, Any]:
    data = load_national()
    cal = Calibration(*load_calibration())
    t = time.perf_counter()
    with dask_client(workers=workers, port=port) as client:
        started = time.perf_counter() - t
        run_national(client, data, BASE, TO, indices=range(8))  # warm the workers
        t = time.perf_counter()
        det = run_national(client, data, BASE, TO)
        t_det = time.perf_counter() - t
        t = time.perf_counter()
        fan = run_national(client, data, BASE, TO, draws=DRAWS, root_seed=1, calibration=cal)
        t_fan = time.perf_counter() - t
        memory = _rss(client)
    assert len(det) == len(fan) == len(data.kommuner)
    return {"workers": workers, "start": started, "det": t_det, "fan": t_fan, "rss": memory}


def main() -> dict[str, float]:
    load = os.getloadavg()[0]
    one = _measure(1, 8400)
    two = _measure(2, 8420)
    print(f"cores: {os.cpu_count()}, load average before: {load:.1f}, after: "
          f"{os.getloadavg()[0]:.1f} (other work on the machine slows both runs)")
    for r in (one, two):
        print(f"{r['workers']} worker(s): cluster start {r['start']:.1f} s, deterministic "
              f"357 kommuner {BASE}-{TO} {r['det']:.2f} s (target < 10 s), {DRAWS} draws "
              f"{r['fan']:.1f} s (target < 120 s), worker RSS "
              + ", ".join(f"{m:.0f} MB" for m in r["rss"]))
    speed_det = one["det"] / two["det"]
    speed_fan = one["fan"] / two["fan"]
    print(f"speed-up two workers / one, same run: deterministic {speed_det:.2f}x, "
          f"{DRAWS} draws {speed_fan:.2f}x (target >= 1.7x)")
    return {"det_1": one["det"], "det_2": two["det"], "fan_1": one["fan"],
            "fan_2": two["fan"], "speedup_fan": speed_fan}


if __name__ == "__main__":
    main()
    sys.exit(0)
