"""Population projection benchmarks: one deterministic run and a 10 000-draw fan.

Targets (docs/population.md): deterministic 22-year projection of one municipality <= 2 ms;
10 000 draws x 22 years x 2 sexes x 106 ages <= 1 s and <= 2 GB peak memory.
Run: ``.venv/bin/python benchmarks/bench_population.py`` (or ``python -m benchmarks``).
"""

from __future__ import annotations

import resource
import sys
import time
import tracemalloc
from pathlib import Path

from muniplan.demography import estimate, project_population
from muniplan.plan.population import load_population_folder

EXAMPLE = (Path(__file__).resolve().parents[1] / "src" / "muniplan" / "plan" / "examples"
           / "baerum-2018-2021")
BASE_YEAR = 2018
TO_YEAR = 2040  # 22 steps
DRAWS = 10_000


def _best(fn, repeat: int) -> float:
    best = float("inf")
    for _ in range(repeat):
        t = time.perf_counter()
        fn()
        best = min(best, time.perf_counter() - t)
    return best


def main() -> dict[str, float]:
    data = load_population_folder(EXAMPLE, base_year=BASE_YEAR)
    t = time.perf_counter()
    model = estimate(data, BASE_YEAR)
    t_estimate = time.perf_counter() - t
    project_population(model, TO_YEAR)  # warm-up
    t_det = _best(lambda: project_population(model, TO_YEAR), 50)

    rss_before = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    tracemalloc.start()
    t = time.perf_counter()
    fan = project_population(model, TO_YEAR, draws=DRAWS, seed=1)
    t_fan = time.perf_counter() - t
    _, traced_peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    t_fan_best = min(t_fan, _best(lambda: project_population(model, TO_YEAR, draws=DRAWS,
                                                              seed=1), 2))
    rss_peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024
    figures = {
        "estimate_ms": t_estimate * 1e3,
        "deterministic_ms": t_det * 1e3,
        "draws_10000_s": t_fan_best,
        "draws_10000_first_s": t_fan,
        "draws_traced_peak_mb": traced_peak / 2**20,
        "process_peak_rss_mb": rss_peak,
        "rss_before_fan_mb": rss_before,
    }
    print(f"population: estimate at {BASE_YEAR}: {figures['estimate_ms']:.1f} ms")
    print(f"population: deterministic {BASE_YEAR}-{TO_YEAR} ({TO_YEAR - BASE_YEAR} years): "
          f"{figures['deterministic_ms']:.3f} ms (target <= 2 ms)")
    print(f"population: {DRAWS} draws x {TO_YEAR - BASE_YEAR} years x 2 x 106: "
          f"{t_fan_best:.3f} s (target <= 1 s); output array "
          f"{fan.population.nbytes / 2**20:.0f} MB")
    traced = figures["draws_traced_peak_mb"]
    print(f"population: draws first run {t_fan:.3f} s (fresh memory pages); peak memory of the "
          f"draws (tracemalloc) {traced:.0f} MB; process peak RSS {rss_peak:.0f} MB "
          f"(target <= 2048 MB)")
    return figures


if __name__ == "__main__":
    main()
    sys.exit(0)
