"""Levers on one sector, program area or investment, and expenses.adjustment as a percentage:
the figures they move, what follows a moved project, and the bad inputs they refuse."""

from __future__ import annotations

import shutil

import numpy as np
import pytest

from muniplan.cli import main
from muniplan.engine.inputs import finance_inputs
from muniplan.engine.projection import project
from muniplan.engine.scenario import apply_scenarios
from muniplan.plan.errors import PlanError, ScenarioError
from muniplan.plan.load import load_plan
from muniplan.plan.model import Plan, Scenario
from muniplan.plan.parameters import PlanIds, parse_set

SCHOOL = "emma-hjorth-barneskole"  # 2018–2020, completed 2020, 3.5 mill. a year after


def _sets(plan: Plan, *texts: str) -> list[Scenario]:
    ovs = tuple(parse_set(t, PlanIds.of(plan), plan.amount_scale) for t in texts)
    return [Scenario(id="alt", name="alt", assumption="test", kind="alternative",
                     overrides=ovs)]


@pytest.fixture(scope="module")
def base(baerum: Plan):
    return project(baerum)


def _inputs(plan: Plan, *texts: str):
    return apply_scenarios(plan, finance_inputs(plan), _sets(plan, *texts))[0]


def test_a_sector_frame_cut_in_some_years_only(baerum, base) -> None:
    sc = project(baerum, scenarios=_sets(baerum, "sectors.barn-og-unge.frame*=0.98@2027-2029"))
    ratio = sc.series["expenses_barn-og-unge"] / base.series["expenses_barn-og-unge"]
    years = np.array(base.years)
    cut = (years >= 2027) & (years <= 2029)
    np.testing.assert_allclose(ratio[cut], 0.98, rtol=1e-12)
    np.testing.assert_allclose(ratio[~cut], 1.0, rtol=1e-12)
    other = sc.series["expenses_bistand-og-omsorg"]
    np.testing.assert_allclose(other, base.series["expenses_bistand-og-omsorg"], rtol=1e-12)
    assert sc.series["net_operating_result"][cut].min() > base.series[
        "net_operating_result"][cut].min()


def test_a_program_area_change_is_its_sectors_change_in_kroner(baerum) -> None:
    before = finance_inputs(baerum)
    after = _inputs(baerum, "program_areas.barnevern.frame+=-10000@2019-2021")
    s = before.sector_ids.index("barn-og-unge")
    a = before.area_ids.index("barnevern")
    diff = after.sector_frames_fixed[s] - before.sector_frames_fixed[s]
    years = before.years
    np.testing.assert_allclose(diff[(years >= 2019) & (years <= 2021)], -10_000_000)
    np.testing.assert_allclose(diff[(years < 2019) | (years > 2021)], 0.0)
    np.testing.assert_allclose(after.area_frames_fixed[a] - before.area_frames_fixed[a], diff)
    others = [i for i in range(len(before.sector_ids)) if i != s]
    np.testing.assert_array_equal(after.sector_frames_fixed[others],
                                  before.sector_frames_fixed[others])


def test_area_frames_add_up_to_the_sector_frames(baerum) -> None:
    inp = finance_inputs(baerum)
    for s in range(len(inp.sector_ids)):
        np.testing.assert_allclose(inp.area_frames_fixed[inp.area_sector == s].sum(axis=0),
                                   inp.sector_frames_fixed[s])


def test_expenses_adjustment_as_a_percentage_is_every_frame_scaled(baerum) -> None:
    a = _inputs(baerum, "expenses.adjustment*=0.98@2020")
    b = _inputs(baerum, "sectors.all.frame*=0.98@2020")
    base = finance_inputs(baerum)
    np.testing.assert_array_equal(a.sector_frames_fixed, b.sector_frames_fixed)
    i = list(base.years).index(2020)
    np.testing.assert_allclose(a.sector_frames_fixed[:, i], 0.98 * base.sector_frames_fixed[:, i])
    np.testing.assert_array_equal(a.expense_adjustment_fixed, base.expense_adjustment_fixed)


def test_one_project_delayed_takes_its_financing_and_consequences_along(baerum, base) -> None:
    before = finance_inputs(baerum)
    after = _inputs(baerum, f"investments.{SCHOOL}.delay=1")
    p = before.investment_ids.index(SCHOOL)
    np.testing.assert_array_equal(after.investment_cost_fixed[p, 1:],
                                  before.investment_cost_fixed[p, :-1])
    assert after.investment_cost_fixed[p, 0] == 0
    assert after.completion_index[p] == before.completion_index[p] + 1
    others = np.arange(len(before.investment_ids)) != p
    np.testing.assert_array_equal(after.investment_cost_fixed[others],
                                  before.investment_cost_fixed[others])
    # 3.5 mill. of operating consequences start in 2022 instead of 2021
    diff = after.operating_consequences_fixed - before.operating_consequences_fixed
    years = list(before.years)
    assert diff[years.index(2021)] == pytest.approx(-3_500_000)
    assert np.allclose(np.delete(diff, years.index(2021)), 0.0)
    sc = project(baerum, scenarios=_sets(baerum, f"investments.{SCHOOL}.delay=1"))
    # VAT compensation is 20 % of the moved cost, in the year it is spent (the example's
    # execution rate: that share of the budget is spent in its year)
    spent = baerum.assumptions.investment_execution_rate.at(2018)
    moved = 0.2 * 100_000_000 * spent * base.series["price_index"][0]
    assert base.series["vat_compensation"][0] - sc.series["vat_compensation"][0] == \
        pytest.approx(moved, rel=1e-9)
    # less borrowed in 2018, so less interest in 2018
    assert sc.series["interest"][0] < base.series["interest"][0]


