"""The compiled year loop's source run as plain Python (a deterministic projection in a
process without numba) gives the compiled loop's figures bit for bit, and is what a
one-off projection runs.

``tests/test_finance_kernel.py`` holds the compiled loop to the numpy reference over the
same plans; here the plain run is held to the compiled one exactly, so a command-line
projection and the web server's show the same kroner."""

from __future__ import annotations

import subprocess
import sys
from typing import Any

import numpy as np
import pytest
from test_finance_kernel import _fixture_plans, _plan_of

from muniplan.engine import finance, finance_fast
from muniplan.engine.demand import population_paths, service_change
from muniplan.engine.projection import prepare
from muniplan.plan.model import Plan

pytest.importorskip("numba")


def _plain_and_compiled(plan: Plan, monkeypatch: pytest.MonkeyPatch, scenarios=(),
                        **changes: Any) -> None:
    inp, levers = prepare(plan, None, list(scenarios))
    inp = inp.with_changes(**changes) if changes else inp
    ratio, pop, _ = population_paths(plan, inp)
    change, _ = service_change(plan, inp, pop, ratio, levers)
    kw = {"solve_savings": np.array([False, True]), "draws": 2}
    fast = finance.project_finances(inp, ratio, change, plan.rules, compiled=True, **kw)
    with monkeypatch.context() as m:  # as in a process without numba
        m.setattr(finance, "use_compiled", lambda _c, _d: False)
        plain = finance.project_finances(inp, ratio, change, plan.rules, **kw)
    assert plain.series.keys() == fast.series.keys()
    for k, v in fast.series.items():
        assert np.array_equal(plain.series[k], v, equal_nan=True), k
    assert np.array_equal(plain.savings_need, fast.savings_need, equal_nan=True)
    assert np.array_equal(plain.savings_reason, fast.savings_reason)


@pytest.mark.parametrize("case", _fixture_plans())
def test_every_law_fixture_plan(case: dict[str, Any], monkeypatch: pytest.MonkeyPatch
                                ) -> None:
    _plain_and_compiled(_plan_of(case), monkeypatch)


@pytest.mark.parametrize("limit", ["none", "result", "result_and_funds"])
@pytest.mark.parametrize("regime", ["1992", "2018"])
def test_baerum_under_each_law_and_transfer_limit(baerum: Plan, monkeypatch: pytest.MonkeyPatch,
                                                  regime: str, limit: str) -> None:
    _plain_and_compiled(baerum, monkeypatch, law_regime=regime, transfer_limit=limit)


def test_baerum_under_its_scenarios(baerum: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    for sc in baerum.scenarios:
        _plain_and_compiled(baerum, monkeypatch, [sc])


def test_a_one_off_projection_runs_the_plain_loop_without_numba() -> None:
    code = ("import sys; from muniplan.engine import finance_fast; "
            "from muniplan.engine.projection import project; "
            "from muniplan.plan.load import load_plan; p = project(load_plan()); "
            "print('numba' in sys.modules, finance_fast.plain_kernel.cache_info().currsize, "
            "float(p.series['savings_need'].max()) > 0)")
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                         check=True)
    assert out.stdout.split() == ["False", "1", "True"]
    assert finance_fast.PLAIN_DRAWS >= 2  # a projection's two rows
