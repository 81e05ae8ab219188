"""Stochastic paths for the three demographic drivers, and how their spreads are estimated.

Why: a single projection hides how little a municipality's future population is known. Three
things drive most of the uncertainty, and each is given a random path with persistence:

* the **fertility level** (log of the municipality's births relative to the base-year
  schedule): AR(1) around the estimated level, plus a per-draw shift for the uncertainty of
  that level itself;
* the **mortality index** ``k`` (Lee-Carter): a random walk with drift, plus a per-draw
  drift error (the standard error of the estimated drift);
* the **net-migration level** (persons a year, spread over age and sex by an age profile):
  AR(1) around the mean, plus a per-draw level shift.

The parameters come from the historical year-to-year series by :func:`fit_ar1` (persistence
``rho`` and innovation sd) and :func:`fit_random_walk` (drift and its sd). ``docs/population.md``
states the estimators. Random numbers come from ``numpy.random.SeedSequence``: the seed is
split into one independent stream per driver, so the same seed gives bit-identical output,
and a run with every spread set to zero equals the deterministic run bit for bit (the noise
is then exactly zero and goes through the same arithmetic).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

DEFAULT_RHO = 0.5
"""Persistence used when a series is too short (fewer than 5 values) to estimate its own."""

MAX_RHO = 0.9


@dataclass(frozen=True)
class AR1:
    """``x_t = rho x_{t-1} + sd e_t`` around a level, and a per-draw level shift ``level_sd``."""

    rho: float = 0.0
    sd: float = 0.0
    level_sd: float = 0.0
    df: int = 0
    """Degrees of freedom of the sd estimate (n - 1); 0: the spreads are taken as known."""

    def scaled(self, factor: float) -> AR1:
        return AR1(self.rho, self.sd * factor, self.level_sd * factor, self.df)


@dataclass(frozen=True)
class Uncertainty:
    """Spreads of the three drivers (all zero: the deterministic projection).

    ``mortality_sd`` and ``mortality_drift_sd`` are per sex (female, male) in units of the
    Lee-Carter index ``k``; the mortality shocks are common to both sexes (coherent).
    """

    fertility: AR1 = AR1()
    migration: AR1 = AR1()
    mortality_sd: tuple[float, float] = (0.0, 0.0)
    mortality_drift_sd: tuple[float, float] = (0.0, 0.0)
    mortality_df: int = 0

    def scaled(self, factor: float) -> Uncertainty:
        """All spreads multiplied by ``factor`` (0 gives the deterministic model)."""
        return Uncertainty(
            fertility=self.fertility.scaled(factor),
            migration=self.migration.scaled(factor),
            mortality_sd=(self.mortality_sd[0] * factor, self.mortality_sd[1] * factor),
            mortality_drift_sd=(self.mortality_drift_sd[0] * factor,
                                self.mortality_drift_sd[1] * factor),
            mortality_df=self.mortality_df,
        )


def fit_ar1(series: np.ndarray) -> AR1:
    """AR(1) persistence and spreads from a short yearly series.

    ``e_t = x_t - mean(x)``; ``rho`` = lag-1 autocorrelation ``sum e_t e_{t-1} / sum e_t^2``
    clipped to [0, 0.9] (:data:`DEFAULT_RHO` with fewer than 5 values); the stationary sd is
    the sample sd of ``e`` (n - 1), the innovation sd ``sd * sqrt(1 - rho^2)``; the level's own
    uncertainty is the standard error of the mean, inflated for autocorrelation:
    ``sd / sqrt(n) * sqrt((1 + rho) / (1 - rho))``. Fewer than 2 values: no spread.
    """
    x = np.asarray(series, dtype=np.float64)
    n = x.size
    if n < 2:
        return AR1()
    e = x - x.mean()
    sd = float(np.sqrt((e @ e) / (n - 1)))
    if n >= 5 and e @ e > 0:
        rho = float(np.clip((e[1:] @ e[:-1]) / (e @ e), 0.0, MAX_RHO))
    else:
        rho = DEFAULT_RHO
    innovation = sd * float(np.sqrt(1.0 - rho * rho))
    level_sd = sd / float(np.sqrt(n)) * float(np.sqrt((1.0 + rho) / (1.0 - rho)))
    return AR1(rho=rho, sd=innovation, level_sd=level_sd, df=n - 1)


def sd_factor(g: np.random.Generator | None, df: int, draws: int) -> np.ndarray:
    """Per-draw multipliers of an estimated sd: ``sqrt(df / chi2_df)``, capped at 10.

    A spread estimated from ``n`` values is itself uncertain; drawing it from its scaled
    inverse-chi-square distribution turns a normal shock into Student's t with ``df = n - 1``
    degrees of freedom, the honest predictive spread for short series. ``df = 0`` or no
    generator: exactly 1.
    """
    if g is None or df <= 0:
        return np.ones(draws)
    return np.minimum(np.sqrt(df / g.chisquare(df, draws)), 10.0)


def fit_random_walk(k: np.ndarray) -> tuple[float, float, float]:
    """``(drift, sd, drift_sd)`` of a random walk with drift from its yearly values ``k``.

    ``drift = (k_last - k_first) / (n - 1)``, ``sd`` the sample sd of the differences around
    the drift, ``drift_sd = sd / sqrt(n - 1)``.
    """
    k = np.asarray(k, dtype=np.float64)
    if k.size < 2:
        return 0.0, 0.0, 0.0
    d = np.diff(k)
    drift = float(d.mean())
    sd = float(np.sqrt(((d - drift) ** 2).sum() / (d.size - 1))) if d.size > 1 else 0.0
    return drift, sd, sd / float(np.sqrt(d.size))


@dataclass(frozen=True)
class Paths:
    """Per draw and projection step ``j`` (from year ``base + j`` to ``base + j + 1``):

    ``k_shock[d, j]`` standardised mortality shock, cumulated (random-walk part, in sd units)
    plus the drift error times the horizon; ``fertility[d, j]`` the deviation of the log
    fertility level; ``migration[d, j]`` the deviation of the net-migration level (persons).
    ``k_shock`` is per sex: ``[d, j, sex]``, already multiplied by that sex's spreads.
    """

    k_shock: np.ndarray
    fertility: np.ndarray
    migration: np.ndarray


def _ar1_path(z: np.ndarray, z_level: np.ndarray, factor: np.ndarray, p: AR1) -> np.ndarray:
    out = np.empty_like(z)
    u = np.zeros(z.shape[0])
    sd = p.sd * factor
    for j in range(z.shape[1]):
        u = p.rho * u + sd * z[:, j]
        out[:, j] = u
    out += (p.level_sd * factor * z_level)[:, None]
    return out


def draw_paths(u: Uncertainty, steps: int, draws: int, horizons: np.ndarray,
               seed: int | np.random.SeedSequence | None) -> Paths:
    """Random paths for ``draws`` draws and ``steps`` steps; ``seed=None`` gives zero noise.

    ``horizons[j]`` is the number of years from the mortality jump-off year to the rate year
    of step ``j`` (>= 0); the random walk is cumulated over those years.
    """
    horizons = np.asarray(horizons, dtype=np.int64)
    h_max = int(horizons.max()) if horizons.size else 0
    if seed is None:
        g_mort = g_fert = g_mig = None
        z_k = np.zeros((draws, max(h_max, 1)))
        z_kd = np.zeros(draws)
        z_f = np.zeros((draws, steps))
        z_fl = np.zeros(draws)
        z_m = np.zeros((draws, steps))
        z_ml = np.zeros(draws)
    else:
        ss = seed if isinstance(seed, np.random.SeedSequence) else np.random.SeedSequence(seed)
        g_mort, g_fert, g_mig = (np.random.Generator(np.random.PCG64(s)) for s in ss.spawn(3))
        z_k = g_mort.standard_normal((draws, max(h_max, 1)))
        z_kd = g_mort.standard_normal(draws)
        z_f = g_fert.standard_normal((draws, steps))
        z_fl = g_fert.standard_normal(draws)
        z_m = g_mig.standard_normal((draws, steps))
        z_ml = g_mig.standard_normal(draws)
    f_mort = sd_factor(g_mort, u.mortality_df, draws)
    f_fert = sd_factor(g_fert, u.fertility.df, draws)
    f_mig = sd_factor(g_mig, u.migration.df, draws)
    walk = np.concatenate([np.zeros((draws, 1)), np.cumsum(z_k, axis=1)], axis=1)
    walk = walk[:, horizons]                                       # (draws, steps)
    sd = np.asarray(u.mortality_sd, dtype=np.float64)
    drift_sd = np.asarray(u.mortality_drift_sd, dtype=np.float64)
    drift_error = z_kd[:, None] * horizons[None, :]                # (draws, steps)
    k_shock = np.empty((draws, steps, 2))
    for s in range(2):  # one sex a pass: numpy is slow on a last axis of two
        k_shock[:, :, s] = (walk * sd[s] + drift_error * drift_sd[s]) * f_mort[:, None]
    return Paths(
        k_shock=k_shock,
        fertility=_ar1_path(z_f, z_fl, f_fert, u.fertility),
        migration=_ar1_path(z_m, z_ml, f_mig, u.migration),
    )
