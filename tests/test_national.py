"""Every kommune's projection, pure: the smallest and the largest, seeds, calibrated draws."""

from __future__ import annotations

import numpy as np
import pytest

from muniplan.demography.calibration import Calibration, coverage, fit, log_errors, size_class
from muniplan.demography.evaluation import held_out_hits
from muniplan.demography.national import (
    LABELS,
    History,
    backtest_kommune,
    kommune_seed,
    label_totals,
    run_kommune,
)
from muniplan.plan.kommuner import load_national


def history(number: str) -> History:
    d = load_national()
    h = d.history(d.index(number))
    return History(h.pop_years, h.population, h.mortality_years, h.mx, h.fertility_years,
                   h.asfr)


@pytest.mark.parametrize("number", ["1151", "0301", "1160"])  # Utsira, Oslo, 13 years
def test_smallest_and_largest_project_sensibly(number: str) -> None:
    h = history(number)
    run = run_kommune(number, h, 2018, 2040)
    assert run.central.shape == (23, len(LABELS))
    assert np.isfinite(run.central).all() and (run.central >= 0).all()
    total = run.central[:, -1]
    assert total[0] == h.population[-1].sum()
    # no jump: a year's total changes by less than 10 % (Utsira's ~200 people included)
    assert np.all(np.abs(np.diff(total) / total[:-1]) < 0.10)
    assert np.allclose(run.central[:, :-1].sum(axis=1), total)


def test_utsira_draws_with_zero_cells_stay_finite() -> None:
    h = history("1151")
    assert (h.population[-1] == 0).sum() > 50  # many ages with no one
    run = run_kommune("1151", h, 2018, 2026, draws=200, root_seed=5)
    assert run.quantiles is not None and np.isfinite(run.quantiles).all()
    assert (run.quantiles[0] <= run.quantiles[2]).all()


def test_a_kommune_rerun_alone_is_identical() -> None:
    h = history("3201")
    a = run_kommune("3201", h, 2018, 2026, draws=100, root_seed=7)
    b = run_kommune("3201", h, 2018, 2026, draws=100, root_seed=7)
    c = run_kommune("3201", h, 2018, 2026, draws=100, root_seed=8)
    assert np.array_equal(a.quantiles, b.quantiles)
    assert not np.array_equal(a.quantiles, c.quantiles)
    # the stream depends on the root seed and the number only
    s1 = kommune_seed(7, "3201").generate_state(4)
    assert np.array_equal(s1, kommune_seed(7, "3201").generate_state(4))
    assert not np.array_equal(s1, kommune_seed(7, "0301").generate_state(4))


def test_backtest_uses_nothing_after_the_base_year() -> None:
    h = history("3201")
    r = backtest_kommune("3201", h, 2012, 2018)
    spoiled = h.population.copy()
    spoiled[h.pop_years > 2012] *= 3.0
    s = backtest_kommune("3201", History(h.pop_years, spoiled, h.mortality_years, h.mx,
                                         h.fertility_years, h.asfr), 2012, 2018)
    assert np.array_equal(r.method, s.method) and np.array_equal(r.naive, s.naive)
    assert np.allclose(s.actual, 3.0 * r.actual)
    assert r.actual.shape == (6, len(LABELS)) and r.size == 3


def test_size_classes() -> None:
    assert [size_class(x) for x in (208, 1999, 2000, 9999, 10_000, 50_000, 673_469)] == \
        [0, 0, 1, 1, 2, 3, 3]


def _synthetic(n: int = 4000, seed: int = 3) -> tuple[np.ndarray, ...]:
    """Errors that grow with the horizon and are wider for small kommuner, as in the data."""
    g = np.random.default_rng(seed)
    size = g.integers(0, 4, n)
    horizon = g.integers(1, 9, n)
    pred = np.exp(g.uniform(5, 12, (n, len(LABELS))))
    sd = 0.01 * horizon[:, None] * (4 - size[:, None])
    actual = pred * np.exp(g.normal(0.005 * horizon[:, None], sd))
    return size, horizon, actual, pred


def test_calibrated_intervals_hold_on_fresh_errors() -> None:
    cal = fit(*_synthetic(), horizons=8)
    hits = coverage(cal, *_synthetic(seed=4))
    assert 0.86 <= hits.mean() <= 0.94
    # wider for small kommuner, wider with the horizon
    spread = cal.log_q[..., -4] - cal.log_q[..., 3]  # 95 % minus 5 % quantile
    assert (spread[0, -1] > spread[3, -1]).all() and (spread[:, -1] >= spread[:, 0]).all()


def test_apply_moves_draws_onto_the_calibrated_quantiles() -> None:
    cal = fit(*_synthetic(), horizons=8)
    h = history("3201")
    from muniplan.demography.cohort import project
    from muniplan.demography.rates import estimate

    model = estimate(h, 2018)
    central = project(model, 2026).population[0]
    fan = project(model, 2026, draws=2000, seed=1).population
    moved = cal.apply(fan, central)
    totals = label_totals(moved)[..., -1]
    want = cal.bounds(label_totals(central), size_class(central[0].sum()))
    got = np.quantile(totals, [0.05, 0.95], axis=0)
    assert np.allclose(got[:, 1:], want[:, 1:, -1], rtol=2e-3)
    assert np.array_equal(moved[:, 0], fan[:, 0])  # the base year is known
    # the draws keep their order over years (dependence from the model)
    rank_2020 = np.argsort(np.argsort(totals[:, 2]))
    rank_2026 = np.argsort(np.argsort(totals[:, 8]))
    assert np.corrcoef(rank_2020, rank_2026)[0, 1] > 0.5


def test_beyond_the_longest_horizon_the_spread_grows_linearly() -> None:
    cal = fit(*_synthetic(), horizons=8)
    assert np.allclose(cal.quantiles(1, 16), 2 * cal.quantiles(1, 8))
    assert np.array_equal(cal.quantiles(1, 0), np.zeros_like(cal.quantiles(1, 1)))


def test_log_errors_are_finite_for_empty_groups() -> None:
    assert np.isfinite(log_errors(np.array([0.0, 3.0]), np.array([0.0, 0.0]))).all()


def test_held_out_coverage_uses_other_folds() -> None:
    d = load_national()
    numbers = ["1151", "3201", "0301", "1160", "5001", "4601"]
    records = [backtest_kommune(n, history(n), b, min(b + 4, 2018))
               for n in numbers for b in (2010, 2013)]
    hits = held_out_hits(records, 4)
    assert set(hits) == {"base years", "kommuner"}
    _size, horizon, hit = hits["base years"]
    assert hit.shape == (len(records) * 4, len(LABELS)) and horizon.max() == 4
    assert isinstance(Calibration, type) and len(d.kommuner) == 357
