"""The fast paths of the Monte Carlo give the same numbers as the plain ones: the fused
population stage, the one-call quantiles, a scenario cut to a shorter horizon; and a run too
big for the memory is refused before it starts."""

from __future__ import annotations

import numpy as np
import pytest

from muniplan.cli import main
from muniplan.demography import estimate, project_population
from muniplan.demography.fused import project_weighted
from muniplan.engine.compare import compare
from muniplan.engine.demand import MIGRATION_WINDOW, N_AGES
from muniplan.engine.horizon import within
from muniplan.engine.projection import check_memory, draw_quantiles, project
from muniplan.plan.errors import ScenarioError
from muniplan.plan.model import Override, Scenario


def test_fused_population_equals_the_full_array_times_the_weights(baerum) -> None:
    model = estimate(baerum.population, base_year=baerum.base_year, window=MIGRATION_WINDOW)
    rng = np.random.default_rng(0)
    weights = rng.random((2 * N_AGES, 7))
    full = project_population(model, to_year=2030, draws=600, seed=11).population
    first = baerum.base_year + 1
    expected = full[:, 1:].reshape(600, -1, 2 * N_AGES) @ weights
    got = project_weighted(model, 2030, weights, first_year=first, draws=600, seed=11)
    assert got.shape == expected.shape
    np.testing.assert_allclose(got, expected, rtol=1e-12)


def test_fused_weights_must_cover_both_sexes(baerum) -> None:
    model = estimate(baerum.population, base_year=baerum.base_year, window=MIGRATION_WINDOW)
    with pytest.raises(ValueError, match="212 rows"):
        project_weighted(model, 2030, np.ones((N_AGES, 1)), first_year=2019, draws=2, seed=1)


def test_quantiles_in_one_call_equal_nanquantile_per_quantile() -> None:
    rng = np.random.default_rng(3)
    x = rng.normal(size=(501, 9))
    x[7, 4] = np.nan  # one year with a draw no cut can rescue
    qs = (0.05, 0.25, 0.5, 0.75, 0.95)
    got = draw_quantiles(x, qs)
    for i, q in enumerate(qs):
        np.testing.assert_allclose(got[i], np.nanquantile(x, q, axis=0), rtol=1e-15)


def test_monte_carlo_quantiles_match_the_plain_computation(baerum) -> None:
    mc = project(baerum, draws=200, seed=5)
    q = mc.quantiles(["debt_ratio"])
    np.testing.assert_allclose(q["0.25"]["debt_ratio"],
                               np.nanquantile(mc.samples["debt_ratio"], 0.25, axis=0))
    np.testing.assert_allclose(q["0.95"]["savings_need"],
                               np.nanquantile(mc.savings_samples, 0.95, axis=0))


def test_a_run_beyond_the_memory_limit_is_refused() -> None:
    with pytest.raises(ScenarioError) as err:
        check_memory(100_000, 83, budget=8 * 2**30)
    text = str(err.value)
    assert "--draws" in text and "100000 draws × 83 years" in text
    check_memory(10_000, 23, budget=8 * 2**30)  # the benchmark's run fits


def test_cli_refuses_a_run_that_needs_more_memory(capsys, monkeypatch) -> None:
    monkeypatch.setenv("MUNIPLAN_MEMORY_LIMIT_MB", "2048")
    with pytest.raises(SystemExit) as exit_:
        main(["project", "--draws", "100000", "--seed", "1", "--to", "2100"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "--draws" in err and "GB" in err and "Traceback" not in err


def test_a_bad_memory_limit_is_a_located_error(capsys, monkeypatch) -> None:
    monkeypatch.setenv("MUNIPLAN_MEMORY_LIMIT_MB", "lots")
    with pytest.raises(SystemExit) as exit_:
        main(["project", "--draws", "10", "--seed", "1"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert "MUNIPLAN_MEMORY_LIMIT_MB" in err and "lots" in err


def test_a_scenario_cut_to_a_shorter_horizon_keeps_its_ramp() -> None:
    sc = Scenario(id="s", name="s", assumption="test", overrides=(
        Override(parameter="income.shortfall", ramp=(0.0, 0.19), first=2018, last=2037),
        Override(parameter="income.shortfall", value=0.1, first=2035),
        Override(parameter="income.shortfall", value=0.2, first=2019, last=2022),
    ))
    cut = within(sc, 2030)
    assert len(cut.overrides) == 2
    ramp = cut.overrides[0]
    assert ramp.last == 2030 and ramp.ramp == pytest.approx((0.0, 0.12))
    assert cut.overrides[1] == sc.overrides[2]


def test_every_scenario_projects_to_every_offered_horizon(baerum) -> None:
    for to in (baerum.period.last, 2030, baerum.horizon):
        results = compare(baerum, to_year=to)
        assert all(r.projection.years[-1] == to for r in results)
