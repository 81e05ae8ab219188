"""The stochastic projection reduced as it is made: only weighted sums of each draw's
population are kept, never the full ``[draw, year, sex, age]`` array.

Why: 10 000 draws × 24 years × 2 sexes × 106 ages is 400 MB of float64 that the Monte Carlo
only ever reads through a few linear maps (age-group totals, the total, the users of each
service at base coverage). Reducing each chunk of draws while it is still in the CPU cache
touches that memory once instead of three times (write, read for the groups, read for the
services) and keeps the peak at a few MB per thread. The arithmetic per draw is exactly
:func:`muniplan.demography.cohort.project`'s (the same chunk loop and random paths), so the
sums equal ``population @ weights`` of the unreduced run, and the same seed gives the same
draws whether the run is fused or not.
"""

from __future__ import annotations

from concurrent.futures import ThreadPoolExecutor

import numpy as np

from muniplan.demography.cohort import CHUNK, THREADS, _project_chunk
from muniplan.demography.lifetable import N_AGES
from muniplan.demography.rates import DemographicModel
from muniplan.demography.uncertainty import draw_paths


def project_weighted(model: DemographicModel, to_year: int, weights: np.ndarray, *,
                     first_year: int, draws: int,
                     seed: int | np.random.SeedSequence | None,
                     compiled: bool | None = None, lanes: str | None = None) -> np.ndarray:
    """``population[:, first_year..to_year] @ weights`` per draw: ``(draw, year, K)``.

    ``weights`` is ``(2 · N_AGES, K)`` on the joined sex·age axis (female ages first), as
    float64; the result is float64. Only the weights' nonzero blocks are multiplied
    (:func:`_blocks`).

    ``compiled`` chooses the numba kernel (:mod:`muniplan.demography.kernel`) or the numpy
    loop; ``None`` takes the kernel when numba is installed. Both give the same sums to
    rounding (the tests hold them to 1e-12 relative).

    ``lanes``: the compiled kernel with 64 draws abreast (:mod:`muniplan.demography.lanes`)
    and its population counts in ``"float32"`` — the uncalibrated Monte Carlo's draws: the
    sums stay float64, within 3.6e-7 relative of the float64 kernel's (the base year's
    equal) — or in ``"float64"``, the float64 kernel's sums to the bit (the tests' and the
    benchmark's baseline of the same loops). The deterministic projection never asks for it.
    """
    base = model.base_year
    steps = int(to_year) - base
    if steps < 0 or not base <= first_year <= to_year:
        raise ValueError(f"years {first_year}–{to_year} are not within the projection "
                         f"from {base}")
    w = np.ascontiguousarray(weights, dtype=np.float64)
    if w.shape[0] != 2 * N_AGES:
        raise ValueError(f"weights must have {2 * N_AGES} rows, got {w.shape[0]}")
    alike, blocks = _blocks(w)
    rate_years = base + np.arange(steps)
    horizons = np.maximum(rate_years - model.mortality.jump_year, 0)
    paths = draw_paths(model.uncertainty, steps, draws, horizons, seed)
    offset = first_year - base
    years = steps + 1 - offset
    # laid out year by year: a year's sums of all draws side by side, as the calibration
    # reads them (every draw of a year at once); indexed (draw, year, column) all the same
    out = np.zeros((years, draws, w.shape[1])).transpose(1, 0, 2)
    parts = [(rows, cols, np.ascontiguousarray(w[rows][:, cols])) for rows, cols in blocks]

    kernel = _kernel() if compiled is None or compiled else None
    if compiled and kernel is None:
        raise RuntimeError("the compiled population kernel needs numba, which is not installed")
    prepared = kernel.prepare(model, horizons, w, alike, blocks) if kernel is not None else None
    reduce_chunk = kernel.reduce_chunk if kernel is not None else None
    if lanes is not None and kernel is not None:
        from muniplan.demography import lanes as abreast

        if lanes not in ("float32", "float64"):
            raise ValueError(f"lanes must be 'float32' or 'float64', got {lanes!r}")
        prepared = abreast.prepare(prepared, double=lanes == "float64")
        reduce_chunk = abreast.reduce_chunk

    def run(chunk: slice) -> None:
        if reduce_chunk is not None:
            reduce_chunk(prepared, paths.k_shock[chunk], paths.fertility[chunk],
                                paths.migration[chunk], out[chunk], offset)
            return
        _project_chunk(model, horizons, paths.k_shock[chunk], paths.fertility[chunk],
                       paths.migration[chunk],
                       _Reduced(out[chunk], steps, offset, alike, parts), {})

    chunks = [slice(i, min(i + CHUNK, draws)) for i in range(0, draws, CHUNK)]
    if len(chunks) == 1 or THREADS == 1:
        for chunk in chunks:
            run(chunk)
    else:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(run, chunks))
    return out


