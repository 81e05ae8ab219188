"""Backtests: project from an earlier base year and compare with what happened.

Why: a population method is only worth its complexity if it beats the obvious one on the
municipality's own past, and its prediction intervals are only honest if they hold the
actual values about as often as they claim. The test suite runs these backtests and
``docs/population.md`` shows :func:`backtest_table` - the same function, so the document
cannot drift from the tests.

The naive baseline (:func:`naive_model`) holds the base year's rates constant: mortality of
the base year with no trend, the fertility level of the last observed year, and the mean
residual net migration of the last five years (or fewer when the history is shorter),
unsmoothed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from muniplan.demography.cohort import DEFAULT_GROUPS, age_group_totals, project
from muniplan.demography.rates import DemographicModel, PopulationHistory, estimate

BACKTEST_BASE_YEARS: tuple[int, ...] = (2008, 2012)
BACKTEST_DRAWS = 2000
BACKTEST_SEED = 20180101
INTERVAL = (0.05, 0.95)


def naive_model(data: PopulationHistory, base_year: int, window: int = 5) -> DemographicModel:
    """Constant base-year rates: no mortality trend, last year's fertility, mean migration."""
    return estimate(data, base_year, window=window, smooth=0, mortality_trend=False,
                    fertility_window=1, uncertainty=False)


@dataclass(frozen=True, eq=False)
class BacktestResult:
    """One base year: per group label (and ``"total"``) arrays over ``years``."""

    base_year: int
    years: np.ndarray
    labels: tuple[str, ...]
    actual: dict[str, np.ndarray]
    method: dict[str, np.ndarray]
    naive: dict[str, np.ndarray]
    lower: dict[str, np.ndarray]
    upper: dict[str, np.ndarray]

    def mape(self, which: str) -> dict[str, float]:
        """Mean absolute percentage error per label over the years, in percent."""
        pred = self.method if which == "method" else self.naive
        return {k: float(np.mean(np.abs(pred[k] / self.actual[k] - 1.0)) * 100.0)
                for k in self.labels}

    def mean_mape(self, which: str) -> float:
        """MAPE over every group (not the total) and year, in percent."""
        values = self.mape(which)
        return float(np.mean([values[k] for k in self.labels if k != "total"]))

    def hits(self) -> np.ndarray:
        """Whether each (group, year) actual value lies in the interval; groups without total."""
        return np.array([(self.lower[k] <= self.actual[k]) & (self.actual[k] <= self.upper[k])
                         for k in self.labels if k != "total"])

    def coverage(self) -> float:
        return float(self.hits().mean())


def backtest(data: PopulationHistory, base_year: int, to_year: int | None = None,
             window: int = 5, draws: int = BACKTEST_DRAWS, seed: int = BACKTEST_SEED,
             groups: Sequence[str] = DEFAULT_GROUPS, **estimate_options: object
             ) -> BacktestResult:
    """Estimate at ``base_year`` (data after it unseen), project, compare up to ``to_year``."""
    last = int(data.pop_years[-1]) if to_year is None else to_year
    if last <= base_year:
        raise ValueError(f"nothing to compare: no population after {base_year}")
    model = estimate(data, base_year, window=window, **estimate_options)  # type: ignore[arg-type]
    naive = naive_model(data, base_year, window=5)
    central = project(model, last)
    fan = project(model, last, draws=draws, seed=seed)
    flat = project(naive, last)
    years = np.arange(base_year + 1, last + 1)
    rows = np.searchsorted(data.pop_years, years)
    labels = (*tuple(groups), "total")

    def by_group(pop: np.ndarray) -> dict[str, np.ndarray]:
        out = age_group_totals(pop, groups)
        out["total"] = pop.sum(axis=(-2, -1))
        return out

    actual = by_group(np.asarray(data.population, dtype=np.float64)[rows])
    method = {k: v[0, 1:] for k, v in by_group(central.population).items()}
    baseline = {k: v[0, 1:] for k, v in by_group(flat.population).items()}
    q = {k: np.quantile(v[:, 1:], INTERVAL, axis=0) for k, v in by_group(fan.population).items()}
    return BacktestResult(base_year=base_year, years=years, labels=labels, actual=actual,
                          method=method, naive=baseline,
                          lower={k: v[0] for k, v in q.items()},
                          upper={k: v[1] for k, v in q.items()})


def backtest_table(results: Sequence[BacktestResult]) -> str:
    """The markdown table in ``docs/population.md``: MAPE per group, method vs naive, coverage."""
    labels = results[0].labels
    head = "| base year | years | | " + " | ".join(labels) + " | mean (groups) | 90 % coverage |"
    rule = "|---|---|---|" + "---:|" * (len(labels) + 2)
    lines = [head, rule]
    for r in results:
        span = f"{r.years[0]}–{r.years[-1]}"
        for which, name in (("method", "method"), ("naive", "naive")):
            m = r.mape(which)
            cells = " | ".join(f"{m[k]:.2f}" for k in labels)
            cov = f"{r.coverage():.2f} ({int(r.hits().sum())}/{r.hits().size})" \
                if which == "method" else ""
            lines.append(f"| {r.base_year} | {span} | {name} | {cells} | "
                         f"{r.mean_mape(which):.2f} | {cov} |")
    hits = np.concatenate([r.hits().ravel() for r in results])
    lines.append("")
    lines.append(f"MAPE in percent. Coverage of the 90 % interval over all groups and years: "
                 f"{hits.mean():.2f} ({int(hits.sum())} of {hits.size}).")
    return "\n".join(lines)
