"""Rolling the plan forward (rullering): next year's plan from this one and the accounts.

Every autumn the four-year plan moves one year: the year just closed drops out, a new last
year is added, and the accounts of the closed year become the starting point. What
:func:`roll_forward` carries, and from where (each carried figure names its source):

- **period** one year later; **status** draft (it is a new proposal, not adopted);
- **opening balances** at 31 December of the closed year — debt, depreciable assets,
  depreciation and every fund — from the closed year's accounts (``regnskap YYYY``); the
  weighted remaining life one year shorter (an assumption: the accounts do not give it);
- **prices**: the plan's fixed kroner are kroner of its first projected year (the engine's
  price index is 1 there), so the carried frames, projects, measures and long-term levels
  are uprated into the new first year's kroner by ``uprate``, the projection's own price
  and cost growth (computed by the engine, given here as data); the income lines start at
  the projection's income of the new first year;
- **frames** of the remaining years carried, the new last year held at the old last year's
  (an assumption, stated on each row);
- **investments** carried with their remaining amounts: the unspent part of the closed
  year's budget moves to the new first year; projects the accounts report ``completed`` or
  ``cancelled`` are closed (left out); a project later than planned gets its expected
  completion year;
- **measures** take the status the accounts report;
- the **population base year** moves when the old one would fall out of range; the
  population data must then reach the new one, else a located error says so.

Pure: files are read and written by the caller.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from muniplan.plan.actuals import Report
from muniplan.plan.errors import PlanError
from muniplan.plan.frames import INCOME_OF
from muniplan.plan.model import Figure, Plan, PriceBasis, Source

CLOSED_STATUSES = ("completed", "cancelled")


@dataclass(frozen=True)
class Carried:
    """One carried figure, for the command's summary: what, from what, to what, and why."""

    what: str
    old: float | None
    new: float | None
    source: str


def roll_forward(plan: Plan, accounts: Report, to_first: int, uprate: float,
                 income_first: dict[str, float]) -> tuple[Plan, list[Carried]]:
    """The next plan, starting in ``to_first``, and the list of what was carried."""
    closed = to_first - 1
    if to_first != plan.period.first + 1:
        raise PlanError("a plan rolls forward one year at a time", field="--to-first-year",
                        expected=str(plan.period.first + 1), found=str(to_first))
    if accounts.year != closed or accounts.period != "year":
        raise PlanError(f"rolling forward needs the accounts of {closed}",
                        file=accounts.file or "actuals/", field="period",
                        expected=f"actuals/{closed}-year.csv",
                        found=f"{accounts.year}-{accounts.period}")
    if not 0.5 < uprate < 2.0:
        raise PlanError("implausible price adjustment", field="uprate",
                        expected="a factor near 1", found=str(uprate))
    src, roll = f"regnskap-{closed}", f"rullering-{to_first}"
    carried: list[Carried] = []
    first, last = to_first, plan.period.last + 1

    def up(x: float) -> int:
        return round(x * uprate)

    sources = (*plan.sources,
               Source(id=src, title=f"Regnskap {closed} ({Path(accounts.file).name})",
                      publisher=plan.municipality.name,
                      note="Faktiske tall registrert i muniplan"),
               Source(id=roll, title=f"{plan.title} (planen som er rullert)",
                      note=f"plan {plan.id}; beløp omregnet til faste {to_first}-kroner "
                      f"× {uprate:.4f} (framskrivingens pris- og kostnadsvekst)"))
    income = tuple(_income(plan, income_first, roll, to_first, carried))
    data: dict[str, Any] = {
        "id": _next_id(plan.id, plan.period.first, plan.period.last),
        "title": _next_title(plan.title, plan.period.first, plan.period.last),
        "period": plan.period.model_copy(update={"first": first, "last": last}),
        "base_year": _base_year(plan, to_first),
        "price_basis": PriceBasis(kind="fixed", year=to_first)
        if plan.price_basis.kind == "fixed" else plan.price_basis,
        "status": "draft",
        "adopted": None,
        "sources": sources,
        "opening": _opening(plan, accounts, src, carried),
        "income": income,
        "sectors": tuple(_sectors(plan, first, last, up, roll, carried, income)),
        "investments": tuple(_investments(plan, accounts, first, last, up, roll, carried)),
        "long_term_investments": tuple(
            lt.model_copy(update={"amount": up(lt.amount), "first": max(lt.first, last + 1)})
            for lt in plan.long_term_investments if lt.last > last),
        "priority_areas": tuple(_priorities(plan, accounts, first, up)),
        "scenarios": tuple(_scenarios(plan, first)),
    }
    raw = plan.model_dump(exclude={"population", "digest"})
    raw.update({k: v.model_dump() if hasattr(v, "model_dump") else v for k, v in data.items()})
    raw = _dump(raw)
    return Plan.model_validate(raw), carried


