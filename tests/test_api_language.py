"""The JSON API's errors in the language asked for: ``detail`` stays as programs read it
(the store's text, FastAPI's list of errors), ``message`` says it in bokmål by default and in
English with ``?lang=en`` or ``Accept-Language: en`` — through the site's real app, on SQLite
and PostgreSQL."""

from __future__ import annotations

import pytest
from page_language import wrong_language
from process_helpers import PLAN_ID, client_for, proposal_store
from store_fixtures import (  # noqa: F401
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

API = f"/api/plans/{PLAN_ID}"


@pytest.fixture(name="client")
def client_fixture(store, tmp_path):
    return client_for(proposal_store(store), tmp_path)


def _asked(client, url: str, lang: str, how: str):
    """``url`` in ``lang``, asked with ``?lang=`` or with ``Accept-Language``."""
    if how == "query":
        return client.get(url + ("&" if "?" in url else "?") + f"lang={lang}")
    return client.get(url, headers={"Accept-Language": "en-GB,en;q=0.9" if lang == "en"
                                    else "nb-NO,nb;q=0.9"})


def _in(lang: str, message: str) -> None:
    assert wrong_language(f'<html lang="{lang}"><p>{message}</p></html>') == [], message


@pytest.mark.parametrize("how", ["query", "header"])
@pytest.mark.parametrize("lang, said", [("nb", "Ingen plan 'nope' i databasen"),
                                        ("en", "No plan 'nope' in the store")])
def test_a_plan_not_found_is_said_in_the_language_asked(client, lang, said, how):
    r = _asked(client, "/api/plans/nope", lang, how)
    assert r.status_code == 404
    body = r.json()
    assert body["detail"] == "no plan 'nope' in the store"  # as programs have always read it
    assert body["message"] == said
    _in(lang, body["message"])


@pytest.mark.parametrize("lang, said", [
    ("nb", "Planen 'baerum-2018-2021' har ingen versjon 9"),
    ("en", "Plan 'baerum-2018-2021' has no version 9")])
def test_a_version_not_found_is_said_in_the_language_asked(client, lang, said):
    r = _asked(client, f"{API}/versions/9", lang, "query")
    assert r.status_code == 404 and r.json()["message"].startswith(said), r.json()
    assert "has no version 9" in r.json()["detail"]


@pytest.mark.parametrize("lang, url, param, said", [
    ("nb", f"{API}/projection?to=2019", "to",
     "Parameteren «to»: må være minst 2021 (fikk «2019»)."),
    ("en", f"{API}/projection?to=2019", "to",
     "Parameter «to»: must be at least 2021 (got «2019»)."),
    ("nb", f"{API}/projection?version=true", "version",
     "Parameteren «version»: må være et heltall (fikk «true»)."),
    ("en", f"{API}/versions/x", "number",
     "The version number in the address: must be a whole number (got «x»)."),
    ("nb", f"{API}/versions/0", "number",
     "Versjonsnummeret i adressen: må være minst 1 (fikk «0»)."),
])
def test_a_bad_parameter_keeps_its_errors_and_says_them_in_the_language_asked(
        client, lang, url, param, said):
    r = _asked(client, url, lang, "query")
    assert r.status_code == 422
    body = r.json()
    assert [e["loc"][-1] for e in body["detail"]] == [param]  # FastAPI's, unchanged
    assert {"type", "loc", "msg"} <= set(body["detail"][0])
    assert body["message"] == said
    _in(lang, said)


@pytest.mark.parametrize("lang, method, url, said", [
    ("nb", "get", "/api/ingenting", "Finner ingenting på adressen /api/ingenting."),
    ("en", "get", "/api/ingenting", "There is nothing at the address /api/ingenting."),
    ("nb", "post", "/api/plans", "Adressen /api/plans kan bare leses, ikke endres."),
    ("en", "delete", API, f"The address {API} can only be read, not changed."),
])
def test_an_address_the_api_does_not_have_is_said_in_the_language_asked(
        client, lang, method, url, said):
    r = getattr(client, method)(url, params={"lang": lang})
    assert r.status_code in (404, 405)
    assert r.json()["detail"] in ("Not Found", "Method Not Allowed")
    assert r.json()["message"] == said
