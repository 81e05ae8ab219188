"""What keeps the site up under a crowd: one computation for many readers, results kept in
the store across restarts (SQLite and PostgreSQL), compressed responses with ETags, and the
chart script only where there are charts."""

from __future__ import annotations

import threading
import time

import numpy as np
import pytest
from fastapi.testclient import TestClient
from sqlalchemy import func, select
from store_fixtures import (  # noqa: F401
    baerum_files_fixture,
    fresh_postgres_fixture,
    store_fixture,
    store_url_fixture,
)
from web_helpers import make_settings, make_store

from muniplan.store.schema import ComputedResultRow
from muniplan.web import risk as risklib
from muniplan.web import snapshot
from muniplan.web.app import create_app
from muniplan.web.source import BoundedCache

PLAN = "/plan/baerum-2018-2021/"


def test_concurrent_readers_share_one_computation() -> None:
    cache = BoundedCache(4)
    calls = []

    def slow() -> object:
        calls.append(1)
        time.sleep(0.3)
        return object()

    got: list[object] = []
    threads = [threading.Thread(target=lambda: got.append(cache.get("k", slow)))
               for _ in range(30)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert len(calls) == 1 and cache.computed == 1
    assert len(got) == 30 and all(g is got[0] for g in got)


def test_a_failed_computation_is_not_kept_and_is_retried() -> None:
    cache = BoundedCache(4)

    def boom() -> object:
        raise RuntimeError("nope")

    with pytest.raises(RuntimeError):
        cache.get("k", boom)
    assert cache.get("k", lambda: 5) == 5


def test_the_monte_carlo_survives_a_restart(store, baerum_files, monkeypatch) -> None:
    store.import_files(baerum_files, status="adopted")
    settings = make_settings_for(store)
    first = create_app(settings, store).state.web
    loaded = first.source.load("baerum-2018-2021")
    risk = first.risk(loaded)

    def no_second_run(*_a: object, **_k: object) -> None:
        raise AssertionError("the run was computed again")

    monkeypatch.setattr(risklib, "compute", no_second_run)
    second = create_app(settings, store).state.web  # a restart: empty caches
    again = second.risk(second.source.load("baerum-2018-2021"))
    assert again.draws == risk.draws and again.seed == risk.seed
    for name, x in risk.montecarlo.samples.items():
        np.testing.assert_array_equal(again.montecarlo.samples[name], x, err_msg=name)
    np.testing.assert_array_equal(again.montecarlo.savings_samples,
                                  risk.montecarlo.savings_samples)
    assert [s.id for s in again.scenarios] == [s.id for s in risk.scenarios]
    np.testing.assert_array_equal(again.scenarios[-1].projection.savings_need,
                                  risk.scenarios[-1].projection.savings_need)
    with store.engine.connect() as conn:
        rows = conn.execute(select(func.count()).select_from(ComputedResultRow)).scalar()
    assert rows == 2  # the projection and the risk, once each


def make_settings_for(store: object) -> object:
    from muniplan.store import Settings

    return Settings(database_url=str(store.url.render_as_string(hide_password=False)))


def test_a_snapshot_rebuilds_only_allowed_classes() -> None:
    payload = snapshot.dumps(risklib.Risk(1, 2, None, [], {}), (risklib.Risk,))
    assert snapshot.loads(payload, (risklib.Risk,)).seed == 2
    with pytest.raises(TypeError, match="not allowed"):
        snapshot.loads(payload, ())
    with pytest.raises(TypeError):
        snapshot.dumps(object(), ())


@pytest.fixture(scope="module")
def client(tmp_path_factory: pytest.TempPathFactory) -> TestClient:
    tmp = tmp_path_factory.mktemp("load")
    with TestClient(create_app(make_settings(tmp), make_store(tmp))) as c:
        yield c


@pytest.mark.parametrize("encoding", ["br", "gzip"])
def test_pages_are_compressed_with_an_etag(client: TestClient, encoding: str) -> None:
    r = client.get(PLAN + "kilder", headers={"accept-encoding": encoding})
    assert r.status_code == 200
    assert r.headers["content-encoding"] == encoding
    assert int(r.headers["content-length"]) < len(r.content) / 3
    assert r.headers["cache-control"] == "public, max-age=60"
    again = client.get(PLAN + "kilder", headers={"accept-encoding": encoding,
                                                 "if-none-match": r.headers["etag"]})
    assert again.status_code == 304 and again.content == b""


def test_static_files_and_cookies(client: TestClient) -> None:
    css = client.get("/static/site.css", headers={"accept-encoding": "gzip"})
    assert css.headers["cache-control"] == "public, max-age=3600" and css.headers["etag"]
    private = client.get(PLAN, headers={"cookie": "session=1"})
    assert private.headers["cache-control"] == "private, no-cache"
    plain = client.get(PLAN, headers={"accept-encoding": "identity"})
    assert "content-encoding" not in plain.headers


def test_the_chart_script_is_only_on_pages_with_charts(client: TestClient) -> None:
    assert "vega-embed.js" in client.get(PLAN + "okonomi").text
    assert "vega-embed.js" in client.get(PLAN).text
    for page in ("kilder", "satsingsomrader"):
        assert "vega-embed.js" not in client.get(PLAN + page).text, page


def test_a_worker_reuses_which_version_is_current_for_a_second(tmp_path, monkeypatch) -> None:
    from muniplan.web.source import PlanSource

    store = make_store(tmp_path)
    calls = []
    real = store.plans
    monkeypatch.setattr(store, "plans", lambda: calls.append(1) or real())
    fresh = PlanSource(store, fresh_seconds=60.0)
    for _ in range(5):
        fresh.load("baerum-2018-2021")
    assert len(calls) == 1
    asks = PlanSource(store)  # the default: the store is asked every time
    for _ in range(3):
        asks.records()
    assert len(calls) == 4