def _dump(x: Any) -> Any:
    if hasattr(x, "model_dump"):
        return _dump(x.model_dump())
    if isinstance(x, dict):
        return {k: _dump(v) for k, v in x.items()}
    if isinstance(x, list | tuple):
        return [_dump(v) for v in x]
    return x


def _next_id(plan_id: str, first: int, last: int) -> str:
    new = plan_id.replace(f"{first}-{last}", f"{first + 1}-{last + 1}")
    return new if new != plan_id else f"{plan_id}-{first + 1}"


def _next_title(title: str, first: int, last: int) -> str:
    return re.sub(rf"{first}\s*[–-]\s*{last}", f"{first + 1}–{last + 1}", title)


def _base_year(plan: Plan, to_first: int) -> int:
    if plan.base_year >= to_first - 1:
        return plan.base_year
    need = to_first - 1
    pop = plan.population
    if pop is not None and need not in {int(y) for y in pop.pop_years}:
        raise PlanError(f"the population base year must move to {need}, and the population "
                        f"data does not reach it", file="population/population.csv",
                        field="year", expected=f"rows for 1 January {need} (SSB table 07459)",
                        found=f"years to {int(max(pop.pop_years))}")
    return need


def _opening(plan: Plan, accounts: Report, src: str, carried: list[Carried]) -> dict[str, Any]:
    o = plan.opening
    need = ["debt", "depreciable_assets", *(f"fund_{f.id}" for f in o.funds)]
    missing = [k for k in need if accounts.value("indicator", k, "value") is None]
    if missing:
        raise PlanError("the accounts lack a balance the next plan opens with",
                        file=accounts.file, field="indicator",
                        expected=", ".join(need), found="missing " + ", ".join(missing))

    def fig(key: str, old: Figure) -> Figure:
        value = accounts.value("indicator", key, "value")
        if value is None:
            return old.model_copy(update={"assumption": (old.assumption or "")
                                          + f" (not in regnskap {accounts.year}: kept)"})
        carried.append(Carried(f"opening.{key}", old.value, float(value), src))
        return Figure(value=float(value), source=src)

    life = o.weighted_remaining_life
    funds = []
    for f in o.funds:
        value = int(accounts.value("indicator", f"fund_{f.id}", "value") or 0)
        carried.append(Carried(f"opening.funds.{f.id}", f.amount, value, src))
        funds.append(f.model_copy(update={"amount": value, "source": src, "assumption": None}))
    return {
        "debt": fig("debt", o.debt),
        "depreciable_assets": fig("depreciable_assets", o.depreciable_assets),
        "depreciation": fig("depreciation", o.depreciation),
        "weighted_remaining_life": life.model_copy(update={
            "value": max(1.0, life.value - 1),
            "assumption": f"{life.value:g} years a year ago, one year less (the accounts do "
                          "not give it)"}),
        "funds": tuple(funds),
    }


def _income(plan: Plan, income_first: dict[str, float], roll: str, to_first: int,
            carried: list[Carried]) -> list[Any]:
    out = []
    for it in plan.income:
        new = round(income_first.get(it.id, it.amount))
        carried.append(Carried(f"income.{it.id}", it.amount, new, roll))
        out.append(it.model_copy(update={
            "amount": new, "source": roll,
            "assumption": f"the rolled plan's projection for {to_first} "
                          f"(was {it.amount:,} kr in its first year)".replace(",", " ")}))
    return out


def _area_shares(plan: Plan, income: tuple[Any, ...]) -> dict[str, dict[str, int]]:
    """Each programområde's fees and refunds in the rolled plan: the old split applied to the
    new income of that kind, whole kroner that add up to it exactly (largest remainder), so
    the loader's check that the areas' shares sum to the plan's income holds after rolling."""
    areas = [a for s in plan.sectors for a in s.program_areas]
    totals: dict[str, int] = {}
    for it in income:
        totals[it.id] = totals.get(it.id, 0) + it.amount
    out: dict[str, dict[str, int]] = {a.id: {} for a in areas}
    for column, kind in INCOME_OF.items():
        old = [getattr(a, column) for a in areas]
        if not sum(old):
            continue
        exact = [v * totals.get(kind, 0) / sum(old) for v in old]
        whole = [int(x) for x in exact]
        order = sorted(range(len(areas)), key=lambda i: whole[i] - exact[i])
        for i in order[: totals.get(kind, 0) - sum(whole)]:
            whole[i] += 1
        for a, v in zip(areas, whole, strict=True):
            out[a.id][column] = v
    return out


