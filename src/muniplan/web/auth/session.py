"""Who is asking: the session cookie, the current user, and the role a route requires."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any
from urllib.parse import quote

from fastapi import HTTPException, Request

from muniplan.store.accounts import Accounts, SessionInfo, UserRecord

SESSION_COOKIE = "muniplan_session"
CSRF_COOKIE = "muniplan_csrf"
LOGIN_PATH = "/logg-inn"


def accounts(request: Request) -> Accounts:
    """The app's :class:`Accounts`, made once per app."""
    state = request.app.state
    found = getattr(state, "accounts", None)
    if found is None:
        found = Accounts(state.store)
        state.accounts = found
    return found


def session_info(request: Request) -> SessionInfo | None:
    """The request's live session (looked up once per request)."""
    if "muniplan_session" in request.state._state:
        return request.state._state["muniplan_session"]
    token = request.cookies.get(SESSION_COOKIE)
    info = accounts(request).session(token) if token else None
    request.state._state["muniplan_session"] = info
    if token and info is None:
        request.state._state["muniplan_clear_session"] = True
    return info


def current_user(request: Request) -> UserRecord | None:
    info = session_info(request)
    return info.user if info else None


class LoginRequired(HTTPException):
    """No session: pages answer with a redirect to the login form, the API with 401."""

    def __init__(self, path: str, lang: str | None = None) -> None:
        shown_in = f"&lang={lang}" if lang in ("nb", "en") else ""  # the page's language
        super().__init__(303 if not path.startswith("/api") else 401,
                         headers={"Location": f"{LOGIN_PATH}?neste={quote(path)}{shown_in}"}
                         if not path.startswith("/api") else None,
                         detail="Du må logge inn.")


def require_role(*roles: str) -> Callable[[Request], UserRecord]:
    """A dependency: the current user if their role is one of ``roles``; otherwise a
    redirect to the login form (no session) or 403 (another role)."""

    def dependency(request: Request) -> UserRecord:
        user = current_user(request)
        if user is None:
            raise LoginRequired(request.url.path + (
                "?" + request.url.query if request.url.query else ""),
                request.query_params.get("lang"))
        if user.role not in roles:
            raise HTTPException(403, detail="Du har ikke tilgang til denne siden.")
        return user

    return dependency


def can_see_group(user: UserRecord | None, group_id: str | None) -> bool:
    """May ``user`` see unpublished work owned by ``group_id``? Finance staff and
    administrators see all; a group member sees only their own group's."""
    if user is None:
        return False
    if user.role in ("finance", "admin"):
        return True
    return group_id is not None and user.group_id == group_id


def secure(request: Request) -> bool:
    return request.url.scheme == "https"


class AuthCookies:
    """ASGI middleware: sets the anonymous CSRF cookie a page asked for, clears a dead
    session cookie, and marks responses to a logged-in user ``no-store`` (so a shared
    cache or the browser's back button never shows one person's page to the next)."""

    def __init__(self, app: Any) -> None:
        self.app = app

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        state = scope.setdefault("state", {})
        https = scope.get("scheme") == "https"

        async def send_with_cookies(message: dict[str, Any]) -> None:
            if message["type"] == "http.response.start":
                headers = list(message.get("headers", []))
                new_csrf = state.get("muniplan_new_csrf")
                if new_csrf:
                    headers.append((b"set-cookie", cookie(CSRF_COOKIE, new_csrf, https,
                                                          same_site="Strict")))
                if state.get("muniplan_clear_session"):
                    headers.append((b"set-cookie", cookie(SESSION_COOKIE, "", https,
                                                          max_age=0)))
                if state.get("muniplan_session") is not None:
                    headers = [(k, v) for k, v in headers if k.lower() != b"cache-control"]
                    headers.append((b"cache-control", b"no-store"))
                message["headers"] = headers
            await send(message)

        await self.app(scope, receive, send_with_cookies)


def cookie(name: str, value: str, https: bool, same_site: str = "Lax",
           max_age: int | None = None) -> bytes:
    parts = [f"{name}={value}", "Path=/", "HttpOnly", f"SameSite={same_site}"]
    if https:
        parts.append("Secure")
    if max_age is not None:
        parts.append(f"Max-Age={max_age}")
    return "; ".join(parts).encode()
