"""The calibration of the Monte Carlo's population sums, compiled with numba: one year at a
time, ranking, factors, calibrated group totals and service users in a few passes.

Why: the numpy version (:meth:`muniplan.demography.calibration.Calibration.factors` and
:func:`muniplan.demography.fused.service_users`) makes a dozen array passes a year and
group — a transpose, a sort, a check for ties, a gather, a division, a second sort for the
total, the scaling, the sums by service — and was a third of the population stage. Here a
year reads its column of the sums once, ranks with a stable radix sort (equal values keep
their draw order without a second, stable sort), and writes its factors, the calibrated
group totals, the total and each service's users in the same pass.

The arithmetic is the numpy path's operation for operation, in the same order (the tests
hold the two to equality, bit for bit): target ``max((P + ½)·E − ½, 0)`` with
``E = exp(Q(u))`` computed by numpy once per year (it does not depend on the draws, only on
their ranks), the factor ``target / value`` (1 where the value is not positive), the
total's factor applied on top, group terms added in group order. No ``fastmath``.
``nogil=True``: the caller runs years on its threads.
"""

from __future__ import annotations

import numpy as np
from numba import njit

_SIGN = np.uint64(0x8000000000000000)
_TOP = np.uint64(0xFFFFFFFFFFFFFFFF)
_BITS = 11
"""Bits a radix pass: 2 048 counters stay in L1 and six passes cover 64 bits (measured
quicker than 8 or 13 bits, and than numpy's unstable argsort, on 10 000 draws)."""
_PASSES = (64 + _BITS - 1) // _BITS
_MASK = np.uint64((1 << _BITS) - 1)


@njit(cache=True, nogil=True)
def stable_order(values, order):
    """``order`` = the stable ascending order of ``values`` (``np.argsort(kind="stable")``):
    NaN last, ``-0.0`` equal to ``0.0``, equal values in their original order.

    Least-significant-digit-first radix sort of the values' bits (made unsigned-monotone:
    the sign bit flipped for positives, all bits for negatives), :data:`_BITS` a pass; a
    digit that is the same in every value (the exponent's, mostly) costs no pass.
    ``values`` is contiguous."""
    n = values.shape[0]
    keys = np.empty(n, np.uint64)
    tmp_keys = np.empty(n, np.uint64)
    tmp_order = np.empty(n, np.int64)
    counts = np.zeros((_PASSES, 1 << _BITS), np.int64)
    bits = values.view(np.uint64)
    for i in range(n):
        v = values[i]
        if v != v:
            key = _TOP
        elif v == 0.0:
            key = _SIGN
        else:
            u = bits[i]
            key = ~u if u & _SIGN else u | _SIGN
        keys[i] = key
        order[i] = i
        for p in range(_PASSES):
            counts[p, (key >> np.uint64(_BITS * p)) & _MASK] += 1
    src_k, dst_k, src_o, dst_o = keys, tmp_keys, order, tmp_order
    moved = False
    for p in range(_PASSES):
        c = counts[p]
        if c.max() == n:
            continue
        total = 0
        for b in range(c.shape[0]):
            t = c[b]
            c[b] = total
            total += t
        shift = np.uint64(_BITS * p)
        for i in range(n):
            key = src_k[i]
            b = (key >> shift) & _MASK
            at = c[b]
            c[b] = at + 1
            dst_k[at] = key
            dst_o[at] = src_o[i]
        src_k, dst_k = dst_k, src_k
        src_o, dst_o = dst_o, src_o
        moved = not moved
    if moved:
        order[:] = src_o


@njit(cache=True, nogil=True)
def _to_targets(values, order, centre, e_row, factor):
    """``factor[d] = target / values[d]`` for the draw ``d = order[i]`` ranked ``i``, whose
    target is ``max((centre + ½)·e_row[i] − ½, 0)`` (numpy's maximum: NaN stays NaN)."""
    c = centre + 0.5
    for i in range(order.shape[0]):
        d = order[i]
        t = c * e_row[i] - 0.5
        if not (t >= 0.0 or t != t):
            t = 0.0
        v = values[d]
        factor[d] = t / v if v > 0.0 else 1.0


@njit(cache=True, nogil=True)
def year_factors(sums, j, groups, exp_table, centre, factors):
    """``factors[g, d]``: each group of year ``j`` (``sums[d, j, g]``, ``g < groups``)
    moved to the calibrated quantile of its rank, then all groups of a draw by the factor
    that moves their total to the total's (``exp_table[groups]``, ``centre[groups]``)."""
    draws = sums.shape[0]
    values = np.empty((groups, draws))
    for d in range(draws):
        for g in range(groups):
            values[g, d] = sums[d, j, g]
    order = np.empty(draws, np.int64)
    for g in range(groups):
        stable_order(values[g], order)
        _to_targets(values[g], order, centre[g], exp_table[g], factors[g])
    moved = np.empty(draws)
    for d in range(draws):
        acc = values[0, d] * factors[0, d]
        for g in range(1, groups):
            acc += values[g, d] * factors[g, d]
        moved[d] = acc
    stable_order(moved, order)
    total = np.empty(draws)
    _to_targets(moved, order, centre[groups], exp_table[groups], total)
    for g in range(groups):
        for d in range(draws):
            factors[g, d] *= total[d]


@njit(cache=True, nogil=True)
def year_sums(sums, j, groups, services, factors, scaled, total, users):
    """Year ``j`` calibrated: ``scaled[g, d] = sums[d, j, g] · factors[g, d]``, their
    total ``scaled[groups, d]`` and ``total[d, j]`` (groups added in order), and
    ``users[d, s, j] = Σ_g sums[d, j, groups + g·services + s] · factors[g, d]``."""
    for d in range(sums.shape[0]):
        acc = sums[d, j, 0] * factors[0, d]
        scaled[0, d] = acc
        for g in range(1, groups):
            v = sums[d, j, g] * factors[g, d]
            scaled[g, d] = v
            acc += v
        scaled[groups, d] = acc
        total[d, j] = acc
        for s in range(services):
            u = sums[d, j, groups + s] * factors[0, d]
            for g in range(1, groups):
                u += sums[d, j, groups + g * services + s] * factors[g, d]
            users[d, s, j] = u
