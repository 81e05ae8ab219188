"""The political process on the web: the overview, a group's alternative budget with the
balance gate, publishing, comparing versions side by side (page and JSON), questions and
answers.

Every form works without JavaScript (server-rendered, POST with a CSRF token); every write
needs its role, is one transaction with its audit row, and is refused — never silently
merged — when what the writer read has changed (:mod:`muniplan.store.process`).
"""

from __future__ import annotations

from datetime import date
from typing import Annotated, Any

from fastapi import APIRouter, Depends, HTTPException, Query, Request
from fastapi.responses import RedirectResponse, Response

from muniplan.engine.plan_compare import Comparison, compare_plans
from muniplan.plan.errors import MuniplanError
from muniplan.plan.load import load_files
from muniplan.plan.model import Plan
from muniplan.report.comparison import change_tables, comparison_to_dict, key_table, rule_table
from muniplan.store.accounts import UserRecord
from muniplan.store.errors import NotFoundError, StoreError
from muniplan.store.process import STAGE_LABELS, Conflict, NotAllowed, Process, ProcessVersion
from muniplan.store.questions import STATUS_LABELS, Questions
from muniplan.web.auth import accounts, current_user, require_role, verify_csrf
from muniplan.web.auth.render import language, render
from muniplan.web.i18n import gettext_for
from muniplan.web.process.alternative_form import (
    DELAYS,
    FormData,
    changes_yaml,
    form_of,
    income_rows,
    read_form,
)
from muniplan.web.source import BoundedCache

router = APIRouter()
PlanIdPath = Annotated[str, "plan id"]
VersionList = Annotated[list[int], Query(alias="v", description="Versjoner å sammenligne")]


def _store(request: Request) -> Any:
    return request.app.state.store


def _cache(request: Request) -> BoundedCache:
    state = request.app.state
    if getattr(state, "process_cache", None) is None:
        state.process_cache = BoundedCache(64)
    return state.process_cache


def _load(request: Request, v: ProcessVersion) -> Plan:
    return _cache(request).get(("plan", v.plan_id, v.number, v.digest),
                               lambda: _store(request).load(v.plan_id, v.number))


def _compare(request: Request, plans: list[tuple[str, Plan]]) -> Comparison:
    key = ("cmp", *[(label, p.digest) for label, p in plans])
    return _cache(request).get(key, lambda: compare_plans(plans))


def _label(v: ProcessVersion) -> str:
    name = v.title or STAGE_LABELS[v.stage].capitalize()
    return f"{name} (v{v.number})"


# --- overview -----------------------------------------------------------------------------
@router.get("/prosess", include_in_schema=False)
def overview(request: Request, user: UserRecord = Depends(
        require_role("finance", "group", "admin"))) -> Response:
    _ = gettext_for(language(request))
    process = Process(_store(request))
    plans = []
    for rec in _store(request).plans():
        try:
            seen = process.visible(rec.id, user)
        except NotFoundError:
            continue
        official = [v for v in seen if v.stage != "alternative"]
        plans.append({"id": rec.id, "title": rec.title, "versions": seen,
                      "official": official[-1] if official else None,
                      "alternatives": [v for v in seen if v.stage == "alternative"]})
    return render(request, "process/overview.html", _("Prosessen"), active="process",
                  plans=plans, stage_labels=STAGE_LABELS, group_names=_group_names(request))


def _group_names(request: Request) -> dict[str, str]:
    """Each political group's name by its short id: a page names the group as it is
    called ("Arbeiderpartiets gruppe"), not by the id its accounts are filed under."""
    return {g.id: g.name for g in accounts(request).groups()}


# --- alternatives ---------------------------------------------------------------------------
def _base(request: Request, plan_id: str, user: UserRecord) -> ProcessVersion:
    seen = Process(_store(request)).visible(plan_id, user)
    official = [v for v in seen if v.stage in ("proposal", "recommendation", "adopted",
                                               "revised") and v.published]
    if not official:
        raise HTTPException(404, detail="Planen har ikke noe publisert forslag å bygge "
                            "et alternativ på ennå.")
    return official[-1]


