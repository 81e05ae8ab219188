"""``project()``: the plan, projected — population, service demand, finances, rules.

This is the engine's entry point (DESIGN.md, "The engine"). It reads no files and keeps no
state: the same plan, scenario and seed give the same :class:`Projection`, bit for bit. A
deterministic run is one draw of the same code; with ``draws > 1`` the population and the
economic assumptions are drawn (see :mod:`muniplan.engine.montecarlo`) and the projection
carries percentiles and the probability that each rule breaks.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np

from muniplan import __version__
from muniplan.demography import DEFAULT_GROUPS, estimate, project_population
from muniplan.engine.demand import ServiceDemand, service_demand
from muniplan.engine.finance import FinanceResult, project_finances
from muniplan.engine.inputs import FinanceInputs, finance_inputs
from muniplan.engine.rules import Check, breach_probability, checks
from muniplan.plan.model import Plan

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
MIGRATION_WINDOW = 5
"""Years of history the residual net migration is averaged over (see docs/population.md)."""


@dataclass(frozen=True)
class Projection:
    """Labelled arrays plus provenance. ``series`` are the deterministic path, one value a
    year, nominal kroner or fractions; ``samples`` (Monte Carlo only) are ``(draw, year)``."""

    plan_id: str
    municipality: dict[str, str]
    period: tuple[int, int]
    base_year: int
    years: tuple[int, ...]
    series: dict[str, np.ndarray]
    checks: list[Check]
    savings_need: np.ndarray
    demand: ServiceDemand | None
    population: dict[str, np.ndarray] | None
    provenance: dict[str, Any]
    labels: dict[str, str] = field(default_factory=dict)
    samples: dict[str, np.ndarray] | None = None
    savings_samples: np.ndarray | None = None
    breach_probability: dict[str, np.ndarray] | None = None
    population_quantiles: dict[str, dict[str, np.ndarray]] | None = None

    def year_index(self, year: int) -> int:
        return self.years.index(year)

    def quantiles(self, names: Sequence[str] | None = None,
                  qs: Sequence[float] = QUANTILES) -> dict[str, dict[str, np.ndarray]]:
        """``{"0.05": {NAME: [one value a year]}}`` over the draws (Monte Carlo only)."""
        if self.samples is None:
            return {}
        keys = list(names) if names is not None else list(self.samples)
        out: dict[str, dict[str, np.ndarray]] = {}
        for q in qs:
            out[f"{q:g}"] = {}
            for k in keys:
                out[f"{q:g}"][k] = np.nanquantile(self.samples[k], q, axis=0)
            if self.savings_samples is not None:
                out[f"{q:g}"]["savings_need"] = np.nanquantile(self.savings_samples, q, axis=0)
        return out

    def savings_need_at(self, probability: float) -> np.ndarray:
        """The yearly savings that keep every rule with the given probability (the
        ``probability`` quantile of the per-draw savings need)."""
        if self.savings_samples is None:
            return self.savings_need
        return np.nanquantile(self.savings_samples, probability, axis=0)


def population_paths(plan: Plan, inp: FinanceInputs, draws: int = 1, seed: int | None = None
                     ) -> tuple[np.ndarray, np.ndarray | None, dict[str, np.ndarray] | None]:
    """Total-population ratio ``(D, Y)`` against the first projected year, the population
    ``(D, Y, sex, age)`` on the projection's years (None without population data), and the
    age groups of the deterministic path."""
    first, last = int(inp.years[0]), int(inp.years[-1])
    if plan.population is not None:
        model = estimate(plan.population, base_year=plan.base_year,
                         window=MIGRATION_WINDOW)
        run = project_population(model, to_year=last, draws=draws,
                                 seed=seed if draws > 1 else None)
        offset = first - plan.base_year
        pop = run.population[:, offset:offset + len(inp.years)]
        total = pop.sum(axis=(2, 3))
        groups = {k: v[0] for k, v in run.groups(DEFAULT_GROUPS).items()} if draws == 1 else None
        if groups is not None:
            groups = {k: v[offset:offset + len(inp.years)] for k, v in groups.items()}
            groups["total"] = total[0]
        return total / total[:, :1], pop, groups
    if plan.assumptions.population_index is not None:
        index = np.array([plan.assumptions.population_index.at(y) for y in range(first, last + 1)])
        return (index / index[0])[None, :], None, None
    return np.ones((1, len(inp.years))), None, None


def service_change(plan: Plan, inp: FinanceInputs, pop: np.ndarray | None,
                   ratio: np.ndarray) -> tuple[np.ndarray, ServiceDemand | None]:
    """The cost change of the age-driven services against the first year, fixed kroner
    ``(D, Y)``; without population data, the frames grow with the population index."""
    if pop is None or not plan.services:
        frames = inp.sector_frames_fixed.sum(axis=0)
        change = frames[0] * (ratio - 1.0)
        demand = None
    else:
        demand = service_demand(plan, pop, range(int(inp.years[0]), int(inp.years[-1]) + 1))
        change = demand.cost_change
    if plan.finance.demography_in_frames:
        # the plan's frames already hold the demographic growth of the plan period
        last = int(np.flatnonzero(inp.plan_years)[-1])
        change = change - change[:, np.minimum(np.arange(change.shape[1]), last)]
    return change, demand


def project(plan: Plan, *, to_year: int | None = None, draws: int = 1, seed: int | None = None,
            inputs: FinanceInputs | None = None, scenario_names: Sequence[str] = (),
            stochastic: Any = None) -> Projection:
    """Project ``plan`` to ``to_year`` (default: its horizon).

    ``inputs`` lets a scenario pass changed arrays (see :mod:`muniplan.engine.scenario`);
    ``stochastic`` (a :class:`muniplan.engine.montecarlo.FinanceUncertainty`) and ``draws``
    turn on Monte Carlo.
    """
    inp = inputs if inputs is not None else finance_inputs(plan, to_year)
    ratio, pop, groups = population_paths(plan, inp)
    change, demand = service_change(plan, inp, pop, ratio)
    base = project_finances(inp, ratio, change, plan.rules)
    solved = project_finances(inp, ratio, change, plan.rules, solve_savings=True)
    series = {k: v[0] for k, v in base.series.items()}
    _add_demand(series, demand, base)
    savings = solved.savings_need[0] if solved.savings_need is not None else np.zeros(
        len(inp.years))

    samples = savings_samples = probability = pop_q = None
    if draws > 1:
        from muniplan.engine.montecarlo import run_draws

        mc = run_draws(plan, inp, draws=draws, seed=seed, uncertainty=stochastic)
        samples = mc.series
        savings_samples = mc.savings
        probability = breach_probability(plan.rules, mc.inputs, mc.series)
        pop_q = mc.population_quantiles

    provenance = {
        "plan_id": plan.id,
        "plan_digest": plan.digest,
        "scenario": list(scenario_names),
        "draws": draws,
        "seed": seed,
        "version": __version__,
        "population": "cohort-component projection from the plan's population data"
        if plan.population is not None else (
            "population index assumption" if plan.assumptions.population_index else "none"),
        "price_basis": "nominal kroner (løpende), deflated from "
        + plan.price_basis.label(),
    }
    return Projection(
        plan_id=plan.id,
        municipality={"name": plan.municipality.name, "number": plan.municipality.number},
        period=(plan.period.first, plan.period.last),
        base_year=plan.base_year,
        years=tuple(int(y) for y in inp.years),
        series=series,
        checks=checks(plan.rules, inp, base.series),
        savings_need=savings,
        demand=demand,
        population=groups,
        provenance=provenance,
        samples=samples,
        savings_samples=savings_samples,
        breach_probability=probability,
        population_quantiles=pop_q,
    )


def _add_demand(series: dict[str, np.ndarray], demand: ServiceDemand | None,
                base: FinanceResult) -> None:
    if demand is None:
        return
    price = base.series["price_index"][0]
    series["demographic_cost"] = demand.demographic_cost[0].sum(axis=0) * price
    series["lever_effect"] = demand.lever_effect[0].sum(axis=0) * price
    for s, sid in enumerate(demand.service_ids):
        series[f"demographic_cost_{sid}"] = demand.demographic_cost[0, s] * price
        series[f"users_{sid}"] = demand.users[0, s]
