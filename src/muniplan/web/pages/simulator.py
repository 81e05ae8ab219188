"""Budsjettsimulatoren: a citizen balances the plan's budget and sees what it means in 2040.

The page is a GET form: each lever is a field, submitting recomputes, so it works without
JavaScript and every result has an address that can be shared. ``static/simulator.js``
makes it immediate: it asks for the same address with ``del=resultat`` and swaps in the
result section the server rendered — the script never computes or formats a figure.
The figures come from :mod:`muniplan.engine.simulator`, which runs the same projection as
``muniplan project --set …``; each result is computed once (a bounded cache) and at most
:attr:`Limits.concurrent_computations` at a time.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Annotated, Any, Literal

from fastapi import APIRouter, Depends, Query, Request
from fastapi.concurrency import run_in_threadpool
from fastapi.responses import HTMLResponse, Response
from markupsafe import Markup, escape

from muniplan.engine.simulator import (
    ChoiceError,
    Lever,
    Outcome,
    levers,
    outcome,
    read_choices,
)
from muniplan.engine.simulator import simulate as run_simulation
from muniplan.report.formatting import millions, number
from muniplan.store.citizen_schema import AGE_GROUPS
from muniplan.store.citizens import POSTCODE, CitizenStore
from muniplan.web.auth import csrf_field, csrf_token, verify_csrf
from muniplan.web.citizen_form import (
    Received,
    client_address,
    comment_problem,
    limit_body,
    message,
    receive,
)
from muniplan.web.citizen_limits import Busy, Limited, citizens
from muniplan.web.pages.common import Lang, Page, Version, open_page

router = APIRouter(include_in_schema=False)

PATH = "budsjettsimulator"
MAX_QUERY = 2048
"""Bytes of query string the simulator reads; a longer one is refused (413)."""

Part = Annotated[Literal["resultat"] | None, Query(
    alias="del", description="resultat: bare resultatdelen (for skriptet)")]


def lever_text(lever: Lever, _: Any, lang: str = "nb") -> dict[str, str]:
    """The lever's label and unit in the reader's language; ``official`` when the label is
    the plan's own (bokmål) name of a sector or program area, marked so on English pages."""
    if lever.id.startswith("ramme-"):
        return {"label": lever.name, "unit": _("prosent"), "official": "1",
                "hint": _("Endring i sektorens driftsramme, i prosent")}
    if lever.group == "areas":
        return {"label": lever.name, "unit": _("prosent"), "official": "1",
                "hint": _("Endring i programområdets driftsramme, i prosent")}
    if lever.id == "gebyrer":
        return {"label": _("Brukerbetalinger og gebyrer"), "unit": _("prosent"),
                "hint": _("Endring i prisene kommunen tar for tjenestene (utenom selvkost), i "
                          "prosent, fra {year}").format(year=lever.first_year)}
    if lever.kind == "promille":
        label = (_("Eiendomsskatt på bolig og fritidsbolig") if lever.id.endswith("bolig")
                 else _("Eiendomsskatt på annen eiendom"))
        return {"label": label, "unit": "‰",
                "hint": _("Endring i skattesatsen, i promillepoeng av skattegrunnlaget på "
                          "{base} mill. kr (nå {now} ‰, loven tillater høyst {cap} ‰)").format(
                    base=millions(lever.base, 0, lang), now=number(-lever.low, 1, lang),
                    cap=number(lever.high - lever.low, 1, lang))}
    if lever.id == "utsettelse":
        return {"label": _("Utsett periodens investeringsprosjekter"), "unit": _("år"),
                "hint": _("Hvor mange år prosjektene i planperioden flyttes ut i tid")}
    return {"label": _("Investeringsnivået etter planperioden"), "unit": _("prosent"),
            "hint": _("Endring i det årlige investeringsnivået fra langtidsplanen, i prosent")}


