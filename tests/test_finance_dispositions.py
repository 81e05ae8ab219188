"""The disposition block adds up: the net operating result is exactly what it pays for —
the transfer to investment, the net change in the funds, the cover of earlier deficits —
less what is left uncovered, every year, for the Bærum example under both laws and in the
Monte Carlo draws (the forvaltningsfond's return, the execution rate and equalisation
drawn)."""

from __future__ import annotations

import numpy as np
import pytest

from muniplan.engine import project
from muniplan.plan.model import Plan, Scenario
from muniplan.plan.parameters import parse_set


def _identity(s: dict[str, np.ndarray]) -> None:
    paid = (s["transfer_to_investment"] + s["fund_allocations"] - s["fund_use"]
            + s["deficit_covered"] - s["deficit"])
    np.testing.assert_allclose(paid, s["net_operating_result"], rtol=0, atol=1.0)
    financing = (s["vat_compensation"] + s["grants"] + s["sales"]
                 + s["transfer_to_investment"] + s["new_loans"])
    np.testing.assert_allclose(financing, s["investments"], rtol=1e-9, atol=1.0)


@pytest.mark.parametrize("regime", ["1992", "2018"])
def test_dispositions_add_up(baerum: Plan, regime: str) -> None:
    plan = baerum.model_copy(update={"law_regime": regime})
    p = project(plan)
    _identity({k: v[None, :] for k, v in p.series.items()})
    assert p.series["transfer_shortfall_loans"].max() > 0  # the limit binds in later years


def test_dispositions_add_up_under_a_fund_loss(baerum: Plan) -> None:
    loss = Scenario(id="tap", name="tap", assumption="test", overrides=(
        parse_set("assumptions.fund_return_deviation=-0.20@2019-2019", set(), 1000),))
    p = project(baerum, scenarios=[loss])
    _identity({k: v[None, :] for k, v in p.series.items()})
    i = p.year_index(2019)
    assert p.series["fund_bufferfond"][i] == 0.0  # a 470 mill. loss empties the bufferfond


def test_draws_vary_the_fund_return_and_execution(baerum: Plan) -> None:
    from muniplan.engine.finance import project_finances
    from muniplan.engine.montecarlo import run_draws
    from muniplan.engine.projection import prepare

    inp, levers = prepare(baerum, 2025)
    mc = run_draws(baerum, inp, levers, draws=40, seed=5)
    assert mc.inputs.return_deviation.shape == (40, len(inp.years))
    assert mc.inputs.execution_rate.std(axis=0).min() > 0.02
    assert np.all((mc.inputs.execution_rate >= 0.3) & (mc.inputs.execution_rate <= 1.0))
    assert mc.series["fund_return"].std(axis=0)[0] > 50e6  # 6.5 % of 2.35 bn ≈ 150 mill.
    # every draw's own tax deviation is equalised: 60 % comes back in the block grant
    tax = mc.inputs.income_real_growth["tax"]
    assert tax.std(axis=0)[-1] > 0
    assert mc.series["income_equalisation"].std(axis=0)[-1] > 0
    ratio = np.ones((1, len(inp.years)))
    change = np.zeros((1, len(inp.years)))
    s = project_finances(mc.inputs, ratio, change, draws=40).series
    _identity(s)
