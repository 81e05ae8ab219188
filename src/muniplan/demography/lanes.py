"""The Monte Carlo's population stage in float32, :data:`LANES` draws abreast.

Why: the float64 kernel (:mod:`muniplan.demography.kernel`) runs one draw at a time with
the ages in the vector lanes; its exp needs a degree-11 polynomial to be exact in float64,
its division takes four lanes, and the births' sum over the fertile ages and the weighted
sums are sequential additions the compiler cannot spread over lanes without changing their
order. Here the lanes hold :data:`LANES` draws instead: every loop is the same arithmetic
for each draw, so every loop vectorises, the births and the weighted sums too. The
population counts are float32 (eight a vector, a seven-term polynomial for the exp); money
never passes through here. Measured on one thread, 10 000 Bærum draws: 1.35 ns a cell
against the float64 kernel's 2.7.

What stays float64: the base year (its sums are the float64 kernel's, to the bit), the
births' sum and the fertility level, the random paths, and every weighted sum (the float32
counts are widened before they are multiplied and added; float32 sums were 10 % quicker
but five times the error). The sums are within 3.6e-7 relative of the float64 kernel's;
uncalibrated percentiles move by at most 1/2 500 of their own sampling error. Calibrated
runs do not come here: the calibration ranks the draws, and float32's error swaps
neighbours that close, which moves a percentile by up to 1/14 of its sampling error
(``tests/test_population_float32.py``, ``docs/population.md``). Neither do the
deterministic projection nor the calibration's centre.

``fastmath`` only as ``contract`` (FMA: one rounding instead of two);
``error_model="numpy"`` so divisions carry no zero test (their denominators are never
below 1).
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
from numba import njit

from muniplan.demography.kernel import _EXP_RANGE as _EXP_RANGE_64
from muniplan.demography.kernel import _LN2_HI as _LN2_HI_64
from muniplan.demography.kernel import _LN2_LO as _LN2_LO_64
from muniplan.demography.kernel import _LOG2E as _LOG2E_64
from muniplan.demography.kernel import _SHIFTER as _SHIFTER_64
from muniplan.demography.kernel import _SHIFTER_BITS as _SHIFTER_BITS_64
from muniplan.demography.kernel import Prepared, accumulate
from muniplan.demography.kernel import _a0 as _a0_double
from muniplan.demography.kernel import _poly as _poly_double
from muniplan.demography.lifetable import N_AGES

LANES = 64
"""Draws abreast: each inner loop runs over 64 draws, eight vectors of float32, long enough
that a loop's fixed cost (its checks that the arrays do not overlap) is spread thin; the
state, 2 × 106 × 64 float32 twice (108 KB), stays in L2. Measured on one thread, 10 000
Bærum draws: 1.34–1.39 ns a cell with 64 lanes against 1.67–1.71 with 32; before the exp's
last loop was split, 128 lanes were no quicker than 64 (1.9 either) and 16 slower (2.6)."""

_OPEN = N_AGES - 1
_F = np.float32
_ONE = _F(1.0)
_ZERO = _F(0.0)
_LOG2E = _F(1.44269504088896341)
_LN2_HI = _F(0.693359375)  # Cephes' split of ln 2: n·_LN2_HI is exact for |n| < 2**13
_LN2_LO = _F(-2.12194440e-4)
_SHIFTER = _F(12582912.0)  # 1.5·2**23: adding it rounds to an integer, kept in the low bits
_BIAS = np.int32(127 - 0x4B400000)
"""The exponent's bias less the shifter's bits: ``n + 127`` from the bits of ``n + 1.5·2**23``
(int32, so the loop stays in 32-bit lanes)."""
_MANTISSA = np.int32(23)
_P0, _P1, _P2 = _F(1.9875691500e-4), _F(1.3981999507e-3), _F(8.3334519073e-3)
_P3, _P4, _P5 = _F(4.1665795894e-2), _F(1.6666665459e-1), _F(5.0000001201e-1)
"""Cephes' ``expf`` minimax coefficients: ``exp(r) ≈ 1 + r + r²·P(r)`` for
``|r| ≤ ln 2 / 2``, within about 1 ulp of float32."""
EXP_RANGE = 80.0
"""Largest ``|k·b|`` the float32 polynomial takes (``2**n`` stays a normal float32); a
chunk with a larger shock (never met in practice) takes ``math.exp``."""


@dataclass(frozen=True)
class Abreast:
    """The float64 kernel's layout of a run and the arrays this kernel reads, in the
    counts' type (float64 when ``double``, else float32)."""

    p: Prepared
    b: np.ndarray
    half_trend: np.ndarray
    """Half of :attr:`Prepared.trend` (halving is exact): the survival ratios need ``m/2``."""
    profile: np.ndarray
    net: np.ndarray
    double: bool


