"""A store with the Bærum plan as a published proposal, the people of auth_helpers, and an
app: the starting point of the process tests."""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any

from auth_helpers import add_people, csrf_of, log_in
from fastapi.testclient import TestClient

from muniplan.plan.load import read_folder, resolve
from muniplan.store.process import Process
from muniplan.web.app import create_app

PLAN_ID = "baerum-2018-2021"
PLAN = f"/plan/{PLAN_ID}/"


def proposal_store(store: Any) -> Any:
    """Version 1: the administration's proposal, published; and the accounts."""
    store.import_files(read_folder(resolve(None)), status="proposal", author="okonomi")
    Process(store).publish(PLAN_ID, 1, "test")
    add_people(store)
    return store


def client_for(store: Any, tmp_path: Path, who: str | None = None) -> TestClient:
    from web_helpers import make_settings

    client = TestClient(create_app(make_settings(tmp_path), store))
    if who:
        assert log_in(client, who).status_code == 303
    return client


def alternative_form(client: TestClient, **fields: str) -> dict[str, str]:
    page = client.get(f"{PLAN}alternativ")
    assert page.status_code == 200, page.text[:300]
    base = re.search(r'name="base" value="(\d+)"', page.text)
    assert base
    return {"csrf_token": csrf_of(page.text), "base": base.group(1), "replaces": "",
            "title": "Alternativet", **fields}


def flashes(html: str) -> list[str]:
    return re.findall(r'class="flash[^"]*"[^>]*>([^<]+)', html)
