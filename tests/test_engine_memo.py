"""What a projection computes once per plan (its arrays before scenarios, its population)
is shared without being changeable: the same plan projected again, under a scenario in
between, gives the same figures, and no caller can write into a cached array."""

from __future__ import annotations

import numpy as np
import pytest

from muniplan.engine.demand import population_paths
from muniplan.engine.memo import frozen, per_plan
from muniplan.engine.projection import plan_inputs, prepare, project
from muniplan.plan.model import Override, Scenario


def test_a_plan_projected_again_after_a_scenario_is_unchanged(baerum) -> None:
    first = project(baerum)
    stress = Scenario(id="rente", name="rente", assumption="a test", overrides=(
        Override(parameter="assumptions.interest_rate", op="add", value=0.02, first=2019),))
    stressed = project(baerum, scenarios=[stress])
    again = project(baerum)
    assert stressed.series["interest"][-1] > first.series["interest"][-1]
    for name, values in first.series.items():
        np.testing.assert_array_equal(again.series[name], values, err_msg=name)


def test_cached_arrays_are_read_only(baerum) -> None:
    inp = plan_inputs(baerum, baerum.horizon)
    assert plan_inputs(baerum, baerum.horizon) is inp
    with pytest.raises(ValueError, match="read-only"):
        inp.interest_rate[..., 0] = 1.0
    ratio, _pop, groups = population_paths(baerum, prepare(baerum)[0])
    with pytest.raises(ValueError, match="read-only"):
        ratio[0, 0] = 2.0
    assert groups is not None
    groups["total"] = np.zeros(1)  # the caller's own dict: the cache keeps its own
    assert population_paths(baerum, prepare(baerum)[0])[2]["total"].sum() > 0


def test_the_cache_keys_on_the_plan_object_and_arguments() -> None:
    calls = []

    @per_plan
    def f(plan: object, n: int) -> np.ndarray:
        calls.append(n)
        return np.arange(n)

    a, b = object(), object()
    assert f(a, 3) is f(a, 3)
    f(b, 3)
    f(a, 4)
    assert calls == [3, 3, 4]
    assert not frozen(np.ones(2)).flags.writeable
