"""Scenarios: overrides by parameter and year, composition, stress tests, levers, bad input."""

from __future__ import annotations

import numpy as np
import pytest

from muniplan.engine.compare import compare, savings_effect
from muniplan.engine.projection import prepare, project
from muniplan.plan.errors import PlanError, ScenarioError
from muniplan.plan.load import load_plan
from muniplan.plan.model import Override, Plan, Scenario
from muniplan.plan.parameters import parse_set


def _sc(*overrides: Override, id: str = "t") -> Scenario:
    return Scenario(id=id, name=id, assumption="test", overrides=overrides)


@pytest.fixture(scope="module")
def base(baerum: Plan):
    return project(baerum)


def _by_id(plan: Plan, sid: str) -> Scenario:
    return next(s for s in plan.scenarios if s.id == sid)


def test_the_example_ships_the_four_ldip_stress_tests(baerum: Plan) -> None:
    stress = [s for s in baerum.scenarios if s.kind == "stress"]
    assert [s.id for s in stress] == ["inntektssvikt", "rente-pluss-2", "investeringstakt",
                                      "avtjerna-framskyndet"]
    assert all(s.source == "ldip-2018-2037" for s in stress)


def test_revenue_shortfall_grows_to_four_percent_and_touches_only_income(baerum, base) -> None:
    sc = project(baerum, scenarios=[_by_id(baerum, "inntektssvikt")])
    ratio = sc.series["operating_income"] / base.series["operating_income"]
    i2037 = base.years.index(2037)
    assert ratio[0] == pytest.approx(1.0)
    assert ratio[i2037] == pytest.approx(0.96, abs=1e-9)
    assert np.all(np.diff(ratio[: i2037 + 1]) < 0)
    for same in ("operating_expenses", "investments", "depreciation"):
        np.testing.assert_allclose(sc.series[same], base.series[same], rtol=1e-12)
    # less income leaves less for the transfer to investment once operations cannot carry
    # it: the rest is borrowed, never less than in the plan
    assert np.all(sc.series["new_loans"] >= base.series["new_loans"] - 1.0)
    assert np.all(sc.savings_need >= base.savings_need - 1e-6)


def test_interest_plus_two_points_changes_interest_and_what_follows_only(baerum, base) -> None:
    sc = project(baerum, scenarios=[_by_id(baerum, "rente-pluss-2")])
    # in the plan years, before selvkost fees (which follow the interest rate) start and
    # while operations still carry the transfer to investment, only interest changes
    plan = slice(0, 4)
    assert not sc.series["transfer_shortfall_loans"][plan].any()
    for same in ("operating_income", "operating_expenses", "investments", "new_loans",
                 "instalments", "debt"):
        np.testing.assert_allclose(sc.series[same][plan], base.series[same][plan], rtol=1e-12)
    # interest on the average of the same debt at a rate 2 pp higher
    debt = base.series["debt"][plan]
    opening = baerum.opening.debt.value
    average = (np.concatenate([[opening], debt[:-1]]) + debt) / 2
    np.testing.assert_allclose(sc.series["interest"][plan] - base.series["interest"][plan],
                               0.02 * average, rtol=1e-9)
    assert sc.series["net_operating_result"][0] < base.series["net_operating_result"][0]


def test_investment_pace_stress_test_moves_only_the_second_decade(baerum, base) -> None:
    sc = project(baerum, scenarios=[_by_id(baerum, "investeringstakt")])
    years = np.array(base.years)
    early = years < 2028
    np.testing.assert_allclose(sc.series["investments"][early], base.series["investments"][early])
    late = (years >= 2028) & (years <= 2037)
    fixed = sc.series["investment_budget"][late] / sc.series["price_index"][late]
    np.testing.assert_allclose(fixed, 2.3e9, rtol=1e-9)
    assert sc.series["debt"][-1] > base.series["debt"][-1]


def test_area_development_adds_investment_in_2030_2037(baerum, base) -> None:
    sc = project(baerum, scenarios=[_by_id(baerum, "avtjerna-framskyndet")])
    extra = (sc.series["investment_budget"] - base.series["investment_budget"]) \
        / base.series["price_index"]
    years = np.array(base.years)
    np.testing.assert_allclose(extra[(years >= 2030) & (years <= 2037)], 5e8, rtol=1e-9)
    np.testing.assert_allclose(extra[(years < 2030) | (years > 2037)], 0.0, atol=1e-3)


