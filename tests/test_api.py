"""The JSON API on a small app of its own (FastAPI + api_router), on SQLite and PostgreSQL:
each endpoint, its errors, its caching, and the whole OpenAPI schema fuzzed by schemathesis.
"""

from __future__ import annotations

import json
from collections.abc import Iterator

import pytest
import schemathesis
from fastapi import FastAPI
from fastapi.testclient import TestClient
from hypothesis import HealthCheck, given, settings
from schemathesis import GenerationMode
from schemathesis.specs.openapi.checks import positive_data_acceptance
from sqlalchemy import event
from store_fixtures import (  # noqa: F401
    baerum_files_fixture,
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)

from muniplan.engine import projection as projection_module
from muniplan.plan.load import load_files
from muniplan.report.data import plan_to_dict, projection_to_dict
from muniplan.store import Store
from muniplan.store.process import Process
from muniplan.web import api_errors
from muniplan.web.api import api_router

PLAN_ID = "baerum-2018-2021"
BASE = f"/api/plans/{PLAN_ID}"


def make_app(store: Store) -> FastAPI:
    app = FastAPI(title="muniplan API test")
    app.include_router(api_router(store), prefix="/api")
    api_errors.install(app)
    return app


def edited(files: dict[str, str]) -> dict[str, str]:
    out = dict(files)
    out["plan.yaml"] = files["plan.yaml"] + "\n# versjon 2\n"
    return out


@pytest.fixture(name="filled")
def filled_fixture(store: Store, baerum_files: dict[str, str]) -> Store:
    """Bærum as version 1 (adopted) and version 2 (a published proposal made from it)."""
    store.import_files(baerum_files, status="adopted", author="kommunestyret")
    store.import_files(edited(baerum_files), status="proposal", message="Nytt forslag")
    Process(store).publish(PLAN_ID, 2, "test")
    return store


@pytest.fixture(name="client")
def client_fixture(filled: Store) -> Iterator[TestClient]:
    with TestClient(make_app(filled)) as client:
        yield client


def test_plans_lists_the_store(client):
    r = client.get("/api/plans")
    assert r.status_code == 200
    assert r.json() == [{
        "id": PLAN_ID,
        "title": "Handlingsprogram 2018–2021: Rigge kommunen for langsiktig bærekraft",
        "municipality": {"name": "Bærum kommune", "number": "0219"},
        "latest_version": 2, "latest_status": "proposal"}]


def test_plan_is_the_adopted_version_as_plan_to_dict(client, filled, baerum_files):
    r = client.get(BASE)
    assert r.status_code == 200
    body = r.json()
    version = body.pop("version")
    assert version["number"] == 1 and version["status"] == "adopted"
    assert version["author"] == "kommunestyret" and version["parent"] is None
    assert version["created_at"].endswith(("Z", "+00:00"))
    expected = json.loads(json.dumps(plan_to_dict(load_files(baerum_files))))
    assert body == expected


def test_versions_and_one_version(client):
    r = client.get(f"{BASE}/versions")
    assert r.status_code == 200
    assert [(v["number"], v["parent"], v["status"], v["message"]) for v in r.json()] == [
        (1, None, "adopted", None), (2, 1, "proposal", "Nytt forslag")]
    r = client.get(f"{BASE}/versions/2")
    assert r.status_code == 200
    assert r.json()["version"]["number"] == 2 and r.json()["id"] == PLAN_ID


def test_a_draft_is_not_served_to_the_public(client, filled, baerum_files):
    files = edited(baerum_files)
    files["plan.yaml"] += "# et utkast\n"
    filled.import_files(files, status="draft", author="Ola", message="Hemmelig utkast")
    assert [v["number"] for v in client.get(f"{BASE}/versions").json()] == [1, 2]
    assert "Hemmelig" not in client.get(f"{BASE}/versions").text
    for url in (f"{BASE}/versions/3", f"{BASE}/projection?version=3"):
        r = client.get(url)
        assert r.status_code == 404 and "has no version 3" in r.json()["detail"]
    assert client.get("/api/plans").json()[0]["latest_version"] == 2


def test_projection_is_projection_to_dict(client, baerum_files):
    r = client.get(f"{BASE}/projection", params={"to": 2030})
    assert r.status_code == 200
    body = r.json()
    assert body.pop("version")["number"] == 1
    expected = projection_to_dict(projection_module.project(load_files(baerum_files),
                                                            to_year=2030))
    assert body["years"] == list(range(2018, 2031))
    assert body["series"] == expected["series"]
    assert body["savings_need"] == expected["savings_need"]
    assert body["checks"] == expected["checks"]
    assert all(isinstance(x, int) for x in body["series"]["operating_income"])
    default = client.get(f"{BASE}/projection", params={"version": 2}).json()
    assert default["version"]["number"] == 2 and default["years"][-1] == 2040


def test_projection_is_cached_per_plan_version_and_year(filled, monkeypatch):
    calls = []
    real = projection_module.project

    def counting(plan, **kw):
        calls.append(kw.get("to_year"))
        return real(plan, **kw)

    monkeypatch.setattr("muniplan.web.api.project", counting)
    with TestClient(make_app(filled)) as client:
        for _ in range(3):
            assert client.get(f"{BASE}/projection", params={"to": 2025}).status_code == 200
        assert client.get(f"{BASE}/projection", params={"to": 2026}).status_code == 200
        assert client.get(f"{BASE}/projection",
                          params={"to": 2025, "version": 2}).status_code == 200
    assert calls == [2025, 2026, 2025]


