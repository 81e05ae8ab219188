"""Unpublished content on every route, for every role: a draft of the administration and an
unpublished alternative of group ap are 404 to whoever may not read them — pages, charts,
downloads, the API and the comparison — and every write needs its role and a CSRF token."""

from __future__ import annotations

from pathlib import Path

import pytest
from auth_helpers import csrf_of
from process_helpers import PLAN, PLAN_ID, client_for, proposal_store
from web_helpers import make_settings

from muniplan.plan.load import read_folder, resolve
from muniplan.store import Store
from muniplan.store.process import Process

ROUTES = ["", "sektorer/", "sektorer/barn-og-unge", "investeringer", "satsingsomrader",
          "okonomi", "kilder", "chart/frames-by-sector.svg", "chart/frames-by-sector.json",
          "dokument.html", "dokument.xlsx", "dokument.zip"]
API = [f"/api/plans/{PLAN_ID}/versions/{{n}}", f"/api/plans/{PLAN_ID}/projection?version={{n}}",
       f"/api/plans/{PLAN_ID}/compare?v=1&v={{n}}"]
# who may read version 2 (the administration's draft) and version 3 (ap's unpublished alt.)
READERS = {2: {"okonomi", "admin"}, 3: {"okonomi", "admin", "kari"}}
PEOPLE = [None, "kari", "hans", "okonomi", "admin"]


@pytest.fixture(scope="module")
def store(tmp_path_factory: pytest.TempPathFactory) -> Store:
    tmp: Path = tmp_path_factory.mktemp("access")
    s = Store.from_settings(make_settings(tmp))
    s.upgrade()
    proposal_store(s)
    files = read_folder(resolve(None))
    files["plan.yaml"] += "\n# hemmelig utkast\n"
    s.import_files(files, status="draft", author="okonomi", message="Hemmelig utkast")
    alt = dict(read_folder(resolve(None)))
    alt["changes.yaml"] = ("changes:\n  - {id: a, name: Ap, kind: alternative, assumption: t,"
                           " overrides: [{parameter: expenses.adjustment, op: add, value: -1000"
                           ", first: 2019, last: 2019}]}\n")
    Process(s).save(alt, stage="alternative", actor="kari", base=1, group_id="ap",
                    title="Ap-utkast")
    return s


@pytest.fixture(scope="module")
def clients(store: Store, tmp_path_factory: pytest.TempPathFactory):
    tmp = tmp_path_factory.mktemp("clients")
    return {who: client_for(store, tmp, who) for who in PEOPLE}


@pytest.mark.parametrize("who", PEOPLE, ids=lambda w: w or "public")
@pytest.mark.parametrize("number", [2, 3])
def test_unpublished_versions_on_every_route(clients, who, number):
    client = clients[who]
    allowed = who in READERS[number]
    for route in ROUTES:
        r = client.get(f"{PLAN}{route}?version={number}")
        if allowed:
            assert r.status_code in (200, 503), (route, r.status_code)  # 503: no PDF engine
        else:
            assert r.status_code == 404, (who, route, r.status_code)
            assert "Hemmelig" not in r.text and "Ap-utkast" not in r.text
    for url in API:
        r = client.get(url.format(n=number))
        assert r.status_code == (200 if allowed else 404), (who, url, r.status_code)


@pytest.mark.parametrize("who", PEOPLE, ids=lambda w: w or "public")
def test_version_lists_show_only_what_the_reader_may_read(clients, who):
    client = clients[who]
    numbers = [v["number"] for v in client.get(f"/api/plans/{PLAN_ID}/versions").json()]
    assert numbers == [1] + [n for n in (2, 3) if who in READERS[n]]
    sources = client.get(f"{PLAN}kilder").text
    for n in (2, 3):
        assert (f"?version={n}" in sources) == (who in READERS[n]), (who, n)
    assert "Hemmelig utkast" not in client.get(f"/api/plans/{PLAN_ID}/versions").text or \
        who in READERS[2]


def test_the_public_current_plan_is_never_a_draft_or_an_alternative(clients):
    body = clients[None].get(f"/api/plans/{PLAN_ID}").json()
    assert body["version"]["number"] == 1 and body["version"]["stage"] == "proposal"


@pytest.mark.parametrize("route", [
    "/prosess", "/konto", f"{PLAN}alternativ"])
def test_staff_pages_send_the_public_to_login(clients, route):
    r = clients[None].get(route, follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/logg-inn")


def test_the_builder_is_for_groups_only(clients):
    assert clients["okonomi"].get(f"{PLAN}alternativ").status_code == 403
    assert clients["kari"].get(f"{PLAN}alternativ").status_code == 200
    # another group's alternative cannot be opened for editing
    assert clients["hans"].get(f"{PLAN}alternativ?fra=3").status_code == 404


@pytest.mark.parametrize("url", [
    f"{PLAN}alternativ", f"{PLAN}versjon/2/publiser", f"{PLAN}sporsmal",
    f"{PLAN}sporsmal/1", "/logg-ut"])
@pytest.mark.parametrize("who", ["kari", "okonomi"])
def test_every_write_needs_the_csrf_token(clients, url, who):
    r = clients[who].post(url, data={"title": "x", "text": "x", "action": "lagre"})
    assert r.status_code == 403


def test_a_write_from_another_site_is_refused(clients):
    client = clients["okonomi"]
    token = csrf_of(client.get("/prosess").text)
    r = client.post(f"{PLAN}versjon/2/publiser", data={"csrf_token": token},
                    headers={"origin": "https://evil.example"})
    assert r.status_code == 403


def test_the_public_cannot_write(clients):
    r = clients[None].post(f"{PLAN}sporsmal", data={"text": "x"}, follow_redirects=False)
    assert r.status_code in (303, 403)
