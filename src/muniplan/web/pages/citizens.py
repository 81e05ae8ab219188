"""What citizens send, on the site: comments on the plan, the summary of the simulator's
budgets, the privacy statement, and the staff's moderation and exports.

Public: ``innspill`` (how many sent a budget, the median and spread of each change, the
published comments), ``kommenter`` (a comment on the plan, a priority area, a measure or an
investment; shown after moderation) and ``personvern``. Staff (roles ``finance`` and
``admin``, from :mod:`muniplan.web.auth`): ``innspill/moderering`` to publish or reject, and
every submission as CSV or JSON. Every write is CSRF-checked, one transaction, and in the
audit log.
"""

from __future__ import annotations

import csv
import io
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Form, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, JSONResponse, RedirectResponse, Response
from markupsafe import Markup, escape

from muniplan.engine.simulator import levers
from muniplan.store.citizen_schema import TARGET_KINDS
from muniplan.store.citizens import CitizenStore, Submission, summarise
from muniplan.web.auth import Viewer, csrf_field, require_role, verify_csrf
from muniplan.web.citizen_form import Received, comment_problem, limit_body, message, receive
from muniplan.web.citizen_limits import citizens
from muniplan.web.official import official
from muniplan.web.pages.common import Lang, Page, Version, open_page
from muniplan.web.pages.simulator import lever_text

router = APIRouter(include_in_schema=False)
STAFF = require_role("finance", "admin")


def targets(page: Page) -> list[tuple[str, str, str | None]]:
    """(value, kind, name) of everything a comment may be about, in the plan's order; the
    name is the plan's own (bokmål), None for the plan as a whole."""
    _ = page._
    out: list[tuple[str, str, str | None]] = [
        (f"plan:{page.plan.id}", _("Planen som helhet"), None)]
    for area in page.plan.priority_areas:
        out.append((f"priority:{area.id}", _("Satsingsområder"), area.name))
        out += [(f"measure:{m.id}", _("Tiltak"), m.name) for m in area.measures]
    out += [(f"investment:{inv.id}", _("Investeringer"), inv.name)
            for inv in page.plan.investments]
    return out


def target_labels(page: Page) -> dict[str, Markup]:
    """What each comment is about, as a page shows it: its kind, and its name marked as the
    plan's bokmål."""
    _ = page._
    kinds = {"priority": _("Satsingsområde: {name}"), "measure": _("Tiltak: {name}"),
             "investment": _("Investering: {name}")}
    return {value: Markup(escape(kind)) if name is None else
            Markup(escape(kinds[value.partition(":")[0]])).format(name=official(name))
            for value, kind, name in targets(page)}


def _store(request: Request) -> CitizenStore:
    return CitizenStore(request.app.state.store)


@router.get("/plan/{plan_id}/innspill", response_class=HTMLResponse)
def summary(request: Request, plan_id: str, lang: Lang = None,
            version: Version = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version)
    store = _store(request)
    lv = levers(page.plan)
    result = summarise(store.submissions(page.plan.id), [x.id for x in lv])
    names = {x.id: lever_text(x, page._)["label"] for x in lv}
    units = {x.id: "%" if x.kind == "percent" else page._("år") for x in lv}
    labels = target_labels(page)
    comments = [(labels.get(f"{c.target_kind}:{c.target_id}", c.target_id), c)
                for c in store.comments(page.plan.id, status="published")]
    return _render(page, "citizens_summary.html", page._("Innspill fra innbyggerne"),
                   summary=result, names=names, units=units, comments=comments)


@router.get("/plan/{plan_id}/personvern", response_class=HTMLResponse)
def privacy(request: Request, plan_id: str, lang: Lang = None,
            version: Version = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version)
    return _render(page, "citizens_privacy.html", page._("Personvern"),
                   limits=citizens(request.app.state).limits)


@router.get("/plan/{plan_id}/kommenter", response_class=HTMLResponse)
def comment_form(request: Request, plan_id: str, lang: Lang = None,
                 version: Version = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version)
    chosen = request.query_params.get("om", "")
    return _render(page, "citizens_comment.html", page._("Kommenter planen"),
                   targets=targets(page), chosen=chosen,
                   limits=citizens(request.app.state).limits)


@router.post("/plan/{plan_id}/kommenter", response_class=HTMLResponse,
             dependencies=[Depends(limit_body), Depends(verify_csrf)])
async def comment(request: Request, plan_id: str, lang: Lang = None,
                  version: Version = None) -> Response:
    page = await run_in_threadpool(open_page, request, plan_id, lang, version)
    _ = page._
    got = await receive(request, page, "kommenter/takk",
                        _("Du har sendt mange innspill på kort tid. Prøv igjen senere."))
    if not isinstance(got, Received):
        return got
    form = got.form
    target = form.get("om", "")
    if target not in {value for value, _kind, _name in targets(page)}:
        return message(page, 422, _("Velg hva kommentaren gjelder fra listen."))
    text = form.get("kommentar", "").strip()
    problem = comment_problem(text, citizens(request.app.state).limits.comment_chars, _,
                              required=True)
    if problem:
        return message(page, 422, problem)
    kind, _sep, target_id = target.partition(":")
    await run_in_threadpool(_store(request).add_comment, page.plan.id,
                            page.loaded.version.number, kind, target_id, text)
    return got.done


