"""Backtests on Bærum: project from 2008 and 2012, compare with the population up to 2018.

The method must beat the naive baseline (constant base-year rates, mean migration of the
last five years) in MAPE over age groups and years, and its 90 % intervals must hold the
actual values about as often as they claim. ``docs/population.md`` shows the same table.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest

from muniplan.demography.backtest import (
    BACKTEST_BASE_YEARS,
    BacktestResult,
    backtest,
    backtest_table,
    naive_model,
)
from muniplan.plan.population import load_population_folder

ROOT = Path(__file__).resolve().parents[1]
EXAMPLE = ROOT / "src/muniplan/plan/examples/baerum-2018-2021"


@pytest.fixture(scope="module")
def data():
    return load_population_folder(EXAMPLE, base_year=2018)


@pytest.fixture(scope="module")
def results(data) -> list[BacktestResult]:
    return [backtest(data, base) for base in BACKTEST_BASE_YEARS]


def test_method_beats_naive_baseline(results):
    for r in results:
        assert r.mean_mape("method") < r.mean_mape("naive"), r.base_year
    pooled_method = np.mean([r.mean_mape("method") for r in results])
    pooled_naive = np.mean([r.mean_mape("naive") for r in results])
    print(f"MAPE over groups and years: method {pooled_method:.2f} %, naive {pooled_naive:.2f} %")
    assert pooled_method < pooled_naive


def test_interval_coverage_is_honest(results):
    hits = np.concatenate([r.hits().ravel() for r in results])
    coverage = hits.mean()
    print(f"90 % interval coverage over groups x years: {coverage:.2f} ({hits.sum()}/{hits.size})")
    assert hits.size == 5 * (10 + 6)
    assert coverage >= 0.7
    # and not absurdly wide: the interval on the total stays within +-10 % of the centre
    for r in results:
        assert (r.upper["total"] / r.method["total"] < 1.10).all()
        assert (r.lower["total"] / r.method["total"] > 0.90).all()


def test_backtest_sees_no_data_after_its_base_year(data):
    """The forecast part is the same whether or not later years are in the data."""
    full = backtest(data, 2012)
    cut = data.truncated(2012)
    from muniplan.demography import estimate, project_population

    alone = project_population(estimate(cut, 2012), 2018).groups()
    for k, v in alone.items():
        np.testing.assert_array_equal(full.method[k], v[0, 1:])
    assert naive_model(cut, 2012).mortality.b.sum() == 0.0


def test_docs_show_the_table_the_tests_compute(results):
    doc = (ROOT / "docs/population.md").read_text(encoding="utf-8")
    assert backtest_table(results) in doc, "regenerate: python scripts/population_backtest.py"