def tax_note(page: Page) -> Markup | str | None:
    """Why the page has no eiendomsskatt lever, in plain words, or None when it has one:
    the simulator needs the tax bases to turn a rate into kroner, and a plan may not give
    them (Bærum's does not: it writes out no eiendomsskatt)."""
    plan, _ = page.plan, page._
    if plan.finance.property_tax is not None:
        return None
    levied = sum(float(i.amount) for i in plan.income if i.id == "property_tax")
    if levied > 0:
        return _("Kommunen har eiendomsskatt ({amount} mill. kr i {year}), men planen oppgir "
                 "ikke verdien av eiendommene skatten regnes av (skattegrunnlaget). Derfor kan "
                 "ikke simulatoren regne ut hva en annen sats ville gitt.").format(
            amount=millions(levied, 0, page.lang), year=plan.base_year)
    return escape(_("{kommune} har ikke eiendomsskatt i denne planen. For å regne ut hva en "
                    "eiendomsskatt ville gitt, trenger simulatoren verdien av boligene og "
                    "annen eiendom det kan skattlegges (skattegrunnlaget), og den står ikke "
                    "i planen. Derfor kan du ikke velge eiendomsskatt her.")).format(
        kommune=Markup('<span lang="nb">{}</span>').format(plan.municipality.name))


def limits_note(page: Page) -> str:
    """Who set how far the levers go: the plan, or the defaults (with their reason)."""
    _ = page._
    if page.plan.simulator is not None:
        return _("Hvor mye du kan endre hver ramme og inntekt, har kommunen satt i planen.")
    return _("Planen setter ingen egne grenser for hvor mye du kan endre, så simulatoren "
             "bruker standardgrenser: en tidel av en ramme er omtrent det meste en kommune "
             "endrer i ett budsjett.")


def choice_message(exc: ChoiceError, lever: Lever | None, _: Any, lang: str = "nb") -> str:
    name = lever_text(lever, _)["label"] if lever else exc.lever
    if exc.problem == "number" or lever is None:
        return _("{name}: skriv et tall, for eksempel -2 eller 1,5 (fikk «{found}»).").format(
            name=name, found=exc.found)
    if exc.problem == "step":
        return _("{name}: velg et tall i steg på {step} (fikk «{found}»).").format(
            name=name, step=f"{lever.step:g}".replace(".", "," if lang == "nb" else "."),
            found=exc.found)
    return _("{name}: velg et tall fra {low} til {high} (fikk «{found}»).").format(
        name=name, low=f"{lever.low:g}", high=f"{lever.high:g}", found=exc.found)


def proposal_outcome(page: Page) -> Outcome:
    """The plan as proposed: read from the page's own projection (no second run)."""
    state = page.request.app.state.web
    return state.pages.get((*page.loaded.key, "simulator-proposal"),
                           lambda: outcome(page.plan, page.proj, {}))


def citizen_outcome(page: Page, choices: dict[str, float]) -> Outcome:
    """The citizen's result, computed once per distinct choice (bounded, gated)."""
    if not any(choices.values()):
        return proposal_outcome(page)
    key = (*page.loaded.key, tuple(sorted((k, v) for k, v in choices.items() if v)))
    return citizens(page.request.app.state).compute(
        key, lambda: run_simulation(page.plan, choices))


def _fields(page: Page, raw: dict[str, str], choices: dict[str, float] | None
            ) -> list[dict[str, Any]]:
    out = []
    for lever in levers(page.plan):
        text = lever_text(lever, page._, page.lang)
        value = raw.get(lever.id, "")
        if choices is not None:
            v = choices.get(lever.id, 0.0)
            value = f"{v:g}" if v else "0"
        out.append({"lever": lever, **text, "value": value or "0"})
    return out


@router.get(f"/plan/{{plan_id}}/{PATH}", response_class=HTMLResponse)
def simulator(request: Request, plan_id: str, lang: Lang = None, version: Version = None,
              part: Part = None) -> Response:
    page = open_page(request, plan_id, lang, version)
    _ = page._
    if len(request.url.query.encode()) > MAX_QUERY:
        return message(page, 413, _("Adressen er for lang."))
    limits = citizens(request.app.state)
    raw = {k: v for k, v in request.query_params.items()}
    status, error, error_field = 200, None, None
    try:
        choices = read_choices(page.plan, raw)
    except ChoiceError as exc:
        lever = next((lv for lv in levers(page.plan) if lv.id == exc.lever), None)
        error = choice_message(exc, lever, _, page.lang)
        status, error_field, choices = 422, exc.lever, None
    mine = None
    if choices is not None:
        try:
            if any(choices.values()):
                limits.rate.hit(("compute", client_address(request)),
                                limits.limits.computations_per_minute, 60.0)
            mine = citizen_outcome(page, choices)
        except Limited as exc:
            return message(page, 429, _("Du har regnet ut mange budsjetter på kort tid. "
                                        "Vent litt og prøv igjen."), exc.retry_after)
        except Busy:
            return message(page, 503, _("Mange regner akkurat nå. Prøv igjen om litt."), 5)
    template = "simulator_result.html" if part == "resultat" else "simulator.html"

    def render(csrf: Markup) -> str:
        context = {
            "mine": mine, "proposal": proposal_outcome(page), "error": error,
            "error_field": error_field, "choices": choices or {}, "limits": limits.limits,
            "inf": float("inf"), "csrf": csrf, "age_groups": AGE_GROUPS,
        }
        if part != "resultat":  # the form around the result: only the whole page has it
            context |= {"fields": _fields(page, raw, choices), "tax_note": tax_note(page),
                        "limits_note": limits_note(page)}
        return request.app.state.web.templates.get_template(template).render(
            page=page, _=_, lang=page.lang, plan=page.plan, proj=page.proj,
            title=_("Budsjettsimulator"), active="simulator", **context)

    if choices is None:
        html = render(csrf_field(request))
    else:
        html = rendered(request, page, template, choices, render)
    return HTMLResponse(html, status_code=status,
                        headers={"Cache-Control": "no-store"} if part else None)


