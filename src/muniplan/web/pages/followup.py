"""Oppfølging: published follow-up reports (1. and 2. tertial, årsregnskap), plan against
reality, and the plan's history across rollings; with their JSON in the API.

Only *published* reports are shown (a draft is recorded with ``muniplan followup-record``
and published with ``muniplan followup-publish``). Every figure is the engine's
(:mod:`muniplan.engine.followup`), laid out by :mod:`muniplan.report.followup`.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, HTTPException, Path, Request
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response

from muniplan.engine.followup import FollowUp, follow_up, plan_against_actuals
from muniplan.plan.actuals import Actuals, parse_actuals
from muniplan.report.followup import (
    BASIS_LABELS,
    REALITY_LABELS,
    followup_to_dict,
    indicator_rows,
    investment_cells,
    line_cells,
    period_label,
    reality_cells,
    reality_to_dict,
    sector_chart_encoding,
    sector_chart_values,
    status_label,
)
from muniplan.report.formatting import millions
from muniplan.web.auth import Viewer, csrf_field, require_role, verify_csrf
from muniplan.web.chart_widths import drawings
from muniplan.web.charts import Chart, Table, _base
from muniplan.web.official import official
from muniplan.web.pages.common import Lang, Version, open_page
from muniplan.web.source import NotFound

router = APIRouter(include_in_schema=False)
api = APIRouter(prefix="/api", tags=["api"])
FINANCE = require_role("finance", "admin")

Year = Annotated[int, Path(ge=1900, le=2200, description="Budsjettår")]
Period = Annotated[Literal["T1", "T2", "year"], Path(description="T1, T2 eller year")]


def _store(request: Request) -> Any:
    return request.app.state.web.source.store


def _published(request: Request, plan_id: str) -> list[Any]:
    from muniplan.store.followup import reports

    request.app.state.web.source.record(plan_id)  # 404 for an unknown plan
    return reports(_store(request), plan_id, published_only=True)


def _report(request: Request, plan_id: str, year: int, period: str) -> tuple[Any, FollowUp]:
    from muniplan.store.followup import report_files

    found = [r for r in _published(request, plan_id) if (r.year, r.period) == (year, period)]
    if not found:
        raise NotFound(f"Ingen publisert {period_label(period)} {year} for «{plan_id}».")
    rec = found[0]
    loaded = request.app.state.web.source.load(plan_id, rec.plan_version)
    actuals = parse_actuals(report_files(_store(request), rec.id), loaded.plan)
    return rec, follow_up(loaded.plan, loaded.projection, actuals, year, period)


def _all_actuals(request: Request, plan: Any, plan_id: str) -> Actuals:
    """Every published report's files, the newest revision of each report."""
    from muniplan.store.followup import report_files

    files: dict[str, str] = {}
    for rec in _published(request, plan_id):
        texts = report_files(_store(request), rec.id)
        name = f"{rec.year}-{rec.period}.csv"
        if name in texts:
            files[name] = texts[name]
    return parse_actuals(files, plan)


@router.get("/plan/{plan_id}/oppfolging", response_class=HTMLResponse)
def index(request: Request, plan_id: str, lang: Lang = None,
          version: Version = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version)
    recs = _published(request, plan_id)
    return page.render("followup_index.html", page._("Oppfølging"), "followup",
                       reports=[(r, period_label(r.period, page.lang)) for r in recs])


@router.get("/plan/{plan_id}/oppfolging/{year}/{period}", response_class=HTMLResponse)
def report_page(request: Request, plan_id: str, year: Year, period: Period, lang: Lang = None,
                version: Version = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version)
    rec, f = _report(request, plan_id, year, period)
    _ = page._
    title = f"{_(period_label(period))} {year}"
    chart = _sector_chart(f, page.lang, _)
    return page.render(
        "followup.html", title, "followup", rec=rec, f=f, line_cells=line_cells,
        investment_cells=investment_cells, status_label=status_label,
        indicators=indicator_rows(f, page.lang),
        basis_labels=BASIS_LABELS, chart=chart, chart_drawings=drawings(
            chart, page.lang, request.app.state.web.svgs, ("followup", rec.id)))


@router.get("/plan/{plan_id}/plan-mot-virkelighet", response_class=HTMLResponse)
def reality_page(request: Request, plan_id: str, lang: Lang = None,
                 version: Version = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version)
    rows = plan_against_actuals(page.plan, page.proj,
                                _all_actuals(request, page.plan, plan_id))
    return page.render("followup_reality.html", page._("Plan mot virkelighet"), "followup",
                       rows=[(r, page._(REALITY_LABELS.get(r.indicator, r.indicator)),
                              reality_cells(r, page.lang)) for r in rows])


@router.get("/plan/{plan_id}/historikk", response_class=HTMLResponse)
def history_page(request: Request, plan_id: str, lang: Lang = None,
                 version: Version = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version)
    return page.render("followup_history.html", page._("Planens historikk"), "followup",
                       tables=_history(request, page))


@router.get("/plan/{plan_id}/oppfolging/utkast", response_class=HTMLResponse)
def drafts_page(request: Request, plan_id: str, lang: Lang = None, version: Version = None,
                user: Viewer = Depends(FINANCE)) -> HTMLResponse:
    """The recorded drafts, to publish (økonomistab only; never cached)."""
    from muniplan.store.followup import reports

    page = open_page(request, plan_id, lang, version)
    drafts = [(r, period_label(r.period, page.lang))
              for r in reports(_store(request), plan_id, published_only=False)
              if r.status == "draft"]
    state = request.app.state.web
    html = state.templates.get_template("followup_drafts.html").render(
        page=page, _=page._, lang=page.lang, plan=page.plan, proj=page.proj,
        title=page._("Utkast til oppfølgingsrapporter"), active="followup",
        csrf=csrf_field(request), drafts=drafts, user=user)
    return HTMLResponse(html, headers={"Cache-Control": "no-store"})