def prepare(p: Prepared, double: bool = False) -> Abreast:
    t = np.float64 if double else _F
    return Abreast(p, p.b.astype(t), (0.5 * p.trend).astype(t), p.profile.astype(t),
                   p.net.astype(t), double)


def reduce_chunk(q: Abreast, k_shock: np.ndarray, fert_dev: np.ndarray, mig_dev: np.ndarray,
                 out: np.ndarray, offset: int) -> None:
    """As :func:`muniplan.demography.kernel.reduce_chunk`, :data:`LANES` draws abreast."""
    p, t = q.p, q.b.dtype
    k = np.ascontiguousarray(k_shock, dtype=np.float64)
    bound = _EXP_RANGE_64 if q.double else EXP_RANGE
    polynomial = k.size == 0 or float(np.abs(k).max()) * p.b_max <= bound
    cur, nxt = np.empty((2, N_AGES, LANES), t), np.empty((2, N_AGES, LANES), t)
    h, scale = np.empty((N_AGES, LANES), t), np.empty((N_AGES, LANES), t)
    bits = scale.view(np.int64 if q.double else np.int32)
    _reduce(p.base, q.b, q.half_trend, k, np.ascontiguousarray(fert_dev, dtype=np.float64),
            np.ascontiguousarray(mig_dev, dtype=np.float64), q.profile, q.net, p.half_asfr,
            p.lo, p.share, p.log_level, p.alike, p.blocks, p.packed, p.columns, offset,
            polynomial, out, cur, nxt, h, scale, bits, np.empty(LANES, t), np.empty(LANES, t),
            np.empty((2, LANES), t), q.double)


@njit(cache=True, nogil=True, fastmath={"contract"})
def _exp_half(kk, b, htrend, h, scale, bits):
    """``h[x, l] = exp(kk[l]·b[x]) · htrend[x]`` (half the mortality rate) for every age
    and lane: ``k·b = n·ln 2 + r``, ``exp(r)`` by Cephes' polynomial, ``2**n`` from its
    bits (``bits`` is ``scale`` seen as int32). Needs ``|k·b| ≤ 80``; the caller checks."""
    lanes = h.shape[1]
    for x in range(N_AGES):
        bx = b[x]
        for lane in range(lanes):
            t = kk[lane] * bx
            y = t * _LOG2E + _SHIFTER
            n = y - _SHIFTER
            r = (t - n * _LN2_HI) - n * _LN2_LO
            q = _P0 * r + _P1
            q = q * r + _P2
            q = q * r + _P3
            q = q * r + _P4
            q = q * r + _P5
            h[x, lane] = (q * (r * r) + r + _ONE) * htrend[x]
            scale[x, lane] = y
    for x in range(N_AGES):
        for lane in range(lanes):
            bits[x, lane] = (bits[x, lane] + _BIAS) << _MANTISSA
    # a loop of its own: with the bits' store beside it the compiler cannot tell ``scale``
    # from ``bits`` and leaves the loop scalar (0.6 against 0.15 ns a cell measured)
    for x in range(N_AGES):
        for lane in range(lanes):
            h[x, lane] *= scale[x, lane]


@njit(cache=True, nogil=True)
def _exp_libm(kk, b, htrend, h):
    """``h[x, l] = exp(kk[l]·b[x]) · htrend[x]`` by libm in float64, rounded once into
    ``h`` (in float64 the float64 kernel's fallback, to the bit)."""
    for x in range(N_AGES):
        for lane in range(LANES):
            h[x, lane] = math.exp(float(kk[lane]) * float(b[x])) * float(htrend[x])


@njit(cache=True, nogil=True)
def _a0(m, male):
    """Andreev & Kingkade's a0 (:func:`muniplan.demography.kernel._a0`), in float32."""
    if male:
        if m < _F(0.02300):
            return _F(0.14929) - _F(1.99545) * m
        if m < _F(0.08307):
            return _F(0.02832) + _F(3.26201) * m
        return _F(0.29915)
    if m < _F(0.01724):
        return _F(0.14903) - _F(2.05527) * m
    if m < _F(0.06891):
        return _F(0.04667) + _F(3.88089) * m
    return _F(0.31411)


