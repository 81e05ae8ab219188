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
from muniplan.engine.demand import (
    ServiceDemand,
    population_paths,
    service_change,
)
from muniplan.engine.finance import FinanceResult, project_finances
from muniplan.engine.inputs import FinanceInputs, finance_inputs
from muniplan.engine.rules import Check, breach_probability, checks
from muniplan.engine.scenario import Levers, apply_scenarios
from muniplan.plan.errors import ScenarioError
from muniplan.plan.model import Plan, Scenario

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
MAX_DRAWS = 100_000
"""The largest Monte Carlo run a command accepts."""


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
        arrays = {k: self.samples[k] for k in keys}
        if self.savings_samples is not None:
            arrays["savings_need"] = self.savings_samples
        out: dict[str, dict[str, np.ndarray]] = {f"{q:g}": {} for q in qs}
        for k, x in arrays.items():
            values = draw_quantiles(x, qs)
            for i, q in enumerate(qs):
                out[f"{q:g}"][k] = values[i]
        return out

    def savings_need_at(self, probability: float) -> np.ndarray:
        """The yearly savings that keep every rule with the given probability (the
        ``probability`` quantile of the per-draw savings need)."""
        if self.savings_samples is None:
            return self.savings_need
        return draw_quantiles(self.savings_samples, (probability,))[0]


def draw_quantiles(x: np.ndarray, qs: Sequence[float]) -> np.ndarray:
    """``(q, year)`` quantiles over the draws of ``x`` ``(draw, year)``, all in one call.

    A year with a NaN draw (no cut can rescue it) uses the NaN-skipping quantile; the rest
    use the plain one, which sorts once for every ``q`` and is several times faster.
    """
    q = np.asarray(qs, dtype=np.float64)
    nan = np.isnan(x).any(axis=0)
    if not nan.any():
        return np.quantile(x, q, axis=0)
    out = np.empty((q.size, x.shape[1]))
    out[:, ~nan] = np.quantile(x[:, ~nan], q, axis=0)
    out[:, nan] = np.nanquantile(x[:, nan], q, axis=0)
    return out


def check_memory(draws: int, years: int, budget: int | None = None) -> None:
    """Refuse a Monte Carlo run whose arrays would not fit in ``budget`` bytes (default
    :func:`memory_budget`), before any of it is allocated."""
    from muniplan.engine.montecarlo import BYTES_PER_DRAW_YEAR

    limit = memory_budget() if budget is None else budget
    need = draws * years * BYTES_PER_DRAW_YEAR
    if need > limit:
        most = limit // (years * BYTES_PER_DRAW_YEAR)
        raise ScenarioError(
            "the Monte Carlo run needs more memory than allowed", field="--draws",
            expected=f"at most {most} draws over {years} years "
            f"(memory limit {limit / 2**30:.1f} GB, MUNIPLAN_MEMORY_LIMIT_MB)",
            found=f"{draws} draws × {years} years ≈ {need / 2**30:.1f} GB")


def memory_budget() -> int:
    """Bytes a Monte Carlo run may use: ``MUNIPLAN_MEMORY_LIMIT_MB`` if set, else half the
    machine's available memory (so a run never pushes the machine into swap)."""
    import os

    raw = os.environ.get("MUNIPLAN_MEMORY_LIMIT_MB")
    if raw:
        try:
            return max(1, int(raw)) * 2**20
        except ValueError:
            raise ScenarioError("not a whole number of megabytes",
                                field="MUNIPLAN_MEMORY_LIMIT_MB",
                                expected="an integer, e.g. 2048", found=raw) from None
    try:
        pages = os.sysconf("SC_AVPHYS_PAGES") * os.sysconf("SC_PAGE_SIZE")
    except (ValueError, OSError, AttributeError):
        pages = 4 * 2**30
    return pages // 2


def prepare(plan: Plan, to_year: int | None = None, scenarios: Sequence[Scenario] = (),
            origin: str = "scenario") -> tuple[FinanceInputs, Levers]:
    """The plan's arrays to ``to_year`` under ``scenarios`` (validated against the years)."""
    last = to_year or plan.horizon
    if not plan.period.last <= last <= 2100:
        raise ScenarioError("projection end outside range", field="--to",
                            expected=f"{plan.period.last}–2100", found=last)
    # the plan's own changes (an alternative budget, a revision) first, then the scenarios
    return apply_scenarios(plan, finance_inputs(plan, last), (*plan.changes, *scenarios),
                           origin)


def project(plan: Plan, *, to_year: int | None = None, draws: int = 1, seed: int | None = None,
            scenarios: Sequence[Scenario] = (), uncertainty: Any = None,
            progress: Any = None) -> Projection:
    """Project ``plan`` to ``to_year`` (default: its horizon) under ``scenarios``.

    ``draws > 1`` adds a Monte Carlo run (population and economy drawn, see
    :mod:`muniplan.engine.montecarlo`; ``uncertainty`` overrides its default spreads) with
    percentiles, breach probabilities and the savings need at 80 % and 95 %.
    """
    if draws < 1 or draws > MAX_DRAWS:
        raise ScenarioError("draws out of range", field="--draws",
                            expected=f"1–{MAX_DRAWS}", found=draws)
    if draws > 1 and seed is None:
        raise ScenarioError("a Monte Carlo run needs a seed", field="--seed",
                            expected="an integer seed, so the run can be repeated")
    if draws > 1:
        check_memory(draws, (to_year or plan.horizon) - plan.base_year + 1)
    inp, levers = prepare(plan, to_year, scenarios)
    ratio, pop, groups = population_paths(plan, inp)
    change, demand = service_change(plan, inp, pop, ratio, levers)
    base = project_finances(inp, ratio, change, plan.rules)
    solved = project_finances(inp, ratio, change, plan.rules, solve_savings=True)
    series = {k: v[0] for k, v in base.series.items()}
    _add_demand(series, demand, base)
    savings = solved.savings_need[0] if solved.savings_need is not None else np.zeros(
        len(inp.years))
    scenario_names = [sc.id for sc in scenarios]

    samples = savings_samples = probability = pop_q = None
    if draws > 1:
        from muniplan.engine.montecarlo import run_draws

        mc = run_draws(plan, inp, levers, draws=draws, seed=seed, uncertainty=uncertainty,
                       progress=progress)
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
