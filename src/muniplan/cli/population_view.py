"""``muniplan population``: the cohort-component projection with its intervals."""

from __future__ import annotations

import csv
import sys
from typing import Any

import numpy as np
from rich.table import Table

from muniplan.cli.common import console, fail, print_json
from muniplan.demography import DEFAULT_GROUPS, age_group_totals, estimate, project_population
from muniplan.engine.demand import MIGRATION_WINDOW
from muniplan.engine.montecarlo import population_calibration
from muniplan.plan.load import load_plan
from muniplan.plan.population import check_base_year
from muniplan.report.formatting import number

MAX_DRAWS = 100_000
QS = (0.05, 0.5, 0.95)


def population_data(plan: str | None, from_year: int | None, to: int | None, draws: int,
                    seed: int) -> dict[str, Any]:
    """The population projection as issue 3's JSON shape."""
    p = load_plan(plan)
    if p.population is None:
        fail(f"plan {p.id} has no population/ folder with population data")
    base = from_year if from_year is not None else p.base_year
    last = to if to is not None else p.horizon
    if not 1 <= draws <= MAX_DRAWS:
        fail(f"--draws: expected 1 to {MAX_DRAWS}, found {draws}")
    check_base_year(p.population, base)
    if last <= base or last > base + 100:
        fail(f"--to: expected a year after the base year {base} and at most {base + 100}, "
             f"found {last}")
    data = p.population.truncated(base)
    model = estimate(data, base_year=base, window=MIGRATION_WINDOW)
    det = project_population(model, to_year=last)
    years = [int(y) for y in det.years]
    out: dict[str, Any] = {
        "plan": p.id,
        "base_year": base,
        "years": years,
        "total": _round(det.total()[0]),
        "groups": {k: _round(v[0]) for k, v in det.groups(DEFAULT_GROUPS).items()},
        "sources": dict(p.population.sources),
    }
    if draws > 1:
        fan = project_population(model, to_year=last, draws=draws, seed=seed)
        drawn = population_calibration().apply(fan.population, det.population[0], copy=False)
        total_q = np.quantile(drawn.sum(axis=(2, 3)), QS, axis=0)
        group_q = {k: np.quantile(v, QS, axis=0)
                   for k, v in age_group_totals(drawn, DEFAULT_GROUPS).items()}
        out["quantiles"] = {
            f"{q:g}": {"total": _round(total_q[i]),
                       "groups": {k: _round(v[i]) for k, v in group_q.items()}}
            for i, q in enumerate(QS)
        }
        out["draws"] = draws
        out["seed"] = seed
        out["intervals"] = "calibrated on national backtests (docs/population.md)"
    return out


def _round(a: np.ndarray) -> list[float]:
    return [round(float(x), 1) for x in a]


def population(plan: str | None, from_year: int | None, to: int | None, draws: int,
               seed: int, fmt: str) -> None:
    data = population_data(plan, from_year, to, draws, seed)
    if fmt == "json":
        print_json(data)
        return
    years = data["years"]
    rows = [("total", data["total"])] + list(data["groups"].items())
    if fmt == "csv":
        w = csv.writer(sys.stdout, lineterminator="\n")
        w.writerow(["group", "quantile", *years])
        for name, values in rows:
            w.writerow([name, "projection", *values])
        for q, per in data.get("quantiles", {}).items():
            w.writerow(["total", q, *per["total"]])
            for name, values in per["groups"].items():
                w.writerow([name, q, *values])
        return
    shown = [y for y in years if y == years[0] or y % 5 == 0 or y == years[-1]]
    idx = [years.index(y) for y in shown]
    t = Table(title=f"Befolkning 1. januar, framskrevet fra {data['base_year']}"
              + (" (90 % intervall i parentes)" if "quantiles" in data else ""))
    t.add_column("Alder")
    for y in shown:
        t.add_column(str(y), justify="right")
    q = data.get("quantiles")
    for name, values in rows:
        cells = []
        for i in idx:
            cell = number(values[i], 0)
            if q and i > 0:
                lo = q["0.05"]["total"][i] if name == "total" else q["0.05"]["groups"][name][i]
                hi = q["0.95"]["total"][i] if name == "total" else q["0.95"]["groups"][name][i]
                cell += f"\n[dim]({number(lo, 0)}–{number(hi, 0)})[/]"
            cells.append(cell)
        t.add_row("I alt" if name == "total" else name, *cells)
    console.print(t)
    console.print(f"[dim]{data['sources'].get('attribution', '')}[/]")