def test_scenarios_compose_in_order_last_set_wins(baerum) -> None:
    a = _sc(Override(parameter="assumptions.interest_rate", value=0.05), id="a")
    b = _sc(Override(parameter="assumptions.interest_rate", value=0.01, first=2030), id="b")
    c = _sc(Override(parameter="assumptions.interest_rate", op="add", value=0.01), id="c")
    inp, _ = prepare(baerum, scenarios=[a, b, c])
    years = inp.years
    rate = inp.interest_rate[0]
    np.testing.assert_allclose(rate[years < 2030], 0.06)
    np.testing.assert_allclose(rate[years >= 2030], 0.02)
    inp2, _ = prepare(baerum, scenarios=[b, a])
    np.testing.assert_allclose(inp2.interest_rate[0], 0.05)


def test_levers_lower_the_savings_need(baerum) -> None:
    results = compare(baerum)
    effect = savings_effect(results)
    i = results[0].projection.years.index(2040)
    for lever in ("mestring", "forebygging", "effektive-tjenester"):
        assert effect[lever][i] < -1e6, lever
    # the levers act through the services only: demographic cost unchanged
    by_id = {r.id: r.projection for r in results}
    np.testing.assert_allclose(by_id["mestring"].series["demographic_cost"],
                               by_id["plan"].series["demographic_cost"])
    assert by_id["mestring"].series["lever_effect"][i] < 0


def test_delay_moves_project_costs_one_year(baerum, base) -> None:
    sc = project(baerum, scenarios=[_by_id(baerum, "utsatte-investeringer")])
    fixed_base = base.series["investment_budget"] / base.series["price_index"]
    fixed = sc.series["investment_budget"] / sc.series["price_index"]
    plan_cost = {y: sum(i.cost.get(y, 0) for i in baerum.investments) for y in range(2018, 2023)}
    assert fixed[0] == pytest.approx(0.0, abs=1)
    assert fixed[1] == pytest.approx(plan_cost[2018], rel=1e-9)
    assert fixed_base[0] == pytest.approx(plan_cost[2018], rel=1e-9)


def test_command_line_override_syntax(baerum) -> None:
    ov = parse_set("assumptions.interest_rate+=0.02@2019-2040", set(), 1000)
    assert (ov.parameter, ov.op, ov.value, ov.first, ov.last) == (
        "assumptions.interest_rate", "add", 0.02, 2019, 2040)
    money = parse_set("expenses.adjustment=-50000@2025", set(), 1000)
    assert money.value == -50_000_000 and money.first == 2025 and money.last is None
    assert parse_set("services.all.unit_cost*=0.98", {"x"}, 1000).op == "scale"


@pytest.mark.parametrize("text, fragment", [
    ("assumptions.nonsense=1", "unknown parameter"),
    ("services.nope.coverage*=0.9", "unknown service"),
    ("assumptions.interest_rate", "cannot read"),
    ("assumptions.interest_rate=abc", "cannot read"),
])
def test_bad_overrides_are_clear_errors(baerum, text, fragment) -> None:
    with pytest.raises(ScenarioError, match=fragment):
        parse_set(text, {s.id for s in baerum.services}, 1000)


def test_a_year_outside_the_horizon_is_an_error(baerum) -> None:
    sc = _sc(Override(parameter="assumptions.interest_rate", value=0.05, first=2030, last=2050))
    with pytest.raises(ScenarioError, match="outside the projection"):
        project(baerum, scenarios=[sc])


def test_draws_out_of_bounds_are_errors(baerum) -> None:
    with pytest.raises(ScenarioError, match="draws"):
        project(baerum, draws=0, seed=1)
    with pytest.raises(ScenarioError, match="draws"):
        project(baerum, draws=10_000_000, seed=1)
    with pytest.raises(ScenarioError, match="seed"):
        project(baerum, draws=10)


def test_unknown_parameter_in_scenarios_yaml_names_its_line(tmp_path, example_dir) -> None:
    import shutil

    folder = tmp_path / "plan"
    shutil.copytree(example_dir, folder)
    path = folder / "scenarios.yaml"
    text = path.read_text(encoding="utf-8").replace(
        "parameter: assumptions.interest_rate", "parameter: assumptions.interest")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(folder)
    err = info.value
    assert err.file.endswith("scenarios.yaml")
    line = next(n for n, t in enumerate(text.splitlines(), 1) if "assumptions.interest," in t)
    assert err.line == line
    assert "unknown parameter" in str(err)
