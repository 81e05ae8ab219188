"""The administrator's page for users and groups, through the real app on SQLite and
PostgreSQL: who may see it, every write with CSRF and an audit row, and the bad inputs it
refuses in bokmål without writing anything."""

from __future__ import annotations

import pytest
from auth_helpers import PASSWORD, csrf_of, log_in
from process_helpers import client_for, flashes, proposal_store
from store_fixtures import (  # noqa: F401
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.store.accounts import Accounts

PAGE = "/admin/brukere"
NEW = {"username": "lise", "display_name": "Lise Lund", "role": "group", "group": "h",
       "password": "et helt nytt passord"}


@pytest.fixture(name="ready")
def ready_fixture(store):
    return proposal_store(store)


def _token(client) -> str:
    return csrf_of(client.get(PAGE).text)


@pytest.mark.parametrize("who, status", [(None, 303), ("kari", 403), ("okonomi", 403),
                                         ("admin", 200)])
def test_only_the_administrator_sees_the_page(ready, tmp_path, who, status):
    client = client_for(ready, tmp_path, who)
    r = client.get(PAGE, follow_redirects=False)
    assert r.status_code == status
    if status == 303:
        assert r.headers["location"].startswith("/logg-inn")
    if status == 200:
        assert "Brukere og grupper" in r.text and "okonomi" in r.text
        assert r.headers["cache-control"].startswith("no-store")


@pytest.mark.parametrize("who", ["kari", "okonomi"])
def test_other_roles_cannot_write(ready, tmp_path, who):
    client = client_for(ready, tmp_path, who)
    token = csrf_of(client.get("/konto").text)
    for path, data in ((f"{PAGE}/ny", NEW), ("/admin/grupper/ny", {"group_id": "sp",
                                                                    "group_name": "Sp"}),
                       (f"{PAGE}/kari/deaktiver", {}),
                       (f"{PAGE}/kari/passord", {"password": "x" * 20})):
        r = client.post(path, data={"csrf_token": token, **data}, follow_redirects=False)
        assert r.status_code == 403, path
    assert {u.username for u in Accounts(ready).users()} == {"okonomi", "kari", "hans",
                                                             "admin"}
    assert Accounts(ready).user("kari").active


def test_add_a_group_and_a_user_who_can_log_in(ready, tmp_path):
    admin = client_for(ready, tmp_path, "admin")
    r = admin.post("/admin/grupper/ny", data={"csrf_token": _token(admin), "group_id": "sp",
                                             "group_name": "Senterpartiets gruppe"},
                   follow_redirects=False)
    assert r.status_code == 303
    r = admin.post(f"{PAGE}/ny", data={"csrf_token": _token(admin), **NEW, "group": "sp"},
                   follow_redirects=False)
    assert r.status_code == 303
    page = admin.get(r.headers["location"])
    assert "Brukeren er lagt til." in page.text and "Lise Lund" in page.text
    lise = Accounts(ready).user("lise")
    assert (lise.role, lise.group_id, lise.active) == ("group", "sp", True)
    assert log_in(client_for(ready, tmp_path), "lise", NEW["password"]).status_code == 303
    audit = [(e.actor, e.action, e.target) for e in Accounts(ready).audit_log()]
    assert ("admin", "group.add", "group:sp") in audit
    assert ("admin", "user.add", "user:lise") in audit


def test_disable_ends_the_users_sessions_and_reset_lets_them_in_again(ready, tmp_path):
    kari = client_for(ready, tmp_path, "kari")
    assert kari.get("/konto").status_code == 200
    admin = client_for(ready, tmp_path, "admin")
    r = admin.post(f"{PAGE}/kari/deaktiver", data={"csrf_token": _token(admin)},
                   follow_redirects=False)
    assert r.status_code == 303
    assert kari.get("/konto", follow_redirects=False).status_code == 303  # logged out
    assert log_in(client_for(ready, tmp_path), "kari").status_code == 401
    new = "kari sitt nye passord"
    r = admin.post(f"{PAGE}/kari/passord", data={"csrf_token": _token(admin),
                                                 "password": new}, follow_redirects=False)
    assert r.status_code == 303
    assert log_in(client_for(ready, tmp_path), "kari", new).status_code == 303
    assert log_in(client_for(ready, tmp_path), "kari", PASSWORD).status_code == 401
    audit = [(e.action, e.target) for e in Accounts(ready).audit_log()]
    assert ("user.disable", "user:kari") in audit and ("user.set_password", "user:kari") in audit


def test_every_write_needs_the_csrf_token(ready, tmp_path):
    admin = client_for(ready, tmp_path, "admin")
    for path, data in ((f"{PAGE}/ny", NEW), (f"{PAGE}/kari/deaktiver", {}),
                       ("/admin/grupper/ny", {"group_id": "sp", "group_name": "Sp"}),
                       (f"{PAGE}/kari/passord", {"password": "x" * 20})):
        for token in (None, "feil"):
            body = data if token is None else {"csrf_token": token, **data}
            assert admin.post(path, data=body, follow_redirects=False).status_code == 403
    assert Accounts(ready).user("kari").active
    assert "lise" not in {u.username for u in Accounts(ready).users()}


@pytest.mark.parametrize("field, value, fragment", [
    ("username", "Lise Lund", "Brukernavn: bruk små bokstaver"),
    ("username", "kari", "Brukernavnet «kari» finnes allerede."),
    ("password", "kort", "minst 12 og høyst 128 tegn"),
    ("group", "", "må ha en gruppe"),
    ("group", "finnes-ikke", "Gruppe: velg en av gruppene"),
    ("role", "superuser", "Rolle: velg en av rollene"),
])
def test_bad_user_fields_are_named_and_nothing_is_written(ready, tmp_path, field, value,
                                                          fragment):
    admin = client_for(ready, tmp_path, "admin")
    before = len(Accounts(ready).audit_log())
    r = admin.post(f"{PAGE}/ny", data={"csrf_token": _token(admin), **NEW, field: value})
    assert r.status_code == 422
    assert any(fragment in f for f in flashes(r.text)), flashes(r.text)
    assert "lise" not in {u.username for u in Accounts(ready).users()}
    assert len(Accounts(ready).audit_log()) == before
    assert NEW["password"] not in r.text  # a password is never sent back


def test_the_administrator_cannot_lock_themself_out_and_unknown_users_are_404(ready,
                                                                              tmp_path):
    admin = client_for(ready, tmp_path, "admin")
    r = admin.post(f"{PAGE}/admin/deaktiver", data={"csrf_token": _token(admin)})
    assert r.status_code == 422 and "din egen konto" in r.text
    assert Accounts(ready).user("admin").active
    r = admin.post(f"{PAGE}/ingen/passord", data={"csrf_token": _token(admin),
                                                  "password": "x" * 20})
    assert r.status_code == 404
    r = admin.post(f"{PAGE}/kari/passord", data={"csrf_token": _token(admin),
                                                 "password": "kort"})
    assert r.status_code == 422 and "minst 12" in r.text
    r = admin.post("/admin/grupper/ny", data={"csrf_token": _token(admin), "group_id": "ap",
                                             "group_name": ""})
    assert r.status_code == 422
    assert "Gruppen «ap» finnes allerede." in r.text and "Gruppens navn" in r.text