def test_the_whole_plans_delay_also_moves_operating_consequences(baerum) -> None:
    before = finance_inputs(baerum)
    after = _inputs(baerum, "investments.delay=1")
    years = list(before.years)
    expected = np.zeros(len(years))
    for inv in baerum.investments:  # each project's consequences start one year later
        if inv.completion_year + 1 <= baerum.horizon:
            expected[years.index(inv.completion_year + 1)] -= inv.operating_consequences
    assert expected.min() < 0
    np.testing.assert_allclose(
        after.operating_consequences_fixed - before.operating_consequences_fixed, expected)


def test_removing_a_project_removes_its_cost_and_consequences(baerum) -> None:
    before = finance_inputs(baerum)
    after = _inputs(baerum, f"investments.{SCHOOL}.remove=1")
    p = before.investment_ids.index(SCHOOL)
    assert after.investment_cost_fixed[p].sum() == 0
    assert (before.investment_cost_fixed.sum() - after.investment_cost_fixed.sum()
            == pytest.approx(350_000_000))
    diff = after.operating_consequences_fixed - before.operating_consequences_fixed
    years = list(before.years)
    assert diff[years.index(2020)] == 0
    np.testing.assert_allclose(diff[years.index(2021):], -3_500_000)


def test_a_project_cost_changed_by_factor_and_by_amount(baerum) -> None:
    before = finance_inputs(baerum)
    p = before.investment_ids.index(SCHOOL)
    half = _inputs(baerum, f"investments.{SCHOOL}.cost*=0.5")
    np.testing.assert_allclose(half.investment_cost_fixed[p], 0.5 * before.investment_cost_fixed[p])
    more = _inputs(baerum, f"investments.{SCHOOL}.cost+=20000@2019")
    assert more.investment_cost_fixed[p, 1] - before.investment_cost_fixed[p, 1] == 20_000_000


@pytest.mark.parametrize("text, fragment", [
    ("sectors.nope.frame*=0.9", "unknown sector 'nope'"),
    ("program_areas.nope.frame+=1", "unknown program area 'nope'"),
    ("investments.nope.delay=1", "unknown investment 'nope'"),
    ("investments.emma-hjorth-barneskole.size=1", "unknown parameter"),
])
def test_unknown_ids_are_refused_before_projecting(baerum, text, fragment) -> None:
    with pytest.raises(ScenarioError, match=fragment):
        parse_set(text, PlanIds.of(baerum), 1000)


@pytest.mark.parametrize("text, fragment", [
    (f"investments.{SCHOOL}.delay=1.5", "whole number"),
    (f"investments.{SCHOOL}.delay+=1", "whole number"),
    (f"investments.{SCHOOL}.delay=21", "whole number"),
    (f"investments.{SCHOOL}.remove=2", "takes '=1'"),
    ("program_areas.barnevern.frame+=-99999999", "negative operating frame"),
    ("sectors.barn-og-unge.frame=-1@2020", "negative operating frame"),
    (f"investments.{SCHOOL}.cost+=-999999", "negative investment cost"),
])
def test_values_that_cannot_hold_are_refused(baerum, text, fragment) -> None:
    with pytest.raises(ScenarioError, match=fragment):
        project(baerum, scenarios=_sets(baerum, text))


def test_an_unknown_sector_in_scenarios_yaml_names_its_line(tmp_path, example_dir) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(example_dir, folder)
    path = folder / "scenarios.yaml"
    text = path.read_text(encoding="utf-8") + (
        "  - id: kutt\n    name: Kutt\n    kind: alternative\n    assumption: test\n"
        "    overrides:\n      - {parameter: sectors.skole.frame, op: scale, value: 0.98}\n")
    path.write_text(text, encoding="utf-8")
    with pytest.raises(PlanError) as info:
        load_plan(folder)
    assert info.value.file.endswith("scenarios.yaml")
    assert info.value.line == len(text.splitlines())
    assert "unknown sector 'skole'" in str(info.value)


def test_a_money_lever_in_scenarios_yaml_is_in_the_plans_scale(tmp_path, example_dir) -> None:
    folder = tmp_path / "plan"
    shutil.copytree(example_dir, folder)
    path = folder / "scenarios.yaml"
    path.write_text(path.read_text(encoding="utf-8") + (
        "  - id: kutt\n    name: Kutt\n    kind: alternative\n    assumption: test\n"
        "    overrides:\n      - {parameter: program_areas.barnevern.frame, op: add, "
        "value: -5000, first: 2019, last: 2019}\n"), encoding="utf-8")
    plan = load_plan(folder)
    ov = next(s for s in plan.scenarios if s.id == "kutt").overrides[0]
    assert ov.value == -5_000_000


def test_the_command_line_takes_the_new_levers(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["project", "--summary", "--set", "sectors.barn-og-unge.frame*=0.98@2027-2029",
              "--set", f"investments.{SCHOOL}.delay=1"])
    assert exc.value.code == 0
    with pytest.raises(SystemExit) as exc:
        main(["project", "--set", "sectors.skole.frame*=0.98"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "ukjent sektor 'skole'" in err and "Traceback" not in err
