"""What every citizen's form on the site does before its own checks: refuse a body too large
before reading it, count the sender against the per-address limit, read the fields, and
answer a robot that filled the hidden field exactly as a person is answered — with nothing
kept. The budget simulator's "Send" and the comment form both go through :func:`receive`,
so the two cannot drift apart in how they treat abuse.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from fastapi import HTTPException, Request
from fastapi.responses import RedirectResponse, Response

from muniplan.web.citizen_limits import Limited, citizens

HONEYPOT = "nettsted"
"""The field hidden from people (``.hp``): only a robot fills it in."""


def client_address(request: Request) -> str:
    """The address a limit counts (behind a proxy, run uvicorn with --proxy-headers)."""
    return request.client.host if request.client else "unknown"


def limit_body(request: Request) -> None:
    """Refuse a form bigger than the limit before it is read (413), or of unknown size (411)."""
    size = request.headers.get("content-length")
    if size is None or not size.isdigit():
        raise HTTPException(411, detail="Skjemaet manglet lengde (Content-Length).")
    if int(size) > citizens(request.app.state).limits.form_bytes:
        raise HTTPException(413, detail="Skjemaet er for stort.")


def message(page: Any, status: int, text: str, retry_after: int | None = None) -> Response:
    """The site's error page with ``text`` in the reader's language (and Retry-After)."""
    from muniplan.web.app import error_page

    response = error_page(page.request, status, [text])
    if retry_after:
        response.headers["Retry-After"] = str(retry_after)
    return response


def comment_problem(text: str, limit: int, _: Any, required: bool = False) -> str | None:
    """What is wrong with a comment's length, in the reader's language, or None."""
    text = text.strip()
    if required and not text:
        return _("Skriv en kommentar.")
    if len(text) > limit:
        return _("Kommentaren kan ha høyst {n} tegn (den hadde {found}).").format(
            n=limit, found=len(text))
    return None


@dataclass(frozen=True)
class Received:
    """A form from a person, within the limits: its text fields and the answer to give
    once it is stored."""

    form: dict[str, str]
    done: RedirectResponse


async def receive(request: Request, page: Any, done: str, too_many: str) -> Received | Response:
    """The form of ``request`` as :class:`Received`, or the response that ends it: 429 with
    ``too_many`` past the limit, or the ``done`` redirect (nothing kept) for a robot."""
    limits = citizens(request.app.state)
    try:
        limits.rate.hit(("send", client_address(request)), limits.limits.submissions_per_hour,
                        3600.0)
    except Limited as exc:
        return message(page, 429, too_many, exc.retry_after)
    form = {k: v for k, v in (await request.form()).items() if isinstance(v, str)}
    redirect = RedirectResponse(page.url(done), status_code=303)
    if form.get(HONEYPOT, "").strip():
        return redirect  # a robot filled the hidden field: it is told nothing, nothing is kept
    return Received(form, redirect)
