"""The savings need: closed form against bisection, in the same run.

For the Bærum example (deterministic, one draw, to the horizon) and a Monte Carlo batch of
1 000 draws, the finance projection with the savings need is timed with the closed-form
solver and with the bisection fallback, and against the projection without the savings
need. Prints best-of-N wall times, the ratio bisection / closed form, the solver's share of
the projection, and the largest difference between the two answers (kroner). The machine
is shared: absolute times are noisy, the ratios within one run are the figures to read.

Run: ``.venv/bin/python benchmarks/bench_savings.py`` (or ``python -m benchmarks``).
"""

from __future__ import annotations

import functools
import os
import time
from collections.abc import Callable

import numpy as np

from muniplan.engine import finance
from muniplan.engine.demand import population_paths, service_change
from muniplan.engine.projection import prepare, project
from muniplan.plan.load import load_plan

DRAWS = 1_000


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
            plain, _ = _best(lambda c=case: finance.project_finances(c, ratio, change,
                                                                     plan.rules), repeat)
            times, needs = {}, {}
            for method in ("bisection", "auto"):
                finance.savings_for_year = functools.partial(solver, method=method)
                times[method], res = _best(lambda c=case: finance.project_finances(
                    c, ratio, change, plan.rules, solve_savings=True), repeat)
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
    project(plan)  # the plan's arrays and population, computed once per plan
    t, _ = _best(lambda: project(plan), 15)
    cpu = min(_cpu(lambda: project(plan)) for _ in range(15))
    print(f"project() deterministic, whole (scenarios, services, finances with and without "
          f"the savings need, checks): {t * 1e3:.1f} ms (CPU {cpu * 1e3:.1f} ms; target "
          f"< 10 ms); load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} cores")


def _cpu(fn: Callable[[], object]) -> float:
    c = time.process_time()
    fn()
    return time.process_time() - c


if __name__ == "__main__":
    main()
