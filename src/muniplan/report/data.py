"""The plan and its projection as plain data (JSON-ready), one shape for every face.

The CLI's ``--format json``, the web API and the exports all call these two functions, so a
figure reads the same wherever it is shown. Money is whole kroner here (rounded once, by
:func:`muniplan.plan.money.round_kroner`); ratios stay fractions. Which is which, and each
series' labels and price basis, come from the engine's registry
(:mod:`muniplan.engine.registry`), written out under ``series_info``.
"""

from __future__ import annotations

import math
from typing import Any

import numpy as np

from muniplan.engine.projection import Projection
from muniplan.engine.registry import spec
from muniplan.plan.model import RATIO_INDICATORS, Plan
from muniplan.plan.money import round_kroner


def _years(d: dict[int, Any]) -> dict[str, Any]:
    return {str(y): v for y, v in sorted(d.items())}


def _prov(obj: Any) -> dict[str, Any]:
    out = {}
    if getattr(obj, "source", None):
        out["source"] = obj.source
    if getattr(obj, "assumption", None):
        out["assumption"] = obj.assumption
    return out


def plan_to_dict(plan: Plan) -> dict[str, Any]:
    """The plan normalised to whole kroner (issue 2's ``show --format json`` shape)."""
    return {
        "id": plan.id,
        "title": plan.title,
        "municipality": {"name": plan.municipality.name, "number": plan.municipality.number},
        "period": [plan.period.first, plan.period.last],
        "base_year": plan.base_year,
        "horizon": plan.horizon,
        "law_regime": plan.law_regime,
        "status": plan.status,
        "adopted": plan.adopted,
        "price_basis": plan.price_basis.label(),
        "amount_unit": "kr",
        "sectors": [
            {
                "id": s.id,
                "name": s.name,
                "operating_frame": _years(s.operating_frame()),
                "program_areas": [
                    {"id": a.id, "number": a.number, "name": a.name,
                     "operating_frame": _years(a.operating_frame), **_prov(a)}
                    for a in s.program_areas
                ],
            }
            for s in plan.sectors
        ],
        "investments": [
            {
                "id": i.id, "name": i.name, "category": i.category, "sector": i.sector,
                "program_area": i.program_area, "cost": _years(i.cost),
                "total_cost": i.total_cost, "completion_year": i.completion_year,
                "financing": {"vat_compensation": i.vat_compensation, "grants": i.grants,
                              "sales": i.sales, "loan": i.loan},
                "rentable": i.rentable, "useful_life": i.useful_life,
                "operating_consequences": i.operating_consequences, **_prov(i),
            }
            for i in plan.investments
        ],
        "priority_areas": [
            {
                "id": a.id, "name": a.name, "description": a.description,
                "measures": [
                    {"id": m.id, "name": m.name, "sector": m.sector, "kind": m.kind,
                     "status": m.status, "cost": _years(m.cost), "in_frames": m.in_frames,
                     **_prov(m)}
                    for m in a.measures
                ],
                "targets": [
                    {"id": t.id, "name": t.name, "indicator": t.indicator, "unit": t.unit,
                     "values": _years(t.values), **_prov(t)}
                    for t in a.targets
                ],
            }
            for a in plan.priority_areas
        ],
        "rules": [
            {"id": r.id, "name": r.name, "indicator": r.indicator, "operator": r.operator,
             "limit": r.limit if r.indicator in RATIO_INDICATORS else round(r.limit),
             "unit": "ratio" if r.indicator in RATIO_INDICATORS else "kr",
             "applies": r.applies, "projected": r.projected, **_prov(r)}
            for r in plan.rules
        ],
        "strategies": [{"id": s.id, "name": s.name, "description": s.description, **_prov(s)}
                       for s in plan.strategies],
        "income": [{"id": i.id, "name": i.name, "amount": i.amount, **_prov(i)}
                   for i in plan.income],
        "opening_balances": {
            "debt": round(plan.opening.debt.value),
            "depreciable_assets": round(plan.opening.depreciable_assets.value),
            "depreciation": round(plan.opening.depreciation.value),
            "weighted_remaining_life": plan.opening.weighted_remaining_life.value,
            "weighted_useful_life": plan.opening.weighted_life().value,
            "funds": [{"id": f.id, "name": f.name, "amount": f.amount, "role": f.role,
                       **_prov(f)} for f in plan.opening.funds],
        },
        "services": [
            {"id": s.id, "name": s.name, "program_areas": list(s.program_areas),
             "groups": [{"ages": list(g.ages), "coverage": g.coverage} for g in s.groups],
             "unit_cost": s.unit_cost, "strategy": s.strategy, **_prov(s)}
            for s in plan.services
        ],
        "sources": [s.model_dump(exclude_none=True) for s in plan.sources],
        "totals": {
            "operating_frame": _years(_frame_total(plan)),
            "investments": sum(i.total_cost for i in plan.investments),
            "investments_by_category": _by_category(plan),
        },
    }


