"""Estimating the demographic model from history, using nothing after the base year.

Why here and not in the projection: estimation is where the judgement lies (which years, how
much smoothing, which trend), and it runs once; the projection then only applies rates.

Timing convention. ``P_t`` is the population on 1 January of year ``t``; the step from ``t``
to ``t + 1`` uses the rates of calendar year ``t``. Calibrating at base year ``B`` uses
population years ``<= B`` and rate years ``<= B`` only: :func:`estimate` cuts the data at
``B`` before it looks at anything, so later rows cannot leak in.

* **Mortality** (national rates standing in for the municipality's): a Lee-Carter model
  ``log m(t, x) = a_x + b_x k_t`` per sex over the mortality window, fitted by a rank-1 SVD
  of the centred log rates (cells with no deaths count as the age's mean); ``k`` runs on as a
  random walk with drift. The jump-off rates are the mean of the last three years' rates,
  each moved along the trend to the jump-off year (averaging rates, not logs, so ages with
  zero deaths in a year do no harm).
* **Fertility**: the latest national age schedule times the municipality's relative level
  ``phi``: the children aged 0 on 1 January of ``t + 1`` divided by the births the national
  rates of year ``t`` would give its women (exposure: mean of the women of that age on 1
  January of ``t`` and ``t + 1``), survived to age 0 (``L_0 / l_0``). ``phi`` is the mean over
  the window. It also absorbs the net migration of infants born in the year.
* **Sex ratio at birth**: the male share of age 0 over all population years ``<= B``.
* **Net migration** by the residual method: ``M_t(x + 1) = P_{t+1}(x + 1) - S_x(t) P_t(x)``
  (the open age from ages 104 and 105+). Residuals are averaged over the window and smoothed
  over age by spreading each age's count over its neighbours with triangular weights, which
  keeps every sex's total exactly. The residual also absorbs the municipality's mortality
  difference from the nation, so the two stay consistent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import lru_cache
from typing import Protocol

import numpy as np

from muniplan.demography.lifetable import N_AGES, survival
from muniplan.demography.uncertainty import AR1, Uncertainty, fit_ar1, fit_random_walk
from muniplan.plan.errors import PlanError

JUMP_OFF_YEARS = 3


class PopulationHistory(Protocol):
    """What estimation reads (``muniplan.plan.population.PopulationData`` has it)."""

    pop_years: np.ndarray
    population: np.ndarray
    mortality_years: np.ndarray
    mx: np.ndarray
    fertility_years: np.ndarray
    asfr: np.ndarray


@dataclass(frozen=True, eq=False)
class MortalityModel:
    """``m(t) = mx_jump * exp(b * (k_t - k_jump))``, ``k_t - k_jump = drift * (t - jump_year)``."""

    jump_year: int
    mx_jump: np.ndarray          # (sex, age)
    b: np.ndarray                # (sex, age), sums to 1 per sex
    drift: np.ndarray            # (sex,) change of k per year
    k: np.ndarray                # (sex, year) fitted index over the window
    years: np.ndarray            # the window


@dataclass(frozen=True, eq=False)
class FertilityModel:
    """Births in a year = ``level * sum_x asfr[x] * women[x]`` (exposure, mean of the year)."""

    asfr: np.ndarray             # (age,) national schedule of the latest year <= base
    asfr_year: int
    level: float                 # phi, relative to the national schedule of each year
    years: np.ndarray            # transition start years used for the level
    series: np.ndarray           # phi_t over those years
    male_share: float            # male share of births


@dataclass(frozen=True, eq=False)
class MigrationModel:
    """Net migration a year = ``net + level_deviation * profile`` (persons, by sex and age)."""

    net: np.ndarray              # (sex, age) mean over the window, smoothed
    profile: np.ndarray          # (sex, age) sums to 1: where a level change lands
    years: np.ndarray            # transition start years of the window
    totals: np.ndarray           # total net migration in every transition <= base


@dataclass(frozen=True, eq=False)
class DemographicModel:
    """Everything a projection needs, estimated at ``base_year``; see :func:`estimate`."""

    base_year: int
    base_population: np.ndarray  # (sex, age) on 1 January of the base year
    mortality: MortalityModel
    fertility: FertilityModel
    migration: MigrationModel
    uncertainty: Uncertainty = field(default_factory=Uncertainty)
    settings: dict[str, object] = field(default_factory=dict)

    def with_uncertainty(self, uncertainty: Uncertainty) -> DemographicModel:
        return DemographicModel(self.base_year, self.base_population, self.mortality,
                                self.fertility, self.migration, uncertainty, dict(self.settings))


def _cut(data: PopulationHistory, base_year: int) -> tuple[np.ndarray, ...]:
    p = data.pop_years <= base_year
    m = data.mortality_years <= base_year
    f = data.fertility_years <= base_year
    return (np.asarray(data.pop_years[p]), np.asarray(data.population[p], dtype=np.float64),
            np.asarray(data.mortality_years[m]), np.asarray(data.mx[m], dtype=np.float64),
            np.asarray(data.fertility_years[f]), np.asarray(data.asfr[f], dtype=np.float64))


def lee_carter(mx: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """``(a, b, k)`` for one sex: ``mx[year, age]``; ``b`` sums to 1, ``k`` in log-rate units.

    ``a_x`` is the log of the mean rate over the years; zero cells are set to ``a_x`` before
    the rank-1 SVD of the centred matrix. Ages whose ``b`` comes out negative (noise at
    ages with few deaths) are set to no trend.
    """
    mean = mx.mean(axis=0)
    a = np.log(np.maximum(mean, 1e-12))
    with np.errstate(divide="ignore"):
        z = np.where(mx > 0, np.log(np.where(mx > 0, mx, 1.0)) - a, 0.0)
    if mx.shape[0] < 2 or not np.any(z):
        return a, np.zeros_like(a), np.zeros(mx.shape[0])
    u, s, vt = np.linalg.svd(z, full_matrices=False)
    b = vt[0]
    k = u[:, 0] * s[0]
    if b.sum() < 0:
        b, k = -b, -k
    b = np.maximum(b, 0.0)
    total = b.sum()
    b = b / total
    k = k * total
    return a, b, k


def estimate_mortality(years: np.ndarray, mx: np.ndarray, window: int | None,
                       trend: bool = True) -> tuple[MortalityModel, tuple[float, float],
                                                     tuple[float, float]]:
    """Lee-Carter per sex over the last ``window`` rate years (all if None)."""
    if years.size == 0:
        raise PlanError("no mortality rates up to the base year", field="mortality")
    if window is not None:
        keep = years > years[-1] - window
        years, mx = years[keep], mx[keep]
    jump_year = int(years[-1])
    b = np.zeros((2, N_AGES))
    k = np.zeros((2, years.size))
    drift = np.zeros(2)
    sd = [0.0, 0.0]
    drift_sd = [0.0, 0.0]
    mx_jump = np.empty((2, N_AGES))
    last = min(JUMP_OFF_YEARS, years.size)
    for s in range(2):
        _, b[s], k[s] = lee_carter(mx[:, s, :])
        if trend:
            drift[s], sd[s], drift_sd[s] = fit_random_walk(k[s])
            # move each of the last years' rates to the jump-off year along the trend
            shift = k[s, -1] - k[s, -last:]
            mx_jump[s] = (mx[-last:, s, :] * np.exp(b[s] * shift[:, None])).mean(axis=0)
        else:
            mx_jump[s] = mx[-1, s, :]
    model = MortalityModel(jump_year=jump_year, mx_jump=mx_jump,
                           b=b if trend else np.zeros_like(b), drift=drift, k=k, years=years)
    return model, (sd[0], sd[1]), (drift_sd[0], drift_sd[1])


def spread_over_age(values: np.ndarray, half_width: int, first: int = 1,
                    last: int = N_AGES - 2) -> np.ndarray:
    """Spread each age's count in ``first..last`` over its neighbours, triangular weights.

    Every age ``x`` gives ``w_d / sum(w)`` of its value to age ``x + d`` (``|d| <= half_width``,
    only ages inside ``first..last``); ages outside keep theirs. Totals are kept exactly.
    """
    out = np.array(values, dtype=np.float64, copy=True)
    if half_width <= 0:
        return out
    out[..., first:last + 1] = values[..., first:last + 1] @ _spreading(half_width,
                                                                        last - first + 1)
    return out


@lru_cache(maxsize=8)
def _spreading(half_width: int, n: int) -> np.ndarray:
    """The (transposed) triangular spreading matrix of :func:`spread_over_age`, built once."""
    matrix = np.zeros((n, n))
    for i in range(n):
        for d in range(-half_width, half_width + 1):
            j = i + d
            if 0 <= j < n:
                matrix[j, i] = half_width + 1 - abs(d)
        matrix[:, i] /= matrix[:, i].sum()
    matrix = np.ascontiguousarray(matrix.T)
    matrix.setflags(write=False)
    return matrix


def transitions(pop_years: np.ndarray, population: np.ndarray, m_years: np.ndarray,
                mx: np.ndarray, f_years: np.ndarray, asfr: np.ndarray
                ) -> dict[str, np.ndarray]:
    """Per observed transition ``t -> t + 1``: residual migration, age-0 and expected births.

    Returns ``years`` (t), ``migration[t, sex, age]``, ``age0[t]`` (both sexes, 1 January
    t + 1), ``expected[t]`` (the births national rates of year t give its women),
    ``expected_fixed[t]`` (the same with the latest schedule held fixed) and
    ``s_birth[t, sex]`` (``L_0 / l_0``, survival of births to 1 January).
    """
    m_index = {int(y): i for i, y in enumerate(m_years)}
    f_index = {int(y): i for i, y in enumerate(f_years)}
    latest = asfr[-1]
    rows: dict[str, list] = {"years": [], "migration": [], "age0": [], "expected": [],
                             "expected_fixed": [], "women": [], "s_birth": []}
    for i in range(pop_years.size - 1):
        t = int(pop_years[i])
        if t not in m_index or t not in f_index:
            raise PlanError(f"no rates for {t}, needed to calibrate on {t} -> {t + 1}",
                            field="year", expected=f"mortality and fertility rates for {t}")
        p0, p1 = population[i], population[i + 1]
        s, s_birth = survival(mx[m_index[t]])
        surv = np.zeros_like(p0)
        surv[:, 1:105] = p0[:, :104] * s[:, :104]
        surv[:, 105] = (p0[:, 104] + p0[:, 105]) * s[:, 104]
        mig = p1 - surv
        mig[:, 0] = 0.0
        women = 0.5 * (p0[0] + p1[0])
        births = float(asfr[f_index[t]] @ women)
        rows["years"].append(t)
        rows["migration"].append(mig)
        rows["age0"].append(float(p1[:, 0].sum()))
        rows["women"].append(women)
        rows["expected"].append(births)
        rows["expected_fixed"].append(float(latest @ women))
        rows["s_birth"].append(s_birth)
    return {k: np.asarray(v, dtype=np.float64) for k, v in rows.items()}


def _fertility_level(age0: np.ndarray, expected: np.ndarray, window: int,
                     prior: float) -> float:
    """Mean of the yearly ratios, or with a prior the pooled ratio pulled towards 1."""
    if prior <= 0:
        return float((age0[-window:] / expected[-window:]).mean())
    return float((age0[-window:].sum() + prior) / (expected[-window:].sum() + prior))


def estimate(data: PopulationHistory, base_year: int, window: int = 5,
             mortality_window: int | None = None, smooth: int = 2,
             mortality_trend: bool = True, fertility_window: int | None = None,
             uncertainty: bool = True, recent_weight: bool = False,
             fertility_prior: float = 0.0) -> DemographicModel:
    """Estimate the model at ``base_year`` from ``data`` cut at the base year.

    ``window``: years of transitions for the migration mean and (unless
    ``fertility_window``) the fertility level (fewer if the history is shorter);
    ``mortality_window``: rate years for the Lee-Carter fit (None: all up to the base year);
    ``smooth``: half-width in years of the age smoothing of migration (0: none);
    ``mortality_trend``: False holds the last year's rates constant; ``uncertainty``: False
    gives a model with no spread; ``recent_weight``: the migration mean weights the window's
    years 1, 2, ..., n (the latest most) instead of equally; ``fertility_prior``: the level
    is ``(births + prior) / (national-rate births + prior)`` over the window, pulling a
    kommune with few births towards the national level (0: the mean of the yearly ratios).
    """
    pop_years, population, m_years, mx, f_years, asfr = _cut(data, base_year)
    if base_year not in set(pop_years.tolist()):
        raise PlanError("no population for the base year", field="year",
                        expected=str(base_year),
                        found=f"years {pop_years[0]}..{pop_years[-1]}" if pop_years.size
                        else "none")
    if pop_years.size < 2:
        raise PlanError("at least two years of population are needed to estimate migration",
                        field="year", expected=f"years before {base_year}",
                        found=str(base_year))
    if f_years.size == 0:
        raise PlanError("no fertility rates up to the base year", field="fertility")
    if window < 1:
        raise ValueError("window must be at least 1 year")

    mortality, k_sd, k_drift_sd = estimate_mortality(m_years, mx, mortality_window,
                                                     mortality_trend)
    base = population[-1]
    male_share = float(population[:, 1, 0].sum() / population[:, :, 0].sum())

    tr = transitions(pop_years, population, m_years, mx, f_years, asfr)
    s_birth = tr["s_birth"] @ np.array([1.0 - male_share, male_share])
    phi = tr["age0"] / (tr["expected"] * s_birth)
    # a year without a single birth (Utsira, about 200 inhabitants) would give log 0: half a
    # birth is counted instead, a continuity correction that only touches the spread
    fixed = np.log(np.maximum(tr["age0"], 0.5) / (tr["expected_fixed"] * s_birth))

    n = tr["years"].size
    w_mig = min(window, n)
    w_fert = min(fertility_window or window, n)
    weights = np.arange(1.0, w_mig + 1) if recent_weight else np.ones(w_mig)
    net = np.tensordot(weights / weights.sum(), tr["migration"][-w_mig:], axes=1)
    net = spread_over_age(net, smooth)
    totals = tr["migration"].sum(axis=(1, 2))
    spread = tr["migration"][-w_mig:].std(axis=0) if w_mig > 1 else np.abs(net)
    profile = spread_over_age(spread, max(smooth, 1))
    profile[:, 0] = 0.0
    profile = profile / profile.sum() if profile.sum() > 0 else profile

    fertility = FertilityModel(asfr=asfr[-1].copy(), asfr_year=int(f_years[-1]),
                               level=_fertility_level(tr["age0"], tr["expected"] * s_birth, w_fert,
                                                     fertility_prior),
                               years=tr["years"][-w_fert:],
                               series=phi, male_share=male_share)
    migration = MigrationModel(net=net, profile=profile, years=tr["years"][-w_mig:],
                               totals=totals)
    spreads = Uncertainty(
        fertility=fit_ar1(fixed),
        migration=fit_ar1(totals),
        mortality_sd=k_sd,
        mortality_drift_sd=k_drift_sd,
        mortality_df=max(int(mortality.years.size) - 2, 0),
    ) if uncertainty else Uncertainty()
    settings: dict[str, object] = {
        "window": window, "mortality_window": mortality_window, "smooth": smooth,
        "mortality_trend": mortality_trend, "fertility_window": fertility_window,
        "recent_weight": recent_weight, "fertility_prior": fertility_prior,
    }
    return DemographicModel(base_year=base_year, base_population=base, mortality=mortality,
                            fertility=fertility, migration=migration, uncertainty=spreads,
                            settings=settings)


__all__ = ["AR1", "DemographicModel", "FertilityModel", "MigrationModel", "MortalityModel",
           "PopulationHistory", "Uncertainty", "estimate", "lee_carter", "spread_over_age"]
