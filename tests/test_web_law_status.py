"""The balance requirement and ROBEK on the web pages: read from the engine's checks under
the plan's law, the same years and figures the document's rules table shows."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.engine.projection import project
from muniplan.engine.rules import BALANCE_RULE, ROBEK_RULE
from muniplan.plan.load import load_plan, resolve
from muniplan.web.app import create_app

PLAN = "/plan/baerum-2018-2021/"


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    tmp: Path = tmp_path_factory.mktemp("law")
    app = create_app(make_settings(tmp), make_store(tmp))
    with TestClient(app) as c:
        yield c


def _section(html: str) -> str:
    m = re.search(r'<section class="law-status".*?</section>', html, re.S)
    assert m, "no balance requirement / ROBEK section"
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", m.group(0))).replace("\u00a0", " ")


def _broken(rule: str, to: int | None = None) -> list[int]:
    proj = project(load_plan(resolve(None)), to_year=to)
    return [c.year for c in proj.checks if c.rule == rule and c.ok is False]


@pytest.mark.parametrize("page", ["", "okonomi"])
def test_both_pages_show_the_engine_checks(client: TestClient, page: str) -> None:
    shown = _section(client.get(PLAN + page).text)
    assert "kommuneloven 1992 § 46 nr. 6" in shown  # the Bærum plan's law
    assert "kommuneloven 1992 § 60 nr. 1" in shown
    balance, robek = _broken(BALANCE_RULE), _broken(ROBEK_RULE)
    assert balance and robek  # the example runs out of funds late in the horizon
    assert f"merforbruk i {balance[0]}–{balance[-1]}" in shown
    assert f"registrert i ROBEK fra {robek[0]}" in shown


def test_a_shorter_horizon_holds_both(client: TestClient) -> None:
    assert not _broken(BALANCE_RULE, 2030)
    shown = _section(client.get(PLAN + "okonomi?to=2030").text)
    assert "Holdes: intet merforbruk" in shown
    assert "Ingen av kriteriene for registrering i ROBEK er oppfylt til 2030" in shown


def test_english(client: TestClient) -> None:
    shown = _section(client.get(PLAN + "?lang=en").text)
    assert "The balance requirement (Local Government Act 1992 § 46 no. 6)" in shown
    assert "would be registered in ROBEK" in shown
