"""The Monte Carlo's finance stage in parts of draws on threads gives, bit for bit, the
figures of one projection over all the draws; freed memory is reused within a run."""

from __future__ import annotations

import resource
import sys

import numpy as np
import pytest

from muniplan.engine import finance, finance_fast, finance_stage, heap
from muniplan.engine.execution import Execution
from muniplan.engine.montecarlo import KEPT_SERIES, FinanceUncertainty, run_draws
from muniplan.engine.projection import prepare
from muniplan.plan.model import Plan


def test_the_parts_cover_every_draw_once() -> None:
    for draws, size in ((1, 1250), (10_000, 1250), (10_001, 1250), (800, 256), (7, 3),
                        (1000, 64)):
        pieces = finance_stage.parts(draws, size)
        assert np.array_equal(np.concatenate([np.arange(draws)[s] for s in pieces]),
                              np.arange(draws))
        assert all(s.start % finance_stage.ALIGN == 0 for s in pieces)
        least = max(size, Execution.MANY + finance_stage.ALIGN) - finance_stage.ALIGN
        assert all(s.stop - s.start >= least for s in pieces) or len(pieces) == 1
    assert len(finance_stage.parts(10_000)) == 10_000 // finance_stage.PART == 8


@pytest.mark.parametrize("compiled", [True, False])
def test_parts_on_threads_give_the_figures_of_one_projection(
        baerum: Plan, monkeypatch: pytest.MonkeyPatch, compiled: bool) -> None:
    """A run's drawn inputs (drawn execution rate and fund return included) through the
    stage in two parts on one and two threads, against one projection over all 800
    draws: every kept series and every savings need equal, bit for bit."""
    if compiled and not finance_fast.available():
        pytest.skip("numba not installed")
    inp, levers = prepare(baerum)
    captured: list[tuple] = []
    real = finance_stage.project_parts

    def capture(*args: object, **kw: object) -> object:
        captured.append((args, kw))
        return real(*args, **kw)

    monkeypatch.setattr(sys.modules["muniplan.engine.montecarlo"], "project_parts", capture)
    run_draws(baerum, inp, levers, draws=800, seed=3, uncertainty=FinanceUncertainty())
    (drawn, ratio, change, rules), _ = captured[-1]
    assert drawn.execution_rate is not None and drawn.execution_rate.shape[0] == 800
    monkeypatch.setattr(finance, "use_compiled", lambda _c, _d: compiled)
    whole = finance.project_finances(drawn, ratio, change, rules, draws=800, alongside=True,
                                     kept=KEPT_SERIES)
    monkeypatch.setattr(finance_stage, "PART", 256)
    assert len(finance_stage.parts(800)) == 2  # at 0 and 384
    for threads in (1, 2):
        series, savings = finance_stage.project_parts(drawn, ratio, change, rules,
                                                      draws=800, kept=KEPT_SERIES,
                                                      threads=threads)
        assert series.keys() == {k for k in KEPT_SERIES if k in whole.series}
        for k, v in series.items():
            assert v.shape == (800, len(inp.years)), k
            np.testing.assert_array_equal(v, np.broadcast_to(whole.series[k], v.shape),
                                          err_msg=k)
        np.testing.assert_array_equal(savings, whole.savings_need)
        assert (savings > 0).any()


def test_a_part_of_the_draws_takes_its_rows_of_every_drawn_input(baerum: Plan) -> None:
    inp, _ = prepare(baerum)
    rng = np.random.default_rng(1)
    y = len(inp.years)
    drawn = inp.with_changes(interest_rate=rng.random((10, y)),
                             income_real_growth={**inp.income_real_growth,
                                                 "tax": rng.random((10, y))})
    part = finance_stage.part_inputs(drawn, slice(2, 5), 10)
    assert np.array_equal(part.interest_rate, drawn.interest_rate[2:5])
    assert np.array_equal(part.income_real_growth["tax"], drawn.income_real_growth["tax"][2:5])
    assert part.wage_growth is drawn.wage_growth  # one row: every draw's
    assert part.investment_cost_fixed is drawn.investment_cost_fixed  # not by draw


@pytest.mark.skipif(heap._libc() is None, reason="not glibc")
def test_freed_memory_is_reused_inside_the_block_and_given_back_after() -> None:
    """Arrays of 2 MB made and dropped in turn inside the block come back from the heap
    without page faults, also in a nested block; after the last block the count of
    blocks is back to none (and the memory was given back)."""

    def faults(repeats: int = 20) -> int:
        before = resource.getrusage(resource.RUSAGE_SELF).ru_minflt
        for _ in range(repeats):
            parts = [np.ones(1 << 18) for _ in range(8)]  # 8 × 2 MB
            del parts
        return resource.getrusage(resource.RUSAGE_SELF).ru_minflt - before

    with heap.reuse_freed_memory():
        faults(2)  # the heap grows once
        with heap.reuse_freed_memory():  # nested: still kept
            inside = faults()
        inside += faults()
    assert inside < 200, inside  # 320 arrays of 512 pages each: nearly no faults
    assert heap._active == 0


def test_the_services_cost_change_alone_equals_the_whole_demands(baerum: Plan) -> None:
    """The Monte Carlo's services stage sums the cost change one service at a time; the
    figures are those of the whole demand's ``cost_change``, bit for bit, with and
    without levers on coverage and unit cost."""
    from muniplan.engine.demand import cost_change_from_users, demand_from_users

    inp, levers = prepare(baerum)
    years = range(int(inp.years[0]), int(inp.years[-1]) + 1)
    rng = np.random.default_rng(4)
    shape = (len(baerum.services), len(years))
    users = rng.uniform(100.0, 5000.0, (50, *shape))
    for coverage, unit_cost in ((None, None), (levers.coverage, levers.unit_cost),
                                (rng.uniform(0.8, 1.2, shape), rng.uniform(0.8, 1.2, shape))):
        whole = demand_from_users(baerum, users, years, coverage, unit_cost).cost_change
        alone = cost_change_from_users(baerum, users, years, coverage, unit_cost)
        assert np.array_equal(alone, whole)
        assert np.abs(whole).max() > 0


def test_the_economic_paths_drawn_on_threads_are_those_drawn_in_turn(
        baerum: Plan, monkeypatch: pytest.MonkeyPatch) -> None:
    from muniplan.engine import montecarlo

    inp, levers = prepare(baerum)
    runs = []
    for least in (1, 10**9):  # on the threads / one after the other
        monkeypatch.setattr(montecarlo, "SIDE_BY_SIDE_DRAWS", least)
        monkeypatch.setattr(finance_fast, "THREADS", 2)
        runs.append(run_draws(baerum, inp, levers, draws=300, seed=11))
    threads, serial = runs
    for k, v in serial.series.items():
        np.testing.assert_array_equal(threads.series[k], v, err_msg=k)
    np.testing.assert_array_equal(threads.inputs.interest_rate, serial.inputs.interest_rate)
    assert np.array_equal(threads.inputs.execution_rate, serial.inputs.execution_rate)
    assert threads.inputs.interest_rate.std() > 0
