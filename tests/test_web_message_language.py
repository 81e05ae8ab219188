"""Every message the web shows from below — the store's refusals (a conflict, a question too
long), the plan reader's, the forms' own checks — in the page's language: bokmål by default,
English with ``?lang=en``, never the other one (the word lists of ``page_language``), through
the real app on SQLite and PostgreSQL."""

from __future__ import annotations

import re
from html import unescape

import pytest
from auth_helpers import csrf_of
from page_language import pieces, wrong_language
from process_helpers import PLAN, PLAN_ID, alternative_form, client_for, flashes, proposal_store
from store_fixtures import (  # noqa: F401
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.plan.load import read_folder, resolve
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
    (the message alone, as the page around it may quote the plan's own texts)."""
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
    assert wrong_language(r.text) == []  # the plan's rule names in the comparison are marked


@pytest.mark.parametrize("lang, said", [
    ("nb", f"Spørsmålet: forventet 1 til {MAX_TEXT} tegn, fant {MAX_TEXT + 1}"),
    ("en", f"The question: expected 1 to {MAX_TEXT} characters, found {MAX_TEXT + 1}")])
def test_a_question_too_long_is_refused_in_the_pages_language(ready, tmp_path, lang, said):
    kari = client_for(ready, tmp_path, "kari")
    token = csrf_of(kari.get(f"{PLAN}sporsmal").text)
    r = kari.post(f"{PLAN}sporsmal{QUERY[lang]}",
                  data={"csrf_token": token, "text": "x" * (MAX_TEXT + 1)})
    assert r.status_code == 422
    assert ("<h1>Ikke lagret</h1>" if lang == "nb" else "<h1>Not saved</h1>") in r.text
    _spoken(r.text, lang, _said(r.text, said))


def _asked(ready, tmp_path):
    """Kari's group has asked question 1; the finance staff's client, to handle it."""
    kari = client_for(ready, tmp_path, "kari")
    kari.post(f"{PLAN}sporsmal", data={"csrf_token": csrf_of(kari.get(f"{PLAN}sporsmal").text),
                                       "text": "Hva koster barnevernet per barn?"})
    return client_for(ready, tmp_path, "okonomi")


def _step(okonomi, lang, **fields):
    """The finance staff's client posts a step on question 1, the page asked in ``lang``."""
    token = csrf_of(okonomi.get(f"{PLAN}sporsmal").text)
    return okonomi.post(f"{PLAN}sporsmal/1{QUERY[lang]}", data={"csrf_token": token, **fields})


@pytest.mark.parametrize("lang, said", [
    ("nb", "Spørsmålet ble endret av en annen etter at du åpnet det; ingenting er lagret"),
    ("en", "The question was changed by someone else since you opened it; nothing was saved")])
def test_a_stale_answer_is_refused_in_the_pages_language(ready, tmp_path, lang, said):
    okonomi = _asked(ready, tmp_path)
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


BAD_FIELDS = [  # field, value, what the bokmål page says, what the English one says
    ("area-barnevern-2019", "mange", "Barnevern 2019: forventet et tall (1000 kr), fikk «mange»",
     "Barnevern 2019: expected a number (1000 kr), found «mange»"),
    ("area-barnevern-pct", "-150", "endring i prosent: forventet mellom −100 og 100, fikk -150",
     "change in percent: expected between −100 and 100, found -150"),
    ("inv-rud-svommehall-delay", "9", ", utsettelse: forventet -2 til 5 år, fikk 9",
     ", delay: expected -2 to 5 years, found 9"),
    ("measure-2019", "1e999", "Nye tiltak 2019: forventet et tall (1000 kr)",
     "New measures 2019: expected a number (1000 kr)"),
    ("newinv-2020", "999999999999", "Nye investeringer 2020: forventet høyst 100\u00a0000\u00a0000 "
     "(1000 kr), fikk 1e+12.", "New investments 2020: expected at most 100\u00a0000\u00a0000 "
     "(1000 kr), found 1e+12."),
    ("fees-2019", "500", "endring i prosent 2019: forventet mellom −100 og 200, fikk 500",
     "change in percent 2019: expected between −100 and 200, found 500"),
    ("title", "", "Navn på alternativet: skriv et navn", "Name of the alternative: write a name"),
]


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("field, value, nb, en", BAD_FIELDS)
def test_bad_fields_of_an_alternative_are_named_in_the_pages_language_and_nothing_is_saved(
        ready, tmp_path, lang, field, value, nb, en):
    kari = client_for(ready, tmp_path, "kari")
    form = alternative_form(kari, **{"area-barnevern-2020": "100", "action": "lagre"})
    form[field] = value
    r = kari.post(f"{PLAN}alternativ{QUERY[lang]}", data=form)
    assert r.status_code == 422
    shown = [f for f in flashes(r.text) if (nb if lang == "nb" else en) in f]
    assert shown, flashes(r.text)
    _spoken(r.text, lang, shown[0])
    assert len(Process(ready).versions(PLAN_ID)) == 1


@pytest.mark.parametrize("lang, path, data, said", [
    ("en", "/admin/brukere/ny", {"username": "Lise Lund", "role": "group", "group": "h"},
     "User name: use lower-case letters"),
    ("en", "/admin/brukere/ny", {"username": "kari", "role": "group", "group": "h"},
     "The user name «kari» is already taken."),
    ("en", "/admin/brukere/ny", {"username": "lise", "role": "group", "group": "",
                                 "password": "kort"},
     "The password must have at least 12 and at most 128 characters (it has 4)."),
    ("en", "/admin/brukere/kari/passord", {"password": "kort"},
     "Kari: the password must have at least"),
    ("en", "/admin/grupper/ny", {"group_id": "ap", "group_name": ""},
     "The group «ap» already exists."),
    ("nb", "/admin/brukere/ny", {"username": "kari", "role": "x", "group": ""},
     "Rolle: velg en av rollene i listen."),
])
def test_the_administrators_form_errors_speak_the_pages_language(ready, tmp_path, lang, path,
                                                                 data, said):
    admin = client_for(ready, tmp_path, "admin")
    body = {"display_name": "Lise", "password": "et helt nytt passord", **data,
            "csrf_token": csrf_of(admin.get("/admin/brukere").text)}
    r = admin.post(path + QUERY[lang], data=body)
    assert r.status_code == 422
    shown = [f for f in flashes(r.text) if said.lower() in f.lower()]
    assert shown, flashes(r.text)
    _spoken(r.text, lang, shown[0])


@pytest.mark.parametrize("lang, said", [
    ("nb", "Frist: forventet en dato (ÅÅÅÅ-MM-DD), fikk «i morgen»."),
    ("en", "Due date: expected a date (YYYY-MM-DD), found «i morgen».")])
def test_a_bad_due_date_is_refused_in_the_pages_language(ready, tmp_path, lang, said):
    okonomi = _asked(ready, tmp_path)
    r = _step(okonomi, lang, revision="1", action="assign", due="i morgen")
    assert r.status_code == 422
    _spoken(r.text, lang, _said(r.text, said))


@pytest.mark.parametrize("lang, path, said", [
    ("nb", f"{PLAN}alternativ?fra=99", "Fant ingen versjon 99."),
    ("en", f"{PLAN}alternativ?fra=99&lang=en", "No version 99 found."),
    ("en", f"{PLAN}sammenlign?v=1&v=42&lang=en", "No version 42 found."),
    ("en", "/plan/finnes-ikke/sporsmal?lang=en", "No plan with id «finnes-ikke» found."),
])
def test_what_the_process_pages_cannot_find_is_said_in_the_pages_language(
        ready, tmp_path, lang, path, said):
    r = client_for(ready, tmp_path, "kari").get(path)
    assert r.status_code == 404
    _spoken(r.text, lang, _said(r.text, said))


@pytest.mark.parametrize("lang, said", [("nb", "Feil brukernavn eller passord."),
                                        ("en", "Wrong username or password.")])
def test_a_refused_login_is_said_in_the_pages_language(ready, tmp_path, lang, said):
    client = client_for(ready, tmp_path)
    token = csrf_of(client.get("/logg-inn").text)
    r = client.post(f"/logg-inn{QUERY[lang]}", data={"csrf_token": token, "username": "kari",
                                                     "password": "feil passord"})
    assert r.status_code == 401
    _spoken(r.text, lang, _said(r.text, said))


@pytest.mark.parametrize("lang, value, said", [
    ("nb", "50", "velg et tall fra -10 til 10 (fikk «50»)."),
    ("en", "50", "choose a number from -10 to 10 (got “50”)."),
    ("en", "0,3", "choose a number in steps of 0.5 (got “0.3”)."),
    ("en", "nan", "enter a number, for example -2 or 1.5"),
])
def test_a_bad_choice_in_the_budget_simulator_is_said_in_the_pages_language(
        ready, tmp_path, lang, value, said):
    params = {"ramme-barn-og-unge": value, **({"lang": "en"} if lang == "en" else {})}
    r = client_for(ready, tmp_path).get(f"{PLAN}budsjettsimulator", params=params)
    assert r.status_code == 422
    _spoken(r.text, lang, _said(r.text, said))


@pytest.mark.parametrize("lang, said", [
    ("nb", "Ingen publisert 1. tertial 2030 for «baerum-2018-2021»."),
    ("en", "No published 1st four-month report 2030 for «baerum-2018-2021».")])
def test_a_follow_up_report_not_published_is_said_in_the_pages_language(tmp_path, lang, said):
    from web_helpers import make_store

    r = client_for(make_store(tmp_path), tmp_path).get(f"{PLAN}oppfolging/2030/T1{QUERY[lang]}")
    assert r.status_code == 404
    _spoken(r.text, lang, _said(r.text, said))


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_comparison_marks_the_plans_own_names(ready, tmp_path, lang):
    files = read_folder(resolve(None))
    files["plan.yaml"] += "\n# innstilling\n"
    ready.import_files(files, status="proposal")
    Process(ready).publish(PLAN_ID, 2, "test")
    r = client_for(ready, tmp_path).get(f"{PLAN}sammenlign?v=1&v=2"
                                        + ("&lang=en" if lang == "en" else ""))
    assert r.status_code == 200 and f'<html lang="{lang}"' in r.text
    assert '<span lang="nb">Netto driftsresultat minst 4 % av driftsinntektene</span>' in r.text
    assert wrong_language(r.text) == []


@pytest.mark.parametrize("lang, said, internal", [
    ("nb", "Å publisere er ikke mulig for et spørsmål som er trukket, i din rolle", "publish"),
    ("en", "Publishing is not possible for a question that is withdrawn, in your role",
     "trukket")])
def test_a_refused_step_on_a_question_is_said_in_words(ready, tmp_path, lang, said, internal):
    """The action and the status in the page's words, not the form's ``publish`` nor the
    other language's status."""
    okonomi = _asked(ready, tmp_path)
    kari = client_for(ready, tmp_path, "kari")
    withdrawn = kari.post(f"{PLAN}sporsmal/1", follow_redirects=False, data={
        "csrf_token": csrf_of(kari.get(f"{PLAN}sporsmal").text), "revision": "1",
        "action": "withdraw"})
    assert withdrawn.status_code == 303
    r = _step(okonomi, lang, revision="2", action="publish")
    assert r.status_code == 403
    message = _said(r.text, said)
    _spoken(r.text, lang, message)
    assert internal not in message and "«" not in message


@pytest.mark.parametrize("lang, said", [
    ("nb", "Hva som skal gjøres med spørsmålet: forventet å ta saken, svare, publisere"),
    ("en", "What to do with the question: expected taking the case, answering, publishing")])
def test_an_unknown_step_on_a_question_is_refused_in_words(ready, tmp_path, lang, said):
    okonomi = _asked(ready, tmp_path)
    r = _step(okonomi, lang, revision="1", action="slett")
    assert r.status_code == 422
    _spoken(r.text, lang, _said(r.text, said))


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_a_question_names_its_topic_and_group_not_their_ids(ready, tmp_path, lang):
    kari = client_for(ready, tmp_path, "kari")
    kari.post(f"{PLAN}sporsmal", data={"csrf_token": csrf_of(kari.get(f"{PLAN}sporsmal").text),
                                       "text": "Hvorfor øker rammen?",
                                       "topic": "sector:barn-og-unge"})
    page = kari.get(f"{PLAN}sporsmal{QUERY[lang]}").text
    about = "Gjelder:" if lang == "nb" else "About:"
    assert f'{about} <span lang="nb">Barn og unge</span>' in page
    assert '(<span lang="nb">Arbeiderpartiets gruppe</span>)' in page
    assert '<p lang="nb">Hvorfor øker rammen?</p>' in page  # the group's own words
    shown = " ".join(text for _lang, text in pieces(page)[1])
    assert "barn-og-unge" not in shown and "(ap)" not in shown
    assert wrong_language(page) == []


@pytest.mark.parametrize("lang, path, said", [
    ("nb", f"{PLAN}oppfolging/2018/T9", "Perioden i adressen: må være en av 'T1', 'T2', "
     "'year' (fikk «T9»)."),
    ("en", f"{PLAN}oppfolging/2018/T9?lang=en", "The period in the address: must be one of "
     "'T1', 'T2', 'year' (got «T9»)."),
    ("nb", f"{PLAN}oppfolging/aar/T1", "Året i adressen: må være et heltall (fikk «aar»)."),
    ("en", f"{PLAN}sammenlign?v=1&v=x&lang=en", "Parameter «v»: must be a whole number"),
])
def test_a_bad_part_of_the_address_is_said_in_words(ready, tmp_path, lang, path, said):
    """A path has no parameter names the reader sees: «period» is said as what it is."""
    r = client_for(ready, tmp_path).get(path)
    assert r.status_code == 422
    _spoken(r.text, lang, _said(unescape(r.text), said))


def test_the_english_alternative_page_says_cost_recovery_in_english(ready, tmp_path):
    """"selvkost" only inside the plan's own names, which are marked bokmål."""
    page = client_for(ready, tmp_path, "kari").get(f"{PLAN}alternativ?lang=en").text
    english = " ".join(text for lang, text in pieces(page)[1] if lang == "en")
    assert "Fees and charges outside cost recovery" in english
    assert "selvkost" not in english


@pytest.mark.parametrize("lang, said", [
    ("nb", "Ingen rapport for 2018 (årsrapport) med revisjon 9 er registrert for planen"),
    ("en", "No report for 2018 (annual report) recorded for plan 'baerum-2018-2021' with "
     "revision 9")])
def test_publishing_a_report_not_recorded_is_refused_in_the_pages_language(
        ready, tmp_path, lang, said):
    okonomi = client_for(ready, tmp_path, "okonomi")
    token = csrf_of(okonomi.get("/konto").text)
    r = okonomi.post(f"{PLAN}oppfolging/publiser{QUERY[lang]}", data={
        "csrf_token": token, "year": "2018", "period": "year", "revision": "9"})
    assert r.status_code == 404
    _spoken(r.text, lang, _said(unescape(r.text), said))