@njit(cache=True, nogil=True, error_model="numpy", fastmath={"contract"})
def _survive(cur, nxt, h, mig, profile, net, s, s_birth):
    """``nxt[s, 1:]`` from ``cur[s]``: survivors plus migration, cut at zero; the age-0
    survival of the year's births into ``s_birth``. ``h`` is half the mortality rate."""
    lanes = h.shape[1]
    for lane in range(lanes):
        m0 = h[0, lane] + h[0, lane]
        a0 = _a0(m0, s == 1)
        s_birth[s, lane] = _ONE / (_ONE + (_ONE - a0) * m0)
        v = cur[s, 0, lane] * ((_ONE - a0 * m0) / (h[1, lane] + _ONE))
        v += mig[lane] * profile[s, 1] + net[s, 1]
        nxt[s, 1, lane] = v if v > _ZERO else _ZERO
    for x in range(1, _OPEN - 1):
        px, nx = profile[s, x + 1], net[s, x + 1]
        for lane in range(lanes):
            v = cur[s, x, lane] * ((_ONE - h[x, lane]) / (h[x + 1, lane] + _ONE))
            v += mig[lane] * px + nx
            nxt[s, x + 1, lane] = v if v > _ZERO else _ZERO
    for lane in range(lanes):
        n104 = _ONE - h[_OPEN - 1, lane]
        v = ((cur[s, _OPEN - 1, lane] + cur[s, _OPEN, lane])
             * (n104 / (n104 + (h[_OPEN, lane] + h[_OPEN, lane]))))
        v += mig[lane] * profile[s, _OPEN] + net[s, _OPEN]
        nxt[s, _OPEN, lane] = v if v > _ZERO else _ZERO


@njit(cache=True, nogil=True, error_model="numpy")
def _reduce(base, b, htrend, k_shock, fert_dev, mig_dev, profile, net, half_asfr, lo, share,
            log_level, alike, blocks, packed, columns, offset, polynomial, out, cur, nxt, h,
            scale, bits, kk, mig, s_birth, double):
    draws, steps = k_shock.shape[0], k_shock.shape[1]
    fertile = half_asfr.shape[0]
    births = np.empty(LANES)
    joined = np.empty((N_AGES if alike else 2 * N_AGES, LANES))
    acc = np.empty((columns.shape[0], LANES))
    for d0 in range(0, draws, LANES):
        n = min(LANES, draws - d0)
        for s in range(2):
            for x in range(N_AGES):
                for lane in range(LANES):
                    cur[s, x, lane] = base[s, x]
        if offset == 0:
            _join64(base, alike, joined)
            _store(joined, blocks, packed, columns, acc, out, d0, n, 0)
        for j in range(steps):
            for lane in range(LANES):
                mig[lane] = mig_dev[d0 + min(lane, n - 1), j]
            for s in range(2):
                for lane in range(LANES):
                    kk[lane] = k_shock[d0 + min(lane, n - 1), j, s]
                if not polynomial:
                    _exp_libm(kk, b[s], htrend[j, s], h)
                elif double:
                    _exp_double(kk, b[s], htrend[j, s], h, scale, bits)
                else:
                    _exp_half(kk, b[s], htrend[j, s], h, scale, bits)
                if double:
                    _survive_double(cur, nxt, h, mig, profile, net, s, s_birth)
                else:
                    _survive(cur, nxt, h, mig, profile, net, s, s_birth)
            births[:] = 0.0
            for i in range(fertile):
                a = half_asfr[i]
                for lane in range(LANES):
                    births[lane] += (np.float64(cur[0, lo + i, lane])
                                     + np.float64(nxt[0, lo + i, lane])) * a
            for lane in range(LANES):
                births[lane] *= math.exp(log_level + fert_dev[d0 + min(lane, n - 1), j])
            for s in range(2):
                ps, ns = np.float64(profile[s, 0]), np.float64(net[s, 0])
                for lane in range(LANES):
                    v = (births[lane] * share[s] * np.float64(s_birth[s, lane])
                         + (np.float64(mig[lane]) * ps + ns))
                    nxt[s, 0, lane] = v if v > 0.0 else 0.0
            if j + 1 >= offset:
                _join32(nxt, alike, joined)
                _store(joined, blocks, packed, columns, acc, out, d0, n, j + 1 - offset)
            cur, nxt = nxt, cur