def _render_alternative(request: Request, plan_id: str, user: UserRecord, base: ProcessVersion,
                        data: FormData, replaces: int | None, status_code: int = 200,
                        flashes: list[tuple[str, str]] | None = None,
                        result: tuple[Comparison, Plan] | None = None) -> Response:
    _ = gettext_for(language(request))
    plan = _load(request, base)
    c = result[0] if result else None
    lang = language(request)
    return render(
        request, "process/alternative.html", _("Alternativt budsjett"), active="process",
        status_code=status_code, flashes=flashes, plan=plan, base=base, data=data,
        replaces=replaces, delays=list(DELAYS), income_rows=income_rows(plan),
        years=list(range(plan.period.first, plan.period.last + 1)),
        comparison=c, tables=[key_table(c, lang), rule_table(c, lang), *change_tables(c, lang)]
        if c else [], imbalances=c.columns[1].imbalances if c else [])


@router.get("/plan/{plan_id}/alternativ", include_in_schema=False)
def alternative_form(request: Request, plan_id: str, fra: int | None = Query(None, ge=1),
                     lagret: str | None = Query(None, pattern="^(ja|sendt)$"),
                     user: UserRecord = Depends(require_role("group"))) -> Response:
    base = _base(request, plan_id, user)
    data, replaces = FormData(), None
    if fra is not None:
        try:
            v, _seen = Process(_store(request)).resolve(plan_id, fra, user)
        except NotFoundError:
            raise HTTPException(404, detail=f"Fant ingen versjon {fra}.") from None
        if v.stage != "alternative" or v.group_id != user.group_id:
            raise HTTPException(404, detail=f"Fant ingen versjon {fra}.")
        data = FormData(title=v.title or "", values=form_of(_load(request, v)))
        mine = [x for x in Process(_store(request)).visible(plan_id, user)
                if x.stage == "alternative" and x.group_id == v.group_id and x.title == v.title]
        replaces = mine[-1].number
    _ = gettext_for(language(request))
    flashes = {"ja": [("ok", _("Lagret. Alternativet er ikke publisert."))],
               "sendt": [("ok", _("Sendt inn og publisert."))]}.get(lagret or "", [])
    return _render_alternative(request, plan_id, user, base, data, replaces, flashes=flashes)


@router.post("/plan/{plan_id}/alternativ", include_in_schema=False,
             dependencies=[Depends(verify_csrf)])
async def alternative_post(request: Request, plan_id: str,
                           user: UserRecord = Depends(require_role("group"))) -> Response:
    form = dict((await request.form()).items())
    _ = gettext_for(language(request))
    base = _base(request, plan_id, user)
    replaces = _int(form.get("replaces"))
    base_read = _int(form.get("base"))
    plan = _load(request, base)
    data, overrides = read_form(plan, form)
    if base_read != base.number:
        return _render_alternative(request, plan_id, user, base, data, replaces, 409, [(
            "error", _("Forslaget er endret siden du åpnet skjemaet (du arbeidet ut fra "
                       "versjon {a}, nå er det versjon {b}). Ingenting er lagret. Se over "
                       "tallene og prøv igjen.").format(a=base_read, b=base.number))])
    if data.errors:
        return _render_alternative(request, plan_id, user, base, data, replaces, 422,
                                   [("error", e) for e in data.errors])
    if not overrides:
        return _render_alternative(request, plan_id, user, base, data, replaces, 422, [
            ("error", _("Alternativet endrer ingenting ennå: fyll inn minst én endring."))])
    groups = {g.id: g.name for g in accounts(request).groups()}
    files = dict(_store(request).files(plan_id, base.number))
    files["changes.yaml"] = changes_yaml(plan, data.title, groups.get(user.group_id or "", ""),
                                         overrides)
    try:
        alt = load_files(files, origin=data.title)
        c = _compare(request, [(_label(base), plan), (data.title, alt)])
    except (MuniplanError, ValueError) as exc:
        return _render_alternative(request, plan_id, user, base, data, replaces, 422,
                                   [("error", str(exc))])
    action = form.get("action", "beregn")
    imbalanced = c.columns[1].imbalances
    if action == "send" and imbalanced:
        text = "; ".join(_("{y}: merforbruk {m} mill. kr").format(
            y=i.year, m=f"{i.deficit / 1e6:,.1f}".replace(",", " ").replace(".", ","))
            for i in imbalanced)
        return _render_alternative(
            request, plan_id, user, base, data, replaces, 422,
            [("error", _("Alternativet er ikke i balanse og kan ikke sendes inn. "
                         "Økonomiplanen må være i balanse i hvert år (kommuneloven § 14-4). "
                         "Ikke i balanse: {t}.").format(t=text))], (c, alt))
    if action not in ("lagre", "send"):
        return _render_alternative(request, plan_id, user, base, data, replaces,
                                   result=(c, alt))
    try:
        saved = Process(_store(request)).save(
            files, stage="alternative", actor=user, base=base.number, replaces=replaces,
            group_id=user.group_id, title=data.title, message=data.title,
            publish=action == "send")
    except (Conflict, StoreError) as exc:
        return _render_alternative(request, plan_id, user, base, data, replaces, 409,
                                   [("error", str(exc))], (c, alt))
    return RedirectResponse(f"/plan/{plan_id}/alternativ?fra={saved.number}&lagret="
                            f"{'sendt' if action == 'send' else 'ja'}", status_code=303)


