"""Service demand and the demographic cost (demografikostnader), TBU method (domain.md §4).

users[s, t]  = Σ_age population[t, age] × coverage[s, t, age]
cost[s, t]   = users[s, t] × unit_cost[s, t]                      (fixed base-year kroner)
demographic cost[s, t] = unit_cost[s, base] × (users at base coverage[t] − users[base])

The demographic cost is what the population alone adds — TBU's "merkostnader som følge av
befolkningsutviklingen", with unchanged standard, coverage and productivity. The plan's
levers (coverage and unit-cost paths: forebygging, mestring, effektive tjenester) are the
difference between the full cost change and the demographic cost; both are reported.

Where a service has no unit cost, it is calibrated from the base year: the frame of its
program areas (times ``share_of_frame``) over its base-year users, and marked calibrated.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

import numpy as np

from muniplan.demography import DEFAULT_GROUPS, estimate, project_population
from muniplan.demography.rates import DemographicModel
from muniplan.engine.inputs import FinanceInputs
from muniplan.engine.memo import per_plan
from muniplan.plan.model import Plan

N_AGES = 106
MIGRATION_WINDOW = 5
"""Years of history the residual net migration is averaged over (see docs/population.md)."""


@dataclass(frozen=True)
class ServiceDemand:
    """Users and costs per service; arrays are ``(draw, service, year)``."""

    service_ids: tuple[str, ...]
    service_names: tuple[str, ...]
    users: np.ndarray
    cost: np.ndarray
    demographic_cost: np.ndarray
    lever_effect: np.ndarray
    unit_cost: np.ndarray  # (service, year) fixed kroner
    calibrated: tuple[bool, ...]

    @property
    def cost_change(self) -> np.ndarray:
        """Cost change against the base year, ``(draw, year)``, fixed kroner."""
        return (self.cost - self.cost[:, :, :1]).sum(axis=1)


def _path(series, years: range, base_year: int) -> np.ndarray:
    """Cumulative factor of a yearly growth path, 1.0 in the base year."""
    factors = np.ones(len(years))
    if series is None:
        return factors
    level = 1.0
    for i, y in enumerate(years):
        if y > base_year:
            level *= 1.0 + series.at(y)
        factors[i] = level
    return factors


def coverage_matrix(plan: Plan, years: range) -> tuple[np.ndarray, np.ndarray]:
    """Base coverage ``(service, age)`` and its yearly factor ``(service, year)``.

    Coverage changes (the plan's paths, a scenario's levers) act on a service as a whole,
    not age by age, so coverage is separable: ``base[s, age] × factor[s, year]``. That keeps
    the users of 10 000 draws one matrix product.
    """
    base = np.zeros((len(plan.services), N_AGES))
    for s, svc in enumerate(plan.services):
        for g in svc.groups:
            lo, hi = g.ages
            base[s, lo:hi + 1] += g.coverage
    paths = np.stack([_path(svc.coverage_change, years, plan.base_year)
                      for svc in plan.services]) if plan.services else np.ones((0, len(years)))
    return base, paths


def service_demand(plan: Plan, population: np.ndarray, years: range,
                   coverage_factor: np.ndarray | None = None,
                   unit_cost_factor: np.ndarray | None = None) -> ServiceDemand:
    """Users and costs of the plan's services from a population ``(draw, year, sex, age)``.

    ``years`` are the years of the population's year axis; the first is the base year.
    ``coverage_factor`` and ``unit_cost_factor`` ``(service, year)`` are a scenario's levers
    on top of the plan's own coverage and unit-cost paths.
    """
    if population.ndim == 4 and population.shape[2] == 2 and population.shape[3] == N_AGES:
        # (draw, year, sex·age) is a view; coverage is the same for both sexes, so it is
        # repeated along the joined axis instead of summing the sexes into a new array
        by_age = population.reshape(population.shape[0], population.shape[1], 2 * N_AGES)
        sexes = 2
    elif population.ndim == 3 and population.shape[2] == N_AGES:
        by_age = population  # already both sexes
        sexes = 1
    else:
        raise ValueError(f"population must be (draw, year, 2, {N_AGES}) or (draw, year, "
                         f"{N_AGES}), got {population.shape}")
    if not plan.services:
        d, y = by_age.shape[0], by_age.shape[1]
        z = np.zeros((d, 0, y))
        return ServiceDemand((), (), z, z, z, z, np.zeros((0, y)), ())
    base_cov = coverage_weights(plan, years)
    if sexes == 1:
        base_cov = base_cov[:N_AGES]
    d, y = by_age.shape[0], by_age.shape[1]
    # one matrix product (BLAS) over every draw and year: (D·Y, ages) @ (ages, S)
    flat = by_age.reshape(d * y, by_age.shape[2])
    users_base_cov = (flat @ base_cov).reshape(d, y, -1).transpose(0, 2, 1)
    return demand_from_users(plan, users_base_cov, years, coverage_factor, unit_cost_factor)


def coverage_weights(plan: Plan, years: range) -> np.ndarray:
    """``(2 · ages, service)``: the base coverage on the joined sex·age axis, so that
    ``population (…, 2 · ages) @ weights`` gives each service's users at base coverage."""
    base_cov, _ = coverage_matrix(plan, years)
    return np.concatenate([base_cov, base_cov], axis=-1).T


