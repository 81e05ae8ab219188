"""Alle kommuner: every kommune's projected population side by side with the plan's own.

The table sorts on the server (links in the column headers, ``aria-sort`` on the sorted
one), so it works without JavaScript and with any screen reader. The figures come from
:func:`muniplan.national.summary.national_summary`; the page only orders and formats them.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Query, Request
from fastapi.responses import HTMLResponse

from muniplan.national.summary import KommuneRow, national_summary
from muniplan.web.pages.common import BadParameter, Lang, Page, ToYear, Version, open_page

router = APIRouter(include_in_schema=False)

SortKey = Literal["name", "number", "total", "growth", "old", "cost", "interval"]
Sort = Annotated[SortKey | None, Query(description="Kolonnen tabellen sorteres etter")]
Order = Annotated[Literal["asc", "desc"] | None, Query(description="asc eller desc")]
HORIZON = 8
"""Default years ahead: the longest horizon the intervals were backtested on."""


def _key(sort: str) -> Any:
    def width(r: KommuneRow) -> float:
        return (r.upper - r.lower) / r.total_last if r.total_last else 0.0

    return {
        "name": lambda r: r.name.lower(),
        "number": lambda r: r.number,
        "total": lambda r: r.total_last,
        "growth": lambda r: r.growth,
        "old": lambda r: r.old_growth if r.old_growth is not None else float("-inf"),
        "cost": lambda r: r.cost_per_inhabitant or 0.0,
        "interval": width,
    }[sort]


@router.get("/plan/{plan_id}/kommuner", response_class=HTMLResponse)
def national(request: Request, plan_id: str, lang: Lang = None, version: Version = None,
             to: ToYear = None, sort: Sort = None, order: Order = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version, to)
    plan = page.plan
    base = plan.base_year
    last = to if to is not None else min(base + HORIZON, plan.horizon)
    if not base < last <= base + 30:
        raise BadParameter("to", page._("«to» må være et år etter {base} og høyst {last}, "
                                        "fikk {found}.").format(base=base, last=base + 30,
                                                                found=last))
    if base > 2018 or base < 2006:
        return _render(page, summary=None, rows=[], sort=None, order=None, own=None,
                       county=None, sort_url=None)
    summary = national_summary(plan, base, last)
    sort_key = sort or "growth"
    descending = (order or ("asc" if sort_key in ("name", "number") else "desc")) == "desc"
    rows = sorted(summary.rows, key=_key(sort_key), reverse=descending)
    own = next((r for r in summary.rows if r.number == summary.own), None)
    county = next((c for c in summary.counties if own and c.county == own.county), None)

    def sort_url(key: str) -> str:
        flip = "asc" if key == sort_key and descending else "desc"
        if key != sort_key:
            flip = "asc" if key in ("name", "number") else "desc"
        return page.url("kommuner", sort=key, order=flip) + "#kommuner"

    return _render(page, summary=summary, rows=rows, sort=sort_key,
                   order="descending" if descending else "ascending", own=own, county=county,
                   sort_url=sort_url)


def _render(page: Page, **context: Any) -> HTMLResponse:
    """Rendered per request: the page cache keys on the plan version and path only, and the
    sort order is the reader's (the summary underneath is cached)."""
    state = page.request.app.state.web
    body = state.templates.get_template("national.html").render(
        page=page, _=page._, lang=page.lang, plan=page.plan, proj=page.proj,
        title=page._("Alle kommuner"), active="national", charted=False, **context)
    return HTMLResponse(body)
