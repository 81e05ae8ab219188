"""The process on the web, through the real app on SQLite and PostgreSQL: a group builds an
alternative, is stopped by the balance gate, fixes it, submits; the public sees the right
current plan throughout; versions are compared; a question is asked, answered, published."""

from __future__ import annotations

import re

import pytest
from auth_helpers import csrf_of, log_in
from process_helpers import PLAN, PLAN_ID, alternative_form, client_for, flashes, proposal_store
from store_fixtures import (  # noqa: F401
    baerum_files_fixture,
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.plan.load import read_folder, resolve
from muniplan.store.accounts import Accounts
from muniplan.store.process import Conflict, Process


@pytest.fixture(name="ready")
def ready_fixture(store):
    return proposal_store(store)


def test_the_balance_gate_stops_an_alternative_and_says_which_year_and_how_much(ready, tmp_path):
    kari = client_for(ready, tmp_path, "kari")
    form = alternative_form(kari, **{"area-barnevern-2021": "3000000", "action": "send"})
    r = kari.post(f"{PLAN}alternativ", data=form)
    assert r.status_code == 422
    [msg] = flashes(r.text)
    assert "ikke i balanse" in msg and "2021: merforbruk" in msg and "mill. kr" in msg
    assert [v.number for v in Process(ready).versions(PLAN_ID)] == [1]  # nothing saved
    # the same figures are shown beside the proposal
    assert "Virkning ved siden av forslaget" in r.text and "Barnevern" in r.text


def test_a_balanced_alternative_is_submitted_published_and_listed(ready, tmp_path):
    kari = client_for(ready, tmp_path, "kari")
    form = alternative_form(kari, **{"area-barnevern-2019": "5000",
                                     "inv-rud-svommehall-delay": "2", "action": "send",
                                     "title": "Arbeiderpartiets alternativ"})
    r = kari.post(f"{PLAN}alternativ", data=form, follow_redirects=False)
    assert r.status_code == 303, flashes(r.text)
    [_v1, v2] = Process(ready).versions(PLAN_ID)
    assert (v2.stage, v2.group_id, v2.parent, v2.published) == ("alternative", "ap", 1, True)
    files = ready.files(PLAN_ID, 2)
    assert "program_areas.barnevern.frame" in files["changes.yaml"]
    public = client_for(ready, tmp_path)
    assert "Versjon 1" in public.get(PLAN).text  # the current plan is still the proposal
    compared = public.get(f"/api/plans/{PLAN_ID}/compare").json()
    assert [p["label"] for p in compared["plans"]] == [
        "Forslag (v1)", "Arbeiderpartiets alternativ (v2)"]
    barnevern = next(a for a in compared["program_areas"] if a["id"] == "barnevern")
    assert barnevern["change"][1] == [0, 5_000_000, 0, 0]
    rud = next(i for i in compared["investments"] if i["id"] == "rud-svommehall")
    assert rud["completion_year"][1] == rud["completion_year"][0] + 2
    page = public.get(f"{PLAN}sammenlign?v=1&v=2")
    assert page.status_code == 200 and "Arbeiderpartiets alternativ" in page.text


def test_an_unpublished_alternative_is_its_groups_alone(ready, tmp_path):
    kari = client_for(ready, tmp_path, "kari")
    form = alternative_form(kari, **{"area-barnevern-2019": "-1000", "action": "lagre"})
    assert kari.post(f"{PLAN}alternativ", data=form, follow_redirects=False).status_code == 303
    for who, seen in (("hans", 404), (None, 404), ("okonomi", 200), ("kari", 200)):
        client = client_for(ready, tmp_path, who)
        assert client.get(f"{PLAN}?version=2").status_code == seen, who
        assert client.get(f"/api/plans/{PLAN_ID}/versions/2").status_code == seen, who
        assert client.get(f"/api/plans/{PLAN_ID}/compare?v=1&v=2").status_code == seen, who
        assert client.get(f"{PLAN}dokument.xlsx?version=2").status_code in (
            (404,) if seen == 404 else (200, 404)), who


def test_a_stale_form_is_refused_not_merged(ready, tmp_path):
    kari = client_for(ready, tmp_path, "kari")
    form = alternative_form(kari, **{"area-barnevern-2019": "1000", "action": "lagre"})
    # the administration publishes a new proposal while Kari is typing
    files = read_folder(resolve(None))
    files["plan.yaml"] += "\n# nytt forslag\n"
    ready.import_files(files, status="proposal")
    Process(ready).publish(PLAN_ID, 2, "test")
    r = kari.post(f"{PLAN}alternativ", data=form)
    assert r.status_code == 409 and "Ingenting er lagret" in flashes(r.text)[0]
    assert len(Process(ready).versions(PLAN_ID)) == 2


def test_store_refuses_a_stale_base_directly(ready):
    files = read_folder(resolve(None))
    files["changes.yaml"] = "changes: []\n"
    files["plan.yaml"] += "\n# x\n"
    with pytest.raises(Conflict):
        Process(ready).save(files, stage="proposal", actor="test", base=None)


@pytest.mark.parametrize("field, value, fragment", [
    ("area-barnevern-2019", "mange", "forventet et tall"),
    ("area-barnevern-pct", "-150", "mellom −100 og 100"),
    ("inv-rud-svommehall-delay", "9", "utsettelse"),
    ("measure-2019", "1e999", "forventet et tall"),
    ("title", "", "Navn på alternativet"),
])
def test_bad_fields_are_named_and_nothing_is_saved(ready, tmp_path, field, value, fragment):
    kari = client_for(ready, tmp_path, "kari")
    form = alternative_form(kari, **{"area-barnevern-2020": "100", "action": "lagre"})
    form[field] = value
    r = kari.post(f"{PLAN}alternativ", data=form)
    assert r.status_code == 422
    assert any(fragment in f for f in flashes(r.text)), flashes(r.text)
    assert len(Process(ready).versions(PLAN_ID)) == 1


def test_the_public_current_plan_through_the_process(ready, tmp_path):
    public = client_for(ready, tmp_path)
    assert "Versjon 1 (forslag)" in public.get(PLAN).text
    files = read_folder(resolve(None))
    files["plan.yaml"] += "\n# vedtatt\n"
    ready.import_files(files, status="adopted", author="kommunestyret")
    assert "Versjon 2" in public.get(PLAN).text
    files["plan.yaml"] += "\n# nytt utkast\n"
    ready.import_files(files, status="draft")
    assert "Versjon 2" in public.get(PLAN).text  # a newer draft changes nothing


def test_questions_are_asked_answered_and_published(ready, tmp_path):
    kari = client_for(ready, tmp_path, "kari")
    page = kari.get(f"{PLAN}sporsmal")
    r = kari.post(f"{PLAN}sporsmal", data={"csrf_token": csrf_of(page.text),
                                            "text": "Hva koster barnevernet per barn?",
                                            "topic": "program_area:barnevern"},
                  follow_redirects=False)
    assert r.status_code == 303
    public = client_for(ready, tmp_path)
    assert "Hva koster" not in public.get(f"{PLAN}sporsmal").text
    assert "Hva koster" not in client_for(ready, tmp_path, "hans").get(f"{PLAN}sporsmal").text
    okonomi = client_for(ready, tmp_path, "okonomi")
    page = okonomi.get(f"{PLAN}sporsmal")
    assert "Hva koster" in page.text
    rev = re.search(r'name="revision" value="(\d+)"', page.text).group(1)
    token = csrf_of(page.text)
    r = okonomi.post(f"{PLAN}sporsmal/1", data={"csrf_token": token, "revision": rev,
                                                "action": "assign", "due": "2017-11-15"},
                     follow_redirects=False)
    assert r.status_code == 303
    stale = okonomi.post(f"{PLAN}sporsmal/1", data={"csrf_token": token, "revision": rev,
                                                    "action": "answer", "answer": "x"})
    assert stale.status_code == 409
    r = okonomi.post(f"{PLAN}sporsmal/1", data={"csrf_token": token, "revision": "2",
                                                "action": "answer",
                                                "answer": "Om lag 1,2 mill. kr."},
                     follow_redirects=False)
    assert r.status_code == 303
    assert okonomi.post(f"{PLAN}sporsmal/1", data={"csrf_token": token, "revision": "3",
                                                   "action": "publish"},
                        follow_redirects=False).status_code == 303
    text = public.get(f"{PLAN}sporsmal").text
    assert "Hva koster" in text and "Om lag 1,2 mill. kr." in text
    audit = [(e.action, e.target) for e in Accounts(ready).audit_log()]
    for action in ("question.ask", "question.assign", "question.answer", "question.publish"):
        assert (action, "question:1") in audit


def test_a_group_cannot_answer_or_publish(ready, tmp_path):
    kari = client_for(ready, tmp_path, "kari")
    page = kari.get(f"{PLAN}sporsmal")
    kari.post(f"{PLAN}sporsmal", data={"csrf_token": csrf_of(page.text), "text": "Hvorfor?"})
    r = kari.post(f"{PLAN}sporsmal/1", data={"csrf_token": csrf_of(page.text),
                                             "revision": "1", "action": "publish"})
    assert r.status_code == 403


def test_publishing_a_proposal_is_for_finance_staff(ready, tmp_path):
    files = read_folder(resolve(None))
    files["plan.yaml"] += "\n# innstilling\n"
    ready.import_files(files, status="proposal")
    kari = client_for(ready, tmp_path, "kari")
    token = csrf_of(kari.get("/prosess").text)
    assert kari.post(f"{PLAN}versjon/2/publiser", data={"csrf_token": token}).status_code == 403
    okonomi = client_for(ready, tmp_path, "okonomi")
    token = csrf_of(okonomi.get("/prosess").text)
    r = okonomi.post(f"{PLAN}versjon/2/publiser", data={"csrf_token": token},
                     follow_redirects=False)
    assert r.status_code == 303 and Process(ready).versions(PLAN_ID)[1].published
    assert log_in(okonomi, "okonomi").status_code == 303
