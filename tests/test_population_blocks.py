"""The fused population stage multiplies only the nonzero blocks of its weights (and sums
the sexes first when both have the same weights): the sums are those of the full product."""

from __future__ import annotations

import numpy as np

from muniplan.demography import estimate, project_population
from muniplan.demography.fused import _blocks, project_weighted
from muniplan.engine.demand import MIGRATION_WINDOW, N_AGES


def _group_weights(rng: np.random.Generator) -> np.ndarray:
    """Age groups and a service's coverage within each, the same for both sexes."""
    spans = [(0, 5), (6, 15), (16, 66), (67, 79), (80, 105)]
    ages = np.zeros((N_AGES, 2 * len(spans)))
    for g, (lo, hi) in enumerate(spans):
        ages[lo:hi + 1, g] = 1.0
        ages[lo + 1:hi + 1, len(spans) + g] = rng.random(hi - lo)
    return np.concatenate([ages, ages])


def test_blocks_follow_the_age_groups() -> None:
    alike, blocks = _blocks(_group_weights(np.random.default_rng(1)))
    assert alike
    assert [(b.start, b.stop) for b, _ in blocks] == [(0, 6), (6, 16), (16, 67), (67, 80),
                                                      (80, 106)]
    assert sorted(int(c) for _, cols in blocks for c in cols) == list(range(10))


def test_block_products_equal_the_full_product(baerum) -> None:
    model = estimate(baerum.population, base_year=baerum.base_year, window=MIGRATION_WINDOW)
    weights = _group_weights(np.random.default_rng(2))
    weights[:, 3] = 0.0  # a column with no weight at all
    full = project_population(model, to_year=2030, draws=300, seed=7).population
    expected = full[:, 1:].reshape(300, -1, 2 * N_AGES) @ weights
    got = project_weighted(model, 2030, weights, first_year=baerum.base_year + 1, draws=300,
                           seed=7)
    np.testing.assert_allclose(got, expected, rtol=1e-12, atol=1e-9)
    assert not got[:, :, 3].any()