def _frame_total(plan: Plan) -> dict[int, int]:
    total: dict[int, int] = {}
    for s in plan.sectors:
        for y, v in s.operating_frame().items():
            total[y] = total.get(y, 0) + v
    return total


def _by_category(plan: Plan) -> dict[str, int]:
    out: dict[str, int] = {}
    for i in plan.investments:
        out[i.category] = out.get(i.category, 0) + i.total_cost
    return out


def value(name: str, x: float) -> float | int | None:
    """One figure for output: None for NaN, whole kroner for money, fractions as they are."""
    if x is None or (isinstance(x, float) and math.isnan(x)) or (
            isinstance(x, np.floating) and np.isnan(x)):
        return None
    if not spec(name).kroner:
        return round(float(x), 6)
    return round_kroner(float(x))


def series_list(name: str, arr: np.ndarray) -> list[float | int | None]:
    return [value(name, x) for x in np.asarray(arr, dtype=float)]


def projection_rows(proj: Projection) -> list[tuple[str, str, str, str | None,
                                                   list[float | int | None]]]:
    """Every series once, as ``(id, label, unit, price basis, values)``, values rounded as
    :func:`value` rounds them: the rows of the CSV, the Excel sheet and the open data."""
    return [(k, proj.label(k), proj.spec(k).unit, proj.spec(k).basis, series_list(k, v))
            for k, v in proj.series.items()]


def projection_to_dict(proj: Projection, names: list[str] | None = None) -> dict[str, Any]:
    """Issue 2's ``project --format json`` shape (with Monte Carlo keys when drawn)."""
    keys = names or list(proj.series)
    out: dict[str, Any] = {
        "plan": {"id": proj.plan_id, "municipality": proj.municipality,
                 "period": list(proj.period)},
        "years": list(proj.years),
        "series": {k: series_list(k, proj.series[k]) for k in keys if k in proj.series},
        "checks": [_check(c) for c in proj.checks],
        "savings_need": {str(y): value("savings_need", s)
                         for y, s in zip(proj.years, proj.savings_need, strict=True)},
        "savings_need_unavailable": {
            str(y): proj.savings_reason_text(i) for i, y in enumerate(proj.years)
            if proj.savings_reason_text(i) is not None},
        "series_info": {k: series_info(proj, k) for k in keys if k in proj.series},
        "provenance": proj.provenance,
    }
    if proj.population is not None:
        out["population"] = {k: [round(float(x), 1) for x in v]
                             for k, v in proj.population.items()}
    if proj.demand is not None:
        d = proj.demand
        out["services"] = [
            {"id": sid, "name": name, "unit_cost": round_kroner(float(d.unit_cost[s, 0])),
             "unit_cost_basis": "calibrated from the base year's frame over its users"
             if d.calibrated[s] else "given in the plan",
             "users": [round(float(x), 1) for x in d.users[0, s]]}
            for s, (sid, name) in enumerate(zip(d.service_ids, d.service_names, strict=True))
        ]
    if proj.samples is not None:
        out["quantiles"] = {
            q: {k: series_list(k, v) for k, v in per.items()}
            for q, per in proj.quantiles().items()
        }
    if proj.breach_probability is not None:
        out["breach_probability"] = {
            k: [None if np.isnan(x) else round(float(x), 4) for x in v]
            for k, v in proj.breach_probability.items()}
        out["savings_need_probability"] = {
            f"{p:g}": {str(y): value("savings_need", s) for y, s in
                       zip(proj.years, proj.savings_need_at(p), strict=True)}
            for p in (0.8, 0.95)
        }
        out["savings_need_probability_fixed"] = {
            f"{p:g}": {str(y): value("savings_need_fixed", s) for y, s in
                       zip(proj.years, proj.savings_need_at(p, "fixed"), strict=True)}
            for p in (0.8, 0.95)
        }
    return out


def series_info(proj: Projection, name: str) -> dict[str, str | None]:
    """What a series is: its labels, unit, price basis and level, from the registry."""
    sp = proj.spec(name)
    return {"label": sp.nb, "label_en": sp.en, "unit": sp.unit, "price_basis": sp.basis,
            "level": sp.level}


def _check(c: Any) -> dict[str, Any]:
    d = c.as_dict()
    if c.unit == "kr":
        d["value"] = None if c.value is None else round_kroner(c.value)
        d["limit"] = None if c.limit is None else round_kroner(c.limit)
    return d
