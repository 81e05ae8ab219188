"""The mandatory overviews: published fixtures reproduce, and every identity holds on the
Bærum projection (both law regimes) for every plan year."""

from __future__ import annotations

import numpy as np
import pytest

from muniplan.engine.projection import project
from muniplan.plan.load import load_plan
from muniplan.report.overview_inputs import overviews, plan_years
from muniplan.report.overviews import (
    bevilgningsoversikt_drift,
    bevilgningsoversikt_investering,
    budsjettskjema_1a,
    budsjettskjema_2a,
    okonomisk_oversikt_art,
)

Y = [2022]
KR = 1.0  # tolerance in kroner (one krone of rounding, far below the 1000-kr display)


def test_giske_2022_5_4_reproduces_bdr_and_ndr():
    # Giske regnskap 2022 (1000 kr), domain.md §2.1: only the sums are needed; the general
    # income sum is put on line 2 and the net financial cost on line 13.
    ov = bevilgningsoversikt_drift(
        {2: 626_833, 6: 529_102, 7: 40_650, 13: 65_136}, Y)
    assert ov.line(5)[0] == 626_833
    assert abs(ov.line(8)[0] - 569_753) <= 1
    assert abs(ov.line(9)[0] - 57_080) <= 1
    assert ov.line(15)[0] == -65_136
    assert ov.line(16)[0] == 40_650
    assert abs(ov.line(17)[0] - 32_595) <= 1


def test_stavanger_2020_5_5_totals():
    ov = bevilgningsoversikt_investering(
        {1: 1_003_720, 2: 4_307, 3: 26_309, 4: 75_330, 5: 0,
         7: 99_643, 8: 157_174, 9: 55_020, 10: 220, 11: 0, 12: 63_525, 13: 521_932,
         15: 424_160, 16: 424_160, 17: 180_396, 18: 180_396,
         20: 252_298, 21: 2_708, 22: -42_852, 23: 0}, [2020])
    assert ov.line(6)[0] == 1_109_666
    assert abs(ov.line(14)[0] - 897_513) <= 1
    assert ov.line(19)[0] == 0
    assert abs(ov.line(24)[0] - 212_153) <= 1
    # published lines are rounded one by one: line 25 is 0 within that rounding
    assert abs(ov.line(25)[0]) <= 2


def test_stavanger_2021_5_6_bdr_and_ndr():
    ov = okonomisk_oversikt_art(
        {2: 13_012_356, 10: 12_514_231 - 578_610, 14: 578_610, 20: 88_774}, [2021])
    assert ov.line(9)[0] == 13_012_356
    assert ov.line(15)[0] == 12_514_231
    assert ov.line(16)[0] == 498_125
    assert ov.line(24)[0] == 987_961


def test_giske_2019_1a_til_fordeling_drift():
    # Giske budsjett 2019 (kroner, income negative in print): frie inntekter 489 344 100,
    # net financial cost 52 860 899, net provisions 3 069 641, transfer 1 250 000.
    ov = budsjettskjema_1a({1: 489_344_100, 11: 52_860_899, 14: 3_069_641, 20: 1_250_000},
                           [2019])
    assert ov.line(21)[0] == 432_163_560
    assert ov.negated().line(21)[0] == -432_163_560
    assert ov.negated().line(6)[0] == -489_344_100


def test_stavanger_2016_2a_finansieringsbehov():
    ov = budsjettskjema_2a({1: 1_219_800, 2: 216_450, 3: 19_100, 4: 105_000}, [2016])
    assert ov.line(7)[0] == 1_560_350


def test_unknown_or_sum_line_as_input_is_refused():
    with pytest.raises(ValueError, match="no line 26"):
        bevilgningsoversikt_drift({26: 1}, Y)
    with pytest.raises(ValueError, match="sum line"):
        bevilgningsoversikt_drift({5: 1}, Y)
    with pytest.raises(ValueError, match="one amount or 2"):
        bevilgningsoversikt_drift({1: [1, 2, 3]}, [2020, 2021])


