"""The kommunal deflator and the price index built from it (domain.md §5.4).

``deflator = w_lønn × årslønnsvekst + (1 − w_lønn) × prisvekst``: wages are about 59 % of the
sector's costs (KS), so the deflator is weighted accordingly. A plan in fixed base-year
kroner is turned into current kroner with the cumulative index (one function, here).
"""

from __future__ import annotations

import numpy as np
from numpy.typing import ArrayLike


def deflator(wage_growth: ArrayLike, price_growth: ArrayLike, wage_weight: ArrayLike
             ) -> np.ndarray | float:
    """The kommunal deflator for a year (fractions).

    Nasjonalbudsjettet 2022: 0.59 × 3.2 % + 0.41 × 1.6 % = 2.54 % (published: 2.5 %).

    >>> round(deflator(0.032, 0.016, 0.59), 4)
    0.0254
    """
    w = np.asarray(wage_weight, dtype=float)
    if np.any((w < 0) | (w > 1)):
        raise ValueError("the deflator's wage weight is a fraction between 0 and 1")
    result = w * np.asarray(wage_growth, dtype=float) + (1 - w) * np.asarray(
        price_growth, dtype=float)
    return float(result) if np.ndim(result) == 0 else result


def price_index(deflators: np.ndarray) -> np.ndarray:
    """Cumulative price index over the last axis, 1.0 in the first (base) year.

    The base year's own deflator is not applied: its prices are the base.

    >>> price_index(np.array([0.03, 0.02, 0.02])).round(4).tolist()
    [1.0, 1.02, 1.0404]
    """
    d = np.asarray(deflators, dtype=float)
    growth = np.concatenate([np.ones((*d.shape[:-1], 1)), 1.0 + d[..., 1:]], axis=-1)
    return np.cumprod(growth, axis=-1)


def to_nominal(fixed: ArrayLike, index: ArrayLike) -> np.ndarray:
    """Fixed base-year kroner to current kroner with the price index."""
    return np.asarray(fixed, dtype=float) * np.asarray(index, dtype=float)


def to_fixed(nominal: ArrayLike, index: ArrayLike) -> np.ndarray:
    """Current kroner back to fixed base-year kroner."""
    return np.asarray(nominal, dtype=float) / np.asarray(index, dtype=float)
