"""Every message the web shows from below — the store's refusals (a conflict, a question too
long), the plan reader's, the forms' own checks — in the page's language: bokmål by default,
English with ``?lang=en``, never the other one (the word lists of ``page_language``), through
the real app on SQLite and PostgreSQL."""

from __future__ import annotations

import re

import pytest
from auth_helpers import csrf_of
from page_language import wrong_language
from process_helpers import PLAN, PLAN_ID, alternative_form, client_for, flashes, proposal_store
from store_fixtures import (  # noqa: F401
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.store.accounts import Accounts
from muniplan.store.process import Process
from muniplan.store.questions import MAX_TEXT

QUERY = {"nb": "", "en": "?lang=en"}


def _said(html: str, start: str) -> str:
    """The whole message that begins with ``start`` on an error page."""
    found = re.search(re.escape(start) + r"[^<]*", html)
    assert found, html[-1500:]
    return found.group(0)


@pytest.fixture(name="ready")
def ready_fixture(store):
    return proposal_store(store)


def _spoken(html: str, lang: str, message: str) -> None:
    """The page is marked ``lang`` and the message on it is in that language, not the other
    (the message alone: the alternative page's comparison shows the plan's own rule names,
    in bokmål, unmarked — a matter of that table, not of the messages)."""
    assert f'<html lang="{lang}"' in html
    assert wrong_language(f'<html lang="{lang}"><p>{message}</p></html>') == []


@pytest.mark.parametrize("lang, said", [
    ("nb", "ble lagret av en annen i mellomtiden"), ("en", "was saved by someone else")])
def test_two_members_saving_one_alternative_do_not_overwrite_and_are_told_in_their_language(
        ready, tmp_path, lang, said):
    Accounts(ready).add_user("per", "Per", "et langt nok passord", "group", "ap", actor="t")
    kari, per = client_for(ready, tmp_path, "kari"), client_for(ready, tmp_path, "per")
    a = alternative_form(kari, **{"area-barnevern-2019": "1000", "action": "lagre"})
    b = alternative_form(per, **{"area-barnevern-2019": "2000", "action": "lagre"})
    assert kari.post(f"{PLAN}alternativ", data=a, follow_redirects=False).status_code == 303
    r = per.post(f"{PLAN}alternativ{QUERY[lang]}", data=b)
    assert r.status_code == 409
    assert len(Process(ready).versions(PLAN_ID)) == 2  # the proposal and Kari's, not Per's
    assert said in flashes(r.text)[0], flashes(r.text)
    _spoken(r.text, lang, flashes(r.text)[0])


@pytest.mark.parametrize("lang, said", [
    ("nb", f"Spørsmålet: forventet 1 til {MAX_TEXT} tegn, fant {MAX_TEXT + 1}"),
    ("en", f"The question: expected 1 to {MAX_TEXT} characters, found {MAX_TEXT + 1}")])
def test_a_question_too_long_is_refused_in_the_pages_language(ready, tmp_path, lang, said):
    kari = client_for(ready, tmp_path, "kari")
    token = csrf_of(kari.get(f"{PLAN}sporsmal").text)
    r = kari.post(f"{PLAN}sporsmal{QUERY[lang]}",
                  data={"csrf_token": token, "text": "x" * (MAX_TEXT + 1)})
    assert r.status_code == 422
    _spoken(r.text, lang, _said(r.text, said))


@pytest.mark.parametrize("lang, said", [
    ("nb", "Spørsmålet ble endret av en annen etter at du åpnet det; ingenting er lagret"),
    ("en", "The question was changed by someone else since you opened it; nothing was saved")])
def test_a_stale_answer_is_refused_in_the_pages_language(ready, tmp_path, lang, said):
    kari = client_for(ready, tmp_path, "kari")
    kari.post(f"{PLAN}sporsmal", data={"csrf_token": csrf_of(kari.get(f"{PLAN}sporsmal").text),
                                       "text": "Hva koster barnevernet per barn?"})
    okonomi = client_for(ready, tmp_path, "okonomi")
    token = csrf_of(okonomi.get(f"{PLAN}sporsmal").text)
    fresh = okonomi.post(f"{PLAN}sporsmal/1", data={"csrf_token": token, "revision": "1",
                                                    "action": "assign"},
                         follow_redirects=False)
    assert fresh.status_code == 303
    r = okonomi.post(f"{PLAN}sporsmal/1{QUERY[lang]}",
                     data={"csrf_token": token, "revision": "1", "action": "answer",
                           "answer": "Om lag 1,2 mill. kr."})
    assert r.status_code == 409
    _spoken(r.text, lang, _said(r.text, said))
