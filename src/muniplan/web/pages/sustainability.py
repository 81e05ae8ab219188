"""Bærekraft: how sure are the numbers? Monte Carlo fans, the probability that each rule
breaks, the savings need that holds with 80 % and 95 % probability, and the plan's stress
tests and levers side by side — what the commercial tools do not show."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from muniplan.web.pages.common import Lang, Page, ToYear, Version, charts, open_page
from muniplan.web.pages.economy import year_ranges
from muniplan.web.risk import FAN_SERIES, check_names

router = APIRouter(include_in_schema=False)
KIND_ORDER = {"plan": 0, "stress": 1, "lever": 2, "alternative": 3}


def scenario_rows(page: Page, risk: Any) -> list[dict[str, Any]]:
    """One row per scenario: savings need at the plan period's end, 2030 and the horizon,
    against the plan as written, with the result ratio, the debt ratio and the first breach."""
    results = sorted(risk.scenarios, key=lambda r: KIND_ORDER.get(r.kind, 9))
    years = list(results[0].projection.years)
    marks = [y for y in dict.fromkeys((page.plan.period.last, 2030, years[-1])) if y in years]
    base = results[0].projection.savings_need
    by_id = {sc.id: sc for sc in page.plan.scenarios}
    rows = []
    for r in results:
        p = r.projection
        sc = by_id.get(r.id)
        rows.append({
            "id": r.id, "name": r.name, "kind": r.kind,
            "refs": page.source_refs(sc), "assumption": sc.assumption if sc else None,
            "needs": [(float(p.savings_need[years.index(y)]),
                       float(p.savings_need[years.index(y)] - base[years.index(y)]))
                      for y in marks],
            "ratio": float(p.series["net_operating_result_ratio"][-1]),
            "debt": float(p.series["debt_ratio"][-1]),
            "first": r.first_breach(),
        })
    return rows, marks


@router.get("/plan/{plan_id}/baerekraft", response_class=HTMLResponse)
def sustainability(request: Request, plan_id: str, lang: Lang = None, version: Version = None,
                   to: ToYear = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version, to)
    risk = request.app.state.web.risk(page.loaded)
    mc = risk.montecarlo
    years = list(mc.years)
    marks = [y for y in dict.fromkeys((page.plan.period.last, 2030, years[-1])) if y in years]
    at = {p: mc.savings_need_at(p) for p in (0.8, 0.95)}
    need = [(y, float(mc.savings_need[years.index(y)]), float(at[0.8][years.index(y)]),
             float(at[0.95][years.index(y)])) for y in marks]
    probs = mc.breach_probability or {}
    own = {r.id for r in page.plan.rules}
    names = check_names(page.plan, page._)
    likely = [(k if k in own else None, names.get(k, k),
               next((years[i] for i, p in enumerate(v) if p >= 0.5), None))
              for k, v in probs.items()]
    rows, row_marks = scenario_rows(page, risk)
    quantity = {"wage_growth": page._("Årslønnsvekst"), "price_growth": page._("Prisvekst"),
                "interest_rate": page._("Rentenivå på lånegjelden"),
                "tax_growth": page._("Realvekst i skatt per innbygger"),
                "execution_rate": page._("Gjennomføringsgrad for investeringer")}
    fan_charts = charts(page, *[f"fan-{n.replace('_', '-')}" for n in FAN_SERIES])
    return page.render(
        "sustainability.html", page._("Bærekraft"), "sustainability",
        risk=risk, need=need, likely=likely, rows=rows, row_marks=row_marks,
        fan_charts=fan_charts, year_ranges=year_ranges, quantity=quantity,
        other_charts=charts(page, "breach-probability", "scenario-savings"))
