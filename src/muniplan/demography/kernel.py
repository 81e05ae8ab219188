"""The fused Monte Carlo population stage compiled with numba: one draw at a time, a few
short loops over the ages a step, reduced to its weighted sums once the draw is made.

Why: the numpy loop of :func:`muniplan.demography.cohort._project_chunk` makes about twenty
array passes over 212 ages for each year of a chunk, and at that size numpy's fixed cost per
call is most of the time. Here the whole step — mortality, survival ratios, survivors,
migration, births — runs in compiled loops per draw whose state (two sexes × 106 ages)
stays in L1. The arithmetic is the numpy path's (the formulas are in
:mod:`muniplan.demography.cohort` and :mod:`muniplan.demography.lifetable`), rearranged so
the compiler can vectorise each loop (four float64 a time with AVX2):

* the mortality rate ``exp((drift·h + k)·b_x)·mx_x`` is split as
  ``exp(drift·h·b_x)·mx_x`` — the same for every draw of a step, computed once per run —
  times ``exp(k·b_x)``, the draw's shock;
* that ``exp`` is :func:`_exp_into`, a branch-free range reduction and polynomial, because
  ``math.exp`` is a libm call the compiler cannot vectorise (numba here has no SVML); when
  no age's ``k·b`` needs the reduction, the polynomial alone (:func:`_exp_small`);
* ``error_model="numpy"``: numba's default tests every divisor for zero to raise
  ``ZeroDivisionError``, and that branch keeps the survival loop scalar (its denominators
  are never below 1);
* the weighted sums run for all of a draw's years at once, vectorised over the years, four
  rows to the running sum a pass (:func:`_store`).

Results agree with the numpy loop to about 1e-15 relative (the tests hold them to 1e-12);
the numpy path stays the reference the tests compare with, and the fallback where numba is
not installed. ``fastmath`` only as ``contract`` in the polynomial (FMA, one rounding
instead of two); elsewhere every operation is IEEE, and reductions keep their order.

``cache=True`` keeps the machine code in ``__pycache__`` so only the first run on a machine
pays the compilation; ``nogil=True`` lets the caller's threads run chunks of draws in
parallel. This module imports numba, so it is imported only when a Monte Carlo runs.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from muniplan.demography.lifetable import N_AGES
from muniplan.demography.rates import DemographicModel

_OPEN = N_AGES - 1

_LOG2E = 1.4426950408889634
_LN2_HI = 6.93147180369123816490e-01  # fdlibm's split of ln 2: n·_LN2_HI is exact
_LN2_LO = 1.90821492927058770002e-10
_SHIFTER = 6755399441055744.0  # 1.5·2**52: adding it rounds to an integer, kept in the low bits
_SHIFTER_BITS = 0x4338000000000000
_EXP_RANGE = 700.0
"""Largest ``|k·b|`` the polynomial exp takes: beyond it ``2**n`` would leave the exponent
range; a chunk with a larger shock (never met in practice) takes ``math.exp``."""
_EXP_POLY = (1.0, 1.0, 0.5000000000000011, 0.16666666666666413, 0.04166666666653018,
             0.008333333333494432, 0.0013888888943622394, 0.00019841269506626526,
             2.480149310778186e-05, 2.7557586348270968e-06, 2.763024493693077e-07,
             2.5000064146754493e-08)
"""exp(r) for |r| ≤ 0.3466 (just over ln 2 / 2) to degree 11: ``1 + r + r²·P(r)`` with
``P`` minimax for the relative error (Remez, ``scripts/exp_polynomial.py``), at most 3.6e-18
from exp, a thirtieth of an ulp — what Taylor's series needs degree 13 for, in two
multiply-adds fewer (the exp 11 % quicker). Degree 10 would be 2.9e-16: above an ulp."""
_SMALL = 0.34
"""Largest ``|k|·max|b|`` for which every age's ``k·b`` rounds to ``n = 0`` (``0.34 / ln 2 <
0.5``): the range reduction then leaves ``r = k·b`` exactly and ``2**n = 1``, so the
polynomial alone gives the same bits (:func:`_exp_small`). True for about half of Bærum's
draw-steps."""


@dataclass(frozen=True)
class Prepared:
    """What every chunk of a run shares: the model's arrays laid out for the kernel."""

    base: np.ndarray
    b: np.ndarray
    trend: np.ndarray
    """``exp(drift·h_j·b_x)·mx_jump_x`` per step, sex and age: the rate without the shock."""
    profile: np.ndarray
    net: np.ndarray
    half_asfr: np.ndarray
    lo: int
    share: np.ndarray
    log_level: float
    alike: bool
    blocks: np.ndarray
    """``(lo, hi, first column, last column + 1, offset into packed)`` per block."""
    packed: np.ndarray
    columns: np.ndarray
    """The output column of each packed column."""
    b_max: float


