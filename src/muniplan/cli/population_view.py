"""``muniplan population``: the cohort-component projection with its intervals."""

from __future__ import annotations

import csv
import sys
from typing import Any

import numpy as np
from rich import box
from rich.table import Table

from muniplan.cli.common import console, fail, print_json
from muniplan.cli.i18n import _, current
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
    lang = current()
    q = data.get("quantiles")
    t = Table(title=_("Befolkning 1. januar, framskrevet fra {0}").format(data["base_year"])
              + (_(" (90 % intervall: nedre og øvre grense under hver gruppe)") if q else ""),
              box=box.SIMPLE_HEAD)
    t.add_column(_("Alder"), no_wrap=True)
    for y in shown:
        t.add_column(str(y), justify="right", no_wrap=True)
    for name, values in rows:
        t.add_row(_("I alt") if name == "total" else name,
                  *(number(values[i], 0, lang) for i in idx))
        if not q:
            continue
        # the interval on rows of its own: a cell "(127 728–130 106)" would wrap inside a
        # number at 80 columns
        for level, label in (("0.05", _("  nedre")), ("0.95", _("  øvre"))):
            bound = q[level]["total"] if name == "total" else q[level]["groups"][name]
            t.add_row(f"[dim]{label}[/]", *(f"[dim]{number(bound[i], 0, lang)}[/]"
                                          if i > 0 else "" for i in idx))
    console.print(t)
    console.print(f"[dim]{data['sources'].get('attribution', '')}[/]")