@pytest.fixture(scope="module")
def baerum_run():
    plan = load_plan()
    return plan, project(plan)


@pytest.fixture(scope="module")
def baerum_2018():
    plan = load_plan().model_copy(update={"law_regime": "2018"})
    return plan, project(plan)


def _by_id(ovs):
    return {o.id: o for o in ovs}


def test_1992_identities_every_plan_year(baerum_run):
    plan, proj = baerum_run
    ovs = _by_id(overviews(plan, proj))
    assert list(ovs) == ["1A", "1B", "2A", "2B", "okonomisk-oversikt-drift"]
    a, b, c, d = ovs["1A"], ovs["1B"], ovs["2A"], ovs["2B"]
    assert a.years == tuple(plan.period.years)
    np.testing.assert_allclose(a.line(21), b.total(), atol=KR)  # til fordeling = 1B
    np.testing.assert_allclose(a.line(23), 0, atol=KR)  # balanced
    np.testing.assert_allclose(c.line(19), 0, atol=KR)  # udekket = 0
    np.testing.assert_allclose(c.line(1), d.total(), atol=KR)  # 2B = 2A line 1
    np.testing.assert_allclose(c.line(15), a.line(20), atol=KR)
    oko = ovs["okonomisk-oversikt-drift"]
    idx = [proj.year_index(y) for y in plan.period.years]
    np.testing.assert_allclose(oko.line(25), proj.series["net_operating_result"][idx], atol=KR)
    np.testing.assert_allclose(oko.line(10), proj.series["operating_income"][idx], atol=KR)
    np.testing.assert_allclose(oko.line(18), proj.series["operating_expenses"][idx], atol=KR)
    # the disposition block runs down to the regnskapsmessige mer/mindreforbruk: 0 (balance)
    np.testing.assert_allclose(oko.line(30), a.line(20), atol=KR)
    np.testing.assert_allclose(oko.line(35), -proj.series["deficit"][idx], atol=KR)
    np.testing.assert_allclose(oko.line(35), 0, atol=KR)


def test_2018_identities_every_plan_year(baerum_2018):
    plan, proj = baerum_2018
    ovs = _by_id(overviews(plan, proj))
    assert list(ovs) == ["5-4", "5-4-2", "5-5", "5-5-2", "5-6"]
    d, d2, i, i2, art = (ovs[k] for k in ("5-4", "5-4-2", "5-5", "5-5-2", "5-6"))
    idx = [proj.year_index(y) for y in plan_years(plan, proj)]
    s = {k: np.asarray(v)[idx] for k, v in proj.series.items()}
    np.testing.assert_allclose(d.line(17), d.line(9) + d.line(15) + d.line(16), atol=KR)
    np.testing.assert_allclose(d.line(17), s["net_operating_result"], atol=KR)
    np.testing.assert_allclose(d.line(9), s["gross_operating_result"], atol=KR)
    np.testing.assert_allclose(d.line(25), 0, atol=KR)
    np.testing.assert_allclose(d.line(6), d2.total(), atol=KR)
    np.testing.assert_allclose(
        i.line(6) - i.line(14) + i.line(19), i.line(24) + i.line(25), atol=KR)
    np.testing.assert_allclose(i.line(25), 0, atol=KR)
    np.testing.assert_allclose(i.line(20), d.line(18), atol=KR)
    np.testing.assert_allclose(i.line(1), i2.total(), atol=KR)
    np.testing.assert_allclose(art.line(16), d.line(9), atol=KR)
    np.testing.assert_allclose(art.line(24), d.line(17), atol=KR)
    np.testing.assert_allclose(art.line(30), 0, atol=KR)
    np.testing.assert_allclose(art.line(9), s["operating_income"], atol=KR)
    # the kind split: wages and social costs are 66 % of operating expenses (årsrapport 2016)
    np.testing.assert_allclose((art.line(10) + art.line(11)) / art.line(15), 0.66, atol=1e-9)
    assert any("årsrapport 2016" in n.lower() or "Årsrapport 2016" in n for n in art.notes)
