"""Scenarios: overrides by parameter and year, applied to the plan's arrays.

A scenario never edits the plan; it changes the arrays the engine computes from it
(:class:`~muniplan.engine.inputs.FinanceInputs`) and the service levers. Scenarios compose
in the order given: ``set`` replaces what came before (the last one wins), ``add`` and
``scale`` build on it. Bærum's four LDIP stress tests are scenarios of the example.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np

from muniplan.engine import income_levers, item_overrides
from muniplan.engine.inputs import FinanceInputs
from muniplan.plan.errors import ScenarioError
from muniplan.plan.model import Override, Plan, Scenario
from muniplan.plan.parameters import (
    AREA_PARAMETER,
    INVESTMENT_PARAMETER,
    SECTOR_PARAMETER,
    SERVICE_PARAMETER,
    PlanIds,
    parameter_unit,
)

ASSUMPTION_ARRAYS = {
    "assumptions.wage_growth": "wage_growth",
    "assumptions.price_growth": "price_growth",
    "assumptions.interest_rate": "interest_rate",
    "assumptions.cost_growth": "cost_growth",
}
INCOME_GROWTH = {
    "assumptions.tax_growth": ("tax",),
    "assumptions.block_grant_growth": ("block_grant",),
    "assumptions.fee_growth": ("fees",),
    "assumptions.other_income_growth": ("other", "property_tax"),
}


@dataclass(frozen=True)
class Levers:
    """Multipliers on the services' coverage and unit cost, ``(service, year)``."""

    coverage: np.ndarray
    unit_cost: np.ndarray

    @classmethod
    def none(cls, services: int, years: int) -> Levers:
        return cls(np.ones((services, years)), np.ones((services, years)))


def _values(ov: Override, years: np.ndarray, mask: np.ndarray) -> np.ndarray:
    """The override's value for each selected year (constant or linear ramp)."""
    n = int(mask.sum())
    if ov.ramp is not None:
        lo, hi = ov.ramp
        return np.linspace(lo, hi, n) if n > 1 else np.array([hi] * n)
    return np.full(n, float(ov.value))


def _mask(ov: Override, years: np.ndarray, origin: str) -> np.ndarray:
    first = ov.first if ov.first is not None else int(years[0])
    last = ov.last if ov.last is not None else int(years[-1])
    if first < years[0] or last > years[-1] or first > last:
        raise ScenarioError(
            "years outside the projection", file=origin, field=ov.parameter,
            expected=f"years {years[0]}–{years[-1]}", found=f"{first}–{last}",
        )
    return (years >= first) & (years <= last)


def _apply(arr: np.ndarray, ov: Override, mask: np.ndarray, vals: np.ndarray) -> np.ndarray:
    out = np.array(arr, dtype=float, copy=True)
    if ov.op == "set":
        out[..., mask] = vals
    elif ov.op == "add":
        out[..., mask] = out[..., mask] + vals
    else:
        out[..., mask] = out[..., mask] * vals
    return out


def apply_scenarios(plan: Plan, inp: FinanceInputs, scenarios: Sequence[Scenario],
                    origin: str = "scenario") -> tuple[FinanceInputs, Levers]:
    """The arrays and levers of ``plan`` under ``scenarios``, in order."""
    years = inp.years
    levers = Levers.none(len(plan.services), len(years))
    service_ids = [s.id for s in plan.services]
    for sc in scenarios:
        for ov in sc.overrides:
            inp, levers = apply_override(plan, inp, levers, ov, service_ids,
                                         f"{origin} {sc.id}")
    return inp, levers


