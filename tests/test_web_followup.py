"""The Oppfølging pages and their API in-process: published reports only, the figures the
engine gives, plan against reality, history, and strict parameters. The reports are the
follow-up TEST year (tests/followup/), recorded and published by web_helpers.make_store."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.engine.followup import follow_up
from muniplan.engine.projection import project
from muniplan.plan.actuals import read_actuals
from muniplan.plan.load import load_plan
from muniplan.report.formatting import millions
from muniplan.store.followup import record_report, reports
from muniplan.web.app import create_app

PLAN = "/plan/baerum-2018-2021/"
ACTUALS = Path(__file__).parent / "followup" / "baerum" / "actuals"
NBSP = "\u00a0"


@pytest.fixture(scope="module")
def setup(tmp_path_factory: pytest.TempPathFactory):
    tmp: Path = tmp_path_factory.mktemp("web-followup")
    store = make_store(tmp)
    app = create_app(make_settings(tmp), store)
    with TestClient(app) as c:
        yield c, store


def text(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).replace(NBSP, " ")


@pytest.mark.parametrize("path", ["oppfolging", "oppfolging/2018/T1", "oppfolging/2018/T2",
                                  "oppfolging/2018/year", "plan-mot-virkelighet",
                                  "historikk"])
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_pages_answer(setup, path: str, lang: str) -> None:
    client, _ = setup
    r = client.get(PLAN + path + f"?lang={lang}")
    assert r.status_code == 200, r.text[:300]
    assert f'<html lang="{lang}">' in r.text and re.search(r"<h1[ >]", r.text)
    assert 'aria-current="page"' in r.text and "Traceback" not in r.text


def test_report_page_shows_the_engine_figures(setup) -> None:
    client, _ = setup
    plan = load_plan("baerum-2018-2021")
    f = follow_up(plan, project(plan), read_actuals(ACTUALS, plan), 2018, "T2")
    page = text(client.get(PLAN + "oppfolging/2018/T2").text)
    bv = next(ln for ln in f.lines if ln.id == "barnevern")
    assert millions(bv.deviation).replace(NBSP, " ") in page
    total = next(ln for ln in f.lines if ln.level == "kommune")
    assert millions(total.prognosis).replace(NBSP, " ") in page
    assert "Flere brukere med omfattende behov" in page  # the staff's comment
    assert "Avvik rapporteres" in page
    assert "<svg" in client.get(PLAN + "oppfolging/2018/T2").text  # drawn on the server


def test_drafts_are_not_shown(setup) -> None:
    client, store = setup
    files = {p.name: p.read_text(encoding="utf-8") for p in ACTUALS.glob("*.csv")}
    files["2018-T1.csv"] = files["2018-T1.csv"].replace(
        "program_area,grunnskole,2018,T1,actual,", "program_area,grunnskole,2018,T1,actual,9")
    rec, created = record_report(store, "baerum-2018-2021", 2018, "T1", files)
    assert created and rec.status == "draft" and rec.number == 2
    listing = client.get("/api/plans/baerum-2018-2021/followup").json()
    assert next(r for r in listing if r["period"] == "T1")["revision"] == 1
    data = client.get("/api/plans/baerum-2018-2021/followup/2018/T1").json()
    assert data["revision"] == 1  # the public sees the published revision only


def test_api_report(setup) -> None:
    client, _ = setup
    listing = client.get("/api/plans/baerum-2018-2021/followup").json()
    assert [(r["year"], r["period"]) for r in listing] == [(2018, "T1"), (2018, "T2"),
                                                           (2018, "year")]
    data = client.get("/api/plans/baerum-2018-2021/followup/2018/year").json()
    assert data["amount_unit"] == "kr" and data["checks"][0]["rule"] == "R5"
    kommune = next(ln for ln in data["lines"] if ln["level"] == "kommune")
    assert isinstance(kommune["actual"], int)
    reality = client.get("/api/plans/baerum-2018-2021/plan-vs-actual").json()
    assert {r["indicator"] for r in reality["rows"]} >= {"net_operating_result", "debt",
                                                        "investments", "population"}


@pytest.mark.parametrize("path, status", [
    ("/api/plans/nope/followup", 404),
    ("/api/plans/baerum-2018-2021/followup/2019/T1", 404),
    ("/api/plans/baerum-2018-2021/followup/2018/T3", 422),
    ("/api/plans/baerum-2018-2021/followup/99999/T1", 422),
    (PLAN + "oppfolging/2018/T3", 422),
    (PLAN + "oppfolging/2019/year", 404),
])
def test_bad_parameters(setup, path: str, status: int) -> None:
    client, _ = setup
    r = client.get(path)
    assert r.status_code == status
    if path.startswith("/api/") and status == 404:
        assert r.json()["detail"]


def test_publishing_on_the_web_needs_the_finance_role_and_csrf(tmp_path: Path) -> None:
    from auth_helpers import add_people, csrf_of, log_in

    from muniplan.store.accounts import Accounts

    store = make_store(tmp_path)
    add_people(store)
    files = {p.name: p.read_text(encoding="utf-8") for p in ACTUALS.glob("*.csv")}
    files["2018-T2.csv"] = files["2018-T2.csv"].replace(
        "program_area,grunnskole,2018,T2,actual,", "program_area,grunnskole,2018,T2,actual,9")
    rec, _ = record_report(store, "baerum-2018-2021", 2018, "T2", files, author="okonomi")
    app = create_app(make_settings(tmp_path), store)
    with TestClient(app, base_url="http://testserver") as client:
        drafts = PLAN + "oppfolging/utkast"
        r = client.get(drafts, follow_redirects=False)
        assert r.status_code == 303 and "/logg-inn" in r.headers["location"]
        assert log_in(client, "kari").status_code == 303  # a political group's member
        assert client.get(drafts).status_code == 403
        client.post("/logg-ut", data={"csrf_token": csrf_of(client.get("/konto").text)})
        assert log_in(client, "okonomi").status_code == 303
        page = client.get(drafts)
        assert page.status_code == 200 and "no-store" in page.headers["cache-control"]
        form = {"year": "2018", "period": "T2", "revision": str(rec.number)}
        r = client.post(PLAN + "oppfolging/publiser", data={**form, "csrf_token": "feil"},
                        follow_redirects=False)
        assert r.status_code == 403
        assert client.get("/api/plans/baerum-2018-2021/followup/2018/T2").json()[
            "revision"] == 1
        r = client.post(PLAN + "oppfolging/publiser",
                        data={**form, "csrf_token": csrf_of(page.text)}, follow_redirects=False)
        assert r.status_code == 303 and r.headers["location"].endswith("oppfolging/2018/T2")
        assert client.get(r.headers["location"]).status_code == 200
    published = [x for x in reports(store, "baerum-2018-2021") if x.period == "T2"]
    assert published[0].number == 2 and published[0].published_by == "okonomi"
    log = Accounts(store).audit_log()
    assert log[0].action == "followup.publish" and log[0].actor == "okonomi"
    assert any(e.action == "followup.record" for e in log)


def test_history_across_a_rolling(setup) -> None:
    from muniplan.engine.followup import rollforward_inputs
    from muniplan.plan.load import read_folder, resolve
    from muniplan.plan.rollforward import roll_forward
    from muniplan.report.excel import plan_files

    client, store = setup
    plan = load_plan("baerum-2018-2021")
    proj = project(plan)
    uprate, income = rollforward_inputs(proj, 2019)
    new, _ = roll_forward(plan, read_actuals(ACTUALS, plan).report(2018, "year"), 2019,
                          uprate, income)
    files = plan_files(new)
    files.update({k: v for k, v in read_folder(resolve(None)).items()
                  if k.startswith("population/")})
    store.import_files(files, status="adopted")  # the next plan, adopted a year later
    page = text(client.get(PLAN + "historikk").text)
    assert "Handlingsprogram 2018–2021" in page and "Handlingsprogram 2019–2022" in page
    assert "612,0" in page  # the 2018 accounts' net operating result (2018-year.csv)


def test_accounts_page_shows_key_figures(setup) -> None:
    client, _ = setup
    page = text(client.get(PLAN + "oppfolging/2018/year").text)
    assert "Nøkkeltall fra regnskapet" in page
    assert "Bufferfond" in page and "452,0" in page  # fund_bufferfond in 2018-year.csv
    assert "Nøkkeltall fra regnskapet" not in text(client.get(PLAN + "oppfolging/2018/T1").text)
