"""Population projection by single year of age (0-105+) and sex, rates estimated from history.

The public API, for the engine, the CLI and the reports::

    from muniplan.demography import estimate, project_population, DEFAULT_GROUPS

    model = estimate(data, base_year=2018, window=5)        # data: plan.population.PopulationData
    run = project_population(model, to_year=2040)           # deterministic: one draw
    fan = project_population(model, 2040, draws=1000, seed=42)
    fan.population          # [draw, year, sex, age] float64, sex 0 = female, 1 = male
    fan.groups()            # {"0-5": [draw, year], "6-15": ..., "80+": ...}
    fan.groups(TBU_GROUPS)  # 0, 1-5, 6-15, 16-19, 20-66, 67-79, 80-89, 90+
    fan.quantiles([0.05, 0.5, 0.95], groups=DEFAULT_GROUPS)   # {label: [q, year]}

The method, its formulas and the backtests are in ``docs/population.md``. This package reads
no files: the plan layer (``muniplan.plan.population``) turns files into arrays.
"""

from __future__ import annotations

import numpy as np

from muniplan.demography.cohort import (
    DEFAULT_GROUPS,
    TBU_GROUPS,
    PopulationProjection,
    age_group_totals,
    parse_groups,
    project,
)
from muniplan.demography.rates import DemographicModel, PopulationHistory, estimate
from muniplan.demography.uncertainty import AR1, Uncertainty


def project_population(model: DemographicModel, to_year: int, draws: int = 1,
                       seed: int | np.random.SeedSequence | None = None,
                       record_components: bool = False) -> PopulationProjection:
    """Project from the model's base year to ``to_year`` (inclusive).

    ``draws=1, seed=None``: the deterministic projection. Any ``seed``: ``draws`` stochastic
    paths (the same seed gives bit-identical output). More than one draw needs a seed, so a
    fan chart can always be reproduced.
    """
    if draws > 1 and seed is None:
        raise ValueError("a stochastic projection (draws > 1) needs an explicit seed")
    return project(model, to_year, draws=draws, seed=seed, record_components=record_components)


__all__ = [
    "AR1",
    "DEFAULT_GROUPS",
    "TBU_GROUPS",
    "DemographicModel",
    "PopulationHistory",
    "PopulationProjection",
    "Uncertainty",
    "age_group_totals",
    "estimate",
    "parse_groups",
    "project_population",
]
