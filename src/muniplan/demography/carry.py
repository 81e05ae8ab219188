"""Reaching a base year later than the data: rates extended by their trend, the population
carried forward by the model.

Why: the statistics shipped with muniplan end in 2018, and a kommune starting a plan for 2026
still needs a population on 1 January 2026 and rates for every year before it (the model is
calibrated on the transitions up to the base year). Nothing here is observed; the caller must
say so wherever the figures are shown (``muniplan init`` writes it into the plan's
``SOURCES.md`` and ``population.yaml``, and ``validate`` repeats it as a warning).

* **Mortality** runs on along its own Lee–Carter trend, exactly as a projection from the last
  data year would: ``m(t) = m_jump · exp(b · drift · (t − jump_year))``
  (:func:`muniplan.demography.rates.estimate_mortality`).
* **Fertility** keeps the last observed age schedule, which is what the projection itself
  assumes (:class:`muniplan.demography.rates.FertilityModel`).
* **Population**: the deterministic cohort-component projection from the last population
  year, rounded to whole persons per sex and age (a population file holds counts).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from muniplan.demography import project_population
from muniplan.demography.rates import estimate, estimate_mortality


@dataclass(frozen=True, eq=False)
class History:
    """A population history with its rates, the shape :func:`estimate` reads."""

    pop_years: np.ndarray
    population: np.ndarray
    mortality_years: np.ndarray
    mx: np.ndarray
    fertility_years: np.ndarray
    asfr: np.ndarray


def extend_rates(m_years: np.ndarray, mx: np.ndarray, f_years: np.ndarray, asfr: np.ndarray,
                 to_year: int) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """Rates through ``to_year``: mortality along its trend, fertility held; observed years
    are returned unchanged."""
    model, _, _ = estimate_mortality(m_years, mx, window=None, trend=True)
    new_m = np.arange(int(m_years[-1]) + 1, to_year + 1)
    steps = (new_m - model.jump_year).astype(np.float64)
    extra_mx = model.mx_jump[None] * np.exp(
        model.b[None] * (model.drift[None, :, None] * steps[:, None, None]))
    new_f = np.arange(int(f_years[-1]) + 1, to_year + 1)
    extra_asfr = np.repeat(asfr[-1:], new_f.size, axis=0)
    return (np.concatenate([m_years, new_m]), np.concatenate([mx, extra_mx]),
            np.concatenate([f_years, new_f]), np.concatenate([asfr, extra_asfr]))


def carry_forward(history: History, to_year: int) -> History:
    """The history with the population carried forward to 1 January ``to_year`` and the rates
    extended to ``to_year - 1`` (at least); unchanged if the data already reach it."""
    last = int(history.pop_years[-1])
    m_years, mx, f_years, asfr = history.mortality_years, history.mx, \
        history.fertility_years, history.asfr
    need = max(to_year - 1, last)
    if int(m_years[-1]) < need or int(f_years[-1]) < need:
        m_years, mx, f_years, asfr = extend_rates(m_years, mx, f_years, asfr, need)
    rated = History(history.pop_years, history.population, m_years, mx, f_years, asfr)
    if last >= to_year:
        return rated
    model = estimate(rated, base_year=last, uncertainty=False)
    run = project_population(model, to_year)
    added = np.rint(run.population[0, 1:])
    return History(np.concatenate([history.pop_years, run.years[1:]]),
                   np.concatenate([history.population, added]), m_years, mx, f_years, asfr)
