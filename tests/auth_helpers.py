"""Accounts and logged-in test clients for the process tests: a finance officer, two
political groups (ap, h) with one member each, and an administrator."""

from __future__ import annotations

import os
import re
from typing import Any

from fastapi.testclient import TestClient

from muniplan.store.accounts import Accounts

os.environ["MUNIPLAN_ARGON2_PROFILE"] = "cheapest"  # fast hashes in tests (still argon2id)

PASSWORD = "et langt nok passord"
PEOPLE = {  # username: (role, group)
    "okonomi": ("finance", None),
    "kari": ("group", "ap"),
    "hans": ("group", "h"),
    "admin": ("admin", None),
}


def add_people(store: Any) -> Accounts:
    accounts = Accounts(store)
    accounts.add_group("ap", "Arbeiderpartiets gruppe", actor="test")
    accounts.add_group("h", "Høyres gruppe", actor="test")
    for name, (role, group) in PEOPLE.items():
        accounts.add_user(name, name.title(), PASSWORD, role, group, actor="test")
    return accounts


def csrf_of(html: str) -> str:
    m = re.search(r'name="csrf_token" value="([^"]+)"', html)
    assert m, "no CSRF field in the page"
    return m.group(1)


def log_in(client: TestClient, username: str, password: str = PASSWORD) -> Any:
    form = client.get("/logg-inn", follow_redirects=False)
    if form.status_code == 303:  # logged in already: the session's token is on every page
        form = client.get("/konto")
    return client.post("/logg-inn", data={"username": username, "password": password,
                                          "csrf_token": csrf_of(form.text), "neste": "/konto"},
                       follow_redirects=False)
