"""Follow-up: the year's budget against what has happened, and where the year will end.

For each programområde, each sector and the whole kommune: the adopted budget (the plan's
frame for the year), the revised budget (the adopted one unless a report gives another),
the actual to date, a year-end prognosis and the deviation (avvik) in kroner and percent.

- **Budget in kroner of the year.** The plan's frames are fixed base-year kroner; the budget
  of a later year is the frame × the projection's price index × its cost index, exactly as
  the engine grows the frames (:mod:`muniplan.engine.finance`). Actuals are nominal kroner.
- **Prognosis.** The staff's own when the report gives one (``prognosis``); else the actual
  to date over the *seasonal share*: the share of a year's spending that past years had
  spent by the same point (the mean of actual(T) / actual(year) over every earlier year the
  folder holds both reports for, per programområde, else for the kommune). Without past
  years the share is the share of the months (T1 4/12, T2 8/12): even spending through the
  year — an assumption, stated on the report. At ``year`` the prognosis is the actual.
- **Deviation** = prognosis − revised budget: for an expense, positive is a merforbruk
  (overspending), negative a mindreforbruk; for income, positive is more income than
  budgeted. A deviation is flagged for reporting when it is at least ``threshold_share`` of
  the budget or ``threshold_amount`` kroner (defaults below, an assumption: kommuner set
  their own thresholds in their økonomireglement, kommuneloven 2018 § 14-2 d).
- **Investments**: spent in the year against the year's budget (gjennomføringsgrad, the
  execution rate, measured by Bærum's rule R5 in årsrapport 2018), the expected total cost
  against the plan's (overrun, kr and %), and expected completion against the plan's.
- **Measures and targets**: the reported status, the measured value against the target.

Pure: it reads no files; the plan, the projection and the reports come in as data.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from typing import Any

from muniplan.engine.projection import Projection
from muniplan.plan.actuals import PERIOD_MONTHS, Actuals, Report
from muniplan.plan.model import Plan

THRESHOLD_SHARE = 0.01
THRESHOLD_AMOUNT = 10_000_000
THRESHOLD_ASSUMPTION = (
    "Avvik rapporteres når prognosen avviker minst 1 % eller 10 mill. kr fra revidert "
    "budsjett (muniplans standard; kommunen fastsetter egne terskler i økonomireglementet)")
EVEN_SPENDING = "jevnt forbruk gjennom året (andel av månedene)"


@dataclass(frozen=True)
class Line:
    """One budget line (a programområde, a sector, an income line or the kommune), kroner."""

    id: str
    name: str
    level: str  # program_area | sector | kommune | income
    sector: str | None
    budget_adopted: float
    budget_revised: float
    actual: float | None
    prognosis: float | None
    prognosis_basis: str  # staff | seasonal | actual | none
    seasonal_share: float | None
    deviation: float | None
    deviation_share: float | None
    flagged: bool
    comment: str | None = None


@dataclass(frozen=True)
class InvestmentLine:
    id: str
    name: str
    sector: str
    budget: float
    spent: float | None
    execution_rate: float | None
    planned_total: float
    prognosis_total: float | None
    overrun: float | None
    overrun_share: float | None
    percent_complete: float | None
    planned_completion: int
    expected_completion: int | None
    delay_years: int | None
    status: str | None
    flagged: bool
    comment: str | None = None


@dataclass(frozen=True)
class StatusLine:
    """A measure (``kind`` measure) or a target (``kind`` target) and what was reported."""

    kind: str
    id: str
    name: str
    priority_area: str
    planned: str | None
    reported: str | None
    target_value: float | None
    target_year: int | None
    measured: float | None
    unit: str | None
    comment: str | None


@dataclass(frozen=True)
class FollowUp:
    """A follow-up report, computed: every figure any output of it shows."""

    plan_id: str
    year: int
    period: str
    price_basis: str
    lines: tuple[Line, ...]
    income: tuple[Line, ...]
    investments: tuple[InvestmentLine, ...]
    investment_total: InvestmentLine
    statuses: tuple[StatusLine, ...]
    indicators: tuple[dict[str, Any], ...]
    checks: tuple[dict[str, Any], ...]
    assumptions: tuple[str, ...]
    sources: tuple[str, ...]
    thresholds: dict[str, float] = field(default_factory=dict)

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


def follow_up(plan: Plan, proj: Projection, actuals: Actuals, year: int, period: str, *,
              threshold_share: float = THRESHOLD_SHARE,
              threshold_amount: float = THRESHOLD_AMOUNT) -> FollowUp:
    """The report of ``period`` in ``year`` against the plan (and its projection)."""
    if year not in proj.years or year > plan.period.last:
        raise ValueError(f"{year} is not a year of the plan period "
                         f"{plan.period.first}–{plan.period.last}")
    report = actuals.report(year, period) or Report(year, period, "", ())
    i = proj.year_index(year)
    growth = float(proj.series["price_index"][i] * proj.series["cost_index"][i])
    price = float(proj.series["price_index"][i])
    limits = (threshold_share, threshold_amount)
    assumptions: list[str] = [THRESHOLD_ASSUMPTION]
    shares = _seasonal_shares(actuals, year, period)
    if period != "year" and shares.get("*") is None:
        assumptions.append(f"Prognose uten stabens egen: faktisk hittil delt på "
                           f"{PERIOD_MONTHS[period]}/12 ({EVEN_SPENDING}); ingen tidligere "
                           "år med både tertial og årsregnskap")
    elif period != "year":
        assumptions.append("Prognose uten stabens egen: faktisk hittil delt på sesongandelen "
                           "fra tidligere års tertial og årsregnskap")
    areas = []
    for s in plan.sectors:
        for a in s.program_areas:
            budget = a.operating_frame.get(year, 0) * growth
            areas.append(_line(report, "program_area", a.id, a.name, s.id, budget, period,
                               shares, limits))
    sectors = [_total(f"{s.id}", s.name, "sector", None,
                      [ln for ln in areas if ln.sector == s.id], limits)
               for s in plan.sectors]
    lines: list[Line] = []
    for s, total in zip(plan.sectors, sectors, strict=True):
        lines.append(total)
        lines.extend(ln for ln in areas if ln.sector == s.id)
    lines.append(_total("kommune", plan.municipality.name, "kommune", None, areas, limits))
    income = [_line(report, "income", it.id, it.name, None,
                    float(proj.series.get(f"income_{it.id}", [0.0] * len(proj.years))[i]),
                    period, shares, limits, expense=False)
              for it in plan.income]
    invs = [_investment(report, inv, year, price) for inv in plan.investments]
    return FollowUp(
        plan_id=plan.id, year=year, period=period,
        price_basis=f"løpende {year}-kroner",
        lines=tuple(lines), income=tuple(income), investments=tuple(invs),
        investment_total=_investment_total(invs),
        statuses=tuple(_statuses(plan, report, year)),
        indicators=tuple(_indicators(plan, report, proj, i)),
        checks=tuple(_checks(plan, _investment_total(invs), period)),
        assumptions=tuple(assumptions),
        sources=tuple(sorted({e.source for e in report.entries})),
        thresholds={"share": threshold_share, "amount": threshold_amount},
    )


def _seasonal_shares(actuals: Actuals, year: int, period: str) -> dict[str, float | None]:
    """Per programområde (and ``*`` for the kommune): the mean share of the year's spending
    recorded by ``period`` in earlier years."""
    if period == "year":
        return {}
    per: dict[str, list[float]] = {}
    totals: list[float] = []
    for past in actuals.years():
        if past >= year:
            continue
        part, whole = actuals.report(past, period), actuals.report(past, "year")
        if part is None or whole is None:
            continue
        a, b = part.values("program_area", "actual"), whole.values("program_area", "actual")
        common = [k for k in a if k in b and float(b[k]) > 0]
        for k in common:
            per.setdefault(k, []).append(float(a[k]) / float(b[k]))
        total_b = sum(float(b[k]) for k in common)
        if total_b > 0:
            totals.append(sum(float(a[k]) for k in common) / total_b)
    out: dict[str, float | None] = {k: sum(v) / len(v) for k, v in per.items()}
    out["*"] = sum(totals) / len(totals) if totals else None
    return out


def _line(report: Report, kind: str, id_: str, name: str, sector: str | None, budget: float,
          period: str, shares: dict[str, float | None], limits: tuple[float, float],
          expense: bool = True) -> Line:
    revised = report.value(kind, id_, "revised_budget")
    revised_f = float(revised) if revised is not None else budget
    actual = report.value(kind, id_, "actual")
    staff = report.value(kind, id_, "prognosis")
    share: float | None = None
    if period == "year":
        prognosis, basis = (float(actual), "actual") if actual is not None else (None, "none")
    elif staff is not None:
        prognosis, basis = float(staff), "staff"
    elif actual is not None:
        share = shares.get(id_) or shares.get("*") or PERIOD_MONTHS[period] / 12
        prognosis, basis = float(actual) / share, "seasonal"
    else:
        prognosis, basis = None, "none"
    comment = next((e.comment for e in report.entries
                    if e.kind == kind and e.id == id_ and e.comment), None)
    dev, dev_share, flag = _deviation(prognosis, revised_f, limits)
    return Line(id_, name, kind, sector, budget, revised_f,
                float(actual) if actual is not None else None, prognosis, basis, share,
                dev, dev_share, flag, comment)


def _deviation(prognosis: float | None, budget: float, limits: tuple[float, float]
               ) -> tuple[float | None, float | None, bool]:
    if prognosis is None:
        return None, None, False
    dev = prognosis - budget
    share = dev / budget if budget else None
    flag = abs(dev) >= limits[1] or (share is not None and abs(share) >= limits[0])
    return dev, share, flag


def _total(id_: str, name: str, level: str, sector: str | None, parts: list[Line],
           limits: tuple[float, float]) -> Line:
    def total(attr: str) -> float | None:
        vals = [getattr(p, attr) for p in parts]
        return None if any(v is None for v in vals) or not vals else float(sum(vals))

    adopted = float(sum(p.budget_adopted for p in parts))
    revised = float(sum(p.budget_revised for p in parts))
    prognosis = total("prognosis")
    dev, share, flag = _deviation(prognosis, revised, limits)
    bases = {p.prognosis_basis for p in parts}
    return Line(id_, name, level, sector, adopted, revised, total("actual"), prognosis,
                bases.pop() if len(bases) == 1 else "mixed", None, dev, share, flag)


def _investment(report: Report, inv: Any, year: int, price: float) -> InvestmentLine:
    def get(f: str) -> Any:
        return report.value("investment", inv.id, f)

    budget = float(get("revised_budget") if get("revised_budget") is not None
                   else inv.cost.get(year, 0) * price)
    spent = get("spent")
    planned_total = float(inv.total_cost)
    prog = get("prognosis_total")
    overrun = float(prog) - planned_total if prog is not None else None
    expected = get("expected_completion")
    comment = next((e.comment for e in report.entries
                    if e.kind == "investment" and e.id == inv.id and e.comment), None)
    rate = float(spent) / budget if spent is not None and budget > 0 else None
    overrun_share = overrun / planned_total if overrun is not None and planned_total else None
    delay = int(expected) - inv.completion_year if expected is not None else None
    flagged = (overrun_share is not None and overrun_share >= THRESHOLD_SHARE) or \
        (delay is not None and delay > 0)
    return InvestmentLine(inv.id, inv.name, inv.sector, budget,
                          float(spent) if spent is not None else None, rate, planned_total,
                          float(prog) if prog is not None else None, overrun, overrun_share,
                          get("percent_complete"), inv.completion_year,
                          int(expected) if expected is not None else None, delay,
                          get("status"), flagged, comment)


def _investment_total(invs: list[InvestmentLine]) -> InvestmentLine:
    budget = sum(v.budget for v in invs)
    spent_vals = [v.spent for v in invs if v.spent is not None]
    spent = float(sum(spent_vals)) if spent_vals else None
    planned = sum(v.planned_total for v in invs)
    progs = [v.prognosis_total if v.prognosis_total is not None else v.planned_total
             for v in invs]
    prog = float(sum(progs)) if any(v.prognosis_total is not None for v in invs) else None
    overrun = prog - planned if prog is not None else None
    return InvestmentLine(
        "total", "Sum investeringer", "", budget, spent,
        spent / budget if spent is not None and budget > 0 else None, planned, prog, overrun,
        overrun / planned if overrun is not None and planned else None, None, 0, None, None,
        None, bool(overrun is not None and planned and overrun / planned >= THRESHOLD_SHARE))


def _statuses(plan: Plan, report: Report, year: int) -> list[StatusLine]:
    out = []
    for area in plan.priority_areas:
        for m in area.measures:
            e = report.get("measure", m.id, "status")
            out.append(StatusLine("measure", m.id, m.name, area.name, m.status,
                                  str(e.value) if e else None, None, None, None, None,
                                  e.comment if e else None))
        for t in area.targets:
            e = report.get("target", t.id, "value")
            later = sorted(y for y in t.values if y >= year)
            ty = later[0] if later else None
            out.append(StatusLine("target", t.id, t.name, area.name, None, None,
                                  t.values[ty] if ty is not None else None, ty,
                                  float(e.value) if e else None, t.unit,
                                  e.comment if e else None))
    return out


def _indicators(plan: Plan, report: Report, proj: Projection, i: int
                ) -> list[dict[str, Any]]:
    funds = {f"fund_{f.id}": f.name for f in plan.opening.funds}
    out = []
    for e in report.entries:
        if e.kind != "indicator":
            continue
        if e.id == "population":
            planned = (float(proj.population["total"][i + 1])
                       if proj.population and i + 1 < len(proj.population["total"]) else None)
        else:
            series = proj.series.get(e.id)
            planned = float(series[i]) if series is not None else None
        actual = float(e.value)
        out.append({"id": e.id, "name": funds.get(e.id), "planned": planned, "actual": actual,
                    "difference": actual - planned if planned is not None else None,
                    "unit": "persons" if e.id == "population" else "kr",
                    "source": e.source, "comment": e.comment})
    return out


def _checks(plan: Plan, total: InvestmentLine, period: str) -> list[dict[str, Any]]:
    """The plan's rules that the accounts can answer and the projection cannot: the
    investment execution rate (Bærum's R5), measured at the year's end."""
    out = []
    for rule in plan.rules:
        if rule.indicator != "investment_execution_rate" or period != "year":
            continue
        value = total.execution_rate
        if value is None:
            continue
        ok = rule.holds(value)
        out.append({"rule": rule.id, "name": rule.name, "value": value,
                    "limit": rule.limit, "operator": rule.operator, "holds": bool(ok)})
    return out


def rollforward_inputs(proj: Projection, to_first: int) -> tuple[float, dict[str, float]]:
    """What rolling forward needs from the projection: the factor that takes fixed kroner
    of the plan's first year into the new first year's (price index × real cost growth, as
    the frames grow in :mod:`muniplan.engine.finance`), and each income line in that
    year."""
    i = proj.year_index(to_first)
    uprate = float(proj.series["price_index"][i] * proj.series["cost_index"][i])
    income = {k.removeprefix("income_"): float(v[i]) for k, v in proj.series.items()
              if k.startswith("income_")}
    return uprate, income


REALITY_SERIES = ("net_operating_result", "operating_income", "debt", "investments",
                  "depreciable_assets", "population")
"""What plan against reality compares: the projection beside the accounts."""


@dataclass(frozen=True)
class RealityRow:
    """One indicator in one past year: what the plan projected and what happened."""

    indicator: str
    year: int
    projected: float | None
    actual: float | None
    difference: float | None
    difference_share: float | None
    unit: str
    source: str | None


def plan_against_actuals(plan: Plan, proj: Projection, actuals: Actuals
                         ) -> tuple[RealityRow, ...]:
    """For every year with accounts (``year`` reports) inside the projection, each indicator
    projected and recorded; the population is at 31 December (1 January of the next year).
    The investments actual is the ``investments`` indicator, else the projects' spending."""
    rows = []
    for year in actuals.years():
        report = actuals.report(year, "year")
        if report is None or year not in proj.years:
            continue
        i = proj.year_index(year)
        for name in REALITY_SERIES:
            projected = _projected(proj, name, i)
            entry = report.get("indicator", name, "value")
            actual: float | None = float(entry.value) if entry else None
            source = entry.source if entry else None
            if actual is None and name == "investments":
                spent = report.values("investment", "spent")
                if spent:
                    actual = float(sum(float(v) for v in spent.values()))
                    source = "sum av prosjektenes regnskap"
            diff = actual - projected if actual is not None and projected is not None else None
            rows.append(RealityRow(
                name, year, projected, actual, diff,
                diff / projected if diff is not None and projected else None,
                "persons" if name == "population" else "kr", source))
    return tuple(rows)


def _projected(proj: Projection, name: str, i: int) -> float | None:
    if name == "population":
        total = proj.population.get("total") if proj.population else None
        return float(total[i + 1]) if total is not None and i + 1 < len(total) else None
    series = proj.series.get(name)
    return float(series[i]) if series is not None else None