def _int(text: Any) -> int | None:
    try:
        return int(str(text)) if text not in (None, "") else None
    except ValueError:
        return None


@router.post("/plan/{plan_id}/versjon/{number}/publiser", include_in_schema=False,
             dependencies=[Depends(verify_csrf)])
def publish(request: Request, plan_id: str, number: int,
            user: UserRecord = Depends(require_role("finance"))) -> Response:
    try:
        Process(_store(request)).publish(plan_id, number, user)
    except NotFoundError:
        raise HTTPException(404, detail=f"Fant ingen versjon {number}.") from None
    except NotAllowed as exc:
        raise HTTPException(403, detail=str(exc)) from None
    return RedirectResponse("/prosess", status_code=303)


# --- comparison ---------------------------------------------------------------------------
class NothingToCompare(HTTPException):
    """Fewer than two versions the reader may see: the page says so, the API answers 404."""

    def __init__(self) -> None:
        super().__init__(404, detail="Det er ikke to publiserte versjoner å sammenligne ennå.")


def _comparison(request: Request, plan_id: str, numbers: list[int]) -> Comparison:
    user = current_user(request)
    process = Process(_store(request))
    try:
        seen = process.visible(plan_id, user)
    except NotFoundError:
        raise HTTPException(404, detail=f"Fant ingen plan med id «{plan_id}».") from None
    if not numbers:
        main = [v for v in seen if v.stage != "alternative"]
        alts = [v for v in seen if v.stage == "alternative"]
        chosen = ([main[-1]] if main else []) + alts[-3:]
    else:
        by_number = {v.number: v for v in seen}
        missing = [n for n in numbers if n not in by_number]
        if missing:
            raise HTTPException(404, detail=f"Fant ingen versjon {missing[0]}.")
        chosen = [by_number[n] for n in numbers[:6]]
    if len(chosen) < 2:
        raise NothingToCompare()
    try:
        return _compare(request, [(_label(v), _load(request, v)) for v in chosen])
    except ValueError as exc:
        raise HTTPException(422, detail=str(exc)) from None


@router.get("/plan/{plan_id}/sammenlign", include_in_schema=False)
def compare_page(request: Request, plan_id: str, v: VersionList = []) -> Response:  # noqa: B006
    lang = language(request)
    _ = gettext_for(lang)
    try:
        c = _comparison(request, plan_id, v)
    except NothingToCompare:
        return render(request, "process/compare.html", _("Sammenligning"), comparison=None,
                      tables=[], plan_id=plan_id, query="")
    newest, _seen = Process(_store(request)).resolve(plan_id, None, current_user(request))
    return render(request, "process/compare.html", _("Sammenligning"), comparison=c,
                  tables=[key_table(c, lang), rule_table(c, lang), *change_tables(c, lang)],
                  plan_id=plan_id, query=request.url.query,
                  plan=_load(request, newest))  # its names are marked bokmål in the tables