@router.get("/plan/{plan_id}/kommenter/takk", response_class=HTMLResponse)
def comment_thanks(request: Request, plan_id: str, lang: Lang = None,
                   version: Version = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version)
    return _render(page, "citizens_thanks.html", page._("Takk for kommentaren"))


@router.get("/plan/{plan_id}/innspill/moderering", response_class=HTMLResponse)
def moderation(request: Request, plan_id: str, lang: Lang = None, version: Version = None,
               user: Viewer = Depends(STAFF)) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version)
    store = _store(request)
    labels = target_labels(page)
    names = {x.id: lever_text(x, page._)["label"] for x in levers(page.plan)}
    comments = [(labels.get(f"{c.target_kind}:{c.target_id}", c.target_id), c)
                for c in store.comments(page.plan.id)]
    response = _render(page, "citizens_moderation.html", page._("Moderering av innspill"),
                       submissions=store.submissions(page.plan.id), comments=comments,
                       names=names, user=user)
    response.headers["Cache-Control"] = "no-store"
    return response


@router.post("/plan/{plan_id}/innspill/moderer", response_class=HTMLResponse,
             dependencies=[Depends(limit_body), Depends(verify_csrf)])
def moderate(request: Request, plan_id: str,
             kind: Annotated[Literal["submission", "comment"], Form()],
             item: Annotated[int, Form(ge=1, le=2**31 - 1)],
             status: Annotated[Literal["published", "rejected", "pending"], Form()],
             lang: Lang = None, user: Viewer = Depends(STAFF)) -> Response:
    page = open_page(request, plan_id, lang, None)
    store = _store(request)
    mine = {s.id for s in store.submissions(page.plan.id)} if kind == "submission" else {
        c.id for c in store.comments(page.plan.id)}
    if item not in mine:
        return message(page, 404, page._("Fant ikke innspillet."))
    if kind == "submission":
        store.moderate_submission(item, status, by=user)
    else:
        store.moderate_comment(item, status, by=user)
    return RedirectResponse(page.url("innspill/moderering"), status_code=303)


@router.get("/plan/{plan_id}/innspill/innsendinger.{ext}")
def export(request: Request, plan_id: str, ext: Literal["csv", "json"],
           user: Viewer = Depends(STAFF)) -> Response:
    """Every submission with its choices, for the staff's own analysis."""
    page = open_page(request, plan_id, None, None)
    ids = [x.id for x in levers(page.plan)]
    rows = _store(request).submissions(page.plan.id)
    headers = {"Cache-Control": "no-store", "Content-Disposition":
               f'attachment; filename="{page.plan.id}-innsendinger.{ext}"'}
    if ext == "json":
        data = {"plan": page.plan.id, "levers": ids,
                "summary": _summary_dict(summarise(rows, ids)),
                "submissions": [_submission_dict(s) for s in rows]}
        return JSONResponse(data, headers=headers)
    buf = io.StringIO()
    w = csv.writer(buf)
    w.writerow(["id", "tidspunkt", "versjon", "status", "postnummer", "aldersgruppe",
                *ids, "kommentar"])
    for s in rows:
        w.writerow([s.id, s.created_at.isoformat(), s.version_number, s.status,
                    s.postcode or "", s.age_group or "",
                    *(f"{s.choices.get(i, 0.0):g}" for i in ids), _csv_text(s.comment or "")])
    return Response(buf.getvalue(), media_type="text/csv; charset=utf-8", headers=headers)


def _csv_text(text: str) -> str:
    """A comment as a spreadsheet cell: never a formula (OWASP CSV injection)."""
    return "'" + text if text[:1] in ("=", "+", "-", "@", "\t", "\r") else text


def _submission_dict(s: Submission) -> dict[str, Any]:
    return {"id": s.id, "created_at": s.created_at.isoformat(), "version": s.version_number,
            "status": s.status, "choices": s.choices, "comment": s.comment,
            "postcode": s.postcode, "age_group": s.age_group}


def _summary_dict(summary: Any) -> dict[str, Any]:
    return {"count": summary.count, "with_comment": summary.with_comment,
            "levers": [vars(x) for x in summary.levers]}


def _render(page: Page, template: str, title: str, **context: Any) -> HTMLResponse:
    """Rendered per request (these pages change as citizens write): no page cache."""
    state = page.request.app.state.web
    html = state.templates.get_template(template).render(
        page=page, _=page._, lang=page.lang, plan=page.plan, proj=page.proj, title=title,
        active="citizens", csrf=csrf_field(page.request), kinds=TARGET_KINDS, **context)
    return HTMLResponse(html)

