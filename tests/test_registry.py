"""Every series the engine emits is in the registry, with labels, unit and price basis.

Outputs read what a series is from the registry; a series the engine emits without an
entry would be shown unlabelled or in a guessed unit, so this test runs the example under
both law regimes and with a Monte Carlo run and checks every series it emits.
"""

from __future__ import annotations

import numpy as np
import pytest

from muniplan.engine.projection import project
from muniplan.engine.registry import FAMILIES, SERIES, convert, spec
from muniplan.plan.load import load_plan


@pytest.fixture(scope="module", params=["1992", "2018"])
def projection(request):
    plan = load_plan()
    plan = plan.model_copy(update={"law_regime": request.param})
    return plan, project(plan)


def test_every_emitted_series_is_registered(projection) -> None:
    _, proj = projection
    for name in proj.series:
        sp = proj.spec(name)  # KeyError if not registered
        assert sp.nb and sp.en, name
        assert (sp.basis is not None) == (sp.unit == "kr"), name
        # a sector, programme area, service or fund is shown by its name in the plan
        entity = name not in SERIES and sp.level in ("sector", "program_area", "service",
                                                      "project", "fund")
        assert not entity or name in proj.names, f"{name}: would be shown by its id"
    for name in proj.names:
        assert name in proj.series, f"{name}: named but not emitted"


def test_monte_carlo_series_are_registered() -> None:
    proj = project(load_plan(), draws=20, seed=1)
    assert proj.samples is not None
    for name in proj.samples:
        spec(name)
    for name in proj.breach_probability or {}:
        assert name
    # the savings need at a probability, in fixed kroner: each draw by its own price index
    nominal, fixed = proj.savings_need_at(0.8), proj.savings_need_at(0.8, "fixed")
    later = nominal > 0
    assert later.any() and (fixed[later] < nominal[later]).all()
    assert (fixed[~later] == 0).all()


def test_an_unknown_series_is_refused() -> None:
    with pytest.raises(KeyError, match="not in the registry"):
        spec("expenses2_x")
    assert all(k.endswith("_") for k in FAMILIES)
    for k in SERIES:  # a fixed id is found before a family with the same prefix
        assert spec(k) is SERIES[k]


def test_fixed_and_nominal_are_one_conversion_apart(projection) -> None:
    _, proj = projection
    price = proj.series["price_index"]
    assert price[0] == 1.0
    for name in proj.series:
        sp = proj.spec(name)
        twin = name.replace("_fixed", "")
        if sp.basis == "fixed" and twin != name and twin in proj.series:
            nominal = proj.series[name.replace("_fixed", "")]
            np.testing.assert_allclose(convert(proj.series[name], price, to="nominal",
                                               basis="fixed"), nominal, rtol=1e-12,
                                       atol=1e-6, err_msg=name)
            np.testing.assert_allclose(proj.values(name.replace("_fixed", ""), "fixed"),
                                       proj.series[name], rtol=1e-12, atol=1e-6)


def test_program_areas_add_up_to_their_sector(projection) -> None:
    plan, proj = projection
    for sector in plan.sectors:
        for prefix, sector_prefix in (("area_", "expenses_"), ("area_fixed_", "expenses_fixed_")):
            total = sum(proj.series[prefix + a.id] for a in sector.program_areas)
            np.testing.assert_allclose(total, proj.series[sector_prefix + sector.id],
                                       rtol=1e-12, atol=1e-4)


def test_the_drivers_add_up_to_the_savings_need(projection) -> None:
    _, proj = projection
    s = proj.series
    drivers = sum(s[k] for k in s if k.startswith("driver_"))
    np.testing.assert_allclose(drivers, s["savings_need_fixed"], rtol=1e-12, atol=1e-3)
    # the level is the running sum of the new savings
    np.testing.assert_allclose(np.cumsum(s["savings_new_fixed"]), s["savings_need_fixed"],
                               rtol=1e-12, atol=1e-3)
