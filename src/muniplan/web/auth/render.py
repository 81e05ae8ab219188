"""Rendering the process pages: language, the logged-in user, the CSRF field, messages.

These pages depend on who is asking, so unlike the public pages they are never cached.
"""

from __future__ import annotations

from typing import Any

from fastapi import Request
from fastapi.responses import HTMLResponse

from muniplan.web.auth.csrf import csrf_field
from muniplan.web.auth.session import current_user
from muniplan.web.i18n import gettext_for, message_in, request_language

ROLE_LABELS = {"finance": "Økonomistab", "group": "Politisk gruppe", "admin": "Administrator"}


language = request_language


def render(request: Request, template: str, title: str, active: str = "",
           status_code: int = 200, flashes: list[tuple[str, str]] | None = None,
           **context: Any) -> HTMLResponse:
    lang = language(request)
    _ = gettext_for(lang)
    user = current_user(request)
    env = request.app.state.web.templates
    html = env.get_template(template).render(
        _=_, lang=lang, title=title, active=active, user=user,
        role_label=_(ROLE_LABELS[user.role]) if user else "", csrf=csrf_field(request),
        flashes=[(kind, message_in(text, lang)) for kind, text in flashes or []], **context)
    return HTMLResponse(html, status_code=status_code)
