"""The pieces that make the Monte Carlo's population stage fast give the same numbers as the
plain arithmetic they replace: the kernel's vectorised exp against libm's, the kernel with
that exp against the kernel with ``math.exp``, and the calibration's quick ranking against
a stable sort, ties included."""

from __future__ import annotations

import math

import numpy as np
import pytest

from muniplan.demography import estimate
from muniplan.demography.calibration import _order
from muniplan.demography.fused import _blocks
from muniplan.demography.uncertainty import draw_paths
from muniplan.engine.demand import MIGRATION_WINDOW, N_AGES
from muniplan.engine.montecarlo import population_calibration

kernel = pytest.importorskip("muniplan.demography.kernel")


def test_the_vectorised_exp_is_within_one_ulp_of_libm() -> None:
    rng = np.random.default_rng(1)
    for t in (rng.uniform(-700.0, 700.0, 200_000), rng.uniform(-1.0, 1.0, 200_000),
              np.array([0.0, -0.0, 1e-300, -1e-300, 0.5 * np.log(2), 700.0, -700.0])):
        got = np.empty(t.size)
        kernel._exp_into(1.0, t, np.ones(t.size), got)
        want = np.exp(t)
        assert np.all(np.abs(got - want) <= np.spacing(want)), t[np.argmax(np.abs(got - want))]
    assert got[0] == 1.0  # exp(0) exactly: zero spread gives the central run


def _ulps(got: np.ndarray, t: np.ndarray) -> float:
    """The largest error of ``got`` against ``math.exp`` (correctly rounded but for rare
    cases, so an error of 1 ulp is the most a faithful exp may show), in units of the last
    place."""
    want = np.array([math.exp(v) for v in t])
    return float(np.max(np.abs(got - want) / np.spacing(want)))


def test_the_polynomial_exp_is_within_one_ulp_of_libm_over_its_whole_range() -> None:
    """A dense grid and random arguments over ``|t| ≤ 700`` (every reduced argument ``r``
    and every scale ``2**n``), and a dense grid over the reduced range itself, where the
    polynomial alone is the result."""
    rng = np.random.default_rng(5)
    reduced = np.linspace(-0.3466, 0.3466, 300_001)
    for t in (np.linspace(-700.0, 700.0, 600_001), rng.uniform(-700.0, 700.0, 300_000),
              rng.uniform(-2.0, 2.0, 300_000), reduced,
              (reduced[:, None] + np.log(2) * np.arange(-8, 9)).ravel()[::7]):
        got = np.empty(t.size)
        kernel._exp_into(1.0, t, np.ones(t.size), got)
        assert _ulps(got, t) <= 1.0
    small = np.linspace(-kernel._SMALL, kernel._SMALL, 200_001)
    trend = np.random.default_rng(6).uniform(1e-4, 1.0, small.size)
    full, alone = np.empty(small.size), np.empty(small.size)
    kernel._exp_into(1.0, small, trend, full)
    kernel._exp_small(1.0, small, trend, alone)
    np.testing.assert_array_equal(alone, full)  # the short path: the same bits
    kernel._exp_small(1.0, small, np.ones(small.size), alone)
    assert _ulps(alone, small) <= 1.0


def test_the_kernel_with_its_exp_equals_the_kernel_with_libm(baerum) -> None:
    model = estimate(baerum.population, base_year=baerum.base_year, window=MIGRATION_WINDOW)
    steps = 2040 - model.base_year
    horizons = np.maximum(model.base_year + np.arange(steps) - model.mortality.jump_year, 0)
    paths = draw_paths(model.uncertainty, steps, 64, horizons, 3)
    w = np.random.default_rng(4).random((2 * N_AGES, 6))
    alike, blocks = _blocks(w)
    p = kernel.prepare(model, horizons, w, alike, blocks)
    short = np.abs(paths.k_shock) * p.b_max <= kernel._SMALL
    assert short.any() and not short.all()  # both of the polynomial's paths are compared
    outs = []
    for polynomial in (True, False):
        out = np.zeros((64, steps + 1, w.shape[1]))
        kernel._reduce(p.base, p.b, p.trend, paths.k_shock, paths.fertility, paths.migration,
                       p.profile, p.net, p.half_asfr, p.lo, p.share, p.log_level, p.alike,
                       p.blocks, p.packed, p.columns, 0, polynomial, out)
        outs.append(out)
    np.testing.assert_allclose(outs[0], outs[1], rtol=1e-13)
    assert not np.array_equal(outs[0][:, 1:], 0.0)


def _stable_order(rows: np.ndarray) -> np.ndarray:
    return np.argsort(rows, axis=-1, kind="stable")


def test_the_quick_ranking_is_the_stable_one_with_ties_and_without() -> None:
    rng = np.random.default_rng(2)
    rows = rng.normal(size=(6, 500))
    rows[1] = np.round(rows[1])  # many ties
    rows[2] = 0.0  # all tied: the draws keep their order
    rows[3, ::7] = np.nan
    np.testing.assert_array_equal(_order(rows), _stable_order(rows))


