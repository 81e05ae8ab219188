"""The compiled finance loop gives the numpy reference's figures, whatever the plan.

:mod:`muniplan.engine.finance_kernel` runs the year loop (debt, instalments, interest, the
result, the transfer to investment, the funds, the savings need) one draw at a time; the
numpy loop in :mod:`muniplan.engine.finance` runs it over all draws at once and is the
reference. Both do the same arithmetic in the same order, so the figures are compared to
within a millionth of a krone on billions and the savings need and its reasons exactly:
over every plan of the law fixtures, Bærum under its scenarios, both laws and every transfer
limit, a Monte Carlo run, and plans varied by hypothesis (rules of every kind included).
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import numpy as np
import pytest
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from test_finance_properties import PLAN, scenarios
from test_law_fixtures import LAW, _merge

from muniplan.engine import finance, finance_fast
from muniplan.engine.demand import population_paths, service_change
from muniplan.engine.montecarlo import run_draws
from muniplan.engine.projection import prepare
from muniplan.plan.load import EXAMPLES_DIR, load_files, read_folder
from muniplan.plan.model import Plan, Rule

pytest.importorskip("numba")


def _both(inp, ratio, change, rules, **kw) -> tuple[finance.FinanceResult, ...]:
    return tuple(finance.project_finances(inp, ratio, change, rules, compiled=c, **kw)
                 for c in (True, False))


def _same(fast: finance.FinanceResult, ref: finance.FinanceResult) -> None:
    assert fast.series.keys() == ref.series.keys()
    for k, v in ref.series.items():
        np.testing.assert_allclose(fast.series[k], v, rtol=1e-12, atol=1e-6, err_msg=k)
    if ref.savings_need is None:
        assert fast.savings_need is None
        return
    np.testing.assert_array_equal(fast.savings_reason, ref.savings_reason)
    np.testing.assert_allclose(fast.savings_need, ref.savings_need, rtol=0, atol=0.011)


def _compare_plan(plan: Plan, **changes: Any) -> None:
    inp, levers = prepare(plan)
    inp = inp.with_changes(**changes) if changes else inp
    ratio, pop, _ = population_paths(plan, inp)
    change, _ = service_change(plan, inp, pop, ratio, levers)
    for kw in ({}, {"solve_savings": np.array([False, True]), "draws": 2},
               {"solve_savings": True}, {"alongside": True}):
        _same(*_both(inp, ratio, change, plan.rules, **kw))


def _fixture_plans() -> list[Any]:
    seen, out = set(), []
    for path in sorted(LAW.glob("*.yaml")):
        for case in yaml.safe_load(path.read_text(encoding="utf-8")):
            key = (case.get("plan"), repr(case.get("overrides")), repr(case.get("files")))
            if case.get("plan") and key not in seen:
                seen.add(key)
                out.append(pytest.param(case, id=f"{path.stem}: {case['name']}"))
    return out


def _plan_of(case: dict[str, Any]) -> Plan:
    folder: Path = LAW / "plans" / case["plan"]
    files = dict(read_folder(folder if folder.is_dir() else EXAMPLES_DIR / case["plan"]))
    plan_yaml = _merge(yaml.safe_load(files["plan.yaml"]), case.get("overrides", {}))
    files["plan.yaml"] = yaml.safe_dump(plan_yaml, allow_unicode=True, sort_keys=False)
    files.update(case.get("files", {}))
    return load_files(files, origin=case["plan"])


@pytest.mark.parametrize("case", _fixture_plans())
def test_every_law_fixture_plan(case: dict[str, Any]) -> None:
    _compare_plan(_plan_of(case))


@pytest.mark.parametrize("limit", ["none", "result", "result_and_funds"])
@pytest.mark.parametrize("regime", ["1992", "2018"])
def test_baerum_under_each_law_and_transfer_limit(baerum: Plan, regime: str, limit: str
                                                  ) -> None:
    _compare_plan(baerum, law_regime=regime, transfer_limit=limit)


def test_baerum_under_its_scenarios(baerum: Plan) -> None:
    for sc in baerum.scenarios:
        inp, levers = prepare(baerum, None, [sc])
        ratio, pop, _ = population_paths(baerum, inp)
        change, _ = service_change(baerum, inp, pop, ratio, levers)
        _same(*_both(inp, ratio, change, baerum.rules, solve_savings=True))


def test_a_monte_carlo_run(baerum: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    inp, levers = prepare(baerum)
    runs = []
    for compiled in (True, False):
        monkeypatch.setattr(finance, "use_compiled", lambda _c, _d, v=compiled: v)
        runs.append(run_draws(baerum, inp, levers, draws=300, seed=7))
    fast, ref = runs
    for k, v in ref.series.items():
        np.testing.assert_allclose(fast.series[k], v, rtol=1e-12, atol=1e-6, err_msg=k)
    np.testing.assert_allclose(fast.savings, ref.savings, rtol=0, atol=0.011)
    assert np.isfinite(ref.savings).any() and (ref.savings > 0).any()  # a test that can fail


OPERATORS = st.sampled_from([">=", ">", "=", "<=", "<"])


@st.composite
def rule_sets(draw: st.DrawFn) -> list[Rule]:
    """Rules on every indicator a cut helps, lower and upper limits, some at period ends."""
    indicators = st.sampled_from(["net_operating_result_ratio", "buffer_fund",
                                  "liquidity_reserve", "reserve_fund", "reserve_fund_ratio",
                                  "debt_ratio"])
    out = []
    for k in range(draw(st.integers(1, 4))):
        ind = draw(indicators)
        ratio = ind.endswith("ratio")
        out.append(Rule(
            id=f"H{k}", name=ind, indicator=ind, assumption="test", operator=draw(OPERATORS),
            limit=draw(st.floats(-0.02, 0.15) if ratio else st.floats(0, 4e9)),
            tolerance=draw(st.sampled_from([0.0, 0.005])) if ratio else 0.0,
            applies=draw(st.sampled_from(["annual", "annual", "period_end"]))))
    return out


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.too_slow])
@given(scenarios(), rule_sets(), st.sampled_from(["none", "result", "result_and_funds"]))
def test_varied_plans_and_rules(case, rules, limit) -> None:
    inp, pop, service = case
    inp = inp.with_changes(transfer_limit=limit)
    for r in (PLAN.rules, rules):
        _same(*_both(inp, pop, service, r, solve_savings=True))
        _same(*_both(inp, pop, service, r, alongside=True))


def test_alongside_gives_the_two_passes_of_separate_calls(baerum: Plan) -> None:
    inp, levers = prepare(baerum)
    ratio, pop, _ = population_paths(baerum, inp)
    change, _ = service_change(baerum, inp, pop, ratio, levers)
    for compiled in (True, False):
        one = finance.project_finances(inp, ratio, change, baerum.rules, alongside=True,
                                       compiled=compiled)
        plain = finance.project_finances(inp, ratio, change, baerum.rules, compiled=compiled)
        solved = finance.project_finances(inp, ratio, change, baerum.rules,
                                          solve_savings=True, compiled=compiled)
        assert one.series.keys() == plain.series.keys()
        for k, v in plain.series.items():
            assert np.array_equal(one.series[k], v, equal_nan=True), k
        assert np.array_equal(one.savings_need, solved.savings_need, equal_nan=True)
        assert (one.savings_need > 0).any()


def test_one_off_commands_do_not_import_numba_for_a_deterministic_projection() -> None:
    import subprocess
    import sys

    code = ("import sys; from muniplan.engine.projection import project; "
            "from muniplan.plan.load import load_plan; project(load_plan()); "
            "print('numba' in sys.modules)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.strip() == "False"
    assert finance_fast.use_compiled(None, finance_fast.MIN_DRAWS)


def test_spending_many_budget_paths_at_once_gives_each_path_as_alone() -> None:
    from muniplan.engine.execution import Execution, spend, spend_many

    rng = np.random.default_rng(5)
    budgets = rng.uniform(-1e8, 1e9, (7, 12))
    for draws in (1, 3, Execution.MANY + 1):
        exe = Execution(rng.uniform(0.3, 1.0, (draws, 12)))
        for many, one in zip(spend_many(exe, budgets), budgets, strict=True):
            assert np.array_equal(many, spend(exe, one))
    for many, one in zip(spend_many(None, budgets), budgets, strict=True):
        assert np.array_equal(many, spend(None, one))


def test_slices_of_draws_on_threads_give_the_figures_of_one_thread(
        baerum: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    """The compiled loop over slices of draws on several threads: every figure and every
    savings need equal, bit for bit, to the loop over all draws on one thread."""
    inp, levers = prepare(baerum)
    monkeypatch.setattr(finance, "use_compiled", lambda _c, _d: True)
    monkeypatch.setattr(finance_fast, "MIN_SLICE", 64)
    runs = []
    for threads in (1, 2, 3):
        monkeypatch.setattr(finance_fast, "THREADS", threads)
        assert len(finance_fast.slices(300, finance_fast.THREADS)) == threads
        runs.append(run_draws(baerum, inp, levers, draws=300, seed=7))
    one = runs[0]
    assert (one.savings > 0).any()  # the savings solver ran in some draws
    for other in runs[1:]:
        assert other.series.keys() == one.series.keys()
        for k, v in one.series.items():
            np.testing.assert_array_equal(other.series[k], v, err_msg=k)
        np.testing.assert_array_equal(other.savings, one.savings)


def test_the_slices_cover_every_draw_once() -> None:
    for draws, threads in ((1, 2), (511, 2), (1024, 2), (10_000, 2), (10_000, 3), (7, 1)):
        parts = finance_fast.slices(draws, threads)
        assert np.array_equal(np.concatenate([np.arange(draws)[s] for s in parts]),
                              np.arange(draws))
        assert len(parts) == max(1, min(threads, draws // finance_fast.MIN_SLICE))