def prepare(model: DemographicModel, horizons: np.ndarray, weights: np.ndarray,
            alike: bool, blocks: list[tuple[slice, np.ndarray]]) -> Prepared:
    """Lay out the model and the weights once for all chunks of a run.

    ``weights`` is ``(2 · N_AGES, K)`` on the joined sex·age axis; when ``alike`` (the same
    weights for both sexes) only the first ``N_AGES`` rows are used, on the sexes' sum.
    ``blocks`` are :func:`muniplan.demography.fused._blocks`' row spans and their columns.
    """
    mort, fert, mig = model.mortality, model.fertility, model.migration
    fertile = np.flatnonzero(fert.asfr > 0)
    lo, hi = (int(fertile[0]), int(fertile[-1]) + 1) if fertile.size else (0, 0)
    coef = np.asarray(mort.drift, dtype=np.float64)[None, :] * np.asarray(horizons)[:, None]
    trend = np.exp(coef[:, :, None] * mort.b[None]) * mort.mx_jump[None]
    w = weights[:N_AGES] if alike else weights
    spec, packed, columns, at, col = [], [], [], 0, 0
    for rows, cols in blocks:
        part = np.ascontiguousarray(w[rows][:, cols])  # (rows, columns), row-major
        spec.append((rows.start, rows.stop, col, col + cols.size, at))
        packed.append(part.ravel())
        columns.append(cols)
        at += part.size
        col += cols.size
    return Prepared(
        base=_f64(model.base_population), b=_f64(mort.b), trend=_f64(trend),
        profile=_f64(mig.profile), net=_f64(mig.net), half_asfr=_f64(0.5 * fert.asfr[lo:hi]),
        lo=lo, share=_f64([1.0 - fert.male_share, fert.male_share]),
        log_level=math.log(fert.level) if fert.level > 0 else -math.inf, alike=alike,
        blocks=np.array(spec, dtype=np.int64).reshape(-1, 5),
        packed=_f64(np.concatenate(packed) if packed else np.zeros(0)),
        columns=np.concatenate(columns).astype(np.int64) if columns else np.zeros(0, np.int64),
        b_max=float(np.abs(mort.b).max()),
    )


def reduce_chunk(p: Prepared, k_shock: np.ndarray, fert_dev: np.ndarray, mig_dev: np.ndarray,
                 out: np.ndarray, offset: int) -> None:
    """Project one chunk of draws and write ``population @ weights`` into ``out[draw, year]``
    for the years from ``offset`` (0 = the base year) on."""
    k = _f64(k_shock)
    polynomial = k.size == 0 or float(np.abs(k).max()) * p.b_max <= _EXP_RANGE
    _reduce(p.base, p.b, p.trend, k, _f64(fert_dev), _f64(mig_dev), p.profile, p.net,
            p.half_asfr, p.lo, p.share, p.log_level, p.alike, p.blocks, p.packed, p.columns,
            offset, polynomial, out)


def _f64(a: object) -> np.ndarray:
    return np.ascontiguousarray(a, dtype=np.float64)


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


