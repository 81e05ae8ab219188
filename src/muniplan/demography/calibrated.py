"""The Monte Carlo's population sums calibrated, reduced and summarised year by year.

What the run reads from the population stage — each draw's total, each service's users at
base coverage, the percentiles of each age group — comes from the fused sums
``sums[draw, year, column]`` (:func:`muniplan.demography.fused.project_weighted`: the age
groups' totals, then each service's weights split by age group) and the calibration
factors (:meth:`muniplan.demography.calibration.Calibration.factors`). Years are
independent, so each is done whole on one of the threads — its factors, its calibrated
sums and its sorted rows for the percentiles — while its column of the sums is in cache.

Without numba the same numbers come from the numpy path (the factors, then
:func:`muniplan.demography.fused.service_users`); the tests hold the two equal.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from muniplan.demography.calibration import Calibration, centres, each_year
from muniplan.demography.calibration import _kernel as _calibration_kernel
from muniplan.demography.fused import _kernel as _projection_kernel
from muniplan.demography.fused import service_users


@dataclass(frozen=True)
class Reduced:
    """The population stage's results: ``total[draw, year]`` (persons),
    ``users[draw, service, year]`` (persons at base coverage; None without services) and
    ``quantiles[q, label, year]`` of the age groups' totals and (last label) the total."""

    total: np.ndarray
    users: np.ndarray | None
    quantiles: np.ndarray


def reduce_sums(sums: np.ndarray, groups: int, services: int, calibration: Calibration | None,
                central: np.ndarray, horizons: np.ndarray, size: int,
                probs: Sequence[float]) -> Reduced:
    """Calibrate and reduce ``sums[draw, year, groups + groups · services]``.

    ``calibration`` None: the draws as the model made them (factors 1). ``central[year,
    group]`` are the deterministic group totals the calibration refers to, ``horizons[year]``
    the years since the base year (0: not calibrated), ``size`` the size class.
    """
    kernel = _kernel()
    if kernel is None:
        return _reduce_numpy(sums, groups, services, calibration, central, horizons, size,
                             probs)
    draws, years = sums.shape[0], sums.shape[1]
    rows = np.empty((groups + 1, years, draws))
    total = np.empty((draws, years))
    users = np.empty((draws, services, years))

    def year(j: int) -> None:
        factors = np.ones((groups, draws))
        if calibration is not None and horizons[j] > 0:
            kernel.year_factors(sums, j, groups, calibration.rank_table(size, int(horizons[j]),
                                                                        draws),
                                centres(central[j]), factors)
        kernel.year_sums(sums, j, groups, services, factors, rows[:, j], total, users)
        rows[:, j].sort(axis=-1)  # numpy's sort runs without the GIL

    each_year(year, range(years), draws)
    return Reduced(total, users if services else None, sorted_quantiles(rows, probs))


def _reduce_numpy(sums: np.ndarray, groups: int, services: int,
                  calibration: Calibration | None, central: np.ndarray,
                  horizons: np.ndarray, size: int, probs: Sequence[float]) -> Reduced:
    """The same numbers in numpy passes over all years at once (no numba)."""
    factors = None
    values = sums[:, :, :groups]
    if calibration is not None:
        factors = calibration.factors(values, central, horizons, size)
        values = values * factors
    total = values.sum(axis=2)
    users = service_users(sums, groups, services, factors) if services else None
    rows = np.empty((groups + 1, sums.shape[1], sums.shape[0]))
    rows[:-1] = values.transpose(2, 1, 0)
    rows[-1] = total.T
    rows.sort(axis=-1)
    return Reduced(total, users, sorted_quantiles(rows, probs))


def sorted_quantiles(rows: np.ndarray, probs: Sequence[float]) -> np.ndarray:
    """``np.quantile(rows, probs, axis=-1)`` of rows already sorted along the last axis,
    read off directly: the same arithmetic as numpy's default (linear) method — the same
    virtual index, neighbours and interpolation — without its selection pass over every
    row, which costs as much as the sort. A row ending in NaN gives NaN, as numpy's."""
    n = rows.shape[-1]
    q = np.asarray(probs, dtype=np.float64)
    virtual = (n - 1) * q
    previous = np.floor(virtual)
    nxt = previous + 1
    above = virtual >= n - 1
    previous[above] = nxt[above] = -1
    below = virtual < 0
    previous[below] = nxt[below] = 0
    gamma = virtual - previous
    a = np.moveaxis(rows[..., previous.astype(np.intp)], -1, 0)
    b = np.moveaxis(rows[..., nxt.astype(np.intp)], -1, 0)
    t = gamma.reshape((-1,) + (1,) * (rows.ndim - 1))
    diff = b - a
    out = a + diff * t
    out = np.where(t >= 0.5, b - diff * (1 - t), out)
    nan = np.isnan(rows[..., -1])
    if nan.any():
        out[:, nan] = np.nan
    return out


def _kernel():
    """The compiled calibration, used with the compiled projection (None without numba)."""
    return _calibration_kernel() if _projection_kernel() is not None else None
