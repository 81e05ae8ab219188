"""The Alle kommuner page: every kommune, sortable without JavaScript, the plan's own marked."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.web.app import create_app

URL = "/plan/baerum-2018-2021/kommuner"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    tmp: Path = tmp_path_factory.mktemp("web-national")
    app = create_app(make_settings(tmp), make_store(tmp))
    with TestClient(app) as c:
        yield c


def rows(html: str) -> list[str]:
    body = html.split('<table class="national">', 1)[1].split("</tbody>", 1)[0]
    return re.findall(r"<tr[^>]*><td>(\d{4})</td>", body)


def test_every_kommune_with_baerum_highlighted(client: TestClient) -> None:
    r = client.get(URL)
    assert r.status_code == 200, r.text[:400]
    assert len(rows(r.text)) == 357
    assert re.search(r'<tr class="own"><td>3201</td><th scope="row"><span lang="nb">Bærum',
                     r.text)
    assert "planens kommune" in r.text
    # comparison with the county (Akershus in 2024) and Norway
    assert "Fylket Akershus" in r.text and "Hele landet" in r.text
    assert 'aria-sort="descending"' in r.text  # sorted by growth by default
    assert 'href="/plan/baerum-2018-2021/kommuner?sort=name&amp;order=asc#kommuner"' in r.text


def test_sorting_by_name_and_by_population(client: TestClient) -> None:
    by_name = rows(client.get(URL, params={"sort": "name", "order": "asc"}).text)
    assert by_name[0] == "1820"  # Alstahaug, first in the alphabet of 2024
    by_total = rows(client.get(URL, params={"sort": "total", "order": "desc"}).text)
    assert by_total[0] == "0301" and by_total[-1] == "1151"  # Oslo first, Utsira last


def test_bad_sort_is_refused(client: TestClient) -> None:
    assert client.get(URL, params={"sort": "x"}).status_code == 422


def test_english(client: TestClient) -> None:
    r = client.get(URL, params={"lang": "en"})
    assert r.status_code == 200
    assert "All municipalities" in r.text


def test_the_figures_behind_the_page() -> None:
    from muniplan.national.summary import national_summary
    from muniplan.plan.load import load_plan

    s = national_summary(load_plan(None), 2018, 2026)
    own = next(r for r in s.rows if r.number == s.own)
    assert s.own == "3201" and own.total_base == 125_454
    assert own.lower < own.total_last < own.upper
    # the demographic cost change per inhabitant is kroner, not thousands: Bærum's services
    # (about 5 bn kr a year) grow by a few percent with the population in eight years
    assert 1_000 < own.cost_per_inhabitant < 20_000
    assert s.norway.total_base == 5_295_595
    assert len(s.counties) == len({r.county for r in s.rows})
