"""Every route, every parameter, bad values: a 4xx page in the asked language, never a 500.

The routes are read from the app itself, so pages registered later are covered without
touching this file. Path parameters get a valid value where one is known (the example plan,
one of its sectors, one of its charts) and bad values in turn; each query parameter gets bad
values while the rest of the URL is valid.
"""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.routing import APIRoute
from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.web.app import create_app

PLAN_ID = "baerum-2018-2021"
VALID = {"plan_id": PLAN_ID, "sector_id": "barn-og-unge", "name": "net-operating-result-ratio",
         "ext": "html", "number": "1", "version": "1", "lang": "nb", "to": "2030"}
"""A valid value for the parameters the example plan has; others are left out."""
BAD = ["", " ", "abc", "-1", "0", "1.5", "1e9", "99999999999999999999999", "2200", "1899",
       "ø", "%00", "..%2F..%2Fetc%2Fpasswd", "<script>alert(1)</script>", "nb,en", "NaN",
       "\u202e", "x" * 300]


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    tmp: Path = tmp_path_factory.mktemp("robust")
    app = create_app(make_settings(tmp), make_store(tmp))
    with TestClient(app, raise_server_exceptions=False) as c:
        yield c


def walk(routes: list, prefix: str = "") -> list[tuple[str, APIRoute]]:
    """Every APIRoute with its full path, also inside included routers."""
    out = []
    for r in routes:
        if isinstance(r, APIRoute):
            out.append((prefix + r.path, r))
        elif hasattr(r, "original_router"):  # a router included with include_router
            out += walk(r.original_router.routes, prefix + r.include_context.prefix)
    return out


def get_routes(client: TestClient) -> list[tuple[str, APIRoute]]:
    return [(p, r) for p, r in walk(client.app.routes) if "GET" in r.methods]


def fill(path: str, values: dict[str, str]) -> str:
    return re.sub(r"\{(\w+)(?::\w+)?\}", lambda m: values.get(m.group(1), "x"), path)


def query_names(route: APIRoute) -> list[str]:
    return [p.alias or p.name for p in route.dependant.query_params]


def path_names(route: APIRoute) -> list[str]:
    return [p.alias or p.name for p in route.dependant.path_params]


def check(client: TestClient, url: str, **params: str) -> None:
    r = client.get(url, params=params, headers={"accept-language": "nb"})
    assert r.status_code < 500, f"{url} {params} → {r.status_code}"


def test_the_routes_are_found(client: TestClient) -> None:
    paths = {p for p, _ in get_routes(client)}
    assert "/plan/{plan_id}/baerekraft" in paths and len(paths) >= 10


def test_no_bad_query_value_gives_a_server_error(client: TestClient) -> None:
    tried = 0
    for path, route in get_routes(client):
        url = fill(path, VALID)
        for name in query_names(route):
            for bad in BAD:
                check(client, url, **{name: bad})
                tried += 1
    assert tried > 100


def test_no_bad_path_value_gives_a_server_error(client: TestClient) -> None:
    for path, route in get_routes(client):
        for name in path_names(route):
            for bad in BAD:
                if not bad.strip() or "/" in bad:
                    continue  # would make another path, not a bad value of this one
                check(client, fill(path, {**VALID, name: bad}))


@pytest.mark.parametrize("lang, word", [("nb", "må være et heltall"), ("en", "whole number")])
def test_a_bad_parameter_is_explained_in_the_pages_language(client: TestClient, lang: str,
                                                            word: str) -> None:
    for page in ("okonomi", "baerekraft", "kilder"):
        r = client.get(f"/plan/{PLAN_ID}/{page}", params={"lang": lang, "version": "abc"})
        assert r.status_code == 422
        assert f'<html lang="{lang}"' in r.text
        assert word in r.text and "version" in r.text
        assert "Input should be" not in r.text  # pydantic's English, never shown
        r = client.get(f"/plan/{PLAN_ID}/{page}", params={"lang": lang, "to": "2100"})
        assert r.status_code == 422 and f'<html lang="{lang}"' in r.text
    missing = client.get("/plan/finnes-ikke/okonomi", params={"lang": "en"})
    assert missing.status_code == 404 and "There is no plan" in missing.text
    assert "Fant ingen" not in missing.text
    client.cookies.clear()  # forget the reader's choice of English: bokmål is the default
    assert "Fant ingen plan" in client.get("/plan/finnes-ikke/okonomi").text


def test_every_horizon_the_menu_offers_works(client: TestClient) -> None:
    html = client.get(f"/plan/{PLAN_ID}/okonomi").text
    offered = [int(y) for y in re.findall(r'<option value="(\d{4})"', html)]
    assert len(offered) > 3
    for to in offered:
        assert client.get(f"/plan/{PLAN_ID}/okonomi", params={"to": to}).status_code == 200
    for to in (offered[0], 2030, offered[-1]):
        r = client.get(f"/plan/{PLAN_ID}/baerekraft", params={"to": to})
        assert r.status_code == 200, to
        assert f"{to}" in r.text