@pytest.mark.parametrize("draws", [400, 12_000])  # one thread; years on the thread pool
def test_the_calibration_factors_equal_the_per_year_stable_ranking(draws) -> None:
    """The factors reproduce the documented method computed the plain way: each year and
    group ranked by a stable sort, moved to the quantile of its rank, then the total."""
    cal = population_calibration()
    rng = np.random.default_rng(3)
    years = 6
    values = rng.uniform(100.0, 900.0, (draws, years, 5))
    values[:, :, 0] = np.round(values[:, :, 0], -2)  # ties in one group
    central = values.mean(axis=0)
    horizons = np.arange(years)
    got = cal.factors(values, central, horizons, 2)
    u = (np.arange(draws) + 0.5) / draws
    want = np.ones(values.shape)
    for j in range(1, years):
        q = cal.quantiles(2, j)

        def target(v, c, qg):
            ranks = np.empty(draws, dtype=np.int64)
            ranks[np.argsort(v, kind="stable")] = np.arange(draws)
            return np.maximum((c + 0.5) * np.exp(np.interp(u[ranks], cal.probs, qg)) - 0.5, 0)

        for g in range(5):
            want[:, j, g] = target(values[:, j, g], central[j, g], q[g]) / values[:, j, g]
        moved = (values[:, j] * want[:, j]).sum(axis=1)
        want[:, j] *= (target(moved, central[j].sum(), q[-1]) / moved)[:, None]
    np.testing.assert_array_equal(got, want)


def test_service_users_in_the_kernel_equal_the_numpy_fallback(monkeypatch) -> None:
    from muniplan.demography import fused

    rng = np.random.default_rng(5)
    groups, services = 5, 7
    sums = rng.random((30, 9, groups + groups * services))
    factors = rng.uniform(0.8, 1.2, (30, 9, groups))
    fast = [fused.service_users(sums, groups, services, f) for f in (factors, None)]
    monkeypatch.setattr(fused, "_kernel", lambda: None)
    slow = [fused.service_users(sums, groups, services, f) for f in (factors, None)]
    for a, b in zip(fast, slow, strict=True):
        assert a.shape == (30, services, 9)
        np.testing.assert_array_equal(a, b)
    by_hand = sum(sums[:, :, groups + g * services:groups + (g + 1) * services]
                  * factors[:, :, g:g + 1] for g in range(groups))
    np.testing.assert_array_equal(fast[0], by_hand.transpose(0, 2, 1))


def test_a_chunk_with_shocks_beyond_the_polynomial_range_takes_libm(baerum, monkeypatch) -> None:
    """The kernel checks each chunk's largest ``|k·b|`` against the range its own exp
    takes; beyond it (here: the range set to zero) the chunk runs on ``math.exp`` and still
    gives the numpy loop's sums."""
    from muniplan.demography.fused import project_weighted

    model = estimate(baerum.population, base_year=baerum.base_year, window=MIGRATION_WINDOW)
    w = np.random.default_rng(6).random((2 * N_AGES, 3))
    args = dict(first_year=model.base_year + 1, draws=20, seed=7)
    reference = project_weighted(model, 2030, w, compiled=False, **args)
    chosen = []
    real = kernel._reduce

    def spy(*a):
        chosen.append(a[-2])
        return real(*a)

    monkeypatch.setattr(kernel, "_reduce", spy)
    fast = project_weighted(model, 2030, w, compiled=True, **args)
    monkeypatch.setattr(kernel, "_EXP_RANGE", 0.0)
    libm = project_weighted(model, 2030, w, compiled=True, **args)
    assert chosen == [True, False]
    np.testing.assert_allclose(fast, reference, rtol=1e-12)
    np.testing.assert_allclose(libm, reference, rtol=1e-12)


@pytest.mark.parametrize(("lang", "words"), [
    ("nb", ("Monte Carlo-kjøringen trenger mer minne enn tillatt", "høyst 12633 trekk over 83 år",
            "'100000 trekk × 83 år ≈ 15.8 GB'")),
    ("en", ("needs more memory than allowed", "at most 12633 draws over 83 years",
            "'100000 draws × 83 years ≈ 15.8 GB'")),
])
def test_the_memory_bound_is_refused_in_the_readers_language(capsys, monkeypatch, lang,
                                                             words) -> None:
    from muniplan.cli import main

    monkeypatch.setenv("MUNIPLAN_MEMORY_LIMIT_MB", "2048")
    with pytest.raises(SystemExit) as exit_:
        main(["--lang", lang, "project", "--draws", "100000", "--seed", "1", "--to", "2100"])
    assert exit_.value.code == 2
    err = capsys.readouterr().err
    assert all(w in err for w in words), err
    assert "Traceback" not in err
