"""Sektorer: a page per sector — frames by year and program area, their changes, and the
demographic drivers (users and demographic cost of the services that act on the sector)."""

from __future__ import annotations

from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from muniplan.web.charts import sector_services
from muniplan.web.pages.common import Lang, Page, ToYear, Version, charts, open_page
from muniplan.web.source import NotFound

router = APIRouter(include_in_schema=False)


@router.get("/plan/{plan_id}/sektorer/", response_class=HTMLResponse)
def sector_list(request: Request, plan_id: str, lang: Lang = None, version: Version = None,
                to: ToYear = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version, to)
    plan = page.plan
    first, last = plan.period.first, plan.period.last
    rows = [(s, s.operating_frame().get(first, 0), s.operating_frame().get(last, 0))
            for s in plan.sectors]
    total = sum(r[1] for r in rows)
    return page.render("sectors.html", page._("Sektorer"), "sectors", rows=rows, total=total,
                       charts=charts(page, "frames-by-sector"))


def changes(sector: Any, years: list[int]) -> list[tuple[int, int, int | None]]:
    """(year, frame, change from the year before) — the frame's movement in the period."""
    frame = sector.operating_frame()
    out: list[tuple[int, int, int | None]] = []
    for i, y in enumerate(years):
        prev = frame.get(years[i - 1]) if i else None
        out.append((y, frame.get(y, 0), None if prev is None else frame.get(y, 0) - prev))
    return out


def drivers(page: Page, sector_id: str) -> list[dict[str, Any]]:
    """Users and demographic cost of each service that drives the sector."""
    plan, proj = page.plan, page.proj
    years = list(proj.years)
    marks = sorted({years[0], plan.period.last, *[y for y in years if y % 5 == 0],
                    years[-1]})
    out = []
    names = {s.id: s for s in plan.services}
    for sid in sector_services(plan, sector_id):
        users = proj.series.get(f"users_{sid}")
        cost = proj.series.get(f"demographic_cost_{sid}")
        if users is None or cost is None:
            continue
        out.append({"service": names[sid], "marks": marks,
                    "users": [float(users[years.index(y)]) for y in marks],
                    "cost": [float(cost[years.index(y)]) for y in marks],
                    "growth": float(users[-1]) / float(users[0]) - 1 if users[0] else None})
    return out


@router.get("/plan/{plan_id}/sektorer/{sector_id}", response_class=HTMLResponse)
def sector_page(request: Request, plan_id: str, sector_id: str, lang: Lang = None,
                version: Version = None, to: ToYear = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version, to)
    plan = page.plan
    sector = next((s for s in plan.sectors if s.id == sector_id), None)
    if sector is None:
        raise NotFound(page._("Planen har ingen sektor med id «{id}».").format(id=sector_id))
    years = list(plan.period.years)
    measures = [(a, m) for a in plan.priority_areas for m in a.measures
                if m.sector == sector_id]
    investments = [i for i in plan.investments if i.sector == sector_id]
    return page.render(
        "sector.html", sector.name, "sectors", sector=sector, years=years,
        changes=changes(sector, years), drivers=drivers(page, sector_id),
        measures=measures, investments=investments,
        charts=charts(page, f"sector-{sector_id}", f"sector-{sector_id}-demography"))
