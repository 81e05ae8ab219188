"""Investeringer: every project with category, cost by year, completion and financing; the
category totals; a timeline; and how the programme is financed year by year (from the
projection, so loans and self-financing follow the plan's rule)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from muniplan.web.pages.common import Lang, ToYear, Version, charts, open_page

router = APIRouter(include_in_schema=False)

FINANCING = ("vat_compensation", "grants", "sales", "transfer_to_investment", "new_loans")


@router.get("/plan/{plan_id}/investeringer", response_class=HTMLResponse)
def investments(request: Request, plan_id: str, lang: Lang = None, version: Version = None,
                to: ToYear = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version, to)
    plan, proj = page.plan, page.proj
    years = sorted({y for i in plan.investments for y in i.cost}) or list(plan.period.years)
    projects = sorted(plan.investments, key=lambda i: (i.category, i.name))
    sectors = {s.id: s.name for s in plan.sectors}
    fin_years = [y for y in years if y in proj.years]
    financing = [(name, [float(proj.series[name][proj.year_index(y)]) for y in fin_years])
                 for name in (*FINANCING, "investments") if name in proj.series]
    return page.render(
        "investments.html", page._("Investeringer"), "investments",
        years=years, projects=projects, sectors=sectors, fin_years=fin_years,
        financing=financing, total=sum(i.total_cost for i in plan.investments),
        charts=charts(page, "investments-by-category", "investments-by-year",
                      "investment-timeline"))