def service_users(sums: np.ndarray, groups: int, services: int,
                  factors: np.ndarray | None) -> np.ndarray:
    """Each service's users ``(draw, service, year)`` from sums laid out as
    ``sums[draw, year, groups + group · services + service]`` (each service's weights split
    by age group, after the ``groups`` group totals), each group's part times its factor
    ``factors[draw, year, group]`` (None: 1), added group by group in order.

    One pass over the sums in the kernel; the numpy fallback takes three (scale, sum,
    lay out) and gives the same numbers."""
    draws, years = sums.shape[0], sums.shape[1]
    kernel = _kernel()
    if kernel is not None:
        out = np.empty((draws, services, years))
        f = np.ones((draws, years, groups)) if factors is None else factors
        kernel.service_users(sums, groups, services, np.ascontiguousarray(f), out)
        return out
    parts = sums[:, :, groups:].reshape(draws, years, groups, services)
    if factors is not None:
        parts = parts * factors[..., None]
    return np.ascontiguousarray(parts.sum(axis=2).transpose(0, 2, 1))


def _kernel():
    """The compiled kernel's module, imported on first use (numba takes a while to import,
    and commands that run no Monte Carlo should not pay for it); None without numba."""
    try:
        from muniplan.demography import kernel
    except ImportError:
        return None
    return kernel


class _Reduced:
    """Stands in for a chunk's ``[draw, year, sex, age]`` array in the cohort loop: each
    year's state is reduced to its weighted sums the moment it is written, while it is in
    the cache, and never stored (the loop only writes to it)."""

    def __init__(self, out: np.ndarray, steps: int, offset: int, alike: bool,
                 parts: list[tuple[slice, np.ndarray, np.ndarray]]) -> None:
        self.out, self.offset, self.alike, self.parts = out, offset, alike, parts
        self.shape = (out.shape[0], steps + 1, 2, N_AGES)

    def __setitem__(self, key: tuple[slice, int], state: np.ndarray) -> None:
        year = key[1] - self.offset
        if year < 0:
            return
        n = state.shape[0]
        x = state[:, 0] + state[:, 1] if self.alike else state.reshape(n, 2 * N_AGES)
        o = self.out[:, year]
        for rows, cols, w in self.parts:
            o[:, cols] = x[:, rows] @ w


def _blocks(w: np.ndarray) -> tuple[bool, list[tuple[slice, np.ndarray]]]:
    """How to take ``population @ w`` with few flops: whether the weights are the same for
    both sexes (then the sexes are summed first and the products run over ages only), and
    the blocks of columns whose nonzero rows overlap, each with the rows they span.

    The Monte Carlo's weights are an age group's indicator and each service's coverage
    within that group: five blocks of a few dozen ages instead of one product over all
    212 rows and every column — a tenth of the work, the same sums (skipped terms are 0).
    """
    alike = bool(np.array_equal(w[:N_AGES], w[N_AGES:]))
    v = w[:N_AGES] if alike else w
    nonzero = v != 0
    spans = []
    for k in range(v.shape[1]):
        rows = np.flatnonzero(nonzero[:, k])
        if rows.size:
            spans.append((int(rows[0]), int(rows[-1]), k))
    spans.sort()
    blocks: list[tuple[int, int, list[int]]] = []
    for lo, hi, k in spans:
        if blocks and lo <= blocks[-1][1]:
            blo, bhi, cols = blocks[-1]
            blocks[-1] = (blo, max(bhi, hi), [*cols, k])
        else:
            blocks.append((lo, hi, [k]))
    return alike, [(slice(lo, hi + 1), np.array(cols)) for lo, hi, cols in blocks]
