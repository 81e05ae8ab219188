"""The anonymous fast path: a public page is answered from memory for the freshness the site
allows, never for a reader with a cookie, per language and encoding, and a publication by
staff through the site empties it at once (SQLite and PostgreSQL)."""

from __future__ import annotations

import time

from auth_helpers import csrf_of, log_in
from fastapi.testclient import TestClient
from process_helpers import PLAN, PLAN_ID, proposal_store
from store_fixtures import (  # noqa: F401
    baerum_files_fixture,
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)
from web_helpers import make_settings

from muniplan.plan.load import read_folder, resolve
from muniplan.store.process import Process
from muniplan.web.app import create_app
from muniplan.web.public_cache import PublicCache

BROWSER = {"accept-encoding": "br, gzip", "accept-language": "nb"}


def cache_of(app) -> PublicCache:
    layer = app.middleware_stack
    while not isinstance(layer, PublicCache):
        layer = layer.app
    return layer


def serving_app(store, tmp_path, fresh: float = 60.0):
    """The app as ``muniplan serve`` runs it, with a long freshness so the test decides."""
    app = create_app(make_settings(tmp_path), store)
    app.state.web.source.fresh_seconds = fresh
    return app


def test_a_public_page_is_answered_from_memory_the_second_time(store, tmp_path):
    proposal_store(store)
    app = serving_app(store, tmp_path)
    with TestClient(app) as public:
        first = public.get(PLAN, headers=BROWSER)
        cache = cache_of(app)
        second = public.get(PLAN, headers=BROWSER)
        assert first.status_code == second.status_code == 200
        assert cache.hits == 1
        assert second.content == first.content
        assert second.headers["etag"] == first.headers["etag"]
        assert second.headers["content-encoding"] == "br"
        assert "content-security-policy" in second.headers
        assert second.headers["cache-control"] == "public, max-age=60"
        again = public.get(PLAN, headers={**BROWSER, "if-none-match": first.headers["etag"]})
        assert again.status_code == 304 and again.content == b"" and cache.hits == 2


def test_language_and_encoding_are_kept_apart(store, tmp_path):
    proposal_store(store)
    app = serving_app(store, tmp_path)
    with TestClient(app) as public:
        nb = public.get(PLAN, headers=BROWSER)
        en = public.get(PLAN + "?lang=en", headers={**BROWSER, "accept-encoding": "gzip"})
        en_query = public.get(PLAN + "?lang=en", headers=BROWSER)
        public.cookies.clear()  # a new reader, who has chosen no language
        plain = public.get(PLAN, headers={"accept-language": "nb", "accept-encoding": "identity"})
        assert cache_of(app).hits == 0
        assert '<html lang="nb"' in nb.text and '<html lang="en"' in en.text
        assert '<html lang="en"' in en_query.text
        assert "content-encoding" not in plain.headers and plain.text == nb.text


def test_a_reader_with_a_cookie_always_gets_a_fresh_page(store, tmp_path):
    proposal_store(store)
    app = serving_app(store, tmp_path)
    with TestClient(app) as client:
        client.get(PLAN, headers=BROWSER)
        client.cookies.set("muniplan_session", "not-a-session")
        r = client.get(PLAN, headers=BROWSER)
        assert r.status_code == 200 and cache_of(app).hits == 0
        assert r.headers["cache-control"] == "private, no-cache"


def test_errors_and_pages_that_set_a_cookie_are_not_kept(store, tmp_path):
    proposal_store(store)
    app = serving_app(store, tmp_path)
    with TestClient(app) as public:
        for _ in range(2):
            assert public.get("/plan/finnes-ikke/", headers=BROWSER).status_code == 404
            login = public.get("/logg-inn", headers=BROWSER)
            assert login.status_code == 200 and "set-cookie" in login.headers
            public.cookies.clear()
        assert cache_of(app).hits == 0


def test_an_entry_lives_only_as_long_as_the_site_allows(store, tmp_path):
    proposal_store(store)
    app = serving_app(store, tmp_path, fresh=0.2)
    with TestClient(app) as public:
        public.get(PLAN, headers=BROWSER)
        time.sleep(0.3)
        public.get(PLAN, headers=BROWSER)
        assert cache_of(app).hits == 0
        app.state.web.source.fresh_seconds = 0  # as the tests' apps run: no cache at all
        public.get(PLAN, headers=BROWSER)
        public.get(PLAN, headers=BROWSER)
        assert cache_of(app).hits == 0


def test_a_publication_by_staff_shows_at_once(store, tmp_path):
    proposal_store(store)
    files = read_folder(resolve(None))
    files["plan.yaml"] += "\n# innstilling\n"
    store.import_files(files, status="proposal")
    app = serving_app(store, tmp_path)
    with TestClient(app) as public, TestClient(app) as staff:
        assert "Versjon 1 (forslag)" in public.get(PLAN, headers=BROWSER).text
        assert log_in(staff, "okonomi").status_code == 303
        token = csrf_of(staff.get("/prosess").text)
        r = staff.post(f"{PLAN}versjon/2/publiser", data={"csrf_token": token},
                       follow_redirects=False)
        assert r.status_code == 303 and Process(store).versions(PLAN_ID)[1].published
        page = public.get(PLAN, headers=BROWSER).text
        assert "Versjon 2" in page and cache_of(app).hits == 0


def test_while_one_reader_remakes_an_expired_page_the_others_get_the_last_one(store, tmp_path):
    proposal_store(store)
    app = serving_app(store, tmp_path, fresh=0.2)
    with TestClient(app) as public:
        first = public.get(PLAN, headers=BROWSER)
        cache = cache_of(app)
        time.sleep(0.3)
        (key,) = list(cache._data)
        cache._refreshing.add(key)  # as if another reader were remaking it right now
        stale = public.get(PLAN, headers=BROWSER)
        assert cache.hits == 1 and stale.content == first.content
        cache._refreshing.clear()
        public.get(PLAN, headers=BROWSER)  # this reader remakes it
        assert cache.hits == 1 and not cache._refreshing
