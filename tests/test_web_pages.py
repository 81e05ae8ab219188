"""The public pages in-process: every page answers, shows the Bærum figures, and keeps to the
rules of the site (security headers, no third-party hosts, strict parameters, languages)."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.web.app import create_app

PLAN = "/plan/baerum-2018-2021/"
PAGES = ["", "sektorer/", "sektorer/barn-og-unge", "sektorer/bistand-og-omsorg",
         "sektorer/miljo-idrett-og-kultur", "sektorer/organisasjon-styring-og-utvikling",
         "investeringer", "satsingsomrader", "okonomi", "baerekraft", "kilder"]
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    tmp: Path = tmp_path_factory.mktemp("web")
    app = create_app(make_settings(tmp), make_store(tmp))
    with TestClient(app) as c:
        yield c


def text(html: str) -> str:
    """The visible text, with no-break spaces as plain spaces."""
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ")


def test_root_redirects_to_the_plan(client: TestClient) -> None:
    r = client.get("/", follow_redirects=False)
    assert r.status_code == 307
    assert r.headers["location"] == PLAN


@pytest.mark.parametrize("page", PAGES)
def test_every_page_answers_in_bokmaal(client: TestClient, page: str) -> None:
    r = client.get(PLAN + page)
    assert r.status_code == 200, r.text[:500]
    assert r.headers["content-type"].startswith("text/html")
    assert '<html lang="nb">' in r.text
    assert 'href="#main"' in r.text and 'id="main"' in r.text
    assert re.search(r"<h1[ >]", r.text)
    assert "Statistisk sentralbyrå (SSB)" in r.text  # data credits in the footer


def test_overview_shows_the_frame_investments_and_long_term(client: TestClient) -> None:
    t = text(client.get(PLAN).text)
    assert "9 400 mill. kr" in t  # driftsramme 2018 (press release: about 9.4 bn)
    assert "9 200 mill. kr" in t  # investments 2018–2021 (press release: 9.2 bn)
    assert "9 400,0" in t  # the data table beside the chart, one decimal
    assert "Det lange bildet" in t
    assert "Netto driftsresultat 2018" in t and "Gjeldsgrad 2021" in t
    assert "Innsparingsbehov" in t


def test_investments_lists_every_project(client: TestClient) -> None:
    t = text(client.get(PLAN + "investeringer").text)
    for name in ("Emma Hjorth barneskole", "Storøya skole", "Bekkestua ungdomsskole"):
        assert name in t
    assert "Skolebygg" in t and "Sykehjem og bofellesskap" in t
    assert "9 200,0" in t


def test_sector_page_has_frames_changes_and_drivers(client: TestClient) -> None:
    t = text(client.get(PLAN + "sektorer/barn-og-unge").text)
    assert "Grunnskoleopplæring" in t and "2 292,7" in t
    assert "Endringer fra år til år" in t
    assert "Demografiske drivere" in t and "Brukere" in t


def test_economy_page_has_rules_and_savings_need(client: TestClient) -> None:
    t = text(client.get(PLAN + "okonomi").text)
    assert "Netto driftsresultat minst 4 % av driftsinntektene" in t
    assert "2040" in t
    assert "Innsparingsbehov" in t


def test_sources_page_has_anchors_for_every_source(client: TestClient) -> None:
    html = client.get(PLAN + "kilder").text
    assert 'id="src-pressemelding-hp-2018-2021"' in html
    assert 'id="fig-inv-emma-hjorth-barneskole"' in html
    assert 'id="fig-projection"' in html


def test_figures_link_to_their_sources(client: TestClient) -> None:
    html = client.get(PLAN + "investeringer").text
    assert f'href="{PLAN}kilder#fig-inv-emma-hjorth-barneskole"' in html


@pytest.mark.parametrize("page", PAGES)
def test_every_source_link_lands_on_an_anchor(client: TestClient, page: str) -> None:
    html = client.get(PLAN + page).text
    targets = set(re.findall(r'href="/plan/baerum-2018-2021/kilder#([^"]+)"', html))
    assert targets, "the page's figures link to no source"
    sources = client.get(PLAN + "kilder").text
    for anchor in targets:
        assert f'id="{anchor}"' in sources, anchor
    internal = set(re.findall(r'href="(#[^"]+)"', html)) - {"#main"}
    for anchor in internal:
        assert f'id="{anchor[1:]}"' in html, anchor


@pytest.mark.parametrize("page", PAGES)
def test_security_headers(client: TestClient, page: str) -> None:
    r = client.get(PLAN + page)
    csp = r.headers["content-security-policy"]
    assert "default-src 'self'" in csp and "frame-ancestors 'none'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert r.headers["x-content-type-options"] == "nosniff"
    assert r.headers["referrer-policy"]


@pytest.mark.parametrize("page", PAGES)
def test_no_inline_script_or_style_and_no_other_hosts(client: TestClient, page: str) -> None:
    html = client.get(PLAN + page).text
    assert "<style" not in html and " style=" not in html
    for attrs in re.findall(r"<script([^>]*)>", html):
        assert "src=" in attrs or 'type="application/json"' in attrs
    for url in re.findall(r'\ssrc="([^"]+)"', html):
        assert url.startswith("/"), url
    for tag in re.findall(r"<(?:link|a)\s[^>]*href=\"https?://[^>]*>", html):
        assert tag.startswith("<a") and 'rel="external' in tag, tag


def test_charts_are_svg_and_spec_json(client: TestClient) -> None:
    html = client.get(PLAN).text
    svgs = re.findall(r'<img class="chart-img" src="([^"]+)" alt="([^"]+)"', html)
    assert len(svgs) >= 4
    r = client.get(svgs[0][0])
    assert r.status_code == 200 and r.headers["content-type"].startswith("image/svg+xml")
    assert r.text.startswith("<svg")
    spec = client.get(svgs[0][0].replace(".svg", ".json")).json()
    assert spec["data"]["values"] and spec["description"]
    assert html.count("<details>") >= len(svgs)


def test_vega_bundle_is_served_from_the_app(client: TestClient) -> None:
    r = client.get("/static/vendor/vega-embed.js")
    assert r.status_code == 200 and "vegaEmbed" in r.text
    assert client.get("/static/charts.js").status_code == 200
    assert client.get("/static/site.css").status_code == 200


def test_language_switch(client: TestClient) -> None:
    r = client.get(PLAN + "?lang=en")
    assert '<html lang="en">' in r.text
    t = text(r.text)
    assert "Overview" in t and "9,400 million NOK" in t
    assert f'href="{PLAN}investeringer?lang=en"' in r.text
    client.cookies.clear()  # the choice above is remembered; the rest of the module reads bokmål
    # a browser set up in English is not a reader's choice: bokmål first
    r = client.get(PLAN, headers={"Accept-Language": "en-GB,en;q=0.9"})
    assert '<html lang="nb">' in r.text and "Oversikt" in text(r.text)


def test_the_chosen_language_is_remembered(tmp_path: Path) -> None:
    """Staff pages, forms and redirects carry no ``?lang``; the reader's choice does."""
    app = create_app(make_settings(tmp_path), make_store(tmp_path))
    with TestClient(app) as reader:
        first = reader.get(PLAN + "?lang=en")
        assert "lang=en" in first.headers["set-cookie"]
        assert first.headers["cache-control"] == "private, no-cache"
        assert '<html lang="en">' in reader.get(PLAN + "investeringer").text
        assert '<html lang="en">' in reader.get("/logg-inn").text
        again = reader.get(PLAN + "okonomi?lang=en")
        assert "set-cookie" not in again.headers  # already held: nothing to set
        back = reader.get(PLAN + "?lang=nb")
        assert "lang=nb" in back.headers["set-cookie"]
        assert '<html lang="nb">' in reader.get("/logg-inn").text
        reader.cookies.set("lang", "de")
        assert '<html lang="nb">' in reader.get(PLAN).text  # not a language we have


