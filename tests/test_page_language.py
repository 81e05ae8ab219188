"""Every page in both languages: no English on a bokmål page and no Norwegian on an English
one, except the plan's own names marked ``lang="nb"`` (and English source credits marked
``lang="en"``); no internal ids, file names or developer notes anywhere. Staff pages are
read logged in as the person who may see them.

The page title (``<title>``) is left out: it joins the page's name with the plan's official
title, and a title cannot mark part of itself with a language.
"""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest
from auth_helpers import add_people, log_in
from fastapi.testclient import TestClient
from page_language import internal_names, wrong_language
from site_pages import PAGES, STAFF_PAGES
from web_helpers import make_settings, make_store

from muniplan.web.app import create_app


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Any:
    tmp: Path = tmp_path_factory.mktemp("language")
    store = make_store(tmp)
    add_people(store)
    return create_app(make_settings(tmp), store)


@pytest.fixture(scope="module")
def public(app: Any) -> Any:
    with TestClient(app) as c:
        yield c


@pytest.fixture(scope="module")
def people(app: Any) -> Any:
    """A client logged in as each person the staff pages need."""
    clients = {}
    for who in set(STAFF_PAGES.values()):
        c = TestClient(app)
        c.__enter__()
        assert log_in(c, who).status_code == 303
        clients[who] = c
    yield clients
    for c in clients.values():
        c.__exit__(None, None, None)


def page(client: TestClient, path: str, lang: str) -> str:
    r = client.get(path, params={"lang": lang})
    assert r.status_code == 200, (path, r.status_code)
    assert r.headers["content-type"].startswith("text/html"), path
    assert f'<html lang="{lang}"' in r.text, path
    return r.text


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("path", PAGES)
def test_each_page_speaks_its_own_language(public: TestClient, path: str, lang: str) -> None:
    html = page(public, path, lang)
    assert wrong_language(html) == [], path
    assert internal_names(html) == [], path


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("path", sorted(STAFF_PAGES))
def test_staff_pages_speak_their_language(people: dict[str, TestClient], path: str,
                                          lang: str) -> None:
    html = page(people[STAFF_PAGES[path]], path, lang)
    assert wrong_language(html) == [], path
    assert internal_names(html) == [], path


def test_the_checks_catch_what_they_should() -> None:
    """The checks fail on the faults they are for (so a passing page means something)."""
    assert wrong_language('<html lang="nb"><p>The budget is not balanced.</p></html>')
    assert wrong_language('<html lang="en"><p>Budsjettet er ikke i balanse i år.</p></html>')
    assert not wrong_language('<html lang="en"><p>Sector <span lang="nb">Barn og unge '
                              'og eldre</span> is the largest.</p></html>')
    assert not wrong_language('<html lang="nb"><p>Dødelighet: Human Mortality Database, '
                              'CC BY 4.0.</p></html>')  # an official name and a licence
    assert wrong_language('<html lang="en"><div aria-label="Tiltak for eldre og barn">'
                          '</div></html>')
    assert internal_names('<html lang="nb"><td>klimafond_samlet</td></html>')
    assert internal_names('<html lang="nb"><p>se docs/domain.md</p></html>')
    assert not internal_names('<html lang="nb"><script>var a_b = 1;</script></html>')


PLAN = "/plan/baerum-2018-2021/"


@pytest.mark.parametrize("lang, words", [("nb", ("Befolkning", "Dødelighet", "Fruktbarhet")),
                                         ("en", ("Population", "Mortality", "Fertility"))])
def test_the_population_credits_are_marked_and_their_files_named_in_words(
        public: TestClient, lang: str, words: tuple[str, ...]) -> None:
    """The credits are Norwegian (marked so on an English page), the publishers' notes
    English; the data files are named by what they hold, not ``population.csv``."""
    html = page(public, f"{PLAN}kilder", lang)
    assert '<dd lang="nb">Befolkningstall: Statistisk sentralbyrå (SSB)' in html
    assert all(f"<dt>{w}</dt>" in html for w in words), words
    assert ".csv" not in html.partition('id="fig-population"')[2].partition("</section>")[0]


@pytest.mark.parametrize("lang", ["nb", "en"])
@pytest.mark.parametrize("path, credit", [
    ("", '<span lang="nb">Befolkningstall: Statistisk sentralbyrå (SSB), tabell 07459, NLOD '
     '2.0. Dødelighet'),
    ("kommuner", '<span lang="nb">Befolkningstall: Statistisk sentralbyrå (SSB), tabell '
     '07459, NLOD 2.0, omregnet til 2024-grenser')])
def test_the_data_credits_under_a_page_are_marked_bokmal(public: TestClient, lang: str,
                                                         path: str, credit: str) -> None:
    assert credit in page(public, f"{PLAN}{path}", lang)


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_history_marks_each_plans_title_bokmal(public: TestClient, lang: str) -> None:
    html = page(public, f"{PLAN}historikk", lang)
    assert ('<th scope="row"><span lang="nb">Handlingsprogram 2018–2021: Rigge kommunen for '
            'langsiktig bærekraft</span></th>') in html
    unit = "(mill. kr)" if lang == "nb" else "(million NOK)"
    assert f"<h2>{'Netto driftsresultat' if lang == 'nb' else 'Net operating result'} {unit}"\
        in html


@pytest.mark.parametrize("lang", ["nb", "en"])
def test_the_municipalitys_name_is_marked_bokmal(public: TestClient, lang: str) -> None:
    """"Bærum kommune" is the municipality's official name, in the header of every page and
    at the start of the overview."""
    html = page(public, PLAN, lang)
    assert '<span class="muni" lang="nb">Bærum kommune</span>' in html
    assert '<p class="lede"><span lang="nb">Bærum kommune</span> (' in html


@pytest.mark.parametrize("lang, line", [
    ("nb", 'Versjon 1 – <span lang="nb">Vedtatt av kommunestyret 6. desember 2017</span>.'),
    ("en", 'Version 1 (adopted) – <span lang="nb">Vedtatt av kommunestyret 6. desember '
     '2017</span>.')])
def test_the_adopted_versions_line_is_said_and_its_official_words_marked(
        public: TestClient, lang: str, line: str) -> None:
    """The council's own words stay as written, marked bokmål; an English reader is told in
    English what they say."""
    assert line in page(public, PLAN, lang)
