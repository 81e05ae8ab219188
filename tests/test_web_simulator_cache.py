"""The budget simulator's page is rendered once per version, language and choices, and each
reader still gets their own CSRF token in it (so a kept rendering never hands one reader's
token to another)."""

from __future__ import annotations

import re

from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.web.app import create_app

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
    kept = app.state.simulator_pages
    assert kept.computed == 1
    with TestClient(app) as reader:
        assert reader.get(SIM, params={"ramme-barn-og-unge": "-1.5"}).status_code == 200
        assert reader.get(SIM, params={**query, "del": "resultat"}).status_code == 200
    assert kept.computed == 3
