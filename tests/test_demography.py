"""The cohort-component projection: accounting, seeds, shapes, and no peeking past the base year."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from hypothesis.extra.numpy import arrays

from muniplan.demography import (
    DEFAULT_GROUPS,
    TBU_GROUPS,
    age_group_totals,
    estimate,
    parse_groups,
    project_population,
)
from muniplan.demography.lifetable import life_expectancy, qx_from_mx, survival
from muniplan.demography.rates import spread_over_age
from muniplan.demography.uncertainty import fit_ar1, fit_random_walk
from muniplan.plan.errors import PlanError
from muniplan.plan.population import PopulationData, load_population_folder

EXAMPLE = Path(__file__).resolve().parents[1] / "src/muniplan/plan/examples/baerum-2018-2021"


@pytest.fixture(scope="module")
def data() -> PopulationData:
    return load_population_folder(EXAMPLE, base_year=2018)


@pytest.fixture(scope="module")
def model(data):
    return estimate(data, 2018)


def test_life_expectancy_matches_ssb(data):
    e0 = life_expectancy(data.mx[data.mortality_years == 2018][0])
    assert e0[0] == pytest.approx(84.49, abs=0.01)
    assert e0[1] == pytest.approx(81.00, abs=0.01)


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (2, 106), elements=st.floats(1e-5, 0.9)))
def test_local_survival_equals_life_table_ratio(mx):
    """S_x = L_{x+1} / L_x from the explicit life table (cumulative products)."""
    q = qx_from_mx(mx)
    a = np.full_like(mx, 0.5)
    a[:, 0] = 1.0 + 1.0 / mx[:, 0] - 1.0 / q[:, 0]  # from q = m / (1 + (1 - a) m)
    lx = np.concatenate([np.ones((2, 1)), np.cumprod(1 - q, axis=1)[:, :-1]], axis=1)
    big_l = lx * (1 - (1 - a) * q)
    big_l[:, 105] = lx[:, 105] / mx[:, 105]
    s, s_birth = survival(mx)
    np.testing.assert_allclose(s[:, :104], big_l[:, 1:105] / big_l[:, :104], rtol=1e-10)
    t105 = big_l[:, 105]
    np.testing.assert_allclose(s[:, 104], t105 / (big_l[:, 104] + t105), rtol=1e-10)
    np.testing.assert_allclose(s_birth, big_l[:, 0], rtol=1e-10)


def test_projection_shape_and_base(model, data):
    run = project_population(model, 2040)
    assert run.population.shape == (1, 23, 2, 106)
    assert run.population.dtype == np.float64
    assert list(run.years) == list(range(2018, 2041))
    np.testing.assert_array_equal(run.population[0, 0], data.population[-1])
    assert (run.population >= 0).all()
    groups = run.groups()
    assert list(groups) == list(DEFAULT_GROUPS)
    assert all(v.shape == (1, 23) for v in groups.values())
    np.testing.assert_allclose(sum(groups.values()), run.total())


def test_conservation_every_step(model):
    """Next population = survivors + births + net migration, exactly, in every draw."""
    for draws, seed in ((1, None), (5, 3)):
        run = project_population(model, 2030, draws=draws, seed=seed, record_components=True)
        c = run.components
        rebuilt = c["survivors"] + c["migration"]
        rebuilt[..., 0] += c["births"]
        np.testing.assert_allclose(run.population[:, 1:], rebuilt, rtol=0, atol=1e-8)
        assert (c["births"] > 0).all()
        # survivors never exceed last year's population of the cohort
        assert (c["survivors"][:, :, :, 1:105] <= run.population[:, :-1, :, :104] + 1e-9).all()


def test_deaths_and_births_are_plausible(model, data):
    run = project_population(model, 2019, record_components=True)
    c = run.components
    deaths = data.population[-1].sum() - c["survivors"][0, 0].sum()
    births = c["births"][0, 0].sum()
    # Bærum: roughly 800 deaths and 1 300-1 500 births a year around 2018
    assert 500 < deaths < 1200
    assert 1100 < births < 1700


def test_same_seed_is_bit_identical(model):
    a = project_population(model, 2040, draws=300, seed=42).population
    b = project_population(model, 2040, draws=300, seed=42).population
    c = project_population(model, 2040, draws=300, seed=43).population
    assert np.array_equal(a, b)
    assert not np.array_equal(a, c)


def test_seed_sequence_accepted(model):
    a = project_population(model, 2025, draws=10, seed=np.random.SeedSequence(7)).population
    b = project_population(model, 2025, draws=10, seed=7).population
    assert np.array_equal(a, b)


def test_draws_are_independent_of_chunking(model, monkeypatch):
    from muniplan.demography import cohort

    a = project_population(model, 2030, draws=600, seed=1).population
    monkeypatch.setattr(cohort, "CHUNK", 37)
    monkeypatch.setattr(cohort, "THREADS", 1)
    b = project_population(model, 2030, draws=600, seed=1).population
    assert np.array_equal(a, b)


def test_zero_variance_equals_deterministic(model):
    flat = model.with_uncertainty(model.uncertainty.scaled(0.0))
    det = project_population(model, 2040).population
    sto = project_population(flat, 2040, draws=4, seed=11).population
    assert sto.shape == (4, 23, 2, 106)
    for d in range(4):
        assert np.array_equal(sto[d], det[0])


def test_stochastic_fan_brackets_the_central_path(model):
    det = project_population(model, 2040).total()[0]
    fan = project_population(model, 2040, draws=2000, seed=5)
    q = fan.quantiles([0.05, 0.5, 0.95], groups={"all": (0, 105)})["all"]
    assert q.shape == (3, 23)
    assert (q[0, 1:] < q[2, 1:]).all()
    assert (q[0, -1] < det[-1] < q[2, -1])
    # the fan widens with the horizon
    width = q[2] - q[0]
    assert width[-1] > width[5] > width[1]
    full = fan.quantiles([0.5])
    assert full.shape == (1, 23, 2, 106)


def test_many_draws_need_a_seed(model):
    with pytest.raises(ValueError, match="seed"):
        project_population(model, 2030, draws=10)
    with pytest.raises(ValueError):
        project_population(model, 2010)


def _distort_after(data: PopulationData, year: int) -> PopulationData:
    """The same data with every value after ``year`` made absurd."""
    pop = data.population.copy()
    pop[data.pop_years > year] *= 3.0
    mx = data.mx.copy()
    mx[data.mortality_years > year] *= 5.0
    asfr = data.asfr.copy()
    asfr[data.fertility_years > year] *= 0.1
    return PopulationData(data.pop_years, pop, data.mortality_years, mx,
                          data.fertility_years, asfr, data.sources)


@pytest.mark.parametrize("base", [2008, 2012, 2016])
def test_no_data_after_the_base_year_is_used(data, base):
    cut = data.truncated(base)
    assert cut.pop_years[-1] == base and cut.mortality_years[-1] == base
    reference = project_population(estimate(cut, base), 2030, draws=50, seed=1).population
    for variant in (data, _distort_after(data, base)):
        got = project_population(estimate(variant, base), 2030, draws=50, seed=1).population
        assert np.array_equal(got, reference)
    # and the distortion does matter when it is inside the history
    moved = project_population(estimate(_distort_after(data, base - 2), base), 2030).population
    assert not np.allclose(moved, reference[:1])


def test_estimate_needs_history(data):
    with pytest.raises(PlanError, match="two years"):
        estimate(data, 2005)
    with pytest.raises(PlanError, match="base year"):
        estimate(data, 2019)


def test_mortality_improves_and_migration_is_smoothed(model):
    assert (model.mortality.drift < 0).all()
    assert model.mortality.b.sum(axis=1) == pytest.approx([1.0, 1.0])
    assert 1.0 < model.fertility.level < 1.4  # Bærum has more births than Norway's rates give
    assert 0.5 < model.fertility.male_share < 0.53
    assert model.migration.profile.sum() == pytest.approx(1.0)
    assert (model.migration.net[:, 0] == 0).all()


def test_groups_parse_and_sum(model):
    run = project_population(model, 2025)
    tbu = run.groups(TBU_GROUPS)
    np.testing.assert_allclose(sum(tbu.values()), run.total())
    assert parse_groups(["0", "1-5", "90+"]) == {"0": (0, 0), "1-5": (1, 5), "90+": (90, 105)}
    for bad in (["5-1"], ["x"], ["0-200"]):
        with pytest.raises(ValueError):
            parse_groups(bad)
    pop = np.ones((2, 106))
    assert age_group_totals(pop, ["80+"])["80+"] == 52.0


@settings(max_examples=50, deadline=None)
@given(arrays(np.float64, (2, 106), elements=st.floats(-500, 500)), st.integers(0, 6))
def test_age_smoothing_keeps_totals(values, width):
    out = spread_over_age(values, width)
    np.testing.assert_allclose(out.sum(axis=1), values.sum(axis=1), atol=1e-7)
    np.testing.assert_array_equal(out[:, 0], values[:, 0])
    np.testing.assert_array_equal(out[:, 105], values[:, 105])


def test_ar1_fit_recovers_a_long_series():
    rng = np.random.default_rng(0)
    x = np.zeros(4000)
    for t in range(1, x.size):
        x[t] = 0.6 * x[t - 1] + 2.0 * rng.standard_normal()
    fit = fit_ar1(x)
    assert fit.rho == pytest.approx(0.6, abs=0.05)
    assert fit.sd == pytest.approx(2.0, rel=0.05)
    assert fit.df == x.size - 1
    assert fit_ar1(np.array([1.0])).sd == 0.0


def test_random_walk_fit():
    k = np.array([0.0, -2.0, -4.0, -6.0])
    drift, sd, drift_sd = fit_random_walk(k)
    assert drift == pytest.approx(-2.0)
    assert sd == pytest.approx(0.0)
    assert drift_sd == pytest.approx(0.0)
