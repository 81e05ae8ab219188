"""Oversikt: the plan's key figures, where the money goes, and the long-term picture first.

The long view leads because it is the plan's own message (Bærum: "tilsvarende utgiftsvekst …
vil ikke være mulig eller bærekraftig uten … innsparingstiltak"): the demographic cost at the
horizon, set against today's frame, and the savings the rules would demand.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import APIRouter, Request
from fastapi.responses import HTMLResponse

from muniplan.report.formatting import millions, percent
from muniplan.web.law_status import law_status
from muniplan.web.pages.common import Lang, Page, ToYear, Version, charts, open_page
from muniplan.web.pages.downloads import available

router = APIRouter(include_in_schema=False)
NBSP = "\u00a0"


@dataclass(frozen=True)
class KeyFigure:
    label: str
    value: str
    note: str
    anchor: str


def frame_total(plan: Any, year: int) -> int:
    return sum(s.operating_frame().get(year, 0) for s in plan.sectors)


def long_term(page: Page) -> dict[str, Any]:
    """The horizon in numbers: demographic cost, older population, savings need."""
    plan, proj = page.plan, page.proj
    years = list(proj.years)
    first_frame = frame_total(plan, plan.period.first)
    out: dict[str, Any] = {"horizon": years[-1], "first": years[0]}
    if "demographic_cost" in proj.series:
        nominal = float(proj.series["demographic_cost"][-1])
        fixed = float(proj.values("demographic_cost", "fixed")[-1])
        out["demographic_nominal"] = nominal
        out["demographic_fixed"] = fixed
        out["demographic_share"] = fixed / first_frame if first_frame else None
    if proj.population and "80+" in proj.population:
        old = proj.population["80+"]
        out["old_first"], out["old_last"] = float(old[0]), float(old[-1])
        out["old_growth"] = float(old[-1]) / float(old[0]) - 1
    need = proj.savings_need
    out["savings_total"] = float(need.sum())
    out["savings_last"] = float(need[-1])
    positive = [y for y, v in zip(years, need, strict=True) if v > 0]
    out["savings_first_year"] = positive[0] if positive else None
    ratio = proj.series["net_operating_result_ratio"]
    out["ratio_last"] = float(ratio[-1])
    peak = int(ratio.argmax())
    out["ratio_peak"], out["ratio_peak_year"] = float(ratio[peak]), years[peak]
    broken = sorted({c.year for c in proj.checks if c.ok is False})
    out["broken_years"] = broken
    return out


def key_figures(page: Page) -> list[KeyFigure]:
    plan, proj, _, lang = page.plan, page.proj, page._, page.lang
    first, last = plan.period.first, plan.period.last
    i_first = proj.year_index(first)
    i_last = proj.year_index(last)
    total_inv = sum(i.total_cost for i in plan.investments)
    need = proj.savings_need
    return [
        KeyFigure(_("Driftsramme {year}").format(year=first),
                  millions(frame_total(plan, first), 0, lang) + NBSP + _("mill. kr"),
                  _("Sum av sektorenes rammer"), "fig-frames"),
        KeyFigure(_("Investeringer {first}–{last}").format(first=first, last=last),
                  millions(total_inv, 0, lang) + NBSP + _("mill. kr"),
                  _("{n} prosjekter").format(n=len(plan.investments)), "fig-investments"),
        KeyFigure(_("Netto driftsresultat {year}").format(year=first),
                  percent(proj.series["net_operating_result_ratio"][i_first], 1, lang),
                  _("av driftsinntektene; {v} i {year}").format(
                      v=percent(proj.series["net_operating_result_ratio"][i_last], 1, lang),
                      year=last), "fig-projection"),
        KeyFigure(_("Gjeldsgrad {year}").format(year=last),
                  percent(proj.series["debt_ratio"][i_last], 1, lang),
                  _("lånegjeld i % av driftsinntektene"), "fig-projection"),
        KeyFigure(_("Innsparingsbehov {year}").format(year=proj.years[-1]),
                  (millions(need[-1], 0, lang) + NBSP + _("mill. kr"))
                  if proj.savings_reason_text(len(need) - 1) is None
                  else _("kan ikke beregnes"),
                  _("for å holde handlingsreglene"), "fig-projection"),
    ]


@router.get("/plan/{plan_id}/", response_class=HTMLResponse)
def overview(request: Request, plan_id: str, lang: Lang = None, version: Version = None,
             to: ToYear = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version, to)
    plan = page.plan
    sectors = [(s, s.operating_frame().get(plan.period.first, 0)) for s in plan.sectors]
    return page.render(
        "overview.html", page._("Oversikt"), "overview",
        figures=key_figures(page), long=long_term(page), sectors=sectors,
        law_status=law_status(page),
        frame_first=frame_total(plan, plan.period.first), downloads=available(),
        charts=charts(page, "frames-by-sector", "population", "demographic-cost",
                      "net-operating-result-ratio", "investments-by-year", "debt-ratio"))