def test_404_pages_say_what_was_missing(client: TestClient) -> None:
    r = client.get("/plan/finnes-ikke/")
    assert r.status_code == 404 and "finnes-ikke" in r.text and "<h1>" in r.text
    r = client.get(PLAN + "sektorer/ukjent")
    assert r.status_code == 404 and "ukjent" in r.text
    r = client.get(PLAN + "?version=99")
    assert r.status_code == 404 and "99" in r.text
    r = client.get("/ingenting-her")
    assert r.status_code == 404 and "/ingenting-her" in r.text
    r = client.get(PLAN + "chart/ukjent.svg")
    assert r.status_code == 404


@pytest.mark.parametrize("query, name", [("lang=xx", "lang"), ("version=0", "version"),
                                         ("version=abc", "version"), ("to=2050", "to"),
                                         ("to=2019", "to")])
def test_422_pages_name_the_parameter(client: TestClient, query: str, name: str) -> None:
    r = client.get(PLAN + "okonomi?" + query)
    assert r.status_code == 422
    assert r.headers["content-type"].startswith("text/html")
    assert f"«{name}»" in r.text


def test_version_and_horizon_stick_to_links(client: TestClient) -> None:
    r = client.get(PLAN + "okonomi?version=1&to=2030")
    assert r.status_code == 200
    assert f'href="{PLAN}kilder?version=1&amp;to=2030"' in r.text
    assert "2031" not in text(r.text).split("Framskrivingen")[-1]


