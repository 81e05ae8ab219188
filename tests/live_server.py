"""The web app on a free loopback port, in a uvicorn server thread of the test process:
one piece for every browser test that needs a running site."""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

import httpx
import pytest


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


@contextmanager
def running(app: Any, probe: str = "/static/site.css") -> Iterator[str]:
    """Serve ``app`` until the block ends; yields its URL once ``probe`` answers 200."""
    import uvicorn

    port = free_port()
    server = uvicorn.Server(uvicorn.Config(app, host="127.0.0.1", port=port,
                                           log_level="warning", lifespan="off"))
    thread = threading.Thread(target=server.run, daemon=True)
    thread.start()
    url = f"http://127.0.0.1:{port}"
    deadline = time.monotonic() + 30
    while time.monotonic() < deadline:
        try:
            if httpx.get(url + probe, timeout=1).status_code == 200:
                break
        except httpx.HTTPError:
            time.sleep(0.1)
    else:
        pytest.fail("the web app did not start")
    try:
        yield url
    finally:
        server.should_exit = True
        thread.join(timeout=10)


AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
"""WCAG 2.1 A and AA: what a Norwegian public web site must meet."""


def axe(page: Any) -> None:
    """axe-core on the page as it is now; fails with axe's report of every violation."""
    from axe_playwright_python.sync_playwright import Axe

    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert not results.response["violations"], results.generate_report()


@contextmanager
def process_site(tmp: Any) -> Iterator[str]:
    """A site whose store holds the Bærum plan as a published proposal and the people of
    auth_helpers (finance staff, two groups' members, an administrator)."""
    from process_helpers import proposal_store
    from web_helpers import make_settings

    from muniplan.store import Store
    from muniplan.web.app import create_app

    store = Store.from_settings(make_settings(tmp))
    store.upgrade()
    proposal_store(store)
    with running(create_app(make_settings(tmp), store), "/static/process.css") as url:
        yield url
