"""Every kommune side by side, for the national page: growth, 80+, demographic cost, interval.

Why in-process and not on Dask: the page needs the deterministic run only (about 357 small
projections) with the calibrated interval of the total, which comes from the calibration
table, not from draws; a web server should not start a cluster. The result is cached per
plan, base year and last year.

The demographic cost is the plan's own (TBU method, :mod:`muniplan.engine.demand`): the
plan's coverage rates and base-year unit costs applied to each kommune's projected
population, so kommuner differ by demography alone. National unit costs per age group are
not in the shipped data; the page says whose unit costs these are.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from muniplan.demography.calibration import Calibration, size_class
from muniplan.demography.cohort import project
from muniplan.demography.national import LABELS, History, Method, label_totals
from muniplan.engine.demand import coverage_matrix, service_demand
from muniplan.plan.kommuner import NationalData, load_calibration, load_national
from muniplan.plan.model import Plan

OLD = LABELS.index("80+")


@dataclass(frozen=True)
class KommuneRow:
    number: str
    name: str
    county: str
    total_base: float
    total_last: float
    lower: float
    upper: float
    old_base: float
    old_last: float
    cost_per_inhabitant: float | None
    """Demographic cost change base year -> last year per inhabitant (plan's kroner)."""

    @property
    def growth(self) -> float:
        return self.total_last / self.total_base - 1.0

    @property
    def old_growth(self) -> float | None:
        return self.old_last / self.old_base - 1.0 if self.old_base else None


@dataclass(frozen=True)
class NationalSummary:
    base_year: int
    to_year: int
    rows: tuple[KommuneRow, ...]
    counties: tuple[KommuneRow, ...]
    """One row per county (sums; the interval is left out: errors do not simply add)."""
    norway: KommuneRow
    own: str | None
    """The plan's kommune number in ``rows`` (None if it is not found)."""
    attribution: str


def own_kommune(plan: Plan, data: NationalData) -> str | None:
    """The plan's kommune: by number, else by name (numbers changed in 2020 and 2024)."""
    numbers = {k.number for k in data.kommuner}
    if plan.municipality.number in numbers:
        return plan.municipality.number
    name = plan.municipality.name.removesuffix(" kommune").strip().lower()
    for k in data.kommuner:
        if k.name.split("-")[0].strip().lower() == name:
            return k.number
    return None


_CACHE: dict[tuple[str, str, int, int], NationalSummary] = {}


def national_summary(plan: Plan, base_year: int, to_year: int) -> NationalSummary:
    """All kommuner from ``base_year`` to ``to_year`` (cached per plan version and years)."""
    key = (plan.id, plan.digest, base_year, to_year)
    if key not in _CACHE:
        if len(_CACHE) >= 8:
            _CACHE.pop(next(iter(_CACHE)))
        _CACHE[key] = _summary(plan, base_year, to_year)
    return _CACHE[key]


def _summary(plan: Plan, base_year: int, to_year: int) -> NationalSummary:
    data = load_national()
    cal = Calibration(*load_calibration())
    method = Method()
    own = own_kommune(plan, data)
    centrals: dict[str, np.ndarray] = {}
    for i, k in enumerate(data.kommuner):
        if data.first_year[i] >= base_year:
            continue
        h = data.history(i)
        history = History(h.pop_years, h.population, h.mortality_years, h.mx,
                          h.fertility_years, h.asfr)
        centrals[k.number] = project(method.model(history, base_year), to_year,
                                     threads=1).population[0]
    costs = _demographic_costs(plan, centrals, own, range(base_year, to_year + 1))
    by_number = {k.number: k for k in data.kommuner}
    rows = []
    for number, central in centrals.items():
        k = by_number[number]
        groups = label_totals(central)
        bounds = cal.bounds(groups, size_class(float(groups[0, -1])))
        rows.append(KommuneRow(k.number, k.name, k.county, float(groups[0, -1]),
                               float(groups[-1, -1]), float(bounds[0, -1, -1]),
                               float(bounds[1, -1, -1]), float(groups[0, OLD]),
                               float(groups[-1, OLD]), costs.get(number)))
    return NationalSummary(base_year, to_year, tuple(rows), _counties(rows),
                           _aggregate("Norge", "", rows), own,
                           data.sources.get("attribution", ""))


def _demographic_costs(plan: Plan, centrals: dict[str, np.ndarray], own: str | None,
                       years: range) -> dict[str, float]:
    """Per kommune: the change in cost of the plan's age-driven services from the first to
    the last year at the plan's base coverage and its own kommune's base-year unit costs,
    per inhabitant of the last year, in kroner (TBU method, domain.md §4)."""
    if not plan.services or own is None:
        return {}
    unit0 = service_demand(plan, centrals[own][None], years).unit_cost[:, 0]
    base_cov, _ = coverage_matrix(plan, years)
    out = {}
    for number, central in centrals.items():
        users = central.sum(axis=1) @ base_cov.T  # (year, service)
        change = float(((users[-1] - users[0]) * unit0).sum())
        out[number] = change / float(central[-1].sum())
    return out


def _aggregate(name: str, county: str, rows: list[KommuneRow]) -> KommuneRow:
    total_last = sum(r.total_last for r in rows)
    costs = [r.cost_per_inhabitant * r.total_last for r in rows
             if r.cost_per_inhabitant is not None]
    return KommuneRow("", name, county, sum(r.total_base for r in rows), total_last,
                      float("nan"), float("nan"), sum(r.old_base for r in rows),
                      sum(r.old_last for r in rows),
                      float(np.sum(costs)) / total_last if costs else None)


def _counties(rows: list[KommuneRow]) -> tuple[KommuneRow, ...]:
    names = sorted({r.county for r in rows})
    return tuple(_aggregate(c, c, [r for r in rows if r.county == c]) for c in names)
