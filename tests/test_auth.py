"""Login, sessions, roles, CSRF and the audit log, on SQLite and PostgreSQL, through the real
app (ASVS level 1, chapters 2–4: what docs/security.md lists as tested is tested here)."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path

import pytest
from auth_helpers import PASSWORD, add_people, csrf_of, log_in
from fastapi.testclient import TestClient
from sqlalchemy import select
from store_fixtures import (  # noqa: F401
    baerum_files_fixture,
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)
from web_helpers import make_settings

from muniplan.cli import main
from muniplan.store import Store
from muniplan.store.accounts import (
    ABSOLUTE,
    IDLE,
    MAX_FAILURES_PER_NAME,
    AccountError,
    Accounts,
    token_hash,
)
from muniplan.store.process_schema import SessionRow, UserRow
from muniplan.web.app import create_app


@pytest.fixture(name="accounts")
def accounts_fixture(store: Store) -> Accounts:
    return add_people(store)


@pytest.fixture(name="client")
def client_fixture(store: Store, accounts: Accounts, tmp_path: Path) -> Iterator[TestClient]:
    with TestClient(create_app(make_settings(tmp_path), store)) as c:
        yield c


def test_passwords_are_argon2id_hashes_never_the_password(store, accounts):
    with store._read() as s:
        hashes = list(s.scalars(select(UserRow.password_hash)))
    assert hashes and all(h.startswith("$argon2id$") for h in hashes)
    assert all(PASSWORD not in h for h in hashes)


def test_login_sets_an_httponly_session_cookie_and_reaches_the_account_page(client):
    r = log_in(client, "kari")
    assert r.status_code == 303 and r.headers["location"] == "/konto"
    set_cookie = r.headers["set-cookie"]
    assert "muniplan_session=" in set_cookie and "HttpOnly" in set_cookie
    assert "SameSite=Lax" in set_cookie
    page = client.get("/konto")
    assert page.status_code == 200
    assert "Kari" in page.text and "Arbeiderpartiets gruppe" in page.text
    assert page.headers["cache-control"] == "no-store"


def test_a_wrong_password_and_an_unknown_name_get_the_same_answer(client):
    a = log_in(client, "kari", "feil passord her")
    b = log_in(client, "ingen-slik", "feil passord her")
    assert a.status_code == b.status_code == 401
    assert "Feil brukernavn eller passord." in a.text and "Feil brukernavn eller passord." in b.text
    assert "muniplan_session=" not in a.headers.get("set-cookie", "")


def test_logins_are_throttled_per_name(client, accounts):
    for _ in range(MAX_FAILURES_PER_NAME):
        assert log_in(client, "hans", "galt galt galt").status_code == 401
    r = log_in(client, "hans")  # even the right password, until the window has passed
    assert r.status_code == 429
    assert "For mange mislykkede forsøk" in r.text
    assert any(e.action == "login.throttled" for e in accounts.audit_log())
    assert log_in(client, "kari").status_code == 303  # another name is not locked


def test_login_without_the_csrf_token_is_refused(client):
    r = client.post("/logg-inn", data={"username": "kari", "password": PASSWORD})
    assert r.status_code == 403


def test_a_form_from_another_site_is_refused_even_with_a_token(client):
    token = csrf_of(client.get("/logg-inn").text)
    r = client.post("/logg-inn", data={"username": "kari", "password": PASSWORD,
                                       "csrf_token": token},
                    headers={"origin": "https://angriper.example"})
    assert r.status_code == 403


def test_session_fixation_a_planted_cookie_is_never_promoted(client, accounts):
    client.cookies.set("muniplan_session", "planted-by-an-attacker")
    r = log_in(client, "kari")
    assert r.status_code == 303
    new = r.headers["set-cookie"].split("muniplan_session=", 1)[1].split(";", 1)[0]
    assert new and new != "planted-by-an-attacker"
    assert accounts.session(new) is not None
    assert accounts.session("planted-by-an-attacker") is None


def test_the_default_hash_is_rfc_9106_strength():
    from muniplan.store.accounts import hasher_for

    hasher = hasher_for(None)
    assert hasher.memory_cost >= 65536 and hasher.time_cost >= 3


def test_login_rotates_the_session(client, accounts):
    log_in(client, "kari")
    first = client.cookies.get("muniplan_session")
    log_in(client, "kari")
    second = client.cookies.get("muniplan_session")
    assert first != second
    assert accounts.session(first) is None and accounts.session(second) is not None


def test_logout_ends_the_session_in_the_database(client, accounts):
    log_in(client, "kari")
    token = client.cookies.get("muniplan_session")
    csrf = csrf_of(client.get("/konto").text)
    r = client.post("/logg-ut", data={"csrf_token": csrf}, follow_redirects=False)
    assert r.status_code == 303
    assert accounts.session(token) is None
    client.cookies.set("muniplan_session", token)  # replaying the old cookie
    assert client.get("/konto", follow_redirects=False).status_code == 303


def test_logout_needs_the_csrf_token(client, accounts):
    log_in(client, "kari")
    token = client.cookies.get("muniplan_session")
    assert client.post("/logg-ut", data={}).status_code == 403
    assert accounts.session(token) is not None


def test_sessions_expire_when_idle_and_absolutely(store, accounts):
    login = accounts.login("kari", PASSWORD, "127.0.0.1")
    now = datetime.now(UTC)
    assert accounts.session(login.token, now + IDLE - timedelta(minutes=1)) is not None
    assert accounts.session(login.token, now + 2 * IDLE + timedelta(minutes=2)) is None
    login = accounts.login("kari", PASSWORD, "127.0.0.1")
    with store._write() as s:  # used all day, but logged in more than 12 hours ago
        row = s.get(SessionRow, token_hash(login.token))
        row.created_at = now - ABSOLUTE - timedelta(minutes=1)
    assert accounts.session(login.token) is None


def test_the_database_never_holds_a_usable_token(store, accounts):
    login = accounts.login("kari", PASSWORD, "127.0.0.1")
    with store._read() as s:
        ids = list(s.scalars(select(SessionRow.id)))
    assert login.token not in ids and token_hash(login.token) in ids


def test_disabling_or_a_new_password_ends_sessions(accounts):
    a = accounts.login("kari", PASSWORD, "127.0.0.1")
    accounts.set_password("kari", "et helt nytt passord", actor="test")
    assert accounts.session(a.token) is None
    b = accounts.login("kari", "et helt nytt passord", "127.0.0.1")
    accounts.disable("kari", actor="test")
    assert accounts.session(b.token) is None
    with pytest.raises(AccountError):
        accounts.login("kari", "et helt nytt passord", "127.0.0.1")


def test_roles_a_page_for_staff_sends_the_public_to_login(client):
    r = client.get("/konto", follow_redirects=False)
    assert r.status_code == 303 and r.headers["location"].startswith("/logg-inn?neste=")


def test_the_next_address_after_login_stays_on_the_site(client):
    form = client.get("/logg-inn")
    r = client.post("/logg-inn", data={"username": "kari", "password": PASSWORD,
                                       "csrf_token": csrf_of(form.text),
                                       "neste": "//angriper.example/"},
                    follow_redirects=False)
    assert r.headers["location"] == "/prosess"


@pytest.mark.parametrize("password, fragment", [
    ("kort", "too short"), ("x" * 129, "too long")])
def test_weak_or_huge_passwords_are_refused(accounts, password, fragment):
    with pytest.raises(AccountError, match=fragment):
        accounts.add_user("ny", "Ny", password, "finance", actor="test")


def test_every_account_change_and_login_is_in_the_audit_log(accounts):
    accounts.login("kari", PASSWORD, "10.0.0.1")
    accounts.disable("hans", actor="test")
    actions = [(e.action, e.target) for e in accounts.audit_log()]
    assert ("login", "user:kari") in actions
    assert ("user.disable", "user:hans") in actions
    assert ("user.add", "user:okonomi") in actions
    assert all(PASSWORD not in str(e.detail) for e in accounts.audit_log())


def test_the_users_command(tmp_path, monkeypatch, capsys):
    monkeypatch.setenv("MUNIPLAN_DATA_DIR", str(tmp_path))
    monkeypatch.delenv("MUNIPLAN_DATABASE_URL", raising=False)

    def run(*argv: str, stdin: str = "") -> tuple[int, str]:
        monkeypatch.setattr("sys.stdin", __import__("io").StringIO(stdin))
        with pytest.raises(SystemExit) as exc:
            main(["--lang", "en", *argv])  # the messages as the code writes them
        out = capsys.readouterr()
        return exc.value.code, out.out + out.err

    assert run("db", "upgrade")[0] == 0
    code, out = run("users", "add", "forste", "--role", "admin", "--password-stdin",
                    stdin=PASSWORD + "\n")
    assert code == 0 and "added forste" in out
    code, out = run("users", "add", "to", "--role", "group", "--password-stdin",
                    stdin=PASSWORD + "\n")
    assert code == 2 and "needs --group" in out and "Traceback" not in out
    code, out = run("users", "add", "to", "--role", "finance", "--password-stdin",
                    stdin="kort\n")
    assert code == 2 and "too short" in out
    code, out = run("users", "add", "to", "--role", "finance")  # no terminal, no stdin flag
    assert code == 2 and "--password-stdin" in out
    code, out = run("users", "list", "--format", "json")
    assert code == 0 and '"forste"' in out and PASSWORD not in out
    assert run("users", "set-password", "forste", "--password-stdin",
               stdin="et annet langt passord\n")[0] == 0
    assert run("users", "disable", "forste")[0] == 0
    code, out = run("users", "disable", "ingen")
    assert code == 2 and "no user 'ingen'" in out
    code, out = run("users", "audit")
    assert code == 0 and "account disabled" in out and "user forste" in out
