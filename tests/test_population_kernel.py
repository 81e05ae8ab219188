"""The compiled population kernel gives the numpy loop's sums: on the Bærum example (age
groups and services, the sexes summed first), on weights that differ by sex, from the base
year or a later one, with zero spreads and at the edges (no fertility, outflows larger than
an age). The numpy loop is the reference; the two agree to rounding, not just roughly."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest

from muniplan.demography import estimate
from muniplan.demography.fused import project_weighted
from muniplan.engine.demand import MIGRATION_WINDOW, N_AGES

pytest.importorskip("numba")


@pytest.fixture(scope="module")
def model(baerum):
    return estimate(baerum.population, base_year=baerum.base_year, window=MIGRATION_WINDOW)


def _both(model, weights, *, first_year, to_year=2041, draws=300, seed=11):
    args = dict(first_year=first_year, draws=draws, seed=seed)
    fast = project_weighted(model, to_year, weights, compiled=True, **args)
    reference = project_weighted(model, to_year, weights, compiled=False, **args)
    return fast, reference


def _weights(rng: np.random.Generator, alike: bool) -> np.ndarray:
    spans = [(0, 5), (6, 15), (16, 66), (67, 79), (80, 105)]
    ages = np.zeros((N_AGES, 2 * len(spans) + 1))
    for g, (lo, hi) in enumerate(spans):
        ages[lo:hi + 1, g] = 1.0
        ages[lo:hi + 1, len(spans) + g] = rng.random(hi - lo + 1)
    w = np.concatenate([ages, ages])
    if not alike:
        w[N_AGES:] *= rng.random(w[N_AGES:].shape)
    return w  # the last column is zero throughout


@pytest.mark.parametrize("alike", [True, False])
def test_kernel_equals_the_numpy_loop(model, baerum, alike) -> None:
    w = _weights(np.random.default_rng(5), alike)
    fast, reference = _both(model, w, first_year=baerum.base_year + 1)
    assert fast.shape == reference.shape == (300, 2041 - baerum.base_year, w.shape[1])
    np.testing.assert_allclose(fast, reference, rtol=1e-12, atol=1e-9)
    assert not fast[:, :, -1].any()


def test_kernel_from_the_base_year_and_without_spread(model, baerum) -> None:
    w = _weights(np.random.default_rng(6), True)
    fast, reference = _both(model, w, first_year=baerum.base_year, draws=3, seed=None)
    np.testing.assert_allclose(fast, reference, rtol=1e-12, atol=1e-9)
    assert np.array_equal(fast[0], fast[2])  # no spread: every draw the central run
    base = model.base_population.reshape(-1) @ w
    np.testing.assert_allclose(fast[0, 0], base, rtol=1e-14)


def test_kernel_at_the_edges(model, baerum) -> None:
    """No births at all, and an outflow larger than every age: the population is cut at
    zero in both paths, the same way."""
    rng = np.random.default_rng(8)
    edge = replace(model,
                   fertility=replace(model.fertility, level=0.0),
                   migration=replace(model.migration, net=model.migration.net - 5000.0))
    w = _weights(rng, False)
    fast, reference = _both(edge, w, first_year=baerum.base_year + 1, to_year=2025, draws=40)
    np.testing.assert_allclose(fast, reference, rtol=1e-12, atol=1e-9)
    assert fast[:, -1, 0] == pytest.approx(0.0)  # nobody left aged 0-5


def test_small_random_models(model) -> None:
    """Random rates and populations of a different scale than Bærum's."""
    rng = np.random.default_rng(9)
    for _ in range(3):
        mort = replace(model.mortality,
                       mx_jump=model.mortality.mx_jump * rng.uniform(0.5, 2.0, (2, N_AGES)),
                       drift=rng.normal(-1.0, 0.5, 2))
        small = replace(model, mortality=mort,
                        base_population=model.base_population * rng.uniform(0.001, 0.1),
                        migration=replace(model.migration,
                                          net=model.migration.net * rng.uniform(-0.1, 0.1)))
        w = rng.random((2 * N_AGES, 4))
        fast, reference = _both(small, w, first_year=model.base_year + 2, to_year=2030,
                                draws=17, seed=int(rng.integers(1 << 30)))
        np.testing.assert_allclose(fast, reference, rtol=1e-12, atol=1e-9)