@njit(cache=True, nogil=True, fastmath={"contract"})
def _exp_into(k, b, trend, out):
    """``out[x] = exp(k·b[x])·trend[x]`` for every ``x``, in one loop without branches.

    ``k·b = n·ln 2 + r`` with ``n`` the nearest integer to ``k·b / ln 2`` (found by adding
    1.5·2**52, which leaves ``n`` in the low bits of the sum) and ``|r| ≤ ln 2 / 2``
    (Cody–Waite: ``ln 2`` in two parts so ``n·ln 2`` loses nothing); ``exp(r)`` by the
    polynomial :data:`_EXP_POLY` (:func:`_poly`), and ``2**n`` built from the sum's bits
    (scalar views, which the compiler turns into vector bit casts: the loop stays one loop,
    where arrays seen both ways needed three, 9 % slower). ``exp(k·b)`` within 1 ulp of
    libm's; the product with ``trend`` rounded as ``(exp·2**n)·trend``.
    Needs ``|k·b| ≤ 700``; the caller checks.
    """
    for x in range(b.shape[0]):
        t = k * b[x]
        y = t * _LOG2E + _SHIFTER
        n = y - _SHIFTER
        scale = np.int64((np.float64(y).view(np.int64) - _SHIFTER_BITS + 1023) << 52)
        out[x] = _poly((t - n * _LN2_HI) - n * _LN2_LO) * scale.view(np.float64) * trend[x]


@njit(cache=True, nogil=True, fastmath={"contract"})
def _exp_small(k, b, trend, out):
    """:func:`_exp_into` when ``|k·b[x]| ≤`` :data:`_SMALL` for every ``x``: the polynomial
    alone, the same bits (there ``r`` is ``k·b`` and ``2**n`` is 1), in five operations fewer
    a value."""
    for x in range(b.shape[0]):
        out[x] = _poly(k * b[x]) * trend[x]


@njit(cache=True, nogil=True, fastmath={"contract"}, inline="always")
def _poly(r):
    """:data:`_EXP_POLY` at ``r`` in Horner's form: the loops are bound by the number of
    multiply-adds, not by their chain (Estrin's form, more of them, was 3 % slower and 2 ulp)."""
    c = _EXP_POLY
    q = c[11] * r + c[10]
    q = q * r + c[9]
    q = q * r + c[8]
    q = q * r + c[7]
    q = q * r + c[6]
    q = q * r + c[5]
    q = q * r + c[4]
    q = q * r + c[3]
    q = q * r + c[2]
    q = q * r + c[1]
    return q * r + c[0]


@njit(cache=True, nogil=True, error_model="numpy")
def _reduce(base, b, trend, k_shock, fert_dev, mig_dev, profile, net, half_asfr, lo, share,
            log_level, alike, blocks, packed, columns, offset, polynomial, out):
    draws, steps = k_shock.shape[0], k_shock.shape[1]
    fertile = half_asfr.shape[0]
    cur = np.empty((2, N_AGES))
    nxt = np.empty((2, N_AGES))
    mx = np.empty(N_AGES)
    s_birth = np.empty(2)
    b_max = np.abs(b).max()
    small = _SMALL / b_max if b_max > 0.0 else np.inf
    # (row, year) of a draw; the years padded with zeros to whole vectors of four, so the
    # loops over years in _store vectorise without a scalar remainder
    padded = (out.shape[1] + 3) // 4 * 4
    joined = np.zeros((N_AGES if alike else 2 * N_AGES, padded))
    acc = np.empty((columns.shape[0], padded))
    for d in range(draws):
        cur[:, :] = base
        if offset == 0:
            _join(cur, alike, joined, 0)
        for j in range(steps):
            mig_level = mig_dev[d, j]
            for s in range(2):
                k = k_shock[d, j, s]
                if not polynomial:
                    for x in range(N_AGES):
                        mx[x] = math.exp(k * b[s, x]) * trend[j, s, x]
                elif abs(k) <= small:
                    _exp_small(k, b[s], trend[j, s], mx)
                else:
                    _exp_into(k, b[s], trend[j, s], mx)
                # survival ratios (1 - a_x m_x) / (1 + (1 - a_{x+1}) m_{x+1}), a = 0.5 from
                # age 1 and Andreev-Kingkade's at age 0
                a0 = _a0(mx[0], s == 1)
                s_birth[s] = 1.0 / (1.0 + (1.0 - a0) * mx[0])
                half = mx[1] * 0.5
                v = cur[s, 0] * ((1.0 - a0 * mx[0]) / (half + 1.0))
                v += mig_level * profile[s, 1] + net[s, 1]
                nxt[s, 1] = v if v > 0.0 else 0.0
                nxt[s, 0] = 0.0
                for x in range(1, _OPEN - 1):
                    v = cur[s, x] * ((1.0 - mx[x] * 0.5) / (mx[x + 1] * 0.5 + 1.0))
                    v += mig_level * profile[s, x + 1] + net[s, x + 1]
                    nxt[s, x + 1] = v if v > 0.0 else 0.0
                n104 = 1.0 - mx[_OPEN - 1] * 0.5
                v = (cur[s, _OPEN - 1] + cur[s, _OPEN]) * (n104 / (n104 + mx[_OPEN]))
                v += mig_level * profile[s, _OPEN] + net[s, _OPEN]
                nxt[s, _OPEN] = v if v > 0.0 else 0.0
            births = 0.0
            for i in range(fertile):
                births += (cur[0, lo + i] + nxt[0, lo + i]) * half_asfr[i]
            births *= math.exp(log_level + fert_dev[d, j])
            for s in range(2):
                v = births * share[s] * s_birth[s] + (mig_level * profile[s, 0] + net[s, 0])
                nxt[s, 0] = v if v > 0.0 else 0.0
            if j + 1 >= offset:
                _join(nxt, alike, joined, j + 1 - offset)
            cur, nxt = nxt, cur
        _store(joined, blocks, packed, columns, acc, out[d])


