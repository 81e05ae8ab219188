"""CSRF protection for every form (OWASP ASVS 4.2.2, 13.2.3).

A logged-in user's token is the session's own secret (a synchronizer token, kept in the
store); an anonymous visitor's is a random value in a ``SameSite=Strict``, HttpOnly cookie
that the form repeats (double submit). Both are compared in constant time, and a request
whose ``Origin`` (or, without one, ``Referer``) names another site is refused whatever its
token.
"""

from __future__ import annotations

import hmac
import secrets
from urllib.parse import urlsplit

from fastapi import HTTPException, Request
from markupsafe import Markup, escape

from muniplan.web.auth.session import CSRF_COOKIE, session_info

FIELD = "csrf_token"


def csrf_token(request: Request) -> str:
    """The token a form on this page must send back."""
    info = session_info(request)
    if info is not None:
        return info.csrf
    state = request.state._state
    token = request.cookies.get(CSRF_COOKIE) or state.get("muniplan_new_csrf")
    if not token or len(token) > 128:
        token = secrets.token_urlsafe(32)
        state["muniplan_new_csrf"] = token
    return token


def csrf_field(request: Request) -> Markup:
    """``<input type="hidden" name="csrf_token" …>`` for inside a ``<form method="post">``."""
    return Markup(f'<input type="hidden" name="{FIELD}" value="{escape(csrf_token(request))}">')


def _same_origin(request: Request) -> bool:
    origin = request.headers.get("origin") or request.headers.get("referer")
    if not origin or origin == "null":
        return origin is None
    parts = urlsplit(origin)
    return parts.netloc == request.url.netloc


async def verify_csrf(request: Request) -> None:
    """A dependency for every unsafe route: 403 unless the form's token matches."""
    if not _same_origin(request):
        raise HTTPException(403, detail="Skjemaet kom fra et annet nettsted og ble avvist.")
    form = await request.form()
    sent = form.get(FIELD)
    info = session_info(request)
    expected = info.csrf if info is not None else request.cookies.get(CSRF_COOKIE)
    if not isinstance(sent, str) or not expected or not hmac.compare_digest(
            sent.encode(), expected.encode()):
        raise HTTPException(403, detail="Skjemaet var utløpt eller ugyldig. Last siden på nytt "
                            "og prøv igjen.")