def demand_from_users(plan: Plan, users_base_cov: np.ndarray, years: range,
                      coverage_factor: np.ndarray | None = None,
                      unit_cost_factor: np.ndarray | None = None) -> ServiceDemand:
    """:func:`service_demand` from the users at base coverage ``(draw, service, year)``
    (what a fused Monte Carlo keeps instead of the population)."""
    factor = _coverage_factor(plan, years, coverage_factor)
    users = users_base_cov * factor[None, :, :]
    unit0, unit, calibrated = _unit_costs(plan, users[0, :, 0], years, unit_cost_factor)
    cost = users * unit[None]
    demographic = unit0[None, :, None] * (users_base_cov - users_base_cov[:, :, :1])
    lever = (cost - cost[:, :, :1]) - demographic
    return ServiceDemand(
        service_ids=tuple(s.id for s in plan.services),
        service_names=tuple(s.name for s in plan.services),
        users=users, cost=cost, demographic_cost=demographic, lever_effect=lever,
        unit_cost=unit, calibrated=calibrated,
    )


def cost_change_from_users(plan: Plan, users_base_cov: np.ndarray, years: range,
                           coverage_factor: np.ndarray | None = None,
                           unit_cost_factor: np.ndarray | None = None) -> np.ndarray:
    """:attr:`ServiceDemand.cost_change` of :func:`demand_from_users`, the same figures,
    one service at a time: a Monte Carlo run reads only this sum, and the four
    ``(draw, service, year)`` arrays of the whole demand (50 MB for 10 000 draws, on
    fresh pages) cost more than the arithmetic."""
    factor = _coverage_factor(plan, years, coverage_factor)
    _, unit, _ = _unit_costs(plan, users_base_cov[0, :, 0] * factor[:, 0], years,
                             unit_cost_factor)
    total = None
    for s in range(len(plan.services)):
        cost = users_base_cov[:, s, :] * factor[s] * unit[s]
        change = cost - cost[:, :1]
        total = change if total is None else total + change
    return total if total is not None else np.zeros((users_base_cov.shape[0], len(years)))


def _coverage_factor(plan: Plan, years: range, coverage_factor: np.ndarray | None
                     ) -> np.ndarray:
    """Each service's coverage factor ``(service, year)``: its path times a lever."""
    _, factor = coverage_matrix(plan, years)
    return factor if coverage_factor is None else factor * coverage_factor


def _unit_costs(plan: Plan, users0: np.ndarray, years: range,
                unit_cost_factor: np.ndarray | None
                ) -> tuple[np.ndarray, np.ndarray, tuple[bool, ...]]:
    """The unit costs in the base year ``(service,)`` and each year ``(service, year)``,
    fixed kroner, and which were calibrated: a service without its own unit cost costs
    its share of its areas' base-year frames over its users then (``users0``, the first
    draw's in the first year)."""
    frames = {a.id: a.operating_frame for s in plan.sectors for a in s.program_areas}
    unit0 = np.zeros(len(plan.services))
    calibrated = []
    for s, svc in enumerate(plan.services):
        if svc.unit_cost is not None:
            unit0[s] = svc.unit_cost
            calibrated.append(False)
        else:
            frame = sum(frames[a].get(plan.base_year, frames[a][min(frames[a])])
                        for a in svc.program_areas) * svc.share_of_frame
            u0 = users0[s]
            unit0[s] = frame / u0 if u0 > 0 else 0.0
            calibrated.append(True)
    unit_paths = np.stack([_path(svc.unit_cost_change, years, plan.base_year)
                           for svc in plan.services])
    unit = unit0[:, None] * unit_paths  # (service, year)
    if unit_cost_factor is not None:
        unit = unit * unit_cost_factor
    return unit0, unit, tuple(calibrated)


