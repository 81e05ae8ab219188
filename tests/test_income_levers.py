"""The income levers — eiendomsskatt rates and fees — and the inputs they refuse: no tax
base in the plan, a rate above the law's limit, a fee change that is not a factor, a rate
written in promille instead of as a fraction."""

from __future__ import annotations

import shutil
from pathlib import Path

import numpy as np
import pytest
import yaml

from muniplan.cli import main
from muniplan.engine.projection import project
from muniplan.plan.errors import PlanError, ScenarioError
from muniplan.plan.load import load_plan
from muniplan.plan.model import Plan, Scenario
from muniplan.plan.parameters import PlanIds, parse_set

BASES = {"housing_base": {"value": 200_000_000, "source": "test"},
         "other_base": {"value": 40_000_000, "source": "test"},
         "housing_rate": {"value": 0, "source": "test"},
         "other_rate": {"value": 0, "source": "test"}}


def _sets(plan: Plan, *texts: str) -> list[Scenario]:
    ovs = tuple(parse_set(t, PlanIds.of(plan), plan.amount_scale) for t in texts)
    return [Scenario(id="alt", name="alt", assumption="test", kind="alternative",
                     overrides=ovs)]


def _with_tax(tmp_path: Path, example_dir: Path, **tax: object) -> Path:
    folder = tmp_path / "plan"
    shutil.copytree(example_dir, folder)
    raw = yaml.safe_load((folder / "plan.yaml").read_text(encoding="utf-8"))
    raw["finance"]["property_tax"] = {**BASES, **tax}
    (folder / "plan.yaml").write_text(yaml.safe_dump(raw, allow_unicode=True,
                                                     sort_keys=False), encoding="utf-8")
    return folder


@pytest.fixture(scope="module")
def taxed(tmp_path_factory, example_dir) -> Plan:
    return load_plan(_with_tax(tmp_path_factory.mktemp("tax"), example_dir))


def test_a_rate_gives_base_times_rate_in_the_years_given(taxed) -> None:
    base = project(taxed)
    sc = project(taxed, scenarios=_sets(taxed, "income.property_tax.housing_rate=0.002@2019-2019"))
    years = np.array(base.years)
    gain = sc.series["operating_income"] - base.series["operating_income"]
    assert gain[years == 2019][0] == pytest.approx(
        sc.series["income_property_tax"][years == 2019][0])
    # 200 000 000 (1000 kr) × 0.002 = 400 mill. kr in fixed 2018 kroner, before growth
    assert 400e6 < gain[years == 2019][0] < 430e6
    assert np.all(gain[years != 2019] == 0)
    assert sc.series["property_tax_rate_housing"][years == 2019][0] == 0.002
    assert "income_property_tax" not in base.series


def test_fees_scale_the_fee_income_only(baerum) -> None:
    base = project(baerum)
    sc = project(baerum, scenarios=_sets(baerum, "income.fees*=1.05@2019-2021"))
    years = np.array(base.years)
    inside = (years >= 2019) & (years <= 2021)
    ratio = sc.series["income_fees"][inside] / base.series["income_fees"][inside]
    # selvkost fees (capital cost recovered) are not scaled, so slightly under 1.05
    assert np.all((ratio > 1.04) & (ratio <= 1.05 + 1e-12))
    np.testing.assert_allclose(sc.series["income_tax"], base.series["income_tax"])
    assert sc.series["net_operating_result"][inside].min() > base.series[
        "net_operating_result"][inside].min()


@pytest.mark.parametrize(("text", "fragment"), [
    ("income.property_tax.housing_rate=0.003@2019", "at most 2 ‰"),
    ("income.property_tax.housing_rate=0.002@2019-2021", None),
    ("income.property_tax.other_rate=0.008@2019", "at most 2 ‰"),
])
def test_the_first_year_is_capped_at_two_promille(taxed, text, fragment) -> None:
    if fragment is None:
        project(taxed, scenarios=_sets(taxed, text))
        return
    with pytest.raises(ScenarioError, match=fragment):
        project(taxed, scenarios=_sets(taxed, text))


def test_housing_is_capped_at_four_promille_from_2021(tmp_path, example_dir) -> None:
    plan = load_plan(_with_tax(tmp_path, example_dir, housing_rate={"value": 0.002,
                                                                     "source": "t"},
                               levied_since=2015))
    project(plan, scenarios=_sets(plan, "income.property_tax.housing_rate=0.005@2020-2020"))
    with pytest.raises(ScenarioError) as exc:
        project(plan, scenarios=_sets(plan, "income.property_tax.housing_rate=0.005@2020-2021"))
    assert "2021" in str(exc.value) and "at most 4 ‰" in str(exc.value)
    project(plan, scenarios=_sets(plan, "income.property_tax.other_rate=0.007@2019-2040"))


def test_without_a_tax_base_the_lever_says_it_cannot_apply(baerum) -> None:
    with pytest.raises(ScenarioError, match="no tax base for eiendomsskatt"):
        project(baerum, scenarios=_sets(baerum, "income.property_tax.housing_rate=0.002"))


def test_fees_change_only_by_a_factor(baerum) -> None:
    with pytest.raises(ScenarioError, match="factor only"):
        project(baerum, scenarios=_sets(baerum, "income.fees=1.05"))
    with pytest.raises(ScenarioError, match="out of range"):
        project(baerum, scenarios=_sets(baerum, "income.fees*=-1"))


def test_a_rate_in_promille_is_refused_with_its_line(tmp_path, example_dir) -> None:
    folder = _with_tax(tmp_path, example_dir, housing_rate={"value": 2, "source": "t"},
                       levied_since=2015)
    with pytest.raises(PlanError) as exc:
        load_plan(folder)
    text = str(exc.value)
    assert "plan.yaml" in text and "housing_rate" in text and "0.002" in text


def test_a_rate_above_zero_needs_the_first_year(tmp_path, example_dir) -> None:
    folder = _with_tax(tmp_path, example_dir, other_rate={"value": 0.003, "source": "t"})
    with pytest.raises(PlanError, match="levied_since"):
        load_plan(folder)


def test_the_command_line_refuses_a_rate_above_the_law(capsys) -> None:
    with pytest.raises(SystemExit) as exc:
        main(["project", "--summary", "--set", "income.fees*=1.02@2019-2021"])
    assert exc.value.code == 0
    capsys.readouterr()
    with pytest.raises(SystemExit) as exc:
        main(["project", "--set", "income.property_tax.other_rate=0.002"])
    err = capsys.readouterr().err
    assert exc.value.code == 2
    assert "eiendomsskatt" in err and "Traceback" not in err
