"""Kilder: where every figure comes from — the plan's sources, each figure's source or
assumption with its reason, the population data's credits and the projection's provenance.
Every page links here by anchor (``#src-<id>`` for a source, ``#fig-…`` for a figure)."""

from __future__ import annotations

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from muniplan.web.pages.common import Lang, ToYear, Version, open_page

router = APIRouter(include_in_schema=False)


@router.get("/plan/{plan_id}/kilder", response_class=HTMLResponse)
def sources(request: Request, plan_id: str, lang: Lang = None, version: Version = None,
            to: ToYear = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version, to)
    plan = page.plan
    a = plan.assumptions
    assumptions = [(name, getattr(a, name)) for name in type(a).model_fields
                   if getattr(a, name) is not None]
    opening = [("debt", plan.opening.debt), ("depreciable_assets",
                                             plan.opening.depreciable_assets),
               ("depreciation", plan.opening.depreciation),
               ("weighted_remaining_life", plan.opening.weighted_remaining_life)]
    if plan.opening.weighted_useful_life is not None:
        opening.append(("weighted_useful_life", plan.opening.weighted_useful_life))
    population = dict(plan.population.sources) if plan.population is not None else {}
    return page.render("sources.html", page._("Kilder"), "sources",
                       assumptions=assumptions, opening=opening, population=population)
