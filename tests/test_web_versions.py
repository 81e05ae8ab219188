"""Which version a page shows: the newest adopted one by default, another by ``?version`` —
a draft only to finance staff (to the public it does not exist)."""

from __future__ import annotations

from pathlib import Path

from auth_helpers import add_people, log_in
from fastapi.testclient import TestClient
from web_helpers import add_draft, make_settings, make_store

from muniplan.web.app import create_app

PLAN = "/plan/baerum-2018-2021/"


def test_adopted_version_is_the_default_and_drafts_are_for_staff(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    add_people(store)
    client = TestClient(create_app(make_settings(tmp_path), store))
    draft = add_draft(store, "Utkast til nytt handlingsprogram")
    assert draft.number == 2
    adopted = client.get(PLAN).text
    assert "Rigge kommunen for langsiktig bærekraft" in adopted
    assert "Utkast til nytt handlingsprogram" not in adopted
    assert client.get(PLAN + "?version=2").status_code == 404  # the public
    assert client.get(PLAN + "chart/frames-by-sector.svg?version=2").status_code == 404
    log_in(client, "kari")  # a political group does not see the administration's drafts
    assert client.get(PLAN + "?version=2").status_code == 404
    log_in(client, "okonomi")
    shown = client.get(PLAN + "?version=2").text
    assert "Utkast til nytt handlingsprogram" in shown
    assert "Versjon 2 (utkast)" in shown
    assert f'href="{PLAN}okonomi?version=2"' in shown
    assert client.get(PLAN + "chart/frames-by-sector.svg?version=2").status_code == 200
    assert client.get(PLAN + "?version=3").status_code == 404


def test_a_new_adopted_version_shows_at_once(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    client = TestClient(create_app(make_settings(tmp_path), store))
    assert "Rigge kommunen" in client.get(PLAN).text  # fills the caches with version 1
    files_title = "Revidert handlingsprogram"
    add_draft(store, files_title)
    assert files_title not in client.get(PLAN).text
    from muniplan.plan.load import read_folder, resolve

    files = read_folder(resolve(None))
    files["plan.yaml"] = files["plan.yaml"].replace(
        'title: "Handlingsprogram 2018–2021: Rigge kommunen for langsiktig bærekraft"',
        'title: "Vedtatt revisjon"', 1)
    store.import_files(files, status="adopted")
    assert "Vedtatt revisjon" in client.get(PLAN).text


def test_no_plans_gives_a_page_that_says_so(tmp_path: Path) -> None:
    from muniplan.store import Store

    store = Store.from_settings(make_settings(tmp_path))
    store.upgrade()
    r = TestClient(create_app(make_settings(tmp_path), store)).get("/")
    assert r.status_code == 404 and "muniplan import" in r.text


def test_sources_page_lists_every_version_the_reader_may_see(tmp_path: Path) -> None:
    store = make_store(tmp_path)
    add_people(store)
    add_draft(store, "Et utkast")
    client = TestClient(create_app(make_settings(tmp_path), store))
    public = client.get(PLAN + "kilder").text
    assert f'href="{PLAN}?version=2"' not in public and f'href="{PLAN}?version=1"' in public
    log_in(client, "okonomi")
    html = client.get(PLAN + "kilder").text
    assert 'id="versions"' in html
    assert f'href="{PLAN}?version=2"' in html and f'href="{PLAN}?version=1"' in html
    assert "Utkast" in html and "Vedtatt" in html
