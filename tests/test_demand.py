"""Service demand and demographic cost (TBU method), and how the finances carry them."""

from __future__ import annotations

import json

import numpy as np
import pytest

from muniplan.cli import main
from muniplan.engine.demand import service_demand
from muniplan.engine.projection import project


def _population(values_by_age: dict[int, float], years: int = 3, growth: float = 0.0):
    pop = np.zeros((1, years, 2, 106))
    for age, n in values_by_age.items():
        for t in range(years):
            pop[0, t, 0, age] = pop[0, t, 1, age] = n / 2 * (1 + growth) ** t
    return pop


def test_users_are_population_times_coverage(baerum) -> None:
    pop = _population({3: 1000, 10: 2000, 85: 500, 95: 100})
    d = service_demand(baerum, pop, range(2018, 2021))
    users = dict(zip(d.service_ids, d.users[0, :, 0], strict=True))
    assert users["barnehage"] == pytest.approx(0.92 * 1000)
    assert users["grunnskole"] == pytest.approx(2000)
    assert users["pleie-og-omsorg"] == pytest.approx(0.008 * 3000 + 0.25 * 500 + 0.60 * 100)
    assert users["barnevern"] == pytest.approx(3000)


def test_unit_cost_is_calibrated_from_the_base_year_frame(baerum) -> None:
    pop = _population({10: 17_000})
    d = service_demand(baerum, pop, range(2018, 2021))
    s = d.service_ids.index("grunnskole")
    frame = next(a for sec in baerum.sectors for a in sec.program_areas
                 if a.id == "grunnskole").operating_frame[2018]
    assert d.calibrated[s]
    assert d.unit_cost[s, 0] == pytest.approx(frame / 17_000)
    assert d.cost[0, s, 0] == pytest.approx(frame)


def test_demographic_cost_is_unit_cost_times_change_in_users(baerum) -> None:
    pop = _population({10: 10_000, 85: 1_000}, growth=0.05)
    d = service_demand(baerum, pop, range(2018, 2021))
    s = d.service_ids.index("grunnskole")
    expected = d.unit_cost[s, 0] * (d.users[0, s] - d.users[0, s, 0])
    np.testing.assert_allclose(d.demographic_cost[0, s], expected)
    np.testing.assert_allclose(d.lever_effect, 0.0, atol=1e-6)


def test_an_unchanged_population_has_no_demographic_cost(baerum) -> None:
    d = service_demand(baerum, _population({3: 900, 10: 1000, 40: 5000, 85: 300}),
                       range(2018, 2021))
    np.testing.assert_allclose(d.demographic_cost, 0.0, atol=1e-6)
    np.testing.assert_allclose(d.cost[0, :, 2], d.cost[0, :, 0])


def test_projection_carries_the_demographic_cost(baerum) -> None:
    p = project(baerum)
    dc = p.series["demographic_cost"]
    assert dc[0] == pytest.approx(0.0)
    assert dc[-1] > dc[10] > 0
    services = [k for k in p.series if k.startswith("demographic_cost_")]
    assert len(services) == len(baerum.services)
    total = sum(p.series[k] for k in services)
    np.testing.assert_allclose(total, dc, rtol=1e-9)
    # pleie og omsorg grows fastest: Bærum's 80+ nearly doubles by 2040
    i = p.years.index(2040)
    users = p.series["users_pleie-og-omsorg"]
    assert users[i] / users[0] > p.series["population_ratio"][i]


def test_without_population_data_the_index_is_the_fallback(baerum) -> None:
    from muniplan.plan.model import Series

    values = {y: 1.0 + 0.3 * (y - 2018) / 22 for y in range(2018, 2041)}
    index = Series(values=values, assumption="test")
    plan = baerum.model_copy(update={"population": None, "assumptions": baerum.assumptions
                                     .model_copy(update={"population_index": index})})
    p = project(plan)
    assert p.provenance["population"] == "population index assumption"
    assert p.series["population_ratio"][-1] == pytest.approx(1.3)
    frames = sum(s.operating_frame()[2018] for s in baerum.sectors)
    np.testing.assert_allclose(p.series["service_cost_change"][-1]
                               / p.series["price_index"][-1]
                               / p.series["cost_index"][-1], frames * 0.3, rtol=1e-9)


def test_population_command_json_shape(capsys) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(["population", "--from", "2018", "--to", "2040", "--draws", "200", "--seed", "2",
              "--format", "json"])
    assert exit_.value.code == 0
    out = json.loads(capsys.readouterr().out)
    assert out["years"][0] == 2018 and out["years"][-1] == 2040
    assert out["total"][0] == pytest.approx(125_454)
    assert set(out["groups"]) == {"0-5", "6-15", "16-66", "67-79", "80+"}
    q = out["quantiles"]
    for i in range(1, len(out["years"])):
        assert q["0.05"]["total"][i] <= q["0.5"]["total"][i] <= q["0.95"]["total"][i]
    assert len(q["0.95"]["groups"]["80+"]) == len(out["years"])


def test_population_from_an_earlier_base_year_uses_no_later_data(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["population", "--from", "2012", "--to", "2018", "--draws", "1", "--format",
              "json"])
    out = json.loads(capsys.readouterr().out)
    assert out["base_year"] == 2012
    assert out["total"][0] == pytest.approx(116_000, rel=0.03)
    assert "quantiles" not in out


@pytest.mark.parametrize("args, fragment", [
    (["population", "--from", "1990"], "1990"),
    (["population", "--draws", "0"], "--draws"),
    (["population", "--to", "2017"], "--to"),
])
def test_population_bad_input(capsys, args, fragment) -> None:
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert fragment in err and "Traceback" not in err


def test_projection_json_marks_calibrated_unit_costs(capsys) -> None:
    with pytest.raises(SystemExit):
        main(["project", "--format", "json", "--to", "2025"])
    out = json.loads(capsys.readouterr().out)
    services = {s["id"]: s for s in out["services"]}
    assert services["grunnskole"]["unit_cost_basis"].startswith("calibrated")
    assert services["grunnskole"]["unit_cost"] > 0
    assert len(services["pleie-og-omsorg"]["users"]) == len(out["years"])
