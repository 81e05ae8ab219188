"""The login form, logout and the account page.

A login always starts a new session (a session id fixed before login is never promoted,
ASVS 3.2.1) and ends the one the browser had; the form is CSRF-protected too (login CSRF).
After login the reader goes back to ``neste`` only when it is a path on this site.
"""

from __future__ import annotations

from fastapi import APIRouter, Depends, Form, Request
from fastapi.responses import RedirectResponse, Response

from muniplan.store.accounts import LoginRefused, UserRecord
from muniplan.web.auth.csrf import verify_csrf
from muniplan.web.auth.render import language, render
from muniplan.web.auth.session import (
    SESSION_COOKIE,
    accounts,
    cookie,
    current_user,
    require_role,
    secure,
)
from muniplan.web.i18n import gettext_for

router = APIRouter(include_in_schema=False)


def safe_next(target: str | None) -> str:
    """Only a path on this site: never ``//host`` or ``https://…`` (an open redirect)."""
    if not target or not target.startswith("/") or target.startswith("//") \
            or "\\" in target or len(target) > 2000:
        return "/prosess"
    return target


@router.get("/logg-inn")
def login_form(request: Request, neste: str | None = None) -> Response:
    _ = gettext_for(language(request))
    if current_user(request) is not None:
        return RedirectResponse(safe_next(neste), status_code=303)
    return render(request, "process/login.html", _("Logg inn"), next=safe_next(neste),
                  username="")


@router.post("/logg-inn", dependencies=[Depends(verify_csrf)])
def login(request: Request, username: str = Form("", max_length=200),
          password: str = Form("", max_length=512), neste: str = Form("")) -> Response:
    _ = gettext_for(language(request))
    address = request.client.host if request.client else "?"
    try:
        done = accounts(request).login(username, password, address)
    except LoginRefused as exc:
        text = (_("For mange mislykkede forsøk. Vent et kvarter før du prøver igjen.")
                if exc.throttled else _("Feil brukernavn eller passord."))
        return render(request, "process/login.html", _("Logg inn"), status_code=401 if not
                      exc.throttled else 429, flashes=[("error", text)],
                      next=safe_next(neste), username=username[:64])
    old = request.cookies.get(SESSION_COOKIE)
    if old:
        accounts(request).end(old)
    response = RedirectResponse(safe_next(neste), status_code=303)
    response.headers.append("set-cookie", cookie(SESSION_COOKIE, done.token, secure(request))
                            .decode())
    request.state._state.pop("muniplan_clear_session", None)
    return response


@router.post("/logg-ut", dependencies=[Depends(verify_csrf)])
def logout(request: Request) -> Response:
    token = request.cookies.get(SESSION_COOKIE)
    user = current_user(request)
    if token:
        accounts(request).end(token, actor=user)
    response = RedirectResponse("/logg-inn", status_code=303)
    response.headers.append("set-cookie", cookie(SESSION_COOKIE, "", secure(request),
                                                 max_age=0).decode())
    return response


@router.get("/konto")
def account(request: Request, user: UserRecord = Depends(
        require_role("finance", "group", "admin"))) -> Response:
    _ = gettext_for(language(request))
    groups = {g.id: g.name for g in accounts(request).groups()}
    return render(request, "process/account.html", _("Min konto"), active="account",
                  group=groups.get(user.group_id or ""))
