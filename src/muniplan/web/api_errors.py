"""The JSON API's errors in the asker's language.

A program reads ``detail`` — for a 422 FastAPI's list of errors (``loc``, ``type``, ``msg``),
otherwise the store's text — so it stays as it always was, whatever the language. A person
reads ``message``: the same error said in the language asked for, in the words the pages use.

The pages follow the reader's choice only (``?lang=``, the ``lang`` cookie), not the
browser's ``Accept-Language``; a program calling the API has no switch to press, so here its
``Accept-Language`` counts too, after ``?lang=`` and before the cookie.
"""

from __future__ import annotations

from fastapi import FastAPI, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import JSONResponse
from starlette.exceptions import HTTPException

from muniplan.web.bad_parameters import validation_messages
from muniplan.web.i18n import LANGUAGES, gettext_for, message_in, request_language

FRAMEWORK_DETAILS = ("Not Found", "Method Not Allowed")
NORWEGIAN = ("nb", "no", "nn")


def api_language(request: Request) -> str:
    """``?lang=``; else the first of ``Accept-Language``'s languages (by weight) that the
    site has, Norwegian in any form as bokmål; else as a page would choose."""
    asked = request.query_params.get("lang")
    if asked in LANGUAGES:
        return asked
    ranked = []
    for n, part in enumerate(request.headers.get("accept-language", "").split(",")):
        tag, _sep, params = part.strip().partition(";")
        weight = params.strip().removeprefix("q=")
        try:
            q = float(weight) if weight else 1.0
        except ValueError:
            q = 0.0
        primary = tag.strip().lower().split("-")[0]
        lang = "nb" if primary in NORWEGIAN else primary
        if lang in LANGUAGES and q > 0:
            ranked.append((-q, n, lang))
    return min(ranked)[2] if ranked else request_language(request)


def http_error(request: Request, exc: HTTPException) -> JSONResponse:
    """``detail`` as given, and ``message`` in the asked language: the store's text
    translated, or, for the framework's own "Not Found", what was not found in words."""
    lang = api_language(request)
    _ = gettext_for(lang)
    path = request.url.path
    if exc.status_code == 405:
        said = _("Adressen {path} kan bare leses, ikke endres.").format(path=path)
    elif isinstance(exc.detail, str) and exc.detail and exc.detail not in FRAMEWORK_DETAILS:
        said = message_in(exc.detail, lang)
    else:
        said = _("Finner ingenting på adressen {path}.").format(path=path)
    return JSONResponse({"detail": exc.detail, "message": said},
                        status_code=exc.status_code, headers=exc.headers)


def validation_error(request: Request, exc: RequestValidationError) -> JSONResponse:
    """FastAPI's 422 (``detail``: each error's ``loc``, ``type`` and ``msg``), with each
    parameter's error said as the pages say it (``message``)."""
    said = validation_messages(exc, gettext_for(api_language(request)))
    return JSONResponse({"detail": jsonable_encoder(exc.errors()), "message": " ".join(said)},
                        status_code=422)


def install(app: FastAPI) -> None:
    """These errors on an app that serves the API alone (the site's app chooses between
    them and its error pages by path)."""

    @app.exception_handler(HTTPException)
    async def _http(request: Request, exc: HTTPException) -> JSONResponse:
        return http_error(request, exc)

    @app.exception_handler(RequestValidationError)
    async def _invalid(request: Request, exc: RequestValidationError) -> JSONResponse:
        return validation_error(request, exc)
