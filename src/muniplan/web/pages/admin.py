"""The administrator's page: users and political groups (list, add, disable, new password).

Only the ``admin`` role reaches it (others: 403; no session: the login form). Every write is
a POST with the CSRF token, done by :class:`~muniplan.store.accounts.Accounts` in one
transaction with its audit row (who, what, when), and answered with a redirect so a reload
never repeats it. Fields are checked here first, so the administrator reads what is wrong
in bokmål; nothing is written when anything is.
"""

from __future__ import annotations

import re

from fastapi import APIRouter, Depends, Query, Request
from fastapi.responses import RedirectResponse, Response

from muniplan.store.accounts import (
    MAX_PASSWORD,
    MIN_PASSWORD,
    AccountError,
    UserRecord,
)
from muniplan.store.process_schema import ROLES
from muniplan.web.auth import accounts, require_role, verify_csrf
from muniplan.web.auth.render import ROLE_LABELS, language, render
from muniplan.web.i18n import gettext_for

router = APIRouter(include_in_schema=False)
PAGE = "/admin/brukere"
NAME = re.compile(r"[a-z0-9][a-z0-9._-]{0,63}")
DONE = {"bruker": "Brukeren er lagt til.", "gruppe": "Gruppen er lagt til.",
        "deaktivert": "Brukeren er deaktivert og logget ut.",
        "passord": "Nytt passord er satt; brukeren er aktiv og må logge inn på nytt."}
admin_only = require_role("admin")


def _page(request: Request, status_code: int = 200, errors: list[str] | None = None,
          form: dict[str, str] | None = None, done: str | None = None) -> Response:
    _ = gettext_for(language(request))
    acc = accounts(request)
    flashes = [("error", _(e)) for e in errors or []]
    if done in DONE:
        flashes.append(("ok", _(DONE[done])))
    return render(request, "process/admin_users.html", _("Brukere og grupper"),
                  active="admin", status_code=status_code, flashes=flashes,
                  users=acc.users(), groups=acc.groups(), roles=ROLES,
                  role_labels=ROLE_LABELS, form=form or {}, log=acc.audit_log(20),
                  min_password=MIN_PASSWORD)


@router.get(PAGE)
def users_page(request: Request, ok: str | None = Query(None, max_length=20),
               user: UserRecord = Depends(admin_only)) -> Response:
    return _page(request, done=ok)


def _password(text: str, errors: list[str]) -> None:
    if not MIN_PASSWORD <= len(text) <= MAX_PASSWORD:
        errors.append(f"Passordet må ha minst {MIN_PASSWORD} og høyst {MAX_PASSWORD} tegn "
                      f"(det har {len(text)}).")


def _user_errors(form: dict[str, str], known: set[str], groups: set[str]) -> list[str]:
    errors: list[str] = []
    if not NAME.fullmatch(form["username"]):
        errors.append("Brukernavn: bruk små bokstaver, tall, «.», «_» eller «-», "
                      "1–64 tegn, og begynn med en bokstav eller et tall.")
    elif form["username"] in known:
        errors.append(f"Brukernavnet «{form['username']}» finnes allerede.")
    if form["role"] not in ROLES:
        errors.append("Rolle: velg en av rollene i listen.")
    elif (form["role"] == "group") != bool(form["group"]):
        errors.append("Et medlem av en politisk gruppe må ha en gruppe, og bare slike "
                      "medlemmer har en.")
    elif form["group"] and form["group"] not in groups:
        errors.append("Gruppe: velg en av gruppene i listen.")
    _password(form["password"], errors)
    return errors


async def _form(request: Request, *names: str) -> dict[str, str]:
    raw = await request.form()
    return {n: str(raw.get(n, ""))[:512] for n in names}


@router.post(PAGE + "/ny", dependencies=[Depends(verify_csrf)])
async def add_user(request: Request, user: UserRecord = Depends(admin_only)) -> Response:
    form = await _form(request, "username", "display_name", "role", "group", "password")
    form["username"] = form["username"].strip()
    acc = accounts(request)
    errors = _user_errors(form, {u.username for u in acc.users()},
                          {g.id for g in acc.groups()})
    if not errors:
        try:
            acc.add_user(form["username"], form["display_name"][:200], form["password"],
                         form["role"], form["group"] or None, actor=user)
        except AccountError:
            errors.append("Brukeren kunne ikke legges til (finnes den allerede?). "
                          "Ingenting er endret.")
    if errors:
        form.pop("password")
        return _page(request, 422, errors, form)
    return RedirectResponse(f"{PAGE}?ok=bruker", status_code=303)


@router.post("/admin/grupper/ny", dependencies=[Depends(verify_csrf)])
async def add_group(request: Request, user: UserRecord = Depends(admin_only)) -> Response:
    form = await _form(request, "group_id", "group_name")
    gid, name = form["group_id"].strip(), form["group_name"].strip()[:200]
    acc = accounts(request)
    errors = []
    if not NAME.fullmatch(gid):
        errors.append("Gruppens kortnavn: bruk små bokstaver, tall, «.», «_» eller «-», "
                      "1–64 tegn.")
    elif gid in {g.id for g in acc.groups()}:
        errors.append(f"Gruppen «{gid}» finnes allerede.")
    if not name:
        errors.append("Gruppens navn: skriv et navn, for eksempel «Høyres gruppe».")
    if not errors:
        try:
            acc.add_group(gid, name, actor=user)
        except AccountError:
            errors.append("Gruppen kunne ikke legges til. Ingenting er endret.")
    if errors:
        return _page(request, 422, errors, form)
    return RedirectResponse(f"{PAGE}?ok=gruppe", status_code=303)


def _known(request: Request, username: str) -> UserRecord | None:
    return next((u for u in accounts(request).users() if u.username == username), None)


@router.post(PAGE + "/{username}/deaktiver", dependencies=[Depends(verify_csrf)])
def disable(request: Request, username: str, user: UserRecord = Depends(admin_only)
            ) -> Response:
    target = _known(request, username)
    if target is None:
        return _page(request, 404, ["Fant ingen slik bruker."])
    if target.id == user.id:
        return _page(request, 422, ["Du kan ikke deaktivere din egen konto."])
    accounts(request).disable(username, actor=user)
    return RedirectResponse(f"{PAGE}?ok=deaktivert", status_code=303)


@router.post(PAGE + "/{username}/passord", dependencies=[Depends(verify_csrf)])
async def reset_password(request: Request, username: str,
                         user: UserRecord = Depends(admin_only)) -> Response:
    form = await _form(request, "password")
    if _known(request, username) is None:
        return _page(request, 404, ["Fant ingen slik bruker."])
    errors: list[str] = []
    _password(form["password"], errors)
    if errors:
        return _page(request, 422, [f"{username}: {e}" for e in errors])
    accounts(request).set_password(username, form["password"], actor=user)
    return RedirectResponse(f"{PAGE}?ok=passord", status_code=303)

