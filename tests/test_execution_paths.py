"""Many draws spend their budgets by the execution recursion itself, few through the
matrix; both give the same spending, and every krone budgeted is spent or still carried."""

from __future__ import annotations

import numpy as np

from muniplan.engine.execution import Execution, execution_matrix


def test_the_recursion_equals_the_matrix() -> None:
    rng = np.random.default_rng(5)
    rate = rng.uniform(0.3, 1.0, (Execution.MANY + 44, 23))
    budget = rng.uniform(0, 2e9, 23)
    many = Execution(rate)
    assert many.matrix is None
    expected = execution_matrix(rate) @ budget
    np.testing.assert_allclose(many.spend(budget), expected, rtol=1e-12)
    few = Execution(rate[:3])
    assert few.matrix is not None
    np.testing.assert_array_equal(few.spend(budget), expected[:3])


def test_what_is_not_spent_is_carried() -> None:
    rate = np.full((Execution.MANY, 5), 0.8)
    spent = Execution(rate).spend(np.array([100.0, 0, 0, 0, 0]))
    np.testing.assert_allclose(spent[0], [80.0, 16.0, 3.2, 0.64, 0.128])