@per_plan
def plan_model(plan: Plan) -> DemographicModel:
    """The demographic model fitted to the plan's population data (once per plan)."""
    assert plan.population is not None
    return estimate(plan.population, base_year=plan.base_year, window=MIGRATION_WINDOW)


def population_paths(plan: Plan, inp: FinanceInputs, draws: int = 1, seed: int | None = None
                     ) -> tuple[np.ndarray, np.ndarray | None, dict[str, np.ndarray] | None]:
    """Total-population ratio ``(D, Y)`` against the first projected year, the population
    ``(D, Y, sex, age)`` on the projection's years (None without population data), and the
    age groups of the deterministic path. Read-only arrays, computed once per plan, years
    and draws (the population does not change with the finance levers)."""
    ratio, pop, groups = _population_paths(plan, int(inp.years[0]), int(inp.years[-1]),
                                           draws, seed)
    return ratio, pop, None if groups is None else dict(groups)


@per_plan
def _population_paths(plan: Plan, first: int, last: int, draws: int, seed: int | None
                      ) -> tuple[np.ndarray, np.ndarray | None, dict[str, np.ndarray] | None]:
    years = last - first + 1
    if plan.population is not None:
        model = plan_model(plan)
        run = project_population(model, to_year=last, draws=draws,
                                 seed=seed if draws > 1 else None)
        offset = first - plan.base_year
        pop = run.population[:, offset:offset + years]
        total = pop.sum(axis=(2, 3))
        groups = {k: v[0] for k, v in run.groups(DEFAULT_GROUPS).items()} if draws == 1 else None
        if groups is not None:
            groups = {k: v[offset:offset + years] for k, v in groups.items()}
            groups["total"] = total[0]
        return total / total[:, :1], pop, groups
    if plan.assumptions.population_index is not None:
        index = np.array([plan.assumptions.population_index.at(y) for y in range(first, last + 1)])
        return (index / index[0])[None, :], None, None
    return np.ones((1, years)), None, None


def service_change(plan: Plan, inp: FinanceInputs, pop: np.ndarray | None,
                   ratio: np.ndarray, levers: Any = None, users: np.ndarray | None = None
                   ) -> tuple[np.ndarray, ServiceDemand | None]:
    """The cost change of the age-driven services against the first year, fixed kroner
    ``(D, Y)``; without population data, the frames grow with the population index.
    ``users`` (draw, service, year) at base coverage may stand in for ``pop``; the demand
    is then not returned (None), only its cost change."""
    years = range(int(inp.years[0]), int(inp.years[-1]) + 1)
    coverage = levers.coverage if levers is not None else None
    unit_cost = levers.unit_cost if levers is not None else None
    if users is not None and plan.services:  # a Monte Carlo run: the change alone
        change = cost_change_from_users(plan, users, years, coverage, unit_cost)
        demand = None
    elif pop is None or not plan.services:
        frames = inp.sector_frames_fixed.sum(axis=0)
        change = frames[0] * (ratio - 1.0)
        if levers is not None and levers.unit_cost.size:
            # without services the levers act on all frames alike (mean over services)
            factor = (levers.coverage * levers.unit_cost).mean(axis=0)
            change = (frames[0] + change) * factor - frames[0]
        demand = None
    else:
        demand = service_demand(plan, pop, years, coverage, unit_cost)
        change = demand.cost_change
    if plan.finance.demography_in_frames:
        change = beyond_frames(change, inp)
    return change, demand


def beyond_frames(change: np.ndarray, inp: FinanceInputs) -> np.ndarray:
    """A cost change (any leading axes, years last) less the part the plan's frames
    already hold when they include the demographic growth of the plan period."""
    last = int(np.flatnonzero(inp.plan_years)[-1])
    return change - change[..., np.minimum(np.arange(change.shape[-1]), last)]


