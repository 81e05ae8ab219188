"""Satsingsområder: the priority areas, their measures with cost and status, their targets
with values by year, and the plan's main levers (hovedgrep)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from muniplan.web.pages.common import Lang, ToYear, Version, open_page

router = APIRouter(include_in_schema=False)

STATUS_LABELS = {"planned": "Planlagt", "started": "Startet", "ongoing": "Pågår",
                 "completed": "Fullført", "postponed": "Utsatt", "cancelled": "Avlyst"}


@router.get("/plan/{plan_id}/satsingsomrader", response_class=HTMLResponse)
def priorities(request: Request, plan_id: str, lang: Lang = None, version: Version = None,
               to: ToYear = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version, to)
    plan = page.plan
    years = list(plan.period.years)
    sectors = {s.id: s.name for s in plan.sectors}
    return page.render("priorities.html", page._("Satsingsområder"), "priorities",
                       years=years, sectors=sectors, status_labels=STATUS_LABELS)