CSRF_SLOT = "muniplan-csrf-slot"
"""Stands for the reader's CSRF token in a kept rendering; replaced per request."""


def rendered(request: Request, page: Page, template: str, choices: dict[str, float],
             render: Callable[[Markup], str]) -> str:
    """The page for these choices, rendered once per version, language and choices (a crowd
    moving the same levers, and every first visit, cost one rendering), with the reader's
    own CSRF token put in."""
    kept = citizens(request.app.state).pages
    key = (*page.loaded.key, template, page.lang, tuple(sorted(page.sticky.items())),
           page.audience, tuple(sorted(choices.items())))
    html = kept.get(key, lambda: render(Markup(
        f'<input type="hidden" name="csrf_token" value="{CSRF_SLOT}">')))
    return html.replace(CSRF_SLOT, str(escape(csrf_token(request))))


def _form_problem(form: dict[str, str], limit: int, _: Any) -> str | None:
    problem = comment_problem(form.get("kommentar", ""), limit, _)
    if problem:
        return problem
    code = form.get("postnummer", "").strip()
    if code and not POSTCODE.match(code):
        return _("Postnummeret må være fire sifre (fikk «{found}»).").format(found=code[:10])
    group = form.get("aldersgruppe", "").strip()
    if group and group not in AGE_GROUPS:
        return _("Velg en aldersgruppe fra listen.")
    return None


@router.post(f"/plan/{{plan_id}}/{PATH}/send", response_class=HTMLResponse,
             dependencies=[Depends(limit_body), Depends(verify_csrf)])
async def send(request: Request, plan_id: str, lang: Lang = None,
               version: Version = None) -> Response:
    """Store a balanced budget with its optional comment, postcode and age group."""
    page = await run_in_threadpool(open_page, request, plan_id, lang, version)
    _ = page._
    got = await receive(request, page, f"{PATH}/takk",
                        _("Du har sendt mange budsjetter på kort tid. Prøv igjen senere."))
    if not isinstance(got, Received):
        return got
    form, limits = got.form, citizens(request.app.state)
    try:
        choices = read_choices(page.plan, form)
    except ChoiceError as exc:
        lever = next((lv for lv in levers(page.plan) if lv.id == exc.lever), None)
        return message(page, 422, choice_message(exc, lever, _, page.lang))
    problem = _form_problem(form, limits.limits.comment_chars, _)
    if problem:
        return message(page, 422, problem)
    try:
        mine = await run_in_threadpool(citizen_outcome, page, choices)
    except Busy:
        return message(page, 503, _("Mange regner akkurat nå. Prøv igjen om litt."), 5)
    if not mine.balanced:
        return message(page, 422, _("Budsjettet går ikke i balanse i planperioden, så det "
                                    "kan ikke sendes. Gå tilbake og finn resten."))
    await run_in_threadpool(
        CitizenStore(request.app.state.store).add_submission, page.plan.id,
        page.loaded.version.number, {k: v for k, v in choices.items() if v},
        comment=form.get("kommentar"), postcode=form.get("postnummer"),
        age_group=form.get("aldersgruppe"))
    return got.done


@router.get(f"/plan/{{plan_id}}/{PATH}/takk", response_class=HTMLResponse)
def thanks(request: Request, plan_id: str, lang: Lang = None,
           version: Version = None) -> HTMLResponse:
    page = open_page(request, plan_id, lang, version)
    return page.render("simulator_thanks.html", page._("Takk for budsjettet ditt"),
                       "simulator")
