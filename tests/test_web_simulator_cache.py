"""The budget simulator's page is rendered once per version, language and choices, and each
reader still gets their own CSRF token in it (so a kept rendering never hands one reader's
token to another)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.web.app import create_app
from muniplan.web.citizen_limits import Citizens, Limits, citizens

SIM = "/plan/baerum-2018-2021/budsjettsimulator"
TOKEN = re.compile(r'name="csrf_token" value="([^"]+)"')


def test_one_rendering_many_readers_each_their_own_token(tmp_path) -> None:
    app = create_app(make_settings(tmp_path), make_store(tmp_path))
    query = {"ramme-barn-og-unge": "-1"}
    pages, tokens = [], []
    for _ in range(3):
        with TestClient(app) as reader:
            r = reader.get(SIM, params=query)
            assert r.status_code == 200
            (token,) = set(TOKEN.findall(r.text))
            assert reader.cookies.get("muniplan_csrf") == token
            pages.append(r.text.replace(token, ""))
            tokens.append(token)
    assert len(set(tokens)) == 3 and len(set(pages)) == 1
    assert "muniplan-csrf-slot" not in pages[0]
    kept = citizens(app.state).pages
    assert kept.computed == 1
    with TestClient(app) as reader:
        assert reader.get(SIM, params={"ramme-barn-og-unge": "-1.5"}).status_code == 200
        assert reader.get(SIM, params={**query, "del": "resultat"}).status_code == 200
    assert kept.computed == 3


def test_a_flood_of_new_choices_keeps_memory_bounded(tmp_path) -> None:
    """Each new choice adds a result and a rendering; past the limits the oldest are
    dropped, so a flood of distinct choices cannot grow the server's memory. A choice
    asked again after it was dropped is computed again, with the same figures."""
    app = create_app(make_settings(tmp_path), make_store(tmp_path))
    cz = app.state.citizens = Citizens(Limits(cached_outcomes=4, cached_pages=4))
    first = None
    with TestClient(app) as reader:
        for v in range(-10, 10):
            r = reader.get(SIM, params={"ramme-barn-og-unge": str(v), "del": "resultat"})
            assert r.status_code == 200
            first = first or r.text
            assert len(cz.outcomes._data) <= 4 and len(cz.pages._data) <= 4
        again = reader.get(SIM, params={"ramme-barn-og-unge": "-10", "del": "resultat"})
    # 0 is the proposal: rendered, never computed; -10 is computed and rendered again
    assert cz.outcomes.computed == 19 + 1 and cz.pages.computed == 20 + 1
    assert again.text == first  # the same reader, so the same token too
