"""Gjennomføringsgrad: how much of the investment budget is spent, and the carry-forward.

Municipalities rarely spend the year's investment budget in full; what is not spent is
carried forward (overført til neste år) and spent later. With an execution rate ``r_t`` (the
share of the year's *disposable* budget spent — its own budget plus what was carried into
it, as Bærum measures it):

    spent_t = r_t × (budget_t + carry_{t−1}),   carry_t = budget_t + carry_{t−1} − spent_t

This is linear in the budget, so one lower-triangular matrix ``E`` per draw turns any
budget path (cost, VAT, grants, loans...) into the path actually spent: ``spent = E @ budget``.
What is still carried at the horizon lies outside the projection.
"""

from __future__ import annotations

import numpy as np


def execution_matrix(rate: np.ndarray) -> np.ndarray:
    """``(D, Y, Y)``: ``E[d, t, s]`` is the share of year ``s``'s budget spent in year ``t``.

    >>> execution_matrix(np.array([[0.8, 0.8, 0.8]]))[0].round(3).tolist()
    [[0.8, 0.0, 0.0], [0.16, 0.8, 0.0], [0.032, 0.16, 0.8]]
    """
    r = np.atleast_2d(np.asarray(rate, dtype=float))
    d, y = r.shape
    out = np.zeros((d, y, y))
    left = np.zeros((d, y))  # share of each budget year still unspent, per draw
    for t in range(y):
        left[:, t] = 1.0
        out[:, t, : t + 1] = r[:, t, None] * left[:, : t + 1]
        left[:, : t + 1] *= 1.0 - r[:, t, None]
    return out


def carried(rate: np.ndarray, budget: np.ndarray) -> np.ndarray:
    """``(D, Y)``: the budget still unspent at each year end (overført til neste år)."""
    e = execution_matrix(rate)
    spent = np.cumsum(e @ budget, axis=-1)
    return np.cumsum(budget) - spent


class Execution:
    """The execution rates ``(D, Y)`` of a run, spending budget paths as Bærum measures it.

    Few draws: through :func:`execution_matrix` (one product per budget path). Many draws:
    by the recursion itself, year by year over all draws — the ``(D, Y, Y)`` matrix of
    10 000 draws is 42 MB written once and read for every budget path, the recursion reads
    only the rates. The two agree to rounding (``tests/test_execution_paths.py``)."""

    MANY = 256
    """From this many draws on, the recursion."""

    def __init__(self, rate: np.ndarray) -> None:
        self.rate = np.atleast_2d(np.asarray(rate, dtype=float))
        self.matrix = execution_matrix(self.rate) if len(self.rate) < self.MANY else None

    def spend(self, budget: np.ndarray) -> np.ndarray:
        b = np.asarray(budget, dtype=float)
        if self.matrix is not None:
            return self.matrix @ b
        r = self.rate
        out = np.empty(r.shape)
        carry = np.zeros(len(r))
        for t in range(r.shape[1]):
            available = carry + b[t]
            np.multiply(r[:, t], available, out=out[:, t])
            carry = available - out[:, t]
        return out


def spend_many(matrix: np.ndarray | Execution | None, budgets: np.ndarray
               ) -> list[np.ndarray]:
    """Several budget paths ``(K, Y)`` as spent, one ``(D, Y)`` array each. Many draws go
    through the recursion once for all the paths (K times fewer passes over the rates, the
    same products and sums as :func:`spend`, so the same figures)."""
    if not isinstance(matrix, Execution) or matrix.matrix is not None:
        return [spend(matrix, b) for b in budgets]
    b = np.asarray(budgets, dtype=float)
    rate_by_year = np.ascontiguousarray(matrix.rate.T)  # (Y, D)
    out = np.empty((b.shape[1], len(b), rate_by_year.shape[1]))  # (Y, K, D)
    carry = np.zeros(out.shape[1:])
    for t in range(len(out)):
        available = carry + b[:, t, None]
        np.multiply(rate_by_year[t], available, out=out[t])
        carry = available - out[t]
    return list(np.moveaxis(out, 0, -1))


def spend(matrix: np.ndarray | Execution | None, budget: np.ndarray) -> np.ndarray:
    """The budget path ``(Y,)`` as spent, ``(D, Y)`` (the budget itself without a rate)."""
    if matrix is None:
        return np.asarray(budget, dtype=float)[None, :]
    if isinstance(matrix, Execution):
        return matrix.spend(budget)
    return matrix @ np.asarray(budget, dtype=float)