def _sectors(plan: Plan, first: int, last: int, up: Any, roll: str,
             carried: list[Carried], income: tuple[Any, ...]) -> list[Any]:
    out = []
    shares = _area_shares(plan, income)
    for s in plan.sectors:
        areas = []
        for a in s.program_areas:
            old = a.operating_frame
            frame = {y: up(old[y]) for y in range(first, last) if y in old}
            frame[last] = up(old.get(last - 1, 0))
            carried.append(Carried(f"frame.{a.id}.{first}", old.get(first), frame[first], roll))
            areas.append(a.model_copy(update={
                **shares[a.id], "operating_frame": frame, "source": _with(a.source, roll),
                "assumption": (a.assumption or "") + f"; {last} held at {last - 1}'s frame"}))
        out.append(s.model_copy(update={"program_areas": tuple(areas)}))
    return out


def _investments(plan: Plan, accounts: Report, first: int, last: int, up: Any, roll: str,
                 carried: list[Carried]) -> list[Any]:
    out = []
    closed = first - 1
    for inv in plan.investments:
        status = accounts.value("investment", inv.id, "status")
        if status in CLOSED_STATUSES:
            carried.append(Carried(f"investment.{inv.id} ({status})", inv.total_cost, None,
                                   f"regnskap-{closed}"))
            continue
        cost = {y: up(inv.cost.get(y, 0)) for y in range(first, last + 1)}
        budget = accounts.value("investment", inv.id, "revised_budget")
        budget = float(budget if budget is not None else inv.cost.get(closed, 0))
        spent = accounts.value("investment", inv.id, "spent")
        unspent = max(0.0, budget - float(spent)) if spent is not None else 0.0
        cost[first] += up(unspent)
        expected = accounts.value("investment", inv.id, "expected_completion")
        completion = max(int(expected) if expected is not None else inv.completion_year, first)
        note = (f"; unspent {closed} budget ({round(unspent):,} kr, regnskap {closed}) moved to "
                f"{first}".replace(",", " ") if unspent else "")
        carried.append(Carried(f"investment.{inv.id}.{first}", inv.cost.get(first),
                               cost[first], f"regnskap-{closed}" if unspent else roll))
        out.append(inv.model_copy(update={
            "cost": cost, "completion_year": completion,
            "source": _with(inv.source, roll if not unspent else f"{roll}; regnskap-{closed}"),
            "assumption": (inv.assumption or "") + note}))
    return out


def _priorities(plan: Plan, accounts: Report, first: int, up: Any) -> list[Any]:
    out = []
    for area in plan.priority_areas:
        measures = []
        for m in area.measures:
            status = accounts.value("measure", m.id, "status")
            cost = {y: up(v) for y, v in m.cost.items() if y >= first}
            measures.append(m.model_copy(update={"status": status or m.status, "cost": cost}))
        out.append(area.model_copy(update={"measures": tuple(measures)}))
    return out


def _scenarios(plan: Plan, first: int) -> list[Any]:
    out = []
    for sc in plan.scenarios:
        kept = []
        for o in sc.overrides:
            if o.last is not None and o.last < first:
                continue
            if o.first is not None and o.first < first:
                o = o.model_copy(update={"first": first, "ramp": None if o.ramp is None else
                                         _cut_ramp(o.ramp, o.first, o.last, first),
                                         })
            kept.append(o)
        if kept:
            out.append(sc.model_copy(update={"overrides": tuple(kept)}))
    return out


def _cut_ramp(ramp: tuple[float, float], first: int, last: int | None,
              new_first: int) -> tuple[float, float]:
    """The ramp's value at ``new_first`` becomes its start (a linear ramp stays the same
    line over the years it still covers)."""
    if last is None or last <= first:
        return ramp
    t = (new_first - first) / (last - first)
    return (ramp[0] + t * (ramp[1] - ramp[0]), ramp[1])


def _with(source: str | None, extra: str) -> str:
    return f"{source}; {extra}" if source else extra
