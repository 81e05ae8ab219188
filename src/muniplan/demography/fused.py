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
                     seed: int | np.random.SeedSequence | None) -> np.ndarray:
    """``population[:, first_year..to_year] @ weights`` per draw: ``(draw, year, K)``.

    ``weights`` is ``(2 · N_AGES, K)`` on the joined sex·age axis (female ages first), as
    float64; the result is float64.
    """
    base = model.base_year
    steps = int(to_year) - base
    if steps < 0 or not base <= first_year <= to_year:
        raise ValueError(f"years {first_year}–{to_year} are not within the projection "
                         f"from {base}")
    w = np.ascontiguousarray(weights, dtype=np.float64)
    if w.shape[0] != 2 * N_AGES:
        raise ValueError(f"weights must have {2 * N_AGES} rows, got {w.shape[0]}")
    rate_years = base + np.arange(steps)
    horizons = np.maximum(rate_years - model.mortality.jump_year, 0)
    paths = draw_paths(model.uncertainty, steps, draws, horizons, seed)
    offset = first_year - base
    years = steps + 1 - offset
    out = np.empty((draws, years, w.shape[1]))

    def run(chunk: slice) -> None:
        n = chunk.stop - chunk.start
        pop = np.empty((n, steps + 1, 2, N_AGES))
        _project_chunk(model, horizons, paths.k_shock[chunk], paths.fertility[chunk],
                       paths.migration[chunk], pop, {})
        kept = pop[:, offset:].reshape(n * years, 2 * N_AGES)
        np.matmul(kept, w, out=out[chunk].reshape(n * years, w.shape[1]))

    chunks = [slice(i, min(i + CHUNK, draws)) for i in range(0, draws, CHUNK)]
    if len(chunks) == 1 or THREADS == 1:
        for chunk in chunks:
            run(chunk)
    else:
        with ThreadPoolExecutor(max_workers=THREADS) as pool:
            list(pool.map(run, chunks))
    return out
