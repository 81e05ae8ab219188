"""The fused Monte Carlo population stage compiled with numba: one draw at a time, one pass
over the ages a step, reduced to its weighted sums as each year is made.

Why: the numpy loop of :func:`muniplan.demography.cohort._project_chunk` makes about twenty
array passes over 212 ages for each year of a chunk, and at that size numpy's fixed cost per
call is most of the time. Here the whole step — mortality, survival ratios, survivors,
migration, births, the weighted sums — runs in one compiled loop per draw whose state (two
sexes × 106 ages) stays in registers and L1. The arithmetic is the numpy path's, operation by
operation (the formulas are in :mod:`muniplan.demography.cohort` and
:mod:`muniplan.demography.lifetable`); only the order of a few sums differs (the women's
births and the weighted sums), so results agree to about 1e-15 relative. The numpy path stays
the reference the tests compare with, and the fallback where numba is not installed.

``cache=True`` keeps the machine code in ``__pycache__`` so only the first run on a machine
pays the compilation; ``nogil=True`` lets the caller's threads run chunks of draws in
parallel. This module imports numba, so it is imported only when a Monte Carlo runs.
"""

from __future__ import annotations

import math

import numpy as np
from numba import njit

from muniplan.demography.lifetable import N_AGES
from muniplan.demography.rates import DemographicModel

_OPEN = N_AGES - 1


def reduce_chunk(model: DemographicModel, horizons: np.ndarray, k_shock: np.ndarray,
                 fert_dev: np.ndarray, mig_dev: np.ndarray, out: np.ndarray, offset: int,
                 alike: bool, weights: np.ndarray) -> None:
    """Project one chunk of draws and write ``population @ weights`` into ``out[draw, year]``
    for the years from ``offset`` (0 = the base year) on.

    ``weights`` is ``(2 · N_AGES, K)`` on the joined sex·age axis, or ``(N_AGES, K)`` when
    ``alike`` (the same weights for both sexes, which are then summed first).
    """
    mort, fert, mig = model.mortality, model.fertility, model.migration
    fertile = np.flatnonzero(fert.asfr > 0)
    lo, hi = (int(fertile[0]), int(fertile[-1]) + 1) if fertile.size else (0, 0)
    w = np.ascontiguousarray(weights, dtype=np.float64)
    first, last = _spans(w)
    w = np.ascontiguousarray(w.T)  # a column's rows side by side in memory
    _reduce(_f64(model.base_population), _f64(horizons), _f64(mort.drift), _f64(mort.b),
            _f64(mort.mx_jump), _f64(k_shock), _f64(fert_dev), _f64(mig_dev),
            _f64(mig.profile), _f64(mig.net), _f64(0.5 * fert.asfr[lo:hi]), lo,
            _f64([1.0 - fert.male_share, fert.male_share]),
            math.log(fert.level) if fert.level > 0 else -math.inf,
            alike, w, first, last, offset, out)


def _f64(a: object) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64)


def _spans(w: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Each column's first and last nonzero row (an empty span for a zero column): the
    kernel multiplies only those rows, as the numpy path multiplies only nonzero blocks."""
    nonzero = w != 0
    any_row = nonzero.any(axis=0)
    first = np.where(any_row, nonzero.argmax(axis=0), 0).astype(np.int64)
    last = np.where(any_row, w.shape[0] - 1 - nonzero[::-1].argmax(axis=0), -1).astype(np.int64)
    return first, last


@njit(cache=True, nogil=True)
def _a0(m: float, male: bool) -> float:
    """Andreev & Kingkade's a0, as :func:`muniplan.demography.lifetable.a0_andreev_kingkade`."""
    if male:
        if m < 0.02300:
            return 0.14929 - 1.99545 * m
        if m < 0.08307:
            return 0.02832 + 3.26201 * m
        return 0.29915
    if m < 0.01724:
        return 0.14903 - 2.05527 * m
    if m < 0.06891:
        return 0.04667 + 3.88089 * m
    return 0.31411


@njit(cache=True, nogil=True)
def _reduce(base, horizons, drift, b, mx_jump, k_shock, fert_dev, mig_dev, profile, net,
            half_asfr, lo, share, log_level, alike, w, first, last, offset, out):
    draws, steps = k_shock.shape[0], k_shock.shape[1]
    fertile = half_asfr.shape[0]
    cur = np.empty((2, N_AGES))
    nxt = np.empty((2, N_AGES))
    mx = np.empty(N_AGES)
    numer = np.empty(N_AGES)
    denom = np.empty(N_AGES)
    s_birth = np.empty(2)
    joined = np.empty(2 * N_AGES)
    for d in range(draws):
        cur[:, :] = base
        if offset == 0:
            _store(cur, joined, alike, w, first, last, out[d, 0])
        for j in range(steps):
            for s in range(2):
                coef = drift[s] * horizons[j] + k_shock[d, j, s]
                for x in range(N_AGES):
                    m = math.exp(coef * b[s, x]) * mx_jump[s, x]
                    mx[x] = m
                    half = m * 0.5
                    numer[x] = 1.0 - half
                    denom[x] = half + 1.0
                a0 = _a0(mx[0], s == 1)
                numer[0] = 1.0 - a0 * mx[0]
                denom[0] = 1.0 + (1.0 - a0) * mx[0]
                s_birth[s] = 1.0 / denom[0]
                mig_level = mig_dev[d, j]
                nxt[s, 0] = 0.0
                for x in range(_OPEN - 1):
                    v = cur[s, x] * (numer[x] / denom[x + 1])
                    v += mig_level * profile[s, x + 1] + net[s, x + 1]
                    nxt[s, x + 1] = v if v > 0.0 else 0.0
                n104 = numer[_OPEN - 1]
                v = (cur[s, _OPEN - 1] + cur[s, _OPEN]) * (n104 / (n104 + mx[_OPEN]))
                v += mig_level * profile[s, _OPEN] + net[s, _OPEN]
                nxt[s, _OPEN] = v if v > 0.0 else 0.0
            births = 0.0
            for i in range(fertile):
                births += (cur[0, lo + i] + nxt[0, lo + i]) * half_asfr[i]
            births *= math.exp(log_level + fert_dev[d, j])
            for s in range(2):
                v = births * share[s] * s_birth[s] + (mig_dev[d, j] * profile[s, 0] + net[s, 0])
                nxt[s, 0] = v if v > 0.0 else 0.0
            if j + 1 >= offset:
                _store(nxt, joined, alike, w, first, last, out[d, j + 1 - offset])
            cur, nxt = nxt, cur


@njit(cache=True, nogil=True)
def _store(state, joined, alike, w, first, last, row):
    """``row[k] = state · w[k]`` (``w`` transposed: one row a column of the weights) over
    column ``k``'s nonzero span only."""
    if alike:
        for x in range(N_AGES):
            joined[x] = state[0, x] + state[1, x]
    else:
        for x in range(N_AGES):
            joined[x] = state[0, x]
            joined[N_AGES + x] = state[1, x]
    for k in range(w.shape[0]):
        acc = 0.0
        for r in range(first[k], last[k] + 1):
            acc += joined[r] * w[k, r]
        row[k] = acc