@router.post("/plan/{plan_id}/oppfolging/publiser", dependencies=[Depends(verify_csrf)])
def publish(request: Request, plan_id: str,
            year: Annotated[int, Form(ge=1900, le=2200)],
            period: Annotated[Literal["T1", "T2", "year"], Form()],
            revision: Annotated[int, Form(ge=1, le=2**31 - 1)],
            lang: Lang = None, user: Viewer = Depends(FINANCE)) -> Response:
    """Publish one recorded revision: one transaction with its audit row."""
    from muniplan.store.errors import NotFoundError
    from muniplan.store.followup import publish_report

    page = open_page(request, plan_id, lang, None)
    try:
        publish_report(_store(request), plan_id, year, period, revision, by=user)
    except NotFoundError as exc:
        raise NotFound(str(exc)) from None
    return RedirectResponse(page.url(f"oppfolging/{year}/{period}"), status_code=303)


HISTORY_SERIES = ("net_operating_result", "debt", "investments")


def _history(request: Request, page: Any) -> list[Table]:
    """For each indicator: one row per plan of this kommune (each rolling), its projection
    for each year, and a row of the accounts recorded since."""
    source = request.app.state.web.source
    number = page.plan.municipality.number
    plans = []
    for r in source.records():
        if r.number != number:
            continue
        try:
            plans.append(source.load(r.id))
        except NotFound:  # a rolled plan not yet published is nobody's history
            continue
    plans.sort(key=lambda ld: ld.plan.period.first)
    years = sorted({y for ld in plans for y in ld.plan.period.years})
    actual: dict[str, dict[int, float]] = {}
    for ld in plans:
        for row in plan_against_actuals(ld.plan, ld.projection,
                                        _all_actuals(request, ld.plan, ld.plan.id)):
            if row.actual is not None:
                actual.setdefault(row.indicator, {})[row.year] = row.actual
    _ = page._
    tables = []
    for name in HISTORY_SERIES:
        rows = []
        for ld in plans:
            proj = ld.projection
            rows.append([official(ld.plan.title)] + [  # each rolling's own title
                millions(float(proj.series[name][proj.year_index(y)]), 1, page.lang)
                if y in proj.years and y in ld.plan.period.years else "–" for y in years])
        rows.append([_("Regnskap")] + [millions(actual.get(name, {}).get(y), 1, page.lang)
                                       for y in years])
        caption = f"{_(REALITY_LABELS[name])} ({_('mill. kr')})"
        tables.append(Table(caption, [_("Handlingsprogram"), *map(str, years)], rows,
                            [False, *[True] * len(years)]))
    return tables


def _sector_chart(f: FollowUp, lang: str, _: Any) -> Chart:
    """Budget against prognosis (and actual to date) per sector, million kroner."""
    labels = (_("Budsjett"), _("Prognose"), _("Regnskap hittil"))
    values = sector_chart_values(f, labels)
    sectors = [ln for ln in f.lines if ln.level == "sector"]
    spec = _base(values, lang, height=110 * len(sectors))
    spec.update(sector_chart_encoding(labels, _("Mill. kr")))
    table = Table(_("Budsjett, prognose og regnskap hittil per sektor (mill. kr)"),
                  [_("Sektor"), *labels],
                  [[s.name, millions(s.budget_revised, 1, lang), millions(s.prognosis, 1, lang),
                    millions(s.actual, 1, lang)] for s in sectors], [False, True, True, True])
    return Chart("followup-sectors", _("Budsjett mot prognose per sektor"),
                 _("Stolpediagram: budsjett, prognose og regnskap hittil for hver sektor"),
                 spec, table)


def _api(call: Any) -> Any:
    """The API answers a missing plan or report with a JSON 404, not a page."""
    try:
        return call()
    except NotFound as exc:
        raise HTTPException(status_code=404, detail=str(exc)) from None


@api.get("/plans/{plan_id}/followup", summary="Published follow-up reports of a plan",
         responses={404: {"description": "No such plan"}})
def api_reports(request: Request, plan_id: str) -> JSONResponse:
    recs = _api(lambda: _published(request, plan_id))
    return JSONResponse([{"year": r.year, "period": r.period, "revision": r.number,
                          "plan_version": r.plan_version,
                          "published_at": r.published_at.isoformat() if r.published_at
                          else None,
                          "url": f"/api/plans/{plan_id}/followup/{r.year}/{r.period}"}
                         for r in recs])


@api.get("/plans/{plan_id}/followup/{year}/{period}",
         summary="A published follow-up report: deviation, prognosis, investments, status",
         responses={404: {"description": "No such plan or published report"}})
def api_report(request: Request, plan_id: str, year: Year, period: Period) -> JSONResponse:
    rec, f = _api(lambda: _report(request, plan_id, year, period))
    data = followup_to_dict(f)
    data["revision"] = rec.number
    data["plan_version"] = rec.plan_version
    return JSONResponse(data)


@api.get("/plans/{plan_id}/plan-vs-actual",
         summary="The plan's projection beside the published accounts",
         responses={404: {"description": "No such plan"}})
def api_reality(request: Request, plan_id: str) -> JSONResponse:
    loaded = _api(lambda: request.app.state.web.source.load(plan_id))
    rows = plan_against_actuals(loaded.plan, loaded.projection,
                                _all_actuals(request, loaded.plan, plan_id))
    return JSONResponse({"plan_id": plan_id, "rows": reality_to_dict(rows)})
