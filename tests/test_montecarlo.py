"""Monte Carlo on population and finances: reproducible, monotone, and equal to the
deterministic projection when every spread is zero."""

from __future__ import annotations

import json

import numpy as np
import pytest

from muniplan.cli import main
from muniplan.engine.montecarlo import FinanceUncertainty, ar1_paths
from muniplan.engine.projection import project
from muniplan.report.data import projection_to_dict

DRAWS = 300


@pytest.fixture(scope="module")
def mc(baerum):
    return project(baerum, draws=DRAWS, seed=7)


def test_same_seed_gives_identical_output(baerum, mc) -> None:
    again = project(baerum, draws=DRAWS, seed=7)
    for name, arr in mc.samples.items():
        assert np.array_equal(arr, again.samples[name], equal_nan=True), name
    assert np.array_equal(mc.savings_samples, again.savings_samples, equal_nan=True)
    assert json.dumps(projection_to_dict(mc)) == json.dumps(projection_to_dict(again))


def test_another_seed_gives_other_draws(baerum, mc) -> None:
    other = project(baerum, draws=DRAWS, seed=8)
    assert not np.array_equal(other.samples["debt"], mc.samples["debt"])


def test_percentiles_are_monotone(mc) -> None:
    q = mc.quantiles()
    levels = ["0.05", "0.25", "0.5", "0.75", "0.95"]
    for name in ("net_operating_result_ratio", "debt_ratio", "reserve_fund", "savings_need"):
        stacked = np.stack([q[k][name] for k in levels])
        assert np.all(np.diff(stacked, axis=0) >= -1e-9), name


def test_the_fan_widens_with_time(mc) -> None:
    q = mc.quantiles(["debt_ratio"])
    width = q["0.95"]["debt_ratio"] - q["0.05"]["debt_ratio"]
    # the budget year's economy is known; only the forvaltningsfond's return and how much of
    # the investment budget is spent are uncertain in it
    # (with every spread at zero the draws equal the deterministic run: test below)
    assert width[-1] > width[3] > width[0] > 0


def test_zero_variance_equals_the_deterministic_projection(baerum) -> None:
    det = project(baerum)
    flat = project(baerum, draws=20, seed=3, uncertainty=FinanceUncertainty().scaled(0.0))
    for name in ("operating_income", "operating_expenses", "net_operating_result", "debt",
                 "interest", "instalments", "reserve_fund", "service_cost_change"):
        np.testing.assert_allclose(flat.samples[name], np.broadcast_to(
            det.series[name], flat.samples[name].shape), rtol=1e-12, atol=1e-3, err_msg=name)
    np.testing.assert_allclose(flat.savings_samples, np.broadcast_to(
        det.savings_need, flat.savings_samples.shape), rtol=1e-9, atol=1.0)


def test_breach_probabilities_and_savings_at_confidence(mc) -> None:
    for rule, p in mc.breach_probability.items():
        assert p.shape == (len(mc.years),), rule
        known = p[~np.isnan(p)]
        assert known.size and np.all((known >= 0) & (known <= 1)), rule
    assert mc.breach_probability["R1"][-1] > 0.5  # the warning, as a probability
    s80, s95 = mc.savings_need_at(0.8), mc.savings_need_at(0.95)
    assert np.all(s95 >= s80 - 1e-6)
    assert s95[-1] > 0


def test_ar1_paths_persist_and_start_at_zero() -> None:
    from muniplan.engine.montecarlo import AR1Spec

    rng = np.random.default_rng(1)
    paths = ar1_paths(AR1Spec(0.01, 0.9), 20_000, 30, rng)
    assert np.all(paths[:, 0] == 0)
    lag = np.corrcoef(paths[:, 10], paths[:, 11])[0, 1]
    assert 0.85 < lag < 0.95
    # stationary sd of an AR(1): sd / sqrt(1 − phi²)
    assert paths[:, -1].std() == pytest.approx(0.01 / np.sqrt(1 - 0.81), rel=0.1)


def test_json_has_quantiles_and_breach_probability(mc) -> None:
    out = projection_to_dict(mc)
    assert set(out["quantiles"]) == {"0.05", "0.25", "0.5", "0.75", "0.95"}
    assert len(out["quantiles"]["0.5"]["net_operating_result_ratio"]) == len(mc.years)
    assert "R1" in out["breach_probability"]
    assert set(out["savings_need_probability"]) == {"0.8", "0.95"}


def test_cli_monte_carlo_json(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["project", "--draws", "50", "--seed", "1", "--to", "2030", "--format", "json"])
    assert exit_.value.code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["years"][-1] == 2030
    assert len(out["breach_probability"]["R1"]) == len(out["years"])


@pytest.mark.parametrize("args, fragment", [
    (["project", "--draws", "0", "--seed", "1"], "--draws"),
    (["project", "--draws", "5"], "--seed"),
    (["project", "--scenario", "nope"], "ukjent scenario"),
    (["project", "--set", "assumptions.foo=1"], "ukjent parameter"),
    (["project", "--set", "assumptions.interest_rate=0.05@2041"], "outside"),
])
def test_cli_bad_monte_carlo_and_scenario_input(capsys, args, fragment) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err
    assert "Traceback" not in err


def test_a_year_no_cut_can_rescue_is_nan_and_later_years_stay_finite(baerum) -> None:
    from muniplan.plan.model import Override, Scenario

    # income falls by 90 % in 2030: half the income cannot restore the rules that year
    crash = Scenario(id="krasj", name="krasj", assumption="test", overrides=(
        Override(parameter="income.shortfall", value=0.9, first=2030, last=2030),))
    p = project(baerum, scenarios=[crash])
    i = p.years.index(2030)
    assert np.isnan(p.savings_need[i])
    # the year is carried on uncut: balances stay numbers, and no later year reads as
    # "no need" while the 2030 deficit is uncovered
    for name in ("net_operating_result", "reserve_fund", "accumulated_deficit"):
        assert np.all(np.isfinite(p.series[name])), name
    later = p.savings_need[i + 1:]
    assert np.all(np.isnan(later) | (later > 0))