@njit(cache=True, nogil=True, fastmath={"contract"})
def _exp_double(kk, b, htrend, h, scale, bits):
    """``h[x, l] = exp(kk[l]·b[x]) · htrend[x]`` in float64, operation for operation the
    float64 kernel's :func:`muniplan.demography.kernel._exp_into` and its rate
    ``poly·scale·trend`` (halved exactly), so its counts are that kernel's to the bit."""
    lanes = h.shape[1]
    for x in range(N_AGES):
        bx = b[x]
        for lane in range(lanes):
            t = kk[lane] * bx
            y = t * _LOG2E_64 + _SHIFTER_64
            n = y - _SHIFTER_64
            h[x, lane] = _poly_double((t - n * _LN2_HI_64) - n * _LN2_LO_64)
            scale[x, lane] = y
    for x in range(N_AGES):
        for lane in range(lanes):
            bits[x, lane] = (bits[x, lane] - _SHIFTER_BITS_64 + 1023) << 52
    for x in range(N_AGES):
        tx = htrend[x]
        for lane in range(lanes):
            h[x, lane] = h[x, lane] * scale[x, lane] * tx


@njit(cache=True, nogil=True, error_model="numpy")
def _survive_double(cur, nxt, h, mig, profile, net, s, s_birth):
    """:func:`_survive` in float64 without FMA: the float64 kernel's expressions in its
    order (``m/2`` is ``h``, ``m`` is ``h + h``, both exact)."""
    lanes = h.shape[1]
    for lane in range(lanes):
        m0 = h[0, lane] + h[0, lane]
        a0 = _a0_double(m0, s == 1)
        s_birth[s, lane] = 1.0 / (1.0 + (1.0 - a0) * m0)
        v = cur[s, 0, lane] * ((1.0 - a0 * m0) / (h[1, lane] + 1.0))
        v += mig[lane] * profile[s, 1] + net[s, 1]
        nxt[s, 1, lane] = v if v > 0.0 else 0.0
    for x in range(1, _OPEN - 1):
        px, nx = profile[s, x + 1], net[s, x + 1]
        for lane in range(lanes):
            v = cur[s, x, lane] * ((1.0 - h[x, lane]) / (h[x + 1, lane] + 1.0))
            v += mig[lane] * px + nx
            nxt[s, x + 1, lane] = v if v > 0.0 else 0.0
    for lane in range(lanes):
        n104 = 1.0 - h[_OPEN - 1, lane]
        v = ((cur[s, _OPEN - 1, lane] + cur[s, _OPEN, lane])
             * (n104 / (n104 + (h[_OPEN, lane] + h[_OPEN, lane]))))
        v += mig[lane] * profile[s, _OPEN] + net[s, _OPEN]
        nxt[s, _OPEN, lane] = v if v > 0.0 else 0.0


@njit(cache=True, nogil=True)
def _join64(base, alike, joined):
    """The base year's float64 state as the rows of every lane (as the float64 kernel)."""
    for x in range(N_AGES):
        for lane in range(LANES):
            if alike:
                joined[x, lane] = base[0, x] + base[1, x]
            else:
                joined[x, lane] = base[0, x]
                joined[N_AGES + x, lane] = base[1, x]


@njit(cache=True, nogil=True)
def _join32(state, alike, joined):
    """A year's float32 state widened to float64 rows: the sexes summed when the weights
    are alike, else female ages then male."""
    if alike:
        for x in range(N_AGES):
            for lane in range(LANES):
                joined[x, lane] = np.float64(state[0, x, lane]) + np.float64(state[1, x, lane])
    else:
        for x in range(N_AGES):
            for lane in range(LANES):
                joined[x, lane] = np.float64(state[0, x, lane])
                joined[N_AGES + x, lane] = np.float64(state[1, x, lane])


@njit(cache=True, nogil=True)
def _store(joined, blocks, packed, columns, acc, out, d0, n, year):
    """``out[d0 + lane, year, k] = joined[:, lane] · w[:, k]`` in float64, by the float64
    kernel's own sums (:func:`muniplan.demography.kernel.accumulate`, four rows a pass), so
    the float64 lanes give its figures to the bit (the float32 loops 1.7 against 2.0 ns a
    cell)."""
    accumulate(joined, blocks, packed, acc)
    for c in range(columns.shape[0]):
        k = columns[c]
        for lane in range(n):
            out[d0 + lane, year, k] = acc[c, lane]
