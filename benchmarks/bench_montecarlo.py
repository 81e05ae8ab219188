"""The full model under Monte Carlo: 10 000 draws × 23 years of population and finances.

Target: under 0.5 s engine time for Bærum on a 2-core machine, within 5× the memory-bandwidth
floor measured in the same run, with the peak memory reported. The floor is the time to
stream the bytes the run must write at least once — each draw's population state for every
year (2 × 106 float64: the run is calibrated, and calibrated runs keep float64 counts; the
float32 counts of an uncalibrated run would halve this part) and its kept finance series —
at the copy bandwidth of this machine, measured here and now (``numpy.copyto`` of 256 MB,
best of 5, read + write counted). In the same run the model is also run as a
straightforward per-draw Python loop on a sample of draws, and the speed ratio is reported.
On a shared machine the absolute times move with the load; the ratios, measured side by
side, move much less.

Run: ``.venv/bin/python benchmarks/bench_montecarlo.py`` (or ``make bench``); with
``--population`` only the population stage and its parts.
"""

from __future__ import annotations

import os
import resource
import sys
import time
import tracemalloc
from dataclasses import replace
from itertools import pairwise

import numpy as np
from numba import njit
from threadpoolctl import threadpool_limits

from muniplan.demography import lanes
from muniplan.demography.kernel import _exp_into
from muniplan.engine import finance_fast
from muniplan.engine.demand import MIGRATION_WINDOW, N_AGES, service_change
from muniplan.engine.finance import project_finances
from muniplan.engine.finance_stage import PART
from muniplan.engine.montecarlo import KEPT_SERIES, FinanceUncertainty, ar1_paths, run_draws
from muniplan.engine.projection import prepare, project
from muniplan.plan.load import load_plan

DRAWS = 10_000
LOOP_DRAWS = 100


def per_draw_loop(plan, inp, levers, draws: int, seed: int) -> np.ndarray:
    """The same model, one draw at a time: the baseline a vectorised engine is measured
    against. Returns the savings need per draw."""
    from muniplan.demography import estimate, project_population

    u = FinanceUncertainty()
    model = estimate(plan.population, base_year=plan.base_year, window=MIGRATION_WINDOW)
    y = len(inp.years)
    out = np.empty((draws, y))
    for d in range(draws):
        children = np.random.SeedSequence([seed, d]).spawn(5)
        run = project_population(model, to_year=int(inp.years[-1]), draws=1, seed=children[0])
        pop = run.population[:, int(inp.years[0]) - plan.base_year:]
        total = pop.sum(axis=(2, 3))
        ratio = total / total[:, :1]
        rngs = [np.random.default_rng(c) for c in children[1:]]
        growth = dict(inp.income_real_growth)
        growth["tax"] = growth["tax"] + ar1_paths(u.tax_growth, 1, y, rngs[3])
        drawn = inp.with_changes(
            wage_growth=inp.wage_growth + ar1_paths(u.wage_growth, 1, y, rngs[0]),
            price_growth=inp.price_growth + ar1_paths(u.price_growth, 1, y, rngs[1]),
            interest_rate=np.maximum(
                inp.interest_rate + ar1_paths(u.interest_rate, 1, y, rngs[2]), 0.0),
            income_real_growth=growth,
        )
        change, _ = service_change(plan, drawn, pop, ratio, levers)
        project_finances(drawn, ratio, change, plan.rules)
        solved = project_finances(drawn, ratio, change, plan.rules, solve_savings=True)
        out[d] = solved.savings_need[0]
    return out


def stage_times(plan, inp, levers) -> dict[str, tuple[float, float]]:
    """Wall and CPU seconds of each stage of one 10 000-draw run (its progress steps)."""
    marks: list[tuple[str, float, float]] = []

    def step(stage: str) -> None:
        marks.append((stage, time.perf_counter(), time.process_time()))

    run_draws(plan, inp, levers, draws=DRAWS, seed=1, progress=step)
    step("end")
    return {a[0]: (b[1] - a[1], b[2] - a[2]) for a, b in pairwise(marks)}


