"""Net appropriations per programområde: what budsjettskjema 1B (kommuneloven 1992,
forskrift om årsbudsjett § 6) and § 5-4 andre ledd (budsjett- og regnskapsforskriften 2019)
show.

Each area's gross operating expenses (before depreciation) are its frame with the
underlying cost growth and prices, plus what the engine adds to the frames — the change in
the cost of the age-driven services placed on the areas they serve, the operating
consequences of the projects built for it, the measures outside the frames of its sector,
and, for a netto frame, the fees and refunds the frame already holds. Its net appropriation
is that less its own fees (with the selvkost fees and rents of its rentable projects) and
refunds. The areas add up exactly to the overview's net operating expenses; what the plan
places in no area (a service without programområder, a measure without a sector, a
scenario's change to expenses in total) is returned as ``unallocated_*`` and shown on its
own line with why.

A cost placed on a sector rather than an area, or on a service serving several areas, is
split over the areas by their frames in the first year: the one split the plan's figures
give without a guess at something else.
"""

from __future__ import annotations

import numpy as np

from muniplan.engine.demand import ServiceDemand, beyond_frames
from muniplan.engine.inputs import FinanceInputs
from muniplan.plan.model import Plan


def _weights(frames: np.ndarray, members: np.ndarray) -> np.ndarray:
    """(A,) shares over the ``members`` mask, by first-year frame (equal if all are 0)."""
    w = np.where(members, frames, 0.0)
    if w.sum() <= 0:
        w = members.astype(float)
    return w / w.sum() if w.sum() > 0 else w


class _Placer:
    """Splits a cost over the programområder by where the plan places it."""

    def __init__(self, inp: FinanceInputs, plan: Plan) -> None:
        # first-year gross expenses: a net frame plus the fees and refunds it holds
        held = np.array([float(a.fees + a.refunds) if a.frame_basis == "netto" else 0.0
                         for s in plan.sectors for a in s.program_areas])
        self.frames = (inp.area_frames_fixed[:, 0] + held) if inp.area_frames_fixed.size \
            else np.zeros(len(inp.area_ids))
        self.sector = inp.area_sector
        self.n = len(inp.area_ids)

    def place(self, code: int) -> np.ndarray:
        """(A,) shares for a ``FinanceInputs.project_place`` code."""
        if code >= 0:
            return np.eye(self.n)[code]
        if code <= -2:
            return _weights(self.frames, self.sector == -2 - code)
        return np.zeros(self.n)

    def areas(self, ids: np.ndarray) -> np.ndarray:
        return _weights(self.frames, ids)


def _services(plan: Plan, inp: FinanceInputs, demand: ServiceDemand | None,
              change: np.ndarray, placer: _Placer) -> np.ndarray:
    """(A, Y) change in the services' cost, fixed kroner before cost growth."""
    if demand is None:
        return np.outer(placer.areas(np.ones(placer.n, dtype=bool)), change)
    cost = demand.cost[0]
    per = cost - cost[:, :1]
    if plan.finance.demography_in_frames:
        per = beyond_frames(per, inp)
    by_id = {s.id: s for s in plan.services}
    ids = list(inp.area_ids)
    out = np.zeros((placer.n, per.shape[-1]))
    for s, sid in enumerate(demand.service_ids):
        members = np.isin(ids, by_id[sid].program_areas)
        out += np.outer(placer.areas(members), per[s])
    return out


def _projects(inp: FinanceInputs, placer: _Placer) -> np.ndarray:
    """(A, Y) operating consequences, fixed kroner, from the year after completion."""
    idx = np.arange(len(inp.years))
    out = np.zeros((placer.n, len(idx)))
    for p, oc in enumerate(inp.investment_opcons_fixed):
        if oc and p < len(inp.project_place):
            out += np.outer(placer.place(int(inp.project_place[p])),
                            oc * (idx > inp.completion_index[p]))
    return out


def _measures(plan: Plan, inp: FinanceInputs, placer: _Placer) -> np.ndarray:
    """(A, Y) measures outside the frames, fixed kroner, over their sector's areas."""
    first = int(inp.years[0])
    out = np.zeros((placer.n, len(inp.years)))
    sectors = [s.id for s in plan.sectors]
    for area in plan.priority_areas:
        for m in area.measures:
            if m.in_frames or m.kind != "operating" or m.sector is None:
                continue
            cost = np.zeros(len(inp.years))
            for y, amount in m.cost.items():
                if first <= y <= int(inp.years[-1]):
                    cost[y - first] += amount
            out += np.outer(placer.place(-2 - sectors.index(m.sector)), cost)
    return out


def _shares(plan: Plan, column: str, netto_only: bool = False) -> np.ndarray:
    v = np.array([float(getattr(a, column)) if not netto_only or a.frame_basis == "netto"
                  else 0.0 for s in plan.sectors for a in s.program_areas])
    return v / v.sum() if v.sum() > 0 else v


def appropriations(plan: Plan, inp: FinanceInputs, series: dict[str, np.ndarray],
                   demand: ServiceDemand | None, change: np.ndarray,
                   recovered_by_place: dict[int, np.ndarray] | None
                   ) -> dict[str, np.ndarray]:
    """The per-area series (nominal kroner) of the deterministic run ``series``."""
    placer = _Placer(inp, plan)
    price, cost = series["price_index"], series["cost_index"]
    gross = (inp.area_frames_fixed + _services(plan, inp, demand, change[0], placer)) \
        * cost * price
    gross = gross + (_projects(inp, placer) + _measures(plan, inp, placer)) * price
    zero = np.zeros_like(price)
    for kind, column in (("fees", "fees"), ("other", "refunds")):
        gross = gross + np.outer(_shares(plan, column, netto_only=True),
                                 series.get(f"netted_{kind}", zero))
    recovered = sum((v[0] for v in (recovered_by_place or {}).values()), zero)
    fees = np.outer(_shares(plan, "fees"), series.get("income_fees", zero) - recovered)
    for code, v in (recovered_by_place or {}).items():
        fees = fees + np.outer(placer.place(code), v[0])
    refunds = np.outer(_shares(plan, "refunds"), series.get("income_other", zero))
    net = gross - fees - refunds
    out: dict[str, np.ndarray] = {}
    for k, aid in enumerate(inp.area_ids):
        out[f"gross_area_{aid}"] = gross[k]
        out[f"fees_area_{aid}"] = fees[k]
        out[f"refunds_area_{aid}"] = refunds[k]
        out[f"net_area_{aid}"] = net[k]
    for s, sid in enumerate(inp.sector_ids):
        out[f"gross_sector_{sid}"] = gross[inp.area_sector == s].sum(axis=0)
        out[f"net_sector_{sid}"] = net[inp.area_sector == s].sum(axis=0)
    out["unallocated_expenses"] = (series["operating_expenses"] - series["depreciation"]
                                   - gross.sum(axis=0))
    out["unallocated_fees"] = series.get("income_fees", zero) - fees.sum(axis=0)
    out["unallocated_refunds"] = series.get("income_other", zero) - refunds.sum(axis=0)
    return out
