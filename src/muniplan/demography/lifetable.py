"""From death rates to the survival ratios a cohort-component step needs.

Why a module of its own: the projection evaluates survival for every draw and year, so the
formulas are written to need no cumulative product over age. With the life-table identities
``q = m / (1 + (1 - a) m)`` and ``L_x = l_x (1 - (1 - a_x) q_x)``, the ratio of person-years
in successive ages reduces to a local expression:

    S_x      = L_{x+1} / L_x          = (1 - a_x m_x) / (1 + (1 - a_{x+1}) m_{x+1})
    S_open   = T_105 / T_104          = (1 - a_104 m_104) / (1 - a_104 m_104 + m_105)
    S_birth  = L_0 / l_0              = 1 / (1 + (1 - a_0) m_0)

``a`` is the average fraction of the year lived by those who die: 0.5 from age 1, and
Andreev-Kingkade's formula at age 0 (the same convention the shared ``qx`` column was made
with). ``S_x`` carries those aged ``x`` on 1 January to age ``x + 1`` a year later;
``S_open`` carries ages 104 and 105+ into 105+; ``S_birth`` carries the year's births to
age 0 on the next 1 January. Arrays broadcast over any leading axes; the last axis is age
0..105 and the one before it sex (0 female, 1 male).
"""

from __future__ import annotations

import numpy as np

N_AGES = 106


def a0_andreev_kingkade(m0: np.ndarray) -> np.ndarray:
    """Average fraction of the first year lived by infants who die, by sex (axis -1: sex).

    Andreev & Kingkade (2015), the piecewise-linear formula in m0; ``m0`` has sex on its
    last axis (female, male).
    """
    m0 = np.asarray(m0, dtype=np.float64)
    f = m0[..., 0]
    m = m0[..., 1]
    af = np.where(f < 0.01724, 0.14903 - 2.05527 * f,
                  np.where(f < 0.06891, 0.04667 + 3.88089 * f, 0.31411))
    am = np.where(m < 0.02300, 0.14929 - 1.99545 * m,
                  np.where(m < 0.08307, 0.02832 + 3.26201 * m, 0.29915))
    return np.stack([af, am], axis=-1)


def qx_from_mx(mx: np.ndarray) -> np.ndarray:
    """Probabilities of dying, age 0..105 (``q = 1`` at the open age)."""
    mx = np.asarray(mx, dtype=np.float64)
    a = np.full_like(mx, 0.5)
    a[..., 0] = a0_andreev_kingkade(mx[..., 0])
    q = mx / (1.0 + (1.0 - a) * mx)
    q[..., -1] = 1.0
    return q


def survival(mx: np.ndarray, out: np.ndarray | None = None,
             work: tuple[np.ndarray, np.ndarray] | None = None
             ) -> tuple[np.ndarray, np.ndarray]:
    """``(S, S_birth)``: ``S[..., x]`` for x = 0..103, ``S[..., 104]`` the open ratio; and
    ``S_birth[...]`` (shape ``mx.shape[:-1]``).

    ``out`` (shape ``mx.shape[:-1] + (105,)``) and ``work`` (two arrays shaped like ``mx``)
    are optional preallocated buffers; the Monte Carlo loop passes them to avoid allocating.
    """
    shape = mx.shape
    if work is None:
        work = (np.empty(shape), np.empty(shape))
    if out is None:
        out = np.empty((*shape[:-1], N_AGES - 1))
    numer, denom = work
    a0 = a0_andreev_kingkade(mx[..., 0])
    # numer = 1 - a m, denom = 1 + (1 - a) m; a = 0.5 from age 1 (three passes: 1 − m/2
    # is exactly 1 + (−m/2), the sign of a product being exact)
    np.multiply(mx, 0.5, out=denom)
    np.subtract(1.0, denom, out=numer)
    denom += 1.0
    numer[..., 0] = 1.0 - a0 * mx[..., 0]
    denom[..., 0] = 1.0 + (1.0 - a0) * mx[..., 0]
    np.divide(numer[..., :104], denom[..., 1:105], out=out[..., :104])
    n104 = numer[..., 104]
    out[..., 104] = n104 / (n104 + mx[..., 105])
    s_birth = 1.0 / denom[..., 0]
    return out, s_birth


def life_expectancy(mx: np.ndarray) -> np.ndarray:
    """Period life expectancy at birth (a check against published figures)."""
    mx = np.asarray(mx, dtype=np.float64)
    q = qx_from_mx(mx)
    a = np.full_like(mx, 0.5)
    a[..., 0] = a0_andreev_kingkade(mx[..., 0])
    lx = np.concatenate([np.ones((*mx.shape[:-1], 1)), np.cumprod(1.0 - q, axis=-1)[..., :-1]],
                        axis=-1)
    dx = lx * q
    big_l = lx - (1.0 - a) * dx
    with np.errstate(divide="ignore", invalid="ignore"):
        big_l[..., -1] = np.where(mx[..., -1] > 0, lx[..., -1] / mx[..., -1], 0.0)
    return big_l.sum(axis=-1)
