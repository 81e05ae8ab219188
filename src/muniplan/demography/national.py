"""The projection for every kommune: one kommune a call, small summaries out.

Why per kommune and pure: a national run is 357 independent projections, so it spreads
over processes or machines (``muniplan.national`` runs these functions on Dask) and any
kommune can be rerun alone with the same result. Each call returns only what a national
table needs — the five age groups and the total per year, and with draws their 5 %, 50 %
and 95 % quantiles — never the draw arrays.

Seeds: kommune ``NNNN`` of a run with root seed ``S`` draws from
``SeedSequence(S, spawn_key=(NNNN,))``, which depends on nothing else, so the order, the
chunking and the number of workers cannot change a kommune's numbers.

Size classes (SSB's and the issue's): under 2 000, 2 000–10 000, 10 000–50 000, over
50 000 inhabitants on 1 January of the base year.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

import numpy as np

from muniplan.demography.calibration import Calibration, size_class
from muniplan.demography.carry import History
from muniplan.demography.cohort import DEFAULT_GROUPS, parse_groups, project
from muniplan.demography.rates import DemographicModel, estimate

LABELS: tuple[str, ...] = (*DEFAULT_GROUPS, "total")
SIZE_LABELS: tuple[str, ...] = ("under 2 000", "2 000–10 000", "10 000–50 000", "over 50 000")
QUANTILES: tuple[float, ...] = (0.05, 0.5, 0.95)
FERTILITY_PRIOR = 20.0
"""Births' worth of national fertility added to a kommune's own (see :class:`Method`)."""


@dataclass(frozen=True)
class Method:
    """The estimation settings of the national runs (``estimate``'s keyword arguments).

    ``small`` replaces ``options`` for a kommune under 2 000 inhabitants at the base year.
    The default weights the migration of recent years more (``recent_weight``) except in
    small kommuner, where the backtests favour equal weights, and pulls the fertility level
    of a kommune with few births towards the national one (``fertility_prior``);
    ``docs/population.md`` gives the measured effect of each choice.
    """

    options: dict[str, object] = field(default_factory=lambda: {
        "window": 5, "recent_weight": True, "fertility_prior": FERTILITY_PRIOR})
    small: dict[str, object] | None = field(default_factory=lambda: {
        "window": 5, "fertility_prior": FERTILITY_PRIOR})

    def model(self, history: History, base_year: int) -> DemographicModel:
        options = self.options
        if self.small is not None:
            row = int(np.searchsorted(history.pop_years, base_year))
            if size_class(float(np.sum(history.population[row]))) == 0:
                options = self.small
        return estimate(history, base_year, **options)  # type: ignore[arg-type]


NAIVE = Method({"window": 5, "smooth": 0, "mortality_trend": False, "fertility_window": 1,
                "uncertainty": False}, None)
"""Constant base-year rates: no mortality trend, last year's fertility, mean migration."""


def label_totals(population: np.ndarray) -> np.ndarray:
    """``population[..., sex, age]`` -> ``[..., label]``: the five groups and the total."""
    both = population.sum(axis=-2)
    out = [both[..., lo:hi + 1].sum(axis=-1) for lo, hi in parse_groups(DEFAULT_GROUPS).values()]
    out.append(both.sum(axis=-1))
    return np.stack(out, axis=-1)


def kommune_seed(root_seed: int, number: str) -> np.random.SeedSequence:
    """The kommune's own stream: the same for the same root seed and kommune number."""
    return np.random.SeedSequence(int(root_seed), spawn_key=(int(number),))


@dataclass(frozen=True, eq=False)
class KommuneRun:
    """``central[year, label]``; with draws ``quantiles[q, year, label]`` (5, 50, 95 %)."""

    number: str
    years: np.ndarray
    central: np.ndarray
    quantiles: np.ndarray | None = None


def run_kommune(number: str, history: History, base_year: int, to_year: int, *,
                draws: int = 0, root_seed: int = 0, calibration: Calibration | None = None,
                method: Method | None = None, threads: int = 1) -> KommuneRun:
    """Project one kommune; with ``draws`` > 0 also the quantiles of its draws.

    With a ``calibration`` the draws are mapped onto the calibrated error distribution
    (:meth:`Calibration.apply`), so their quantiles are the calibrated intervals.
    """
    model = (method or Method()).model(history, base_year)
    central = project(model, to_year, threads=threads).population[0]
    out = label_totals(central)
    if draws <= 0:
        return KommuneRun(number, np.arange(base_year, to_year + 1), out)
    fan = project(model, to_year, draws=draws, seed=kommune_seed(root_seed, number),
                  threads=threads).population
    groups = label_totals(fan)[..., :-1]  # [draw, year, group]; the draws are not kept
    if calibration is not None:  # the same factors Calibration.apply puts on the ages
        groups = groups * calibration.factors(groups, out[:, :-1], np.arange(out.shape[0]),
                                              size_class(float(out[0, -1])))
    q = np.quantile(np.concatenate([groups, groups.sum(axis=-1, keepdims=True)], axis=-1),
                    QUANTILES, axis=0)
    return KommuneRun(number, np.arange(base_year, to_year + 1), out, q)


@dataclass(frozen=True, eq=False)
class BacktestRecord:
    """One kommune from one base year: ``[horizon, label]`` arrays, horizons 1..H."""

    number: str
    base_year: int
    base_total: float
    actual: np.ndarray
    method: np.ndarray
    naive: np.ndarray

    @property
    def size(self) -> int:
        return size_class(self.base_total)


def backtest_kommune(number: str, history: History, base_year: int, last_year: int,
                     method: Method | None = None, threads: int = 1) -> BacktestRecord:
    """Project from ``base_year`` with data up to it only; compare with ``last_year``'s."""
    years = np.asarray(history.pop_years)
    rows = np.searchsorted(years, np.arange(base_year, last_year + 1))
    actual = label_totals(np.asarray(history.population, dtype=np.float64)[rows])
    runs = []
    for m in (method or Method(), NAIVE):
        model = m.model(history, base_year)
        runs.append(label_totals(project(model, last_year, threads=threads).population[0]))
    return BacktestRecord(number, base_year, float(actual[0, -1]), actual[1:],
                          runs[0][1:], runs[1][1:])


def backtest_records(records: Sequence[BacktestRecord], which: str = "method"
                     ) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Flatten to ``(size[n], horizon[n], actual[n, label], predicted[n, label])``."""
    sizes, horizons, actual, pred = [], [], [], []
    for r in records:
        h = r.actual.shape[0]
        sizes.append(np.full(h, r.size))
        horizons.append(np.arange(1, h + 1))
        actual.append(r.actual)
        pred.append(r.method if which == "method" else r.naive)
    return (np.concatenate(sizes), np.concatenate(horizons), np.concatenate(actual),
            np.concatenate(pred))
