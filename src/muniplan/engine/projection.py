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
from muniplan.engine.appropriations import appropriations
from muniplan.engine.demand import (
    ServiceDemand,
    population_paths,
    service_change,
)
from muniplan.engine.finance import FinanceResult, project_finances
from muniplan.engine.inputs import FinanceInputs, finance_inputs
from muniplan.engine.kinds import by_kind
from muniplan.engine.memo import per_plan
from muniplan.engine.registry import SeriesSpec, convert, spec
from muniplan.engine.rules import Check, breach_probability, checks
from muniplan.engine.savings import FEASIBLE, REASONS
from muniplan.engine.scenario import Levers, apply_scenarios
from muniplan.plan.errors import ScenarioError
from muniplan.plan.model import Plan, Scenario

QUANTILES = (0.05, 0.25, 0.5, 0.75, 0.95)
MAX_DRAWS = 100_000
"""The largest Monte Carlo run a command accepts."""


@dataclass(frozen=True)
class Projection:
    """Labelled arrays plus provenance. ``series`` are the deterministic path, one value a
    year, each described by the registry (:func:`spec`: label, unit, price basis, level);
    ``samples`` (Monte Carlo only) are ``(draw, year)``. ``savings_reason`` holds, per
    year, why the savings need cannot be computed (a code of ``savings.REASONS``)."""

    plan_id: str
    municipality: dict[str, str]
    period: tuple[int, int]
    base_year: int
    years: tuple[int, ...]
    series: dict[str, np.ndarray]
    checks: list[Check]
    demand: ServiceDemand | None
    population: dict[str, np.ndarray] | None
    provenance: dict[str, Any]
    samples: dict[str, np.ndarray] | None = None
    savings_samples: np.ndarray | None = None
    breach_probability: dict[str, np.ndarray] | None = None
    population_quantiles: dict[str, dict[str, np.ndarray]] | None = None
    names: dict[str, tuple[str, str]] = field(default_factory=dict)
    """The entity name (bokmål, English) of each family series, such as ``area_{id}``."""
    savings_reason: np.ndarray | None = None

    def year_index(self, year: int) -> int:
        return self.years.index(year)

    @property
    def savings_need(self) -> np.ndarray:
        """The level of yearly savings that must be in place in each year, nominal kroner."""
        return self.series["savings_need"]

    def spec(self, name: str) -> SeriesSpec:
        """The registry's entry for a series, labelled with its entity's name."""
        return spec(name, self.names)

    def label(self, name: str, lang: str = "nb") -> str:
        return self.spec(name).label(lang)

    def values(self, name: str, basis: str = "nominal") -> np.ndarray:
        """A series in the price basis asked for (kroner only; other units as they are)."""
        sp = self.spec(name)
        v = self.series[name]
        if not sp.kroner or sp.basis is None or sp.basis == basis:
            return v
        return convert(v, self.series["price_index"], to=basis,  # type: ignore[arg-type]
                       basis=sp.basis)

    def savings_reason_text(self, i: int, lang: str = "nb") -> str | None:
        """Why the savings need of year ``i`` cannot be computed, or None if it can."""
        if self.savings_reason is None or self.savings_reason[i] == FEASIBLE:
            return None
        nb, en = REASONS[int(self.savings_reason[i])]
        return nb if lang == "nb" else en

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

    def savings_need_at(self, probability: float, basis: str = "nominal") -> np.ndarray:
        """The yearly savings that keep every rule with the given probability (the
        ``probability`` quantile of the per-draw savings need), nominal or fixed kroner
        (each draw deflated by its own price index)."""
        if self.savings_samples is None or self.samples is None:
            return self.values("savings_need", basis)
        need = self.savings_samples
        if basis == "fixed":
            need = convert(need, self.samples["price_index"], to="fixed")
        return draw_quantiles(need, (probability,))[0]


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


plan_inputs = per_plan(finance_inputs)
"""The plan's arrays before any scenario, once per plan and horizon (read-only)."""


