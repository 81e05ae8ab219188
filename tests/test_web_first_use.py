"""The served app answers ``/`` before it has loaded its pages, and loads them once.

``muniplan serve`` builds the app with ``pages_on_first_use``: importing the app and building
it must not import the plan models, numpy, the engine, the page modules or the document
builders (a fresh interpreter's ``sys.modules``, not a timing); the first request for a page
adds every page, once, however many requests arrive together, and no request is answered by
a half-built app. How long the start takes is measured by benchmarks/bench_startup.py.
"""

from __future__ import annotations

import gc
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from fastapi.testclient import TestClient
from web_helpers import make_settings, make_store

from muniplan.web.app import create_app
from muniplan.web.page_loader import PageLoader

PLAN = "/plan/baerum-2018-2021/"

HEAVY = ("numpy", "pydantic.v1", "muniplan.plan.model", "muniplan.plan.load", "muniplan.engine",
         "muniplan.web.charts", "muniplan.web.risk", "muniplan.report.formatting",
         "muniplan.web.pages.overview", "muniplan.web.pages.assets", "muniplan.web.api",
         "weasyprint", "openpyxl", "alembic", "vl_convert", "babel")
"""What the served app must not have imported before its first page is asked for."""

PROBE = """
import sys
HEAVY = {heavy!r}
def loaded():
    return sorted(m for m in HEAVY if m in sys.modules
                  or any(k.startswith(m + ".") for k in sys.modules))
from pathlib import Path
from muniplan.store import Settings, Store
from muniplan.web import serving
from muniplan.web.app import create_app
print("import", ",".join(loaded()) or "-")
settings = Settings(data_dir=Path({tmp!r}), database_url={url!r})
app = create_app(settings, Store.from_settings(settings), pages_on_first_use=True)
print("built", ",".join(loaded()) or "-")
from fastapi.testclient import TestClient
client = TestClient(app)
first = client.get("/", follow_redirects=False)
print("first", first.status_code, first.headers["location"], ",".join(loaded()) or "-")
page = client.get(first.headers["location"])
print("page", page.status_code, "muniplan.web.pages.overview" in sys.modules,
      app.state.pages.runs)
"""


@pytest.fixture(scope="module")
def stored(tmp_path_factory: pytest.TempPathFactory) -> Path:
    tmp: Path = tmp_path_factory.mktemp("first-use")
    make_store(tmp).dispose()
    return tmp


def _lazy(tmp: Path) -> object:
    from muniplan.store import Store

    settings = make_settings(tmp)
    return create_app(settings, Store.from_settings(settings), pages_on_first_use=True)


def test_the_served_app_answers_its_first_request_without_the_heavy_modules(stored: Path) -> None:
    settings = make_settings(stored)  # the same, written out: web_helpers loads plans
    probe = PROBE.format(heavy=HEAVY, tmp=str(stored), url=settings.database_url)
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    lines = done.stdout.splitlines()
    assert lines[0] == "import -"
    assert lines[1] == "built -"
    assert lines[2] == f"first 307 {PLAN} -"
    assert lines[3] == "page 200 True 1"  # the page itself brought the pages in, once


def test_the_lazy_app_answers_as_the_built_one(stored: Path) -> None:
    """The same answers, whichever kind of request comes first: the API description (which
    must list every route, so it waits for the pages too), a page, a chart, a static file,
    an unknown address in the reader's language."""
    from muniplan.store import Store

    settings = make_settings(stored)
    full = TestClient(create_app(settings, Store.from_settings(settings)))
    urls = ["/openapi.json", PLAN, f"{PLAN}chart/net-operating-result-ratio.svg",
            "/static/site.css", "/finnes-ikke?lang=en", "/plan/baerum-2018-2021",
            "/api/plans"]
    for first in urls:
        lazy = TestClient(_lazy(stored))
        for url in [first, *(u for u in urls if u != first)]:
            lazy.cookies.clear()  # each request from a new reader: "?lang=en" is remembered
            full.cookies.clear()
            got, want = lazy.get(url, follow_redirects=False), full.get(url,
                                                                           follow_redirects=False)
            assert (url, got.status_code) == (url, want.status_code)
            assert got.headers.get("content-type") == want.headers.get("content-type"), url
            assert got.content == want.content, url


def test_requests_arriving_together_load_the_pages_once(stored: Path) -> None:
    app = _lazy(stored)
    loader: PageLoader = app.state.pages  # type: ignore[attr-defined]
    adds = []
    add = loader._add
    loader._add = lambda: (adds.append(1), time.sleep(0.3), add())  # a slow start
    answers: list[int] = []
    gate = threading.Barrier(6)

    def read(url: str) -> None:
        client = TestClient(app)
        gate.wait()
        answers.append(client.get(url).status_code)

    urls = [PLAN, f"{PLAN}okonomi", "/static/site.css", PLAN, "/openapi.json", "/"]
    threads = [threading.Thread(target=read, args=(u,)) for u in urls]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert sorted(answers) == [200] * 6  # "/" follows its redirect to the page
    assert adds == [1] and loader.runs == 1 and loader.loaded.is_set()


def test_a_failed_load_is_tried_again_and_nothing_is_marked_loaded() -> None:
    calls = []

    def add() -> None:
        calls.append(1)
        if len(calls) == 1:
            raise RuntimeError("the first load fails")

    loader = PageLoader(add)
    with pytest.raises(RuntimeError):
        loader.load()
    assert not loader.loaded.is_set() and loader.runs == 0
    loader.load()
    loader.load()
    assert calls == [1, 1] and loader.runs == 1 and loader.loaded.is_set()


def test_the_collector_is_held_until_the_pages_are_in(stored: Path) -> None:
    from muniplan.web import serving

    app = _lazy(stored)
    app.state.pages.then = serving.release_collector  # type: ignore[attr-defined]
    try:
        serving.hold_collector()
        assert TestClient(app).get("/", follow_redirects=False).status_code == 307
        assert not gc.isenabled()  # "/" does not load the pages
        assert TestClient(app).get(PLAN).status_code == 200
        assert gc.isenabled()
    finally:
        gc.enable()


def test_the_warm_up_waits_for_the_requests_being_answered(stored: Path) -> None:
    from muniplan.web.page_loader import wait_until_idle

    app = _lazy(stored)
    loader: PageLoader = app.state.pages  # type: ignore[attr-defined]
    seen = []
    records = app.state.web.source.records  # type: ignore[attr-defined]
    app.state.web.source.records = lambda: seen.append(loader.in_flight) or records()  # type: ignore[attr-defined]
    assert TestClient(app).get("/", follow_redirects=False).status_code == 307
    assert seen == [1] and loader.in_flight == 0  # counted while it was being answered
    assert wait_until_idle(loader, at_most=0.0)
    loader.count(+1)  # a request under way: the warm-up waits, up to its limit
    assert not wait_until_idle(loader, at_most=0.1, poll=0.01)
    threading.Timer(0.2, loader.count, args=(-1,)).start()
    assert wait_until_idle(loader, at_most=30, poll=0.01) and loader.in_flight == 0