@njit(nogil=True, error_model="numpy")
def _exp_and_divide(b, k_shock, out):
    """The least arithmetic a projection cell needs — one ``exp(k·b_x)`` (the kernel's own
    vectorised exp) and one division — over the same cells as the kernel: what the kernel's
    time per cell is compared with, to show how far it is from its compute floor."""
    n = b.shape[1]
    ones = np.ones(n)
    rate = np.empty(n)
    total = 0.0
    for d in range(k_shock.shape[0]):
        for j in range(k_shock.shape[1]):
            for s in range(2):
                _exp_into(k_shock[d, j, s], b[s], ones, rate)
                for x in range(n - 1):
                    out[x] = rate[x] / (rate[x + 1] * 0.5 + 1.0)
                total += out[j % (n - 1)]
    return total


def population_stage(plan, first: int, last: int) -> dict[str, float]:
    """The population stage of a 10 000-draw run and its parts, wall and CPU seconds (best
    of 3): the whole stage as the run calls it; the random paths; the projection reduced to
    the run's 40 weighted sums a draw-year by the compiled kernel and, as the same-run
    baseline, by the numpy loop (best of 1: it is slow); the calibration factors, compiled
    and (same-run baseline) in numpy; everything after the projection (factors, calibrated
    sums, users, percentiles); and the compute floor, one exp and one division per cell on
    one thread."""
    from muniplan.demography.calibrated import reduce_sums
    from muniplan.demography.calibration import size_class
    from muniplan.demography.cohort import DEFAULT_GROUPS, parse_groups
    from muniplan.demography.fused import project_weighted
    from muniplan.demography.uncertainty import draw_paths
    from muniplan.engine.demand import coverage_weights, plan_model
    from muniplan.engine.montecarlo import QUANTILES, _population_stage, population_calibration

    model = plan_model(plan)
    groups = np.zeros((2 * N_AGES, len(DEFAULT_GROUPS)))
    for g, (lo, hi) in enumerate(parse_groups(DEFAULT_GROUPS).values()):
        groups[lo:hi + 1, g] = groups[N_AGES + lo:N_AGES + hi + 1, g] = 1.0
    services = coverage_weights(plan, range(first, last + 1))
    weights = np.concatenate([groups, *(services * groups[:, g:g + 1] for g in range(5))], 1)
    steps = last - model.base_year
    horizons = np.maximum(model.base_year + np.arange(steps) - model.mortality.jump_year, 0)
    u = FinanceUncertainty()

    def timed(f, repeats: int = 3) -> tuple[float, float]:
        f()  # warm-up (and the kernel's JIT cache)
        wall = cpu = float("inf")
        for _ in range(repeats):
            t, c = time.perf_counter(), time.process_time()
            f()
            wall, cpu = min(wall, time.perf_counter() - t), min(cpu, time.process_time() - c)
        return wall, cpu

    def project(compiled: bool, counts: str | None = None):
        return project_weighted(model, last, weights, first_year=first, draws=DRAWS, seed=1,
                                compiled=compiled, lanes=counts)

    sums = project(True)
    centre = project_weighted(model, last, groups, first_year=model.base_year, draws=1,
                              seed=None)[0]
    calibration = population_calibration()
    central = centre[first - model.base_year:]
    years = np.arange(first, last + 1) - model.base_year
    size = size_class(float(centre[0].sum()))
    paths = draw_paths(model.uncertainty, steps, DRAWS, horizons, 1)
    scratch = np.empty(N_AGES)
    times = {
        "stage": timed(lambda: _population_stage(plan, u, np.random.SeedSequence(1), DRAWS,
                                                 first, last)),
        "uncalibrated": timed(lambda: _population_stage(
            plan, replace(u, population_calibrated=False), np.random.SeedSequence(1), DRAWS,
            first, last)),
        "paths": timed(lambda: draw_paths(model.uncertainty, steps, DRAWS, horizons, 1)),
        "kernel": timed(lambda: project(True)),
        "single": timed(lambda: project(True, "float32")),
        "abreast": timed(lambda: project(True, "float64")),
        "numpy": timed(lambda: project(False), repeats=1),
        "calibration": timed(lambda: calibration.factors(sums[:, :, :5], central, years, size)),
        "calibration_numpy": timed(lambda: calibration._factors_numpy(
            sums[:, :, :5], central, years, size), repeats=1),
        "after": timed(lambda: reduce_sums(sums, 5, services.shape[1], calibration, central,
                                           years, size, QUANTILES)),
        "exp_divide": timed(lambda: _exp_and_divide(model.mortality.b, paths.k_shock,
                                                    scratch)),
    }
    return {f"{name}_{kind}": value for name, (wall, cpu) in times.items()
            for kind, value in (("wall", wall), ("cpu", cpu))} | {
        "sums_bytes": float(sums.nbytes), "cells": float(DRAWS * steps * 2 * N_AGES)}