def prepare(plan: Plan, to_year: int | None = None, scenarios: Sequence[Scenario] = (),
            origin: str = "scenario") -> tuple[FinanceInputs, Levers]:
    """The plan's arrays to ``to_year`` under ``scenarios`` (validated against the years)."""
    last = to_year or plan.horizon
    if not plan.period.last <= last <= 2100:
        raise ScenarioError("projection end outside range", field="--to",
                            expected=f"{plan.period.last}–2100", found=last)
    # the plan's own changes (an alternative budget, a revision) first, then the scenarios
    return apply_scenarios(plan, plan_inputs(plan, last), (*plan.changes, *scenarios),
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
    # the path without savings (row 0) and the savings need (row 1) in one pass
    both = project_finances(inp, ratio, change, plan.rules,
                            solve_savings=np.array([False, True]), draws=2)
    assert both.savings_need is not None and both.savings_reason is not None
    series = {k: v[0] for k, v in both.series.items() if k != "savings"}
    _add_demand(series, demand, both)
    names = _add_frames(series, plan, inp)
    names.update(_add_projects(series, plan, inp))
    names.update(_names(plan, inp, demand))
    _add_flows(series, inp, plan)
    series.update(appropriations(plan, inp, series, demand, change, both.recovered_by_place))
    names.update(_appropriation_names(plan))
    series.update(by_kind(series))
    _add_savings(series, both.savings_need[1])
    _add_drivers(series)
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
        checks=checks(plan.rules, inp, both.series),
        demand=demand,
        population=groups,
        provenance=provenance,
        samples=samples,
        savings_samples=savings_samples,
        breach_probability=probability,
        population_quantiles=pop_q,
        names=names,
        savings_reason=both.savings_reason[1],
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


def _frame(frame: dict[int, int], years: np.ndarray, last: int) -> np.ndarray:
    """A frame in fixed kroner on the projection's years; after its last year it stays."""
    return np.array([frame.get(min(int(y), last), 0) for y in years], dtype=float)


def _add_frames(series: dict[str, np.ndarray], plan: Plan, inp: FinanceInputs
                ) -> dict[str, tuple[str, str]]:
    """Expenses per sector and program area, nominal and fixed base-year kroner.

    A frame is in fixed kroner; it grows with the underlying cost growth (``cost_index``)
    and, nominal, with the price index, exactly as the finances take the sector frames, so
    the areas of a sector add up to the sector's expenses."""
    cost, price = series["cost_index"], series["price_index"]
    names: dict[str, tuple[str, str]] = {}
    for sector in plan.sectors:
        last = max(sector.operating_frame())
        fixed_sector = np.zeros(len(inp.years))
        for a in sector.program_areas:
            fixed = _frame(a.operating_frame, inp.years, last) * cost
            fixed_sector = fixed_sector + fixed
            series[f"area_fixed_{a.id}"] = fixed
            series[f"area_{a.id}"] = convert(fixed, price, to="nominal", basis="fixed")
            for prefix in ("area_fixed_", "area_"):
                names[prefix + a.id] = (_numbered(a.number, a.name),) * 2
        series[f"expenses_fixed_{sector.id}"] = fixed_sector
        for prefix in ("expenses_fixed_", "expenses_"):
            names[prefix + sector.id] = (sector.name, sector.name)
    series["operating_expenses_fixed"] = convert(series["operating_expenses"], price,
                                                 to="fixed")
    return names


def _add_projects(series: dict[str, np.ndarray], plan: Plan, inp: FinanceInputs
                  ) -> dict[str, tuple[str, str]]:
    """Each of the plan's projects, nominal cost a year, as the finances take it (after the
    plan's changes and the scenarios: a delayed or removed project shows so)."""
    row = {pid: k for k, pid in enumerate(inp.investment_ids)}
    names = {}
    for inv in plan.investments:
        if inv.id in row:
            # the finances emit each project as spent (the execution rate's carry-forward);
            # without them, the budget uprated
            if f"project_{inv.id}" not in series:
                series[f"project_{inv.id}"] = convert(
                    inp.investment_cost_fixed[row[inv.id]], series["price_index"],
                    to="nominal", basis="fixed")
            names[f"project_{inv.id}"] = (inv.name, inv.name)
    return names


def _appropriation_names(plan: Plan) -> dict[str, tuple[str, str]]:
    names = {}
    for sector in plan.sectors:
        for prefix in ("gross_sector_", "net_sector_"):
            names[prefix + sector.id] = (sector.name, sector.name)
        for a in sector.program_areas:
            for prefix in ("gross_area_", "fees_area_", "refunds_area_", "net_area_"):
                names[prefix + a.id] = (_numbered(a.number, a.name),) * 2
    return names


def _numbered(number: str | None, name: str) -> str:
    return f"{number} {name}" if number else name


def _names(plan: Plan, inp: FinanceInputs, demand: ServiceDemand | None
           ) -> dict[str, tuple[str, str]]:
    names = {f"fund_{f.id}": (f.name, f.name) for f in plan.opening.funds}
    if demand is not None:
        by_id = {sv.id: sv.name for sv in plan.services}
        for sid in demand.service_ids:
            for prefix in ("demographic_cost_", "users_"):
                names[prefix + sid] = (by_id.get(sid, sid),) * 2
    return names


def _previous(x: np.ndarray, opening: float) -> np.ndarray:
    return np.concatenate([[opening], x[:-1]])


def _add_flows(series: dict[str, np.ndarray], inp: FinanceInputs, plan: Plan) -> None:
    """The year's flows behind the balances: to and from the funds, deficits covered, and
    the part of the accumulated deficit older than two years (koml. 1992 § 48 nr. 4,
    koml. 2018 § 14-11: a deficit is covered within the two years after it arose)."""
    acc, deficit = series["accumulated_deficit"], series["deficit"]
    # the finances may book the coverage themselves; then theirs is the figure
    series.setdefault("deficit_covered",
                      np.maximum(_previous(acc, 0.0) + deficit - acc, 0.0))
    recent = deficit + _previous(deficit, 0.0) + _previous(_previous(deficit, 0.0), 0.0)
    series["overdue_deficit"] = np.maximum(acc - recent, 0.0)


def _add_savings(series: dict[str, np.ndarray], need: np.ndarray) -> None:
    """The savings need as a level (what must be in place each year) and as the new savings
    that year, in nominal and fixed base-year kroner. New savings are the change in the
    level in fixed kroner, so a saving in place keeps its real value."""
    price = series["price_index"]
    series["savings_need"] = need
    series["savings_need_fixed"] = fixed = convert(need, price, to="fixed")
    series["savings_new_fixed"] = new = fixed - _previous(fixed, 0.0)
    series["savings_new"] = convert(new, price, to="nominal", basis="fixed")


def _add_drivers(series: dict[str, np.ndarray]) -> None:
    """What the savings need rests on, fixed base-year kroner, as the change since the
    first year of each part of the net operating result: the demographic cost, the
    underlying cost growth of the frames and services, the capital costs (interest and
    instalments), and the income (its growth lowers the need). ``driver_other`` is the
    rest: the first year's position against the rules, the rules' own growth with the
    income, fund balances and the plan's other changes; the drivers sum to the need."""
    price, cost = series["price_index"], series["cost_index"]

    def fixed(x: np.ndarray) -> np.ndarray:
        v = convert(x, price, to="fixed")
        return v - v[0]

    frames = sum(v for k, v in series.items() if k.startswith("expenses_fixed_"))
    services = convert(series["service_cost_change"], price, to="fixed")
    series["driver_demography"] = fixed(series.get("demographic_cost", 0 * price))
    growth = (frames + services) * (1.0 - 1.0 / cost)
    series["driver_cost_growth"] = growth - growth[0]
    series["driver_capital"] = fixed(series["interest"] + series["instalments"])
    series["driver_income"] = -fixed(series["operating_income"])
    named = (series["driver_demography"] + series["driver_cost_growth"]
             + series["driver_capital"] + series["driver_income"])
    series["driver_other"] = series["savings_need_fixed"] - named
