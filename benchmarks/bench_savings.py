"""The savings need: closed form against bisection, and the compiled year loop against the
numpy reference, in the same run.

For the Bærum example (deterministic, one draw, to the horizon) and a Monte Carlo batch of
1 000 draws, the finance projection with the savings need is timed with the closed-form
solver and with the bisection fallback, and against the projection without the savings
need (both on the numpy path). Then the same projections with the year loop compiled
(:mod:`muniplan.engine.finance_kernel`) against the numpy loop, for one plan path and for
10 000 draws, the whole deterministic ``project()`` on either path, and what numba's import
and the cached kernel's first call cost a fresh process (which is why a one-off command
stays on the numpy path). Prints best-of-N wall times, CPU times, the ratios, and the
largest difference between the answers (kroner). The machine is shared: absolute times are
noisy, the ratios within one run are the figures to read.

Run: ``.venv/bin/python benchmarks/bench_savings.py`` (or ``python -m benchmarks``).
"""

from __future__ import annotations

import functools
import os
import subprocess
import sys
import time
from collections.abc import Callable

import numpy as np

from muniplan.engine import finance, finance_fast
from muniplan.engine.demand import population_paths, service_change
from muniplan.engine.projection import prepare, project
from muniplan.plan.load import load_plan

DRAWS = 1_000
MANY = 10_000


def _best(fn: Callable[[], object], repeat: int) -> tuple[float, object]:
    best, out = float("inf"), None
    for _ in range(repeat):
        t = time.perf_counter()
        out = fn()
        best = min(best, time.perf_counter() - t)
    return best, out


def main() -> None:
    plan = load_plan()
    inp, levers = prepare(plan)
    ratio, pop, _ = population_paths(plan, inp)
    change, _ = service_change(plan, inp, pop, ratio, levers)
    rng = np.random.default_rng(1)
    many = inp.with_changes(interest_rate=inp.interest_rate
                            + rng.normal(0, 0.01, (DRAWS, len(inp.years))))
    solver = finance.savings_for_year
    try:
        for label, case, repeat in (("deterministic", inp, 15), (f"{DRAWS} draws", many, 3)):
            plain, _ = _best(lambda c=case: finance.project_finances(
                c, ratio, change, plan.rules, compiled=False), repeat)
            times, needs = {}, {}
            for method in ("bisection", "auto"):
                finance.savings_for_year = functools.partial(solver, method=method)
                times[method], res = _best(lambda c=case: finance.project_finances(
                    c, ratio, change, plan.rules, solve_savings=True, compiled=False), repeat)
                needs[method] = res.savings_need  # type: ignore[attr-defined]
            finance.savings_for_year = solver
            diff = float(np.nanmax(np.abs(needs["auto"] - needs["bisection"])))
            print(f"{label}: finances without savings need {plain * 1e3:.1f} ms; with it, "
                  f"bisection {times['bisection'] * 1e3:.1f} ms, closed form "
                  f"{times['auto'] * 1e3:.1f} ms; ratio bisection/closed "
                  f"{times['bisection'] / times['auto']:.1f}×; solver share of the run "
                  f"{1 - plain / times['bisection']:.0%} → {1 - plain / times['auto']:.0%}; "
                  f"largest difference {diff:.2f} kr")
    finally:
        finance.savings_for_year = solver
    compiled_against_numpy(plan, inp, ratio, change, rng)
    whole_projection(plan)
    fresh_process()


