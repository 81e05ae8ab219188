"""Charts as SVG and Vega-Lite JSON, and the vega-embed bundle, all from this origin.

The SVG is what every reader gets (an ``<img>`` with a text alternative, no script needed);
the JSON is what ``static/charts.js`` hands to vega-embed to make the same chart interactive.
Both are cached per plan version: a version never changes, so neither does its chart.
"""

from __future__ import annotations

import json
from typing import Annotated, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import Response

from muniplan.web.chart_widths import BY_NAME, narrow_spec, narrowed
from muniplan.web.charts import to_svg
from muniplan.web.pages.common import Lang, ToYear, Version, open_page
from muniplan.web.source import NotFound

router = APIRouter(include_in_schema=False)
CACHE = "public, max-age=300"
Bredde = Annotated[Literal["smal", "middels"] | None, Query(
    alias="bredde", description="smal, middels: tegnet for en smal skjerm")]


def _chart(request: Request, plan_id: str, name: str, lang: str | None, version: int | None,
           to: int | None) -> tuple[object, object]:
    page = open_page(request, plan_id, lang, version, to)
    try:
        return page, page.chart(name)
    except LookupError:
        raise NotFound(page._("Planen har ingen figur som heter «{name}».").format(
            name=name)) from None


@router.get("/plan/{plan_id}/chart/{name}.svg")
def chart_svg(request: Request, plan_id: str, name: str, lang: Lang = None,
              version: Version = None, to: ToYear = None, bredde: Bredde = None) -> Response:
    page, chart = _chart(request, plan_id, name, lang, version, to)
    state = request.app.state.web
    if bredde is None:
        svg = state.svg(page.loaded, chart, page.lang)
    else:
        svg = state.svgs.get((*page.loaded.key, chart.name, page.lang, bredde),
                             lambda: to_svg(narrowed(chart, BY_NAME[bredde]), page.lang))
    return Response(svg, media_type="image/svg+xml", headers={"Cache-Control": CACHE})


@router.get("/plan/{plan_id}/chart/{name}.json")
def chart_spec(request: Request, plan_id: str, name: str, lang: Lang = None,
               version: Version = None, to: ToYear = None, bredde: Bredde = None) -> Response:
    _page, chart = _chart(request, plan_id, name, lang, version, to)
    laid_out = chart.spec if bredde is None else narrow_spec(chart.spec, BY_NAME[bredde])
    spec = {**laid_out, "description": chart.alt}
    return Response(json.dumps(spec, ensure_ascii=False), media_type="application/json",
                    headers={"Cache-Control": CACHE})


@router.get("/static/vendor/vega-embed.js")
def vega_embed(request: Request) -> Response:
    return Response(request.app.state.web.vega_bundle(), media_type="text/javascript",
                    headers={"Cache-Control": "public, max-age=86400"})
