"""The savings-need solver: the closed form agrees with bisection, and says why it cannot.

The closed form reads the smallest cut off the kinks of the fund disposal; bisection tries
cuts until the rules hold. For any funds, deficits, income and lower-limit rules the two
must give the same cut (bisection to within its krone of doubt) or both none.
"""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from muniplan.engine.finance import _dispose, _LimitedYear, _Year
from muniplan.engine.savings import (
    BEYOND_HALF,
    FEASIBLE,
    NOT_BY_CUTS,
    YearState,
    bisection,
    savings_for_year,
)
from muniplan.plan.model import Rule

ROLES = ("reserve", "buffer", "other")


@st.composite
def years(draw: st.DrawFn) -> tuple[list[Rule], YearState]:
    d = draw(st.integers(1, 4))
    n = draw(st.integers(1, 4))
    roles = np.array([draw(st.sampled_from(ROLES)) for _ in range(n)])
    money = st.floats(-3e9, 3e9, allow_nan=False)
    funds = np.array([[draw(st.floats(0, 3e9)) for _ in range(n)] for _ in range(d)])
    income = np.array([draw(st.floats(1e9, 2e10)) for _ in range(d)])
    ndr0 = np.array([draw(money) for _ in range(d)])
    transfer = np.array([draw(st.floats(0, 5e8)) for _ in range(d)])
    acc = np.array([draw(st.sampled_from([0.0, draw(st.floats(0, 2e9))])) for _ in range(d)])
    indicators = st.sampled_from(["net_operating_result_ratio", "buffer_fund",
                                  "liquidity_reserve", "reserve_fund", "reserve_fund_ratio"])
    rules = []
    for k in range(draw(st.integers(1, 4))):
        ind = draw(indicators)
        ratio = ind.endswith("ratio")
        limit = draw(st.floats(-0.02, 0.15) if ratio else st.floats(0, 4e9))
        op = draw(st.sampled_from([">=", ">"]))
        tolerance = draw(st.sampled_from([0.0, 0.0, 0.005])) if ratio else 0.0
        rules.append(Rule(id=f"R{k}", name=ind, indicator=ind, assumption="test", operator=op,
                          limit=limit, tolerance=tolerance))
    state = YearState(ndr0 - transfer, ndr0, income, funds, acc, roles,
                      draw(st.integers(0, n - 1)), _dispose)
    return rules, state


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(years())
def test_the_closed_form_agrees_with_bisection(case) -> None:
    rules, state = case
    closed, why = savings_for_year(rules, state)
    bisected, why_b = bisection(rules, state)
    assert closed.shape == bisected.shape
    for c, b, w, wb, inc in zip(closed, bisected, why, why_b, state.income, strict=True):
        if np.isnan(b):
            assert np.isnan(c) and w in (BEYOND_HALF, NOT_BY_CUTS)
            continue
        assert w == wb == FEASIBLE
        # bisection halves half the income 36 times: its answer is that close from above;
        # the closed form rounds up to the øre
        assert b - 1e-10 * inc - 0.02 <= c <= b + 0.02
    held = state.ok(rules, np.nan_to_num(closed))
    assert held[why == FEASIBLE].all()


@st.composite
def limited_years(draw: st.DrawFn) -> tuple[list[Rule], YearState]:
    """A year whose result first pays a transfer to investment that operations may not
    carry in full, with a forvaltningsfond whose return is held back in part."""
    rules, plain = draw(years())
    d, n = plain.funds_prev.shape
    roles = np.array([*plain.roles[:-1], draw(st.sampled_from([*ROLES, "managed"]))])
    if plain.reserve_index == n - 1:
        roles[-1] = "reserve"
    held = np.array([[draw(st.floats(-5e8, 5e8)) for _ in range(n)] for _ in range(d)])
    transfer = np.array([draw(st.floats(0, 8e8)) for _ in range(d)])
    limit = draw(st.sampled_from(["none", "result", "result_and_funds"]))
    year = _Year(plain.funds_prev + held, plain.acc_prev, roles, plain.reserve_index,
                 transfer, limit, held.sum(axis=1))
    return rules, _LimitedYear(year, plain.ndr0, plain.income, plain.funds_prev,
                               plain.acc_prev, roles, plain.reserve_index)


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(limited_years())
def test_the_closed_form_is_exact_under_a_transfer_limit(case) -> None:
    """The transfer limit bends the funds' curve (flat while the transfer takes a cut):
    the closed form reads it off the kinks, and agrees with bisection to the øre."""
    rules, state = case
    need, why = savings_for_year(rules, state)
    bisected, why_b = bisection(rules, state)
    for c, b, w, wb, inc in zip(need, bisected, why, why_b, state.income, strict=True):
        if np.isnan(b):
            assert np.isnan(c) and w in (BEYOND_HALF, NOT_BY_CUTS)
            continue
        if w == NOT_BY_CUTS:  # an upper limit broken where the lower limits need it
            continue
        assert w == wb == FEASIBLE
        assert b - 1e-10 * inc - 0.02 <= c <= b + 0.02
    assert state.ok(rules, np.nan_to_num(need))[why == FEASIBLE].all()