def compiled_against_numpy(plan, inp, ratio, change, rng) -> None:
    """The finances with the savings need, compiled loop against the numpy loop."""
    many = inp.with_changes(interest_rate=inp.interest_rate
                            + rng.normal(0, 0.01, (MANY, len(inp.years))))
    cases = (("one path (the deterministic run's two rows)", inp,
              {"solve_savings": np.array([False, True]), "draws": 2}, 15),
             (f"{MANY} draws × {len(inp.years)} years (path and need, as a Monte Carlo)",
              many, {"alongside": True}, 3))
    for label, case, kw, repeat in cases:
        finance.project_finances(case, ratio, change, plan.rules, compiled=True, **kw)
        cpu, res = {}, {}
        for compiled in (False, True):
            cpu[compiled] = min(_cpu(lambda c=case, k=kw, x=compiled: finance.project_finances(
                c, ratio, change, plan.rules, compiled=x, **k)) for _ in range(repeat))
            res[compiled] = finance.project_finances(case, ratio, change, plan.rules,
                                                     compiled=compiled, **kw)
        loop = {}
        for compiled in (False, True):
            loop[compiled] = _loop_cpu(case, ratio, change, plan.rules, compiled, kw, repeat)
        diff = float(np.nanmax(np.abs(res[True].savings_need - res[False].savings_need)))
        print(f"{label}: finances and savings need, CPU: numpy loop {cpu[False] * 1e3:.1f} ms,"
              f" compiled loop {cpu[True] * 1e3:.1f} ms ({cpu[False] / cpu[True]:.1f}×); the "
              f"year loop alone {loop[False] * 1e3:.1f} → {loop[True] * 1e3:.1f} ms "
              f"({loop[False] / loop[True]:.0f}×); largest difference in the need {diff:.2f} kr")


def _loop_cpu(case, ratio, change, rules, compiled: bool, kw: dict, repeat: int) -> float:
    """CPU seconds of the year loop alone (the inputs made once, outside the timing)."""
    name = "run_loop" if compiled else "_numpy_loop"
    inner = getattr(finance, name)
    spent: list[float] = []

    def timed(*args: object) -> None:
        c = time.process_time()
        inner(*args)
        spent.append(time.process_time() - c)

    setattr(finance, name, timed)
    try:
        for _ in range(repeat):
            finance.project_finances(case, ratio, change, rules, compiled=compiled, **kw)
    finally:
        setattr(finance, name, inner)
    passes = 2 if kw.get("alongside") and not compiled else 1  # the compiled loop: one call
    return min(sum(spent[i:i + passes]) for i in range(0, len(spent), passes))


def whole_projection(plan) -> None:
    """``project()`` deterministic, whole, on each loop."""
    cpu = {}
    chooser = finance.use_compiled
    try:
        for compiled in (False, True):
            finance.use_compiled = lambda _c, _d, v=compiled: v
            project(plan)  # the plan's arrays and population, computed once per plan
            t, _ = _best(lambda: project(plan), 15)
            cpu[compiled] = (t, min(_cpu(lambda: project(plan)) for _ in range(15)))
    finally:
        finance.use_compiled = chooser
    print(f"project() deterministic, whole (scenarios, services, finances with and without "
          f"the savings need, checks): numpy loop {cpu[False][0] * 1e3:.1f} ms (CPU "
          f"{cpu[False][1] * 1e3:.1f} ms), compiled loop {cpu[True][0] * 1e3:.1f} ms (CPU "
          f"{cpu[True][1] * 1e3:.1f} ms; target < 10 ms); load average "
          f"{os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def fresh_process() -> None:
    """What a new process pays before its first compiled projection."""
    code = ("import time; t = time.perf_counter(); import numba; a = time.perf_counter(); "
            "from muniplan.engine import finance_kernel; b = time.perf_counter(); "
            "from muniplan.engine.projection import project; from muniplan.plan.load import "
            "load_plan; p = load_plan(); project(p); c = time.perf_counter(); project(p); "
            "d = time.perf_counter(); print(a - t, b - a, c - b - (d - c))")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True).stdout.split()
    numba_s, module_s, first_s = (float(x) for x in out)
    print(f"a fresh process: import numba {numba_s * 1e3:.0f} ms, the kernel's module "
          f"{module_s * 1e3:.0f} ms, the first projection's extra (plan caches, the cached "
          f"kernel loaded) {first_s * 1e3:.0f} ms; so a one-off command keeps the numpy loop "
          f"and the compiled one is taken from {finance_fast.MIN_DRAWS} draws or once numba "
          f"is loaded")


def _cpu(fn: Callable[[], object]) -> float:
    c = time.process_time()
    fn()
    return time.process_time() - c


if __name__ == "__main__":
    main()