def test_head_is_answered_like_get(client: TestClient) -> None:
    r = client.head(PLAN + "okonomi")
    assert r.status_code == 200 and r.headers["content-security-policy"]


def test_json_api_is_mounted_with_json_errors(client: TestClient) -> None:
    import importlib.util

    if importlib.util.find_spec("muniplan.web.api") is None:
        pytest.skip("the JSON API is not there yet")
    r = client.get("/api/plans")
    assert r.status_code == 200 and r.json()[0]["id"] == "baerum-2018-2021"
    r = client.get("/api/plans/finnes-ikke")
    assert r.status_code == 404 and r.headers["content-type"] == "application/json"
    assert r.headers["x-content-type-options"] == "nosniff"
    paths = client.get("/openapi.json").json()["paths"]
    assert all(p.startswith("/api/") for p in paths)


@pytest.mark.parametrize(("lang", "robek"), [
    ("nb", "ROBEK: økonomiplanen i balanse og merforbruk dekket i tide"),
    ("en", "ROBEK: the financial plan in balance and deficits covered in time")])
def test_sustainability_names_the_laws_checks_in_words_not_ids(client: TestClient, lang: str,
                                                                robek: str) -> None:
    """The plan's rules keep their ids (R1 …); the law's two checks have none a reader
    knows, so their internal ids are never shown."""
    html = client.get(PLAN + "baerekraft", params={"lang": lang}).text
    t = text(html)
    assert robek in t
    assert "<strong>R1</strong>" in html
    assert not re.search(r"<strong>(robek|balanse)</strong>|\b(robek|balanse): ", html)


@pytest.mark.parametrize(("lang", "unit"), [("nb", "mill. kr (løpende)"),
                                            ("en", "NOK million (current)")])
def test_the_fan_of_an_amount_says_its_unit(client: TestClient, lang: str, unit: str) -> None:
    """A fan of kroner (the reserve funds, the savings need) names its unit in its text
    alternative and its table, as a fan of ratios shows its per cent sign."""
    html = client.get(PLAN + "baerekraft", params={"lang": lang}).text
    alts = re.findall(r'alt="([^"]*)"', html)
    money = [a for a in alts if "Disposisjonsfond" in a or "Reserve funds" in a]
    assert money and all(unit in a for a in money), money
    assert unit in text(html)
