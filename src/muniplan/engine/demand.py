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

import numpy as np

from muniplan.plan.model import Plan

N_AGES = 106


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
    """Base coverage ``(service, age)`` and the lever-adjusted ``(service, year, age)``."""
    base = np.zeros((len(plan.services), N_AGES))
    for s, svc in enumerate(plan.services):
        for g in svc.groups:
            lo, hi = g.ages
            base[s, lo:hi + 1] += g.coverage
    paths = np.stack([_path(svc.coverage_change, years, plan.base_year)
                      for svc in plan.services]) if plan.services else np.ones((0, len(years)))
    return base, base[:, None, :] * paths[:, :, None]


def service_demand(plan: Plan, population: np.ndarray, years: range) -> ServiceDemand:
    """Users and costs of the plan's services from a population ``(draw, year, sex, age)``.

    ``years`` are the years of the population's year axis; the first is the base year.
    """
    if population.ndim != 4 or population.shape[2] != 2 or population.shape[3] != N_AGES:
        raise ValueError(f"population must be (draw, year, 2, {N_AGES}), got {population.shape}")
    if not plan.services:
        d, y = population.shape[0], population.shape[1]
        z = np.zeros((d, 0, y))
        return ServiceDemand((), (), z, z, z, z, np.zeros((0, y)), ())
    by_age = population.sum(axis=2)  # (draw, year, age)
    base_cov, cov = coverage_matrix(plan, years)
    users = np.einsum("dya,sya->dsy", by_age, cov)
    users_base_cov = np.einsum("dya,sa->dsy", by_age, base_cov)

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
            u0 = users[0, s, 0]
            unit0[s] = frame / u0 if u0 > 0 else 0.0
            calibrated.append(True)
    unit_paths = np.stack([_path(svc.unit_cost_change, years, plan.base_year)
                           for svc in plan.services])
    unit = unit0[:, None] * unit_paths  # (service, year)
    cost = users * unit[None]
    demographic = unit0[None, :, None] * (users_base_cov - users_base_cov[:, :, :1])
    lever = (cost - cost[:, :, :1]) - demographic
    return ServiceDemand(
        service_ids=tuple(s.id for s in plan.services),
        service_names=tuple(s.name for s in plan.services),
        users=users, cost=cost, demographic_cost=demographic, lever_effect=lever,
        unit_cost=unit, calibrated=tuple(calibrated),
    )
