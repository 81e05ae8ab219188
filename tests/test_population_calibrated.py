"""The compiled calibration of the Monte Carlo's population sums gives the numpy path's
numbers bit for bit: its radix ranking is numpy's stable argsort (ties, NaN, signed zeros
included), its factors are :meth:`Calibration.factors`' numpy ones, its users, totals and
percentiles those of the numpy passes, and the percentiles read off sorted rows are
``np.quantile``'s."""

from __future__ import annotations

import numpy as np
import pytest

from muniplan.demography import calibrated
from muniplan.demography.calibrated import reduce_sums, sorted_quantiles
from muniplan.engine.montecarlo import QUANTILES, population_calibration

kernel = pytest.importorskip("muniplan.demography.calibrated_kernel")


@pytest.mark.parametrize("case", ["spread", "descending", "ties", "all equal", "nan", "signs",
                                  "outlier", "few ties", "one", "none"])
def test_the_ranking_is_numpys_stable_argsort(case) -> None:
    """Buckets sorted by insertion (spread, descending, few ties) and the radix sort a
    crowded bucket falls back on (many ties, values clustered beside an outlier)."""
    rng = np.random.default_rng(8)
    values = {
        "spread": rng.lognormal(10.0, 0.2, 10_000),
        "descending": np.sort(rng.uniform(5_000.0, 9_000.0, 3_000))[::-1].copy(),
        "outlier": np.concatenate([rng.uniform(1_000.0, 1_001.0, 4_000), [1e300]]),
        "few ties": np.round(rng.uniform(0.0, 1e6, 8_000), -1),
        "ties": np.round(rng.uniform(0.0, 50.0, 5_000)),
        "all equal": np.full(300, 7.0),
        "nan": np.where(rng.random(2_000) < 0.1, np.nan, rng.normal(size=2_000)),
        "signs": np.concatenate([rng.normal(size=500), [0.0, -0.0, np.inf, -np.inf, -0.0]]),
        "one": np.array([3.0]),
        "none": np.zeros(0),
    }[case]
    order = np.empty(values.size, np.int64)
    kernel.stable_order(np.ascontiguousarray(values), order)
    np.testing.assert_array_equal(order, np.argsort(values, kind="stable"))


@pytest.mark.parametrize("n", [1, 2, 3, 7, 100, 10_000])
def test_quantiles_read_off_sorted_rows_are_numpys(n) -> None:
    rows = np.sort(np.random.default_rng(n).lognormal(5.0, 1.0, (6, 4, n)), axis=-1)
    probs = (*QUANTILES, 0.0, 1.0, 0.333)
    np.testing.assert_array_equal(sorted_quantiles(rows, probs),
                                  np.quantile(rows, probs, axis=-1))
    rows[2, 1, -1] = np.nan  # NaN sorts last: that row's quantiles are NaN, as numpy's
    got = sorted_quantiles(rows, probs)
    assert np.isnan(got[:, 2, 1]).all() and not np.isnan(np.delete(got, 2, axis=1)).any()


def _sums(draws: int, years: int, groups: int, services: int) -> np.ndarray:
    """Sums laid out as the fused projection lays them out (year-major memory)."""
    rng = np.random.default_rng(9)
    out = rng.uniform(100.0, 900.0, (years, draws, groups + groups * services))
    out[:, :, 0] = np.round(out[:, :, 0], -2)  # ties in one group
    return out.transpose(1, 0, 2)


@pytest.mark.parametrize("draws", [300, 12_000])  # one thread; years on the thread pool
def test_the_compiled_factors_equal_the_numpy_ones(draws) -> None:
    cal = population_calibration()
    values = np.ascontiguousarray(_sums(draws, 6, 5, 0))
    central = values.mean(axis=0)
    horizons = np.arange(6)
    compiled = np.ones((6, 5, draws))
    for j in range(1, 6):
        kernel.year_factors(values, j, 5, cal.rank_table(2, j, draws),
                            np.array([*central[j], central[j].sum()]), compiled[j])
    np.testing.assert_array_equal(compiled.transpose(2, 0, 1),
                                  cal._factors_numpy(values, central, horizons, 2))
    np.testing.assert_array_equal(cal.factors(values, central, horizons, 2),
                                  cal._factors_numpy(values, central, horizons, 2))


@pytest.mark.parametrize("calibrate", [True, False])
@pytest.mark.parametrize("draws", [50, 4_000])
def test_reduced_sums_equal_the_numpy_passes(monkeypatch, calibrate, draws) -> None:
    groups, services, years = 5, 7, 9
    sums = _sums(draws, years, groups, services)
    central = sums[:, :, :groups].mean(axis=0)
    horizons = np.arange(2, 2 + years) - 2  # the first year uncalibrated, as a base year
    cal = population_calibration() if calibrate else None
    args = (sums, groups, services, cal, central, horizons, 3, QUANTILES)
    fast = reduce_sums(*args)
    monkeypatch.setattr(calibrated, "_kernel", lambda: None)
    slow = reduce_sums(*args)
    for name in ("total", "users", "quantiles"):
        np.testing.assert_array_equal(getattr(fast, name), getattr(slow, name), err_msg=name)
    assert fast.users.shape == (draws, services, years)
    assert fast.quantiles.shape == (len(QUANTILES), groups + 1, years)
    if not calibrate:  # factors 1: the plain sums
        np.testing.assert_array_equal(fast.total, sums[:, :, :groups].sum(axis=2))
