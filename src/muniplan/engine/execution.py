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


def spend(matrix: np.ndarray | None, budget: np.ndarray) -> np.ndarray:
    """The budget path ``(Y,)`` as spent, ``(D, Y)`` (the budget itself without a rate)."""
    if matrix is None:
        return np.asarray(budget, dtype=float)[None, :]
    return matrix @ np.asarray(budget, dtype=float)
