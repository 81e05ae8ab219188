"""Login, roles and CSRF for the web site: the small API every page that writes uses.

Roles (DESIGN.md, "Who uses it"): the public reads without an account; ``finance``
(økonomistab) writes and publishes the proposal and answers questions; ``group`` (a member
of a political group) writes its group's alternatives and questions; ``admin`` manages
accounts and groups (on the command line, ``muniplan users``). Accounts, sessions and the
audit log live in the store (:mod:`muniplan.store.accounts`).

Using it in a page module::

    from fastapi import Depends, Form, Request
    from muniplan.web.auth import (Viewer, audit, csrf_field, current_user,
                                   require_role, verify_csrf)

    @router.get("/mine-sider")
    def mine(request: Request, user: Viewer = Depends(require_role("group", "finance"))):
        ...  # 303 to the login page without a session, 403 for another role

    @router.post("/noe", dependencies=[Depends(verify_csrf)])   # 403 on a bad token
    def write(request: Request, user: Viewer = Depends(require_role("finance"))):
        with store._write() as s:                 # one transaction with its audit row
            ...
            audit(s, user, "thing.change", "thing:1", field="value")

    # in the template context: csrf=csrf_field(request)  → {{ csrf }} inside <form method=post>

``current_user(request)`` is the logged-in :class:`~muniplan.store.accounts.UserRecord` or
None; it never raises. ``csrf_field`` works for anonymous visitors too (a citizen's form):
their token is a random value in a ``SameSite=Strict`` cookie that the form must repeat;
a logged-in user's token is the session's secret. :func:`verify_csrf` also refuses a
cross-site ``Origin``. Responses to a logged-in user are ``Cache-Control: no-store``.
"""

from muniplan.store.accounts import UserRecord as Viewer
from muniplan.store.accounts import audit
from muniplan.web.auth.csrf import csrf_field, csrf_token, verify_csrf
from muniplan.web.auth.session import (
    AuthCookies,
    accounts,
    can_see_group,
    current_user,
    require_role,
)

__all__ = [
    "AuthCookies",
    "Viewer",
    "accounts",
    "audit",
    "can_see_group",
    "csrf_field",
    "csrf_token",
    "current_user",
    "require_role",
    "verify_csrf",
]