@router.get("/api/plans/{plan_id}/compare", tags=["api"],
            summary="Plans or versions side by side")
def compare_api(request: Request, plan_id: str, v: VersionList = []) -> dict[str, Any]:  # noqa: B006
    """As ``muniplan compare --format json``: per year the rules, the net operating result,
    debt ratio and savings need of each version, and each version's changes per program
    area and investment against the first. Without ``v``: the current plan and up to three
    published alternatives. Only versions the caller may read."""
    return comparison_to_dict(_comparison(request, plan_id, v))


# --- questions ----------------------------------------------------------------------------
@router.get("/plan/{plan_id}/sporsmal", include_in_schema=False)
def questions_page(request: Request, plan_id: str) -> Response:
    _ = gettext_for(language(request))
    user = current_user(request)
    try:
        v, _seen = Process(_store(request)).resolve(plan_id, None, user)
    except NotFoundError:
        raise HTTPException(404, detail=f"Fant ingen plan med id «{plan_id}».") from None
    plan = _load(request, v)
    qs = Questions(_store(request)).list(plan_id, user)
    return render(request, "process/questions.html", _("Spørsmål og svar"),
                  active="process", plan=plan, questions=qs, status_labels=STATUS_LABELS,
                  topic_names=_topic_names(plan), group_names=_group_names(request),
                  today=date.today().isoformat())


def _topic_names(plan: Plan) -> dict[str, str]:
    """What a question may be about, by the form's ``kind:id``: the plan's own name of the
    sector, program area or investment, which the page shows instead of the id."""
    names = {f"investment:{inv.id}": inv.name for inv in plan.investments}
    for sector in plan.sectors:
        names[f"sector:{sector.id}"] = sector.name
        names.update({f"program_area:{a.id}": a.name for a in sector.program_areas})
    return names


@router.post("/plan/{plan_id}/sporsmal", include_in_schema=False,
             dependencies=[Depends(verify_csrf)])
async def ask(request: Request, plan_id: str,
              user: UserRecord = Depends(require_role("group"))) -> Response:
    form = await request.form()
    Process(_store(request)).resolve(plan_id, None, user)
    topic = str(form.get("topic", ""))
    kind, _sep, tid = topic.partition(":")
    try:
        Questions(_store(request)).ask(plan_id, user, str(form.get("text", "")),
                                       kind or None, tid or None)
    except StoreError as exc:
        raise HTTPException(422, detail=str(exc)) from None
    return RedirectResponse(f"/plan/{plan_id}/sporsmal", status_code=303)


@router.post("/plan/{plan_id}/sporsmal/{question_id}", include_in_schema=False,
             dependencies=[Depends(verify_csrf)])
async def update_question(request: Request, plan_id: str, question_id: int,
                          user: UserRecord = Depends(
                              require_role("finance", "group", "admin"))) -> Response:
    form = await request.form()
    due = None
    if form.get("due"):
        try:
            due = date.fromisoformat(str(form.get("due")))
        except ValueError:
            raise HTTPException(422, detail="Frist: forventet en dato (ÅÅÅÅ-MM-DD), fikk "
                                f"«{str(form.get('due'))[:20]}».") from None
    try:
        Questions(_store(request)).update(
            question_id, user, _int(form.get("revision")) or 0,
            action=str(form.get("action", "")), answer=str(form.get("answer", "")), due=due)
    except NotFoundError:
        raise HTTPException(404, detail=f"Fant ikke spørsmål {question_id}.") from None
    except Conflict as exc:
        raise HTTPException(409, detail=str(exc)) from None
    except (NotAllowed, StoreError) as exc:
        raise HTTPException(422 if not isinstance(exc, NotAllowed) else 403,
                            detail=str(exc)) from None
    return RedirectResponse(f"/plan/{plan_id}/sporsmal#q-{question_id}", status_code=303)