def finance_stage(plan, inp, levers) -> dict[str, tuple[float, float, float]]:
    """Wall seconds, CPU seconds of all threads and page faults of the finance stage alone
    (the path and the savings need of 10 000 draws, on the inputs a run draws; best of 3,
    of 1 for the numpy loop), each inside :func:`heap.reuse_freed_memory` as in a run: in
    parts of draws on :data:`finance_fast.THREADS` threads (as a run does it), the same on
    one thread, and as the same-run baselines one projection over all draws with the
    compiled loop on the threads (the stage before it was cut into parts) and with the
    numpy reference loop."""
    import resource

    from muniplan.engine import finance_stage as stage
    from muniplan.engine import montecarlo
    from muniplan.engine.heap import reuse_freed_memory

    captured: list[tuple[tuple, dict]] = []

    def capture(*args: object, **kw: object) -> object:
        captured.append((args, kw))
        return stage.project_parts(*args, **kw)

    montecarlo.project_parts = capture
    try:
        run_draws(plan, inp, levers, draws=DRAWS, seed=1)
    finally:
        montecarlo.project_parts = stage.project_parts
    args, kw = captured[-1]
    threads = finance_fast.THREADS
    whole = {"draws": DRAWS, "alongside": True, "kept": KEPT_SERIES}
    variants = {
        "threads": (lambda: stage.project_parts(*args, **kw, threads=threads), 3),
        "one": (lambda: stage.project_parts(*args, **kw, threads=1), 3),
        "whole": (lambda: project_finances(*args, **whole, threads=threads, compiled=True), 3),
        "numpy": (lambda: project_finances(*args, **whole, compiled=False), 1),
    }
    times = {"cores_free": (cores_free(threads), 0.0, 0.0)}
    for name, (run, repeat) in variants.items():
        best = (float("inf"), float("inf"), 0.0)
        for _ in range(repeat):
            with threadpool_limits(limits=1, user_api="blas"), reuse_freed_memory():
                f = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
                t, c = time.perf_counter(), time.process_time()
                run()
                best = min(best, (time.perf_counter() - t, time.process_time() - c,
                                  resource.getrusage(resource.RUSAGE_SELF).ru_minflt - f))
        times[name] = best
    return times


def cores_free(threads: int, repeats: int = 3) -> float:
    """How many cores this process gets right now: the speed-up of sorting ``threads``
    arrays on ``threads`` threads against one after the other (numpy's sort releases the
    GIL; ``threads``× when the cores are free, about 1× when the neighbours hold them)."""
    from concurrent.futures import ThreadPoolExecutor

    arrays = [np.random.default_rng(i).random(1_000_000) for i in range(threads)]
    one = two = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        for a in arrays:
            np.sort(a)
        one = min(one, time.perf_counter() - t)
        t = time.perf_counter()
        with ThreadPoolExecutor(max_workers=threads) as pool:
            list(pool.map(np.sort, arrays))
        two = min(two, time.perf_counter() - t)
    return one / two


def deterministic_ms(plan, loop: str, repeats: int = 20) -> float:
    """Milliseconds of one deterministic ``project()`` (best of ``repeats``) on the year
    loop ``loop``: ``compiled`` (a process with numba loaded: the web server, the
    simulator), ``plain`` (the compiled loop's source as plain Python: a fresh
    command-line process, which does not import numba for one path) or ``numpy`` (the
    reference loop, which a fresh process ran before; the same-run baseline)."""
    from muniplan.engine import finance

    chosen, plain = finance.use_compiled, finance_fast.PLAIN_DRAWS
    finance.use_compiled = lambda _compiled, _draws: loop == "compiled"
    finance_fast.PLAIN_DRAWS = 2 if loop == "plain" else 0
    try:
        project(plan)
        best = float("inf")
        for _ in range(repeats):
            t = time.perf_counter()
            project(plan)
            best = min(best, time.perf_counter() - t)
    finally:
        finance.use_compiled, finance_fast.PLAIN_DRAWS = chosen, plain
    return best * 1e3