def test_plans_are_loaded_once_per_version(filled):
    statements: list[str] = []
    event.listen(filled.engine, "before_cursor_execute",
                 lambda *a: statements.append(a[2]) if "plan_version_files" in a[2] else None)
    with TestClient(make_app(filled)) as client:
        for _ in range(3):
            client.get(BASE)
            client.get(f"{BASE}/projection")
    assert len(statements) == 1


@pytest.mark.parametrize(("url", "what"), [
    ("/api/plans/nope", "no plan 'nope'"),
    ("/api/plans/nope/versions", "no plan 'nope'"),
    ("/api/plans/nope/projection", "no plan 'nope'"),
    (f"{BASE}/versions/3", "has no version 3"),
    (f"{BASE}/projection?version=9", "has no version 9"),
])
def test_not_found_is_a_404_saying_what(client, url, what):
    r = client.get(url)
    assert r.status_code == 404
    assert r.headers["content-type"].startswith("application/json")
    assert what in r.json()["detail"]


@pytest.mark.parametrize(("url", "param"), [
    ("/api/plans/Baerum", "plan_id"),
    ("/api/plans/-x", "plan_id"),
    ("/api/plans/" + "a" * 65, "plan_id"),
    (f"{BASE}/versions/0", "number"),
    (f"{BASE}/versions/x", "number"),
    (f"{BASE}/versions/1000001", "number"),
    (f"{BASE}/projection?to=2020", "to"),
    (f"{BASE}/projection?to=2101", "to"),
    (f"{BASE}/projection?to=20.5", "to"),
    (f"{BASE}/projection?version=0", "version"),
    (f"{BASE}/projection?version=true", "version"),
])
def test_bad_parameters_are_422_naming_the_parameter(client, url, param):
    r = client.get(url)
    assert r.status_code == 422, r.text
    assert [e["loc"][-1] for e in r.json()["detail"]] == [param]


def test_the_api_is_read_only(client):
    for method in ("post", "put", "patch", "delete"):
        assert getattr(client, method)("/api/plans").status_code == 405
        assert getattr(client, method)(BASE).status_code == 405


def test_openapi_documents_every_response(client):
    spec = client.get("/openapi.json").json()
    paths = spec["paths"]
    assert set(paths) == {"/api/plans", "/api/plans/{plan_id}", "/api/plans/{plan_id}/versions",
                          "/api/plans/{plan_id}/versions/{number}",
                          "/api/plans/{plan_id}/projection"}
    for path, item in paths.items():
        assert set(item) == {"get"}
        codes = set(item["get"]["responses"])
        assert {"200", "503"} <= codes
        if "{plan_id}" in path:
            assert {"404", "422"} <= codes
    params = {p["name"]: p["schema"] for p in paths["/api/plans/{plan_id}/projection"]["get"]
              ["parameters"]}
    assert params["plan_id"]["pattern"] == "^[a-z0-9][a-z0-9-]{0,63}$"
    to = params["to"]["anyOf"][0]
    assert (to["minimum"], to["maximum"]) == (1900, 2100)


def test_unreachable_database_is_a_503():
    store = Store("postgresql+psycopg://nobody@127.0.0.1:1/none?connect_timeout=2")
    try:
        with TestClient(make_app(store)) as client:
            r = client.get("/api/plans")
        assert r.status_code == 503
        assert "cannot reach the database" in r.json()["detail"]
    finally:
        store.dispose()


def fuzz(operation, **strategy_kw) -> None:
    @given(case=operation.as_strategy(**strategy_kw))
    @settings(max_examples=25, deadline=None, database=None,
              suppress_health_check=[HealthCheck.function_scoped_fixture,
                                     HealthCheck.too_slow, HealthCheck.filter_too_much])
    def check(case):
        if "projection" not in operation.path:
            case.call_and_validate()
            return
        # `to`'s lower bound is the plan's own period end, which a schema for every plan
        # cannot state: a schema-valid year before it is a 422 naming `to`, and only that.
        response = case.call_and_validate(excluded_checks=[positive_data_acceptance])
        if response.status_code == 422 and case.meta is not None and (
                case.meta.generation.mode is GenerationMode.POSITIVE):
            errors = response.json()["detail"]
            assert [e["loc"] for e in errors] == [["query", "to"]], errors
            assert case.query["to"] < 2021

    check()


def test_api_conforms_to_its_schema(filled):
    """schemathesis on every operation, with valid and invalid inputs, and with the real
    plan's id: a documented status and a body matching the schema, never a 5xx.

    (The operations are driven by hand rather than through ``schemathesis.pytest``, whose
    fixture loader does not run under pytest 9, so that the store fixture's two backends
    apply here too.)
    """
    schema = schemathesis.openapi.from_asgi("/openapi.json", make_app(filled))
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) == 5
    for operation in operations:
        fuzz(operation, generation_mode=GenerationMode.POSITIVE)
        if "{plan_id}" in operation.path:  # /api/plans has no parameter to get wrong
            fuzz(operation, generation_mode=GenerationMode.NEGATIVE)
            fuzz(operation, generation_mode=GenerationMode.POSITIVE,
                 path_parameters={"plan_id": PLAN_ID})