def apply_override(plan: Plan, inp: FinanceInputs, levers: Levers, ov: Override,
                   service_ids: list[str], origin: str) -> tuple[FinanceInputs, Levers]:
    parameter_unit(ov.parameter, PlanIds(
        services=frozenset(service_ids), sectors=frozenset(inp.sector_ids),
        program_areas=frozenset(inp.area_ids),
        investments=frozenset(i for i, lt in zip(inp.investment_ids, inp.long_term_rows
                                                   or (False,) * len(inp.investment_ids),
                                                   strict=True) if not lt)))
    years = inp.years
    mask = _mask(ov, years, origin)
    vals = _values(ov, years, mask)
    p = ov.parameter
    if p == "assumptions.investment_execution_rate":
        now = inp.execution_rate if inp.execution_rate is not None else np.ones((1, len(years)))
        rate = _apply(now, ov, mask, vals)
        if np.any((rate <= 0) | (rate > 1)):
            raise ScenarioError("execution rate outside 0–1", file=origin, field=p,
                                expected="a share above 0 and at most 1", found=ov.value)
        return inp.with_changes(execution_rate=rate), levers
    if p == "assumptions.fund_return_deviation":
        if inp.managed_fund_index < 0:
            raise ScenarioError("the plan has no forvaltningsfond", file=origin, field=p,
                                expected="finance.fund_return in plan.yaml")
        return inp.with_changes(return_deviation=_apply(inp.return_deviation, ov, mask,
                                                        vals)), levers
    if p in ASSUMPTION_ARRAYS:
        name = ASSUMPTION_ARRAYS[p]
        return inp.with_changes(**{name: _apply(getattr(inp, name), ov, mask, vals)}), levers
    if p in INCOME_GROWTH:
        growth = dict(inp.income_real_growth)
        for kind in INCOME_GROWTH[p]:
            growth[kind] = _apply(growth[kind], ov, mask, vals)
        return inp.with_changes(income_real_growth=growth), levers
    if p == "income.shortfall":
        lost = _apply(1.0 - inp.income_shock, ov, mask, vals)
        return inp.with_changes(income_shock=1.0 - lost), levers
    if p in income_levers.PARAMETERS:
        return income_levers.apply(inp, ov, mask, vals, origin), levers
    if p == "expenses.adjustment" and ov.op == "scale":
        return item_overrides.scale_frames(inp, list(range(len(inp.sector_ids))), ov, mask,
                                           vals, origin), levers
    if p == "expenses.adjustment":
        return inp.with_changes(
            expense_adjustment_fixed=_apply(inp.expense_adjustment_fixed, ov, mask, vals)
        ), levers
    if p == "investments.long_term":
        return _long_term(inp, ov, mask, vals, origin), levers
    if p == "investments.additional":
        return _additional(plan, inp, ov, mask, vals), levers
    if p == "investments.delay":
        return _delay(inp, ov, vals, origin), levers
    if SECTOR_PARAMETER.match(p):
        return item_overrides.sector_frame(inp, ov, mask, vals, origin), levers
    if AREA_PARAMETER.match(p):
        return item_overrides.area_frame(inp, ov, mask, vals, origin), levers
    if INVESTMENT_PARAMETER.match(p):
        return item_overrides.investment(inp, ov, mask, vals, origin), levers
    m = SERVICE_PARAMETER.match(p)
    if m:
        rows = (list(range(len(service_ids))) if m.group(1) == "all"
                else [service_ids.index(m.group(1))])
        which = m.group(2)
        arr = levers.coverage if which == "coverage" else levers.unit_cost
        arr = arr.copy()
        arr[rows] = _apply(arr[rows], ov, mask, vals)
        if which == "coverage":
            return inp, Levers(arr, levers.unit_cost)
        return inp, Levers(levers.coverage, arr)
    raise ScenarioError("unknown parameter", file=origin, field="parameter", found=p)


def _long_term(inp: FinanceInputs, ov: Override, mask: np.ndarray, vals: np.ndarray,
               origin: str) -> FinanceInputs:
    rows = np.array(inp.long_term_rows, dtype=bool)
    costs = inp.investment_cost_fixed.copy()
    current = costs[rows].sum(axis=0)
    for j, i in enumerate(np.flatnonzero(mask)):
        if current[i] <= 0:
            raise ScenarioError(
                f"no long-term investment level in {inp.years[i]} to change", file=origin,
                field=ov.parameter, expected="years with long_term_investments in plan.yaml",
            )
        target = {"set": vals[j], "add": current[i] + vals[j], "scale": current[i] * vals[j]}[
            ov.op]
        costs[rows, i] *= max(target, 0.0) / current[i]
    return inp.with_changes(investment_cost_fixed=costs)


def _additional(plan: Plan, inp: FinanceInputs, ov: Override, mask: np.ndarray,
                vals: np.ndarray) -> FinanceInputs:
    """Extra investment per year, financed like the plan's long-term level (or, without
    one, with VAT compensation 0.2 and a 40-year life)."""
    lt = plan.long_term_investments[0] if plan.long_term_investments else None
    vat = lt.vat_compensation if lt else 0.2
    life = lt.useful_life if lt else 40
    y = len(inp.years)
    idx = np.flatnonzero(mask)
    rows = np.zeros((len(idx), y))
    for j, i in enumerate(idx):
        rows[j, i] = vals[j] if ov.op != "scale" else 0.0
    n = len(idx)
    return inp.with_changes(
        investment_ids=inp.investment_ids + tuple(f"tillegg-{inp.years[i]}" for i in idx),
        investment_cost_fixed=np.vstack([inp.investment_cost_fixed, rows]),
        vat_share=np.concatenate([inp.vat_share, np.full(n, vat)]),
        grant_share=np.concatenate([inp.grant_share, np.zeros(n)]),
        sale_share=np.concatenate([inp.sale_share, np.zeros(n)]),
        loan_share=np.concatenate([inp.loan_share, np.full(n, np.nan)]),
        rentable=np.concatenate([inp.rentable, np.zeros(n, dtype=bool)]),
        useful_life=np.concatenate([inp.useful_life, np.full(n, float(life))]),
        completion_index=np.concatenate([inp.completion_index, idx]),
        long_term_rows=inp.long_term_rows + (False,) * n,
        cost_recovery=np.concatenate([inp.cost_recovery, np.zeros(n, dtype=int)]),
    )


def _delay(inp: FinanceInputs, ov: Override, vals: np.ndarray, origin: str) -> FinanceInputs:
    """Move the plan period's projects ``value`` years later (earlier when negative), with
    their operating consequences; cost moved past the horizon drops out of the projection."""
    shift = item_overrides.whole_years(ov, vals, origin)
    plan_rows = np.flatnonzero(~np.array(inp.long_term_rows, dtype=bool))
    return item_overrides.delay_rows(inp, plan_rows, shift)
