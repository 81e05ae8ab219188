"""Every form route, bad and missing fields, with and without a CSRF token, anonymous and
logged in: a 3xx or 4xx in the reader's language, never a 500.

The POST routes are read from the app, and each form's field names from the forms the site's
own pages show (as anonymous reader, finance officer and group member), so forms added later
are covered without touching this file. A route no page links to is still sent its declared
form fields and an empty body.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from auth_helpers import add_people, csrf_of, log_in
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from test_web_robust import VALID, fill, walk
from web_helpers import make_settings, make_store

from muniplan.web.app import create_app

BAD_FIELD = ["", "abc", "-1", "1e9", "99999999999999999999999", "<script>alert(1)</script>",
             "\u202e", "x" * 5000]
WHO = (None, "okonomi", "kari")
FORM = re.compile(r"<form\b[^>]*>.*?</form>", re.S)
ACTION = re.compile(r'action="([^"]*)"')
NAME = re.compile(r'name="([^"]+)"')


@pytest.fixture(scope="module")
def site(tmp_path_factory: pytest.TempPathFactory):
    tmp: Path = tmp_path_factory.mktemp("forms")
    store = make_store(tmp)
    add_people(store)
    return create_app(make_settings(tmp), store)


def client(app, who: str | None) -> TestClient:
    c = TestClient(app, raise_server_exceptions=False)
    if who:
        assert log_in(c, who).status_code == 303
    return c


MAX_FIELDS = 24
"""Fields tried per form: a form with more (the alternative's grid) has every n-th tried."""


def post_routes(app) -> list[tuple[str, APIRoute]]:
    """The POST routes, logging out last (so the logged-in probes stay logged in)."""
    routes = [(p, r) for p, r in walk(app.routes) if "POST" in r.methods]
    return sorted(routes, key=lambda pr: pr[0] == "/logg-ut")


def pattern(path: str) -> re.Pattern[str]:
    return re.compile("^" + re.sub(r"\\\{\w+(?::\w+)?\\\}", "[^/]+", re.escape(path)) + "$")


def forms_on_the_pages(app) -> dict[str, set[str]]:
    """Action path → the field names of every POST form the GET pages show."""
    found: dict[str, set[str]] = {}
    gets = [fill(p, VALID) for p, r in walk(app.routes) if "GET" in r.methods]
    for who in WHO:
        c = client(app, who)
        for url in gets:
            r = c.get(url)
            if "text/html" not in r.headers.get("content-type", ""):
                continue
            for form in FORM.findall(r.text):
                if 'method="post"' not in form.lower():
                    continue
                action = ACTION.search(form)
                path = (action.group(1) if action else url).split("?")[0]
                found.setdefault(path, set()).update(NAME.findall(form))
    return found


def fields_of(path: str, route: APIRoute, forms: dict[str, set[str]]) -> set[str]:
    match = pattern(path)
    names = {p.alias or p.name for p in route.dependant.body_params}
    for action, fields in forms.items():
        if match.match(action):
            names |= fields
    return names - {"csrf_token"}


def token(c: TestClient, who: str | None) -> str:
    return csrf_of(c.get("/konto" if who else "/logg-inn").text)


def test_a_form_without_its_token_is_refused_in_the_readers_language(site) -> None:
    routes = post_routes(site)
    assert len(routes) >= 5
    for who in WHO:
        c = client(site, who)
        for path, _route in routes:
            if path == "/logg-ut":
                continue
            url = fill(path, VALID)
            r = c.post(url, data={"tekst": "x"}, params={"lang": "en"}, follow_redirects=False)
            assert r.status_code in (303, 401, 403, 404, 411, 413, 422, 429), (
                f"{who} {url} → {r.status_code}")
            if r.status_code == 403 and "text/html" in r.headers["content-type"]:
                assert '<html lang="en"' in r.text, url
                assert "Skjemaet" not in r.text, url  # no bokmål on an English page


def test_no_bad_or_missing_field_gives_a_server_error(site) -> None:
    forms = forms_on_the_pages(site)
    assert forms, "the pages show no POST form"
    tried = 0
    for who in WHO:
        c = client(site, who)
        csrf = token(c, who)
        for path, route in post_routes(site):
            url = fill(path, VALID)
            names = sorted(fields_of(path, route, forms))
            names = names[::max(1, -(-len(names) // MAX_FIELDS))]
            r = c.post(url, data={"csrf_token": csrf}, follow_redirects=False)
            assert r.status_code < 500, f"{who} {url} (no fields) → {r.status_code}"
            for name in names:
                for bad in BAD_FIELD:
                    r = c.post(url, data={"csrf_token": csrf, name: bad}, params={"lang": "en"},
                               follow_redirects=False)
                    assert r.status_code < 500, f"{who} {url} {name}={bad[:20]!r} → " \
                                                f"{r.status_code}"
                    tried += 1
    assert tried > 100