def copy_bandwidth(megabytes: int = 256, repeats: int = 5) -> float:
    """Bytes a second one core moves in a large array copy (read + write)."""
    src = np.ones(megabytes * 2**20 // 8)
    dst = np.empty_like(src)
    best = float("inf")
    for _ in range(repeats):
        t = time.perf_counter()
        np.copyto(dst, src)
        best = min(best, time.perf_counter() - t)
    return 2 * src.nbytes / best


def floor_bytes(draws: int, years: int) -> int:
    """The bytes a run must at least write: population state and kept series per draw-year."""
    return draws * years * 8 * (2 * N_AGES + len(KEPT_SERIES) + 1)


def print_population(population: dict[str, float], bandwidth: float) -> None:
    p = population
    floor = p["sums_bytes"] / bandwidth
    speedup = p["numpy_cpu"] / p["kernel_cpu"]
    cell_ns = p["kernel_cpu"] / p["cells"] * 1e9
    floor_ns = p["exp_divide_cpu"] / p["cells"] * 1e9
    print(f"population stage alone (10 000 draws, best of 3; load average "
          f"{os.getloadavg()[0]:.1f}): {p['stage_wall']:.3f} s wall, "
          f"{p['stage_cpu']:.3f} s CPU of all threads (target ≤ 0.12 s wall); its "
          f"parts, CPU: random paths {p['paths_cpu']:.3f} s, projection "
          f"{p['kernel_cpu']:.3f} s ({p['kernel_wall']:.3f} s wall), everything after it "
          f"(calibration, users, percentiles) {p['after_cpu']:.3f} s "
          f"({p['after_wall']:.3f} s wall)")
    print(f"the stage uncalibrated (float32 counts): {p['uncalibrated_wall']:.3f} s wall, "
          f"{p['uncalibrated_cpu']:.3f} s CPU of all threads")
    print(f"calibration factors, CPU: compiled {p['calibration_cpu']:.3f} s, numpy "
          f"(same-run baseline) {p['calibration_numpy_cpu']:.3f} s = "
          f"{p['calibration_numpy_cpu'] / p['calibration_cpu']:.1f}×")
    print(f"population projection, CPU of all threads: compiled kernel "
          f"{p['kernel_cpu']:.3f} s, numpy loop (same-run baseline) "
          f"{p['numpy_cpu']:.2f} s = {speedup:.1f}×; writing "
          f"its {p['sums_bytes'] / 1e6:.0f} MB of sums at the copy bandwidth takes "
          f"{floor * 1e3:.0f} ms: stage / that floor = {p['stage_wall'] / floor:.0f}×")
    single_ns = p["single_cpu"] / p["cells"] * 1e9
    print(f"float32 counts, {lanes.LANES} draws abreast (uncalibrated runs only): "
          f"{p['single_cpu']:.3f} s CPU ({p['single_wall']:.3f} s wall), {single_ns:.2f} ns a "
          f"cell = {p['kernel_cpu'] / p['single_cpu']:.2f}× the float64 kernel in this run; "
          f"same-run baseline, the same loops in float64 (the float64 kernel's sums to the "
          f"bit): {p['abreast_cpu']:.3f} s CPU = {p['abreast_cpu'] / p['single_cpu']:.2f}× "
          f"the float32 loops")
    print(f"compute floor: one exp and one division per cell, compiled as the kernel's, "
          f"{floor_ns:.2f} ns a cell on one thread ({p['exp_divide_cpu']:.3f} s CPU for the "
          f"{p['cells'] / 1e6:.1f} M cells); the kernel {cell_ns:.2f} ns a cell CPU = "
          f"{cell_ns / floor_ns:.1f}× that (the stage is bound by arithmetic, not memory: "
          f"that floor is {p['exp_divide_cpu'] / floor:.0f}× the bandwidth floor)")


def population_main() -> dict[str, float]:
    """Only the population stage (``--population``): a quick run of its figures."""
    plan = load_plan()
    inp, _ = prepare(plan)
    population = population_stage(plan, int(inp.years[0]), int(inp.years[-1]))
    print_population(population, copy_bandwidth())
    return population


def main() -> dict[str, float]:
    plan = load_plan()
    inp, levers = prepare(plan)
    years = len(inp.years)
    det_numpy, det_plain, det_compiled = (deterministic_ms(plan, loop)
                                          for loop in ("numpy", "plain", "compiled"))

    run_draws(plan, inp, levers, draws=200, seed=0)  # warm-up of the vectorised path
    load = os.getloadavg()[0]
    t = time.perf_counter()
    run_draws(plan, inp, levers, draws=DRAWS, seed=1)  # first run: fresh memory pages
    t_first = time.perf_counter() - t
    best, cpu = t_first, float("inf")
    for _ in range(2):
        t, c = time.perf_counter(), time.process_time()
        run_draws(plan, inp, levers, draws=DRAWS, seed=1)
        best = min(best, time.perf_counter() - t)
        cpu = min(cpu, time.process_time() - c)
    stages = stage_times(plan, inp, levers)
    population = population_stage(plan, int(inp.years[0]), int(inp.years[-1]))
    finances = finance_stage(plan, inp, levers)
    bandwidth = copy_bandwidth()
    floor = floor_bytes(DRAWS, years) / bandwidth
    tracemalloc.start()  # a separate run for memory: tracing slows allocation down
    run_draws(plan, inp, levers, draws=DRAWS, seed=1)
    _, traced = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    rss = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024

    t = time.perf_counter()
    per_draw_loop(plan, inp, levers, LOOP_DRAWS, seed=1)
    loop_per_draw = (time.perf_counter() - t) / LOOP_DRAWS
    vector_per_draw = best / DRAWS
    figures = {
        "deterministic_projection_ms": det_compiled,
        "deterministic_numpy_loop_ms": det_numpy,
        "deterministic_plain_loop_ms": det_plain,
        "draws": DRAWS,
        "years": years,
        "montecarlo_10000_s": best,
        "montecarlo_10000_first_s": t_first,
        "montecarlo_10000_cpu_s": cpu,
        "load_average": load,
        "traced_peak_mb": traced / 2**20,
        "process_peak_rss_mb": rss,
        "loop_ms_per_draw": loop_per_draw * 1e3,
        "loop_10000_estimate_s": loop_per_draw * DRAWS,
        "speed_ratio": loop_per_draw / vector_per_draw,
        "bandwidth_gb_s": bandwidth / 1e9,
        "floor_s": floor,
        "floor_ratio": best / floor,
        "population_stage_s": population["stage_wall"],
        "population_stage_cpu_s": population["stage_cpu"],
        "population_paths_cpu_s": population["paths_cpu"],
        "population_calibration_cpu_s": population["calibration_cpu"],
        "population_calibration_numpy_cpu_s": population["calibration_numpy_cpu"],
        "population_after_projection_s": population["after_wall"],
        "population_after_projection_cpu_s": population["after_cpu"],
        "population_kernel_ns_per_cell": population["kernel_cpu"] / population["cells"] * 1e9,
        "population_compute_floor_ns_per_cell": (population["exp_divide_cpu"]
                                                 / population["cells"] * 1e9),
        "population_kernel_s": population["kernel_wall"],
        "population_kernel_cpu_s": population["kernel_cpu"],
        "population_numpy_cpu_s": population["numpy_cpu"],
        "population_float32_cpu_s": population["single_cpu"],
        "population_stage_uncalibrated_s": population["uncalibrated_wall"],
        "population_stage_uncalibrated_cpu_s": population["uncalibrated_cpu"],
        "population_abreast_float64_cpu_s": population["abreast_cpu"],
        "population_speedup": population["numpy_cpu"] / population["kernel_cpu"],
        "population_floor_s": population["sums_bytes"] / bandwidth,
        "finance_threads": finance_fast.THREADS,
        "finance_wall_s": finances["threads"][0],
        "finance_cpu_s": finances["threads"][1],
        "finance_one_thread_wall_s": finances["one"][0],
        "finance_one_thread_cpu_s": finances["one"][1],
        "finance_thread_speedup": finances["one"][0] / finances["threads"][0],
        "finance_cores_free": finances["cores_free"][0],
        "finance_faults": finances["threads"][2],
        "finance_whole_wall_s": finances["whole"][0],
        "finance_whole_cpu_s": finances["whole"][1],
        "finance_whole_faults": finances["whole"][2],
        "finance_numpy_wall_s": finances["numpy"][0],
        "finance_numpy_cpu_s": finances["numpy"][1],
        "finance_speedup": finances["numpy"][0] / finances["threads"][0],
    }
    print(f"deterministic projection (population, demand, finances, savings need), best of "
          f"20, target < 10 ms (≤ 8 ms aimed at): compiled year loop (a process with numba "
          f"loaded: the web server, the simulator) {det_compiled:.1f} ms; the same loop as "
          f"plain Python (a fresh command-line process) {det_plain:.1f} ms; numpy reference "
          f"loop (what a fresh process ran before; same-run baseline) {det_numpy:.1f} ms = "
          f"{det_numpy / det_plain:.1f}× the plain loop; load average "
          f"{os.getloadavg()[0]:.1f}")
    print(f"Monte Carlo {DRAWS} draws × {years} years, population and finances: "
          f"{best:.2f} s (first run {t_first:.2f} s; target < 0.5 s); CPU time of all "
          f"threads {cpu:.2f} s; load average {load:.1f} on {os.cpu_count()} cores")
    print(f"memory-bandwidth floor: {floor_bytes(DRAWS, years) / 1e9:.2f} GB at "
          f"{bandwidth / 1e9:.1f} GB/s = {floor * 1e3:.0f} ms; engine / floor = "
          f"{best / floor:.1f}× (target ≤ 5×)")
    print("where the time goes (wall / CPU of all threads): " + "; ".join(
        f"{name} {w:.2f} / {c:.2f} s" for name, (w, c) in stages.items()))
    print(f"finance stage alone (the path and the savings need, {DRAWS} draws; load "
          f"average {os.getloadavg()[0]:.1f}), wall / CPU of all threads / page faults: in "
          f"parts of {PART} draws on {finance_fast.THREADS} threads "
          f"{figures['finance_wall_s']:.3f} / {figures['finance_cpu_s']:.3f} s / "
          f"{figures['finance_faults']:.0f} (target ≤ 0.08 s wall), on 1 thread "
          f"{figures['finance_one_thread_wall_s']:.3f} / "
          f"{figures['finance_one_thread_cpu_s']:.3f} s ("
          f"{figures['finance_thread_speedup']:.2f}× in this run; a sort on "
          f"{finance_fast.THREADS} threads got {figures['finance_cores_free']:.2f}× "
          f"then); same-run baselines: one projection over all draws (threads only in "
          f"the year loop) {figures['finance_whole_wall_s']:.3f} / "
          f"{figures['finance_whole_cpu_s']:.3f} s / {figures['finance_whole_faults']:.0f} "
          f"({figures['finance_whole_wall_s'] / figures['finance_wall_s']:.1f}× the parts' "
          f"wall), numpy loop "
          f"{figures['finance_numpy_wall_s']:.2f} / {figures['finance_numpy_cpu_s']:.2f} s "
          f"({figures['finance_speedup']:.1f}×)")
    print_population(population, bandwidth)
    print(f"peak memory: traced {figures['traced_peak_mb']:.0f} MB, process "
          f"{rss:.0f} MB (target ≤ 2 GB); BLAS held to 1 thread in the run (threadpoolctl)")
    print(f"per-draw Python loop: {loop_per_draw * 1e3:.1f} ms a draw, "
          f"{loop_per_draw * DRAWS:.0f} s for {DRAWS} draws (measured on {LOOP_DRAWS})")
    print(f"speed ratio, vectorised vs loop: {figures['speed_ratio']:.0f}×")
    return figures


if __name__ == "__main__":
    sys.exit(0 if (population_main if "--population" in sys.argv else main)() else 1)
