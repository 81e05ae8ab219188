"""Citizens writing to the site: a balanced budget and a comment are sent, CSRF-checked,
limited per address, caught by the honeypot; staff moderate, the summary counts, the
exports hold every submission; nothing unpublished is shown to the public."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path
from typing import Any

import pytest
from auth_helpers import add_people, csrf_of, log_in
from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.plan.load import load_plan
from muniplan.store.accounts import Accounts
from muniplan.store.citizens import CitizenStore
from muniplan.web.app import create_app
from muniplan.web.citizen_limits import Citizens, Limits

PLAN = "/plan/baerum-2018-2021/"
SIM = PLAN + "budsjettsimulator"
NBSP = "\u00a0"


@pytest.fixture()
def app(tmp_path: Path) -> Any:
    store = make_store(tmp_path)
    add_people(store)
    return create_app(make_settings(tmp_path), store)


@pytest.fixture()
def client(app: Any) -> TestClient:
    with TestClient(app, base_url="http://testserver") as c:
        yield c


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ")


def send(client: TestClient, choices: dict[str, str], **fields: str) -> Any:
    page = client.get(SIM, params=choices)
    data = {**choices, "csrf_token": csrf_of(page.text), **fields}
    return client.post(SIM + "/send", data=data, follow_redirects=False)


def saved(app: Any) -> list[Any]:
    return CitizenStore(app.state.store).submissions("baerum-2018-2021")


def test_a_balanced_budget_is_sent_with_its_comment(app: Any, client: TestClient) -> None:
    r = send(client, {"ramme-barn-og-unge": "-2", "utsettelse": "1"},
             kommentar="Skolen først", postnummer="1337", aldersgruppe="30-49")
    assert r.status_code == 303 and r.headers["location"].endswith("budsjettsimulator/takk")
    [s] = saved(app)
    assert s.choices == {"ramme-barn-og-unge": -2.0, "utsettelse": 1.0}
    assert (s.comment, s.postcode, s.age_group, s.status) == ("Skolen først", "1337",
                                                              "30-49", "pending")
    assert client.get(r.headers["location"]).status_code == 200
    log = Accounts(app.state.store).audit_log()
    assert log[0].action == "citizen.submission" and log[0].actor == "innbygger"


def test_an_unbalanced_budget_cannot_be_sent(app: Any, client: TestClient) -> None:
    page = client.get(SIM, params={"ramme-barn-og-unge": "10", "ramme-bistand-og-omsorg": "10"})
    assert 'action="/plan/baerum-2018-2021/budsjettsimulator/send"' not in page.text
    r = client.post(SIM + "/send", data={"ramme-barn-og-unge": "10",
                                         "ramme-bistand-og-omsorg": "10",
                                         "csrf_token": csrf_of(client.get(SIM).text)})
    assert r.status_code == 422 and "går ikke i balanse" in text(r.text)
    assert saved(app) == []


def test_without_the_csrf_token_nothing_is_stored(app: Any, client: TestClient) -> None:
    client.get(SIM)
    r = client.post(SIM + "/send", data={"utsettelse": "1"})
    assert r.status_code == 403
    r = client.post(SIM + "/send", data={"utsettelse": "1", "csrf_token": "feil"})
    assert r.status_code == 403
    page = client.get(SIM)
    r = client.post(SIM + "/send", data={"utsettelse": "1", "csrf_token": csrf_of(page.text)},
                    headers={"origin": "https://evil.example"})
    assert r.status_code == 403
    assert saved(app) == []


def test_the_honeypot_stores_nothing_and_says_nothing(app: Any, client: TestClient) -> None:
    r = send(client, {"utsettelse": "1"}, nettsted="http://spam.example")
    assert r.status_code == 303
    assert saved(app) == []


@pytest.mark.parametrize(("fields", "message"), [
    ({"kommentar": "x" * 1001}, "høyst 1000 tegn"),
    ({"postnummer": "13a7"}, "fire sifre"),
    ({"aldersgruppe": "barn"}, "aldersgruppe"),
    ({"utsettelse": "9"}, "fra 0 til 3"),
])
def test_bad_fields_are_refused_with_the_field(app: Any, client: TestClient,
                                               fields: dict[str, str], message: str) -> None:
    r = send(client, {"utsettelse": "1"}, **fields)
    assert r.status_code == 422 and message in text(r.text)
    assert saved(app) == []


def test_a_form_too_large_is_refused_before_it_is_read(app: Any, client: TestClient) -> None:
    page = client.get(SIM)
    r = client.post(SIM + "/send", data={"csrf_token": csrf_of(page.text),
                                         "kommentar": "x" * 9000})
    assert r.status_code == 413
    assert saved(app) == []


def test_submissions_per_address_are_limited(app: Any, client: TestClient) -> None:
    app.state.citizens = Citizens(Limits(submissions_per_hour=2))
    codes = [send(client, {"utsettelse": "1"}).status_code for _ in range(3)]
    assert codes == [303, 303, 429]
    assert len(saved(app)) == 2


def test_a_comment_waits_for_moderation_then_shows(app: Any, client: TestClient) -> None:
    form = client.get(PLAN + "kommenter", params={"om": "investment:x"})
    assert form.status_code == 200 and 'name="om"' in form.text
    target = re.search(r'<option value="(investment:[^"]+)"', form.text).group(1)
    r = client.post(PLAN + "kommenter", data={"om": target, "kommentar": "Bygg den!",
                                              "csrf_token": csrf_of(form.text)},
                    follow_redirects=False)
    assert r.status_code == 303
    assert "Bygg den!" not in client.get(PLAN + "innspill").text
    [c] = CitizenStore(app.state.store).comments("baerum-2018-2021")
    assert log_in(client, "okonomi").status_code == 303
    mod = client.get(PLAN + "innspill/moderering")
    assert mod.status_code == 200 and "Bygg den!" in mod.text
    r = client.post(PLAN + "innspill/moderer", data={
        "kind": "comment", "item": str(c.id), "status": "published",
        "csrf_token": csrf_of(mod.text)}, follow_redirects=False)
    assert r.status_code == 303
    assert "Bygg den!" in client.get(PLAN + "innspill").text
    assert Accounts(app.state.store).audit_log()[0].action == "citizen.moderate"


def _items(kind: str) -> set[str]:
    plan = load_plan(None)
    if kind == "priority":
        return {a.id for a in plan.priority_areas}
    if kind == "measure":
        return {m.id for a in plan.priority_areas for m in a.measures}
    return {i.id for i in plan.investments}


@pytest.mark.parametrize(("page", "kind"), [
    ("satsingsomrader", "priority"), ("satsingsomrader", "measure"),
    ("investeringer", "investment")])
def test_kommenter_links_open_the_form_on_their_item(client: TestClient, page: str,
                                                     kind: str) -> None:
    """Every priority area, measure and investment has a "Kommenter" link; following it
    gives the comment form with that very item chosen (in the page's language)."""
    html = client.get(PLAN + page).text
    links = [h.replace("&amp;", "&") for h in re.findall(
        rf'class="comment-link" href="([^"]*om={kind}%3A[^"]+)"', html)]
    chosen = [h.split("om=")[1].split("#")[0].replace("%3A", ":") for h in links]
    assert sorted(chosen) == sorted(f"{kind}:{i}" for i in _items(kind))
    for href, target in zip(links, chosen, strict=True):
        form = client.get(href)
        assert form.status_code == 200
        assert re.search(f'<option value="{target}"[^>]* selected>', form.text), target
    en = client.get(PLAN + page, params={"lang": "en"}).text
    href = re.search(r'class="comment-link" href="([^"]+)">Comment<', en).group(1)
    assert "lang=en" in href


def test_a_comment_on_something_the_plan_lacks_is_refused(app: Any,
                                                         client: TestClient) -> None:
    form = client.get(PLAN + "kommenter")
    r = client.post(PLAN + "kommenter", data={"om": "investment:finnes-ikke",
                                              "kommentar": "hei",
                                              "csrf_token": csrf_of(form.text)})
    assert r.status_code == 422
    assert CitizenStore(app.state.store).comments("baerum-2018-2021") == []


def test_staff_pages_need_the_role(client: TestClient) -> None:
    for path in ("innspill/moderering", "innspill/innsendinger.csv",
                 "innspill/innsendinger.json"):
        r = client.get(PLAN + path, follow_redirects=False)
        assert r.status_code == 303 and "/logg-inn" in r.headers["location"]
    assert log_in(client, "kari").status_code == 303  # a group member, not staff
    assert client.get(PLAN + "innspill/moderering").status_code == 403
    form = client.get(PLAN + "kommenter")
    r = client.post(PLAN + "innspill/moderer", data={
        "kind": "comment", "item": "1", "status": "published",
        "csrf_token": csrf_of(form.text)})
    assert r.status_code == 403


def test_summary_and_exports(app: Any, client: TestClient) -> None:
    for v in ("-2", "-1", "-1", "0"):
        assert send(client, {"ramme-barn-og-unge": v} if v != "0" else {},
                    kommentar="=HYPERLINK(\"x\")" if v == "-2" else "").status_code == 303
    summary = text(client.get(PLAN + "innspill").text)
    assert "4 budsjetter er sendt inn, 1 med kommentar" in summary
    assert "HYPERLINK" not in summary  # not published yet
    assert log_in(client, "okonomi").status_code == 303
    data = client.get(PLAN + "innspill/innsendinger.json").json()
    assert data["summary"]["count"] == 4
    [barn] = [x for x in data["summary"]["levers"] if x["lever"] == "ramme-barn-og-unge"]
    assert (barn["median"], barn["low"], barn["high"], barn["moved"]) == (-1.0, -2.0, 0.0, 3)
    r = client.get(PLAN + "innspill/innsendinger.csv")
    assert r.headers["content-type"].startswith("text/csv")
    rows = list(csv.DictReader(io.StringIO(r.text)))
    assert len(rows) == 4 and rows[0]["ramme-barn-og-unge"] == "-2"
    assert rows[0]["kommentar"].startswith("'=")  # never a formula in a spreadsheet


def test_privacy_statement(client: TestClient) -> None:
    body = text(client.get(PLAN + "personvern").text)
    assert "IP-adresse" in body and "365 dager" in body and "Ingen sporing" in body