def test_the_baerum_example_needs_no_bisection(baerum, monkeypatch) -> None:
    """Every year of the Bærum example, deterministic and in 200 draws, is solved in closed
    form (with its transfer limit and forvaltningsfond): the fallback is never called."""
    from muniplan.engine import savings
    from muniplan.engine.projection import project

    def no_fallback(*_args: object, **_kw: object) -> None:
        raise AssertionError("the closed form fell back on bisection")

    monkeypatch.setattr(savings, "bisection", no_fallback)
    assert project(baerum).savings_need.max() > 0
    assert np.nanmax(project(baerum, draws=200, seed=3).savings_samples) > 0


def _state(funds: list[float], roles: list[str], *, ndr0: float, income: float = 1e10,
           transfer: float = 0.0, acc: float = 0.0, reserve: int = 0) -> YearState:
    return YearState(np.array([ndr0 - transfer]), np.array([ndr0]), np.array([income]),
                     np.array([funds]), np.array([acc]), np.array(roles), reserve, _dispose)


def _rule(indicator: str, limit: float, operator: str = ">=") -> Rule:
    return Rule(id="R", name=indicator, indicator=indicator, operator=operator, limit=limit,
                assumption="a hand-computed case")


def test_a_hand_computed_need() -> None:
    # income 10 bn, result −100 mill.: 2 % needs a cut of 300 mill.
    need, why = savings_for_year([_rule("net_operating_result_ratio", 0.02)],
                                 _state([1e9], ["reserve"], ndr0=-1e8))
    assert why[0] == FEASIBLE and need[0] == 3e8 + 0.01
    # a reserve fund of 1 bn, 400 mill. uncovered deficit from earlier years, a surplus of
    # 100 mill.: a total of 1.2 bn needs 400 + 200 − 100 = 500 mill.
    need, _ = savings_for_year([_rule("reserve_fund", 1.2e9)],
                               _state([1e9], ["reserve"], ndr0=1e8, acc=4e8))
    assert need[0] == 5e8 + 0.01


def test_a_buffer_fund_above_its_balance_cannot_be_reached_by_cuts() -> None:
    # surpluses go to the reserve fund: no cut raises the buffer fund
    need, why = savings_for_year([_rule("buffer_fund", 2e9)],
                                 _state([1e9, 1e9], ["reserve", "buffer"], ndr0=0.0))
    assert np.isnan(need[0]) and why[0] == NOT_BY_CUTS


def test_a_need_beyond_half_the_income_is_not_a_number() -> None:
    need, why = savings_for_year([_rule("net_operating_result_ratio", 0.02)],
                                 _state([0.0], ["reserve"], ndr0=-6e9))
    assert np.isnan(need[0]) and why[0] == BEYOND_HALF


def test_an_upper_limit_is_checked_at_the_cut_the_lower_limits_need() -> None:
    lower = _rule("net_operating_result_ratio", 0.02)
    need, why = savings_for_year([lower, _rule("reserve_fund", 5e9, "<=")],
                                 _state([1e9], ["reserve"], ndr0=0.0))
    assert why[0] == FEASIBLE and need[0] == 2e8 + 0.01
    need, why = savings_for_year([lower, _rule("reserve_fund", 1.1e9, "<=")],
                                 _state([1e9], ["reserve"], ndr0=0.0))
    assert np.isnan(need[0]) and why[0] == NOT_BY_CUTS


@pytest.mark.filterwarnings("error")
def test_the_cli_says_when_the_need_cannot_be_computed(capsys) -> None:
    from muniplan.cli import main

    args = ["project", "--summary", "--set", "assumptions.interest_rate+=1@2019"]
    with pytest.raises(SystemExit) as exit_:
        main(args)
    assert exit_.value.code in (0, None)
    out = " ".join(capsys.readouterr().out.split())
    assert "Innsparingsbehov: kan ikke beregnes i 2019–2040" in out
    assert "mer enn halvparten av driftsinntektene" in out
    assert "ingen" not in out


def test_the_cli_states_the_need_in_fixed_and_nominal_kroner_with_its_drivers(capsys) -> None:
    from muniplan.cli import main
    from muniplan.engine.projection import project
    from muniplan.plan.load import load_plan
    from muniplan.report.formatting import millions

    proj = project(load_plan())
    with pytest.raises(SystemExit):
        main(["project", "--summary"])
    out = " ".join(capsys.readouterr().out.split())
    s = proj.series

    def shown(x: float) -> str:  # the output with its no-break spaces made plain
        return millions(float(x), 0).replace("\u00a0", " ")

    assert f"{shown(s['savings_need_fixed'][-1])} mill. 2018-kr" in out
    assert f"{shown(s['savings_need'][-1])} mill. løpende kr" in out
    for name in ("driver_demography", "driver_cost_growth", "driver_capital",
                 "driver_income"):
        assert shown(s[name][-1]) in out, name
