"""The reader's choice of language, remembered.

The site is in bokmål unless the reader chooses English with the switch at the top of every
page (``?lang=en``). Links inside a plan's site carry the choice; the staff's pages, forms
and redirects do not, so the choice is also kept in a ``lang`` cookie, set when a request
names a language the cookie does not hold. The browser's ``Accept-Language`` is not a
choice and is not read (see :func:`muniplan.web.i18n.page_language`).
"""

from __future__ import annotations

from http.cookies import SimpleCookie
from typing import Any
from urllib.parse import parse_qsl

from muniplan.web.i18n import LANGUAGE_COOKIE, LANGUAGES

_YEAR = 365 * 24 * 3600


def cookie_language(cookie_header: str) -> str | None:
    """The language a ``Cookie`` header holds, if it holds one we have."""
    jar: SimpleCookie = SimpleCookie()
    try:
        jar.load(cookie_header)
    except Exception:  # a malformed header from a client is no choice
        return None
    kept = jar.get(LANGUAGE_COOKIE)
    return kept.value if kept is not None and kept.value in LANGUAGES else None


class LanguageChoice:
    """ASGI middleware: a request that names a language (``?lang=``) the reader's cookie
    does not hold gets a ``Set-Cookie`` with it, and that one response is ``private`` so no
    shared cache keeps the cookie for others."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        chosen = _named(scope) if scope["type"] == "http" else None
        if chosen is None:
            await self.app(scope, receive, send)
            return

        async def send_choice(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = [(k, v) for k, v in message.get("headers", [])
                           if k.lower() != b"cache-control"]
                secure = "; Secure" if scope.get("scheme") == "https" else ""
                headers.append((b"set-cookie", f"{LANGUAGE_COOKIE}={chosen}; Path=/; "
                                f"Max-Age={_YEAR}; SameSite=Lax{secure}".encode()))
                headers.append((b"cache-control", b"private, no-cache"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_choice)


def _named(scope: dict[str, Any]) -> str | None:
    """The language the request names and the reader's cookie does not hold, if any."""
    query = scope.get("query_string", b"")
    if b"lang=" not in query:
        return None
    asked = dict(parse_qsl(query.decode("latin-1"))).get("lang")
    if asked not in LANGUAGES:
        return None
    headers = dict(scope.get("headers", []))
    held = cookie_language(headers.get(b"cookie", b"").decode("latin-1"))
    return None if held == asked else asked