@njit(cache=True, nogil=True)
def _join(state, alike, joined, year):
    """A year's state as column ``year`` of the draw's rows: the sexes summed when the
    weights are alike, else female ages then male."""
    if alike:
        for x in range(N_AGES):
            joined[x, year] = state[0, x] + state[1, x]
    else:
        for x in range(N_AGES):
            joined[x, year] = state[0, x]
            joined[N_AGES + x, year] = state[1, x]


@njit(cache=True, nogil=True)
def _store(joined, blocks, packed, columns, acc, out):
    """``out[year, k] = joined[:, year] · w[:, k]`` for all of a draw's years at once (the
    padding years of ``joined`` are zero and not written out)."""
    accumulate(joined, blocks, packed, acc)
    for c in range(columns.shape[0]):
        k = columns[c]
        for y in range(out.shape[0]):
            out[y, k] = acc[c, y]


@njit(cache=True, nogil=True)
def accumulate(joined, blocks, packed, acc):
    """``acc[column, i] = joined[:, i] · w[:, column]`` for every ``i`` of the second axis
    at once: a draw's years here, 64 draws abreast in :mod:`muniplan.demography.lanes`.

    Over each block of columns sharing rows, ``acc[column, i] += x[r, i] · w[r, column]``:
    the loop over ``i`` is independent work the compiler vectorises. Four rows are added to
    the running sum a pass, ``acc += (x₀w₀ + x₁w₁) + (x₂w₂ + x₃w₃)``, so each sum is read and
    written a quarter as often (the kernel 7 % quicker, 2.67 against 2.89 ns a cell); the
    sums then differ from row-by-row addition by a rounding or two of float64 (1e-15
    relative measured)."""
    acc[:, :] = 0.0
    inner = joined.shape[1]
    for i in range(blocks.shape[0]):
        lo, hi, c0, c1, at = blocks[i, 0], blocks[i, 1], blocks[i, 2], blocks[i, 3], blocks[i, 4]
        width = c1 - c0
        rest = lo
        while rest + 4 <= hi:
            r = rest
            base = at + (r - lo) * width
            for c in range(width):
                w0, w1 = packed[base + c], packed[base + width + c]
                w2, w3 = packed[base + 2 * width + c], packed[base + 3 * width + c]
                for y in range(inner):
                    acc[c0 + c, y] += ((joined[r, y] * w0 + joined[r + 1, y] * w1)
                                       + (joined[r + 2, y] * w2 + joined[r + 3, y] * w3))
            rest += 4
        for r in range(rest, hi):
            base = at + (r - lo) * width
            for c in range(width):
                wv = packed[base + c]
                for y in range(inner):
                    acc[c0 + c, y] += joined[r, y] * wv


@njit(cache=True, nogil=True)
def service_users(sums, groups, services, factors, out):
    """``out[d, s, y] = Σ_g sums[d, y, groups + g·services + s] · factors[d, y, g]``, the
    groups added in order (see :func:`muniplan.demography.fused.service_users`)."""
    for d in range(sums.shape[0]):
        for y in range(sums.shape[1]):
            for s in range(services):
                acc = sums[d, y, groups + s] * factors[d, y, 0]
                for g in range(1, groups):
                    acc += sums[d, y, groups + g * services + s] * factors[d, y, g]
                out[d, s, y] = acc
