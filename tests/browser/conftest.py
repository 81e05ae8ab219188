"""Browser fixtures: the app on a free loopback port (uvicorn in a thread) and Debian's
chromium driven by Playwright. No browser is downloaded: without /usr/bin/chromium the tests
skip, unless MUNIPLAN_REQUIRE_BROWSER=1 makes that a failure (as in CI)."""

from __future__ import annotations

import os
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from live_server import running
from web_helpers import make_settings, make_store

CHROMIUM = Path("/usr/bin/chromium")
CHROMIUM_ARGS = ["--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update",
                 "--disable-sync"]
SCREENSHOTS = Path(__file__).resolve().parents[2] / "test-output" / "screenshots"


def _need_browser() -> None:
    if CHROMIUM.exists():
        return
    if os.environ.get("MUNIPLAN_REQUIRE_BROWSER") == "1":
        pytest.fail(f"{CHROMIUM} is missing and MUNIPLAN_REQUIRE_BROWSER=1")
    pytest.skip(f"{CHROMIUM} is missing (install Debian's chromium)")


@pytest.fixture(scope="session")
def base_url(tmp_path_factory: pytest.TempPathFactory) -> Iterator[str]:
    """The site on 127.0.0.1, in a uvicorn server thread of this test process."""
    from muniplan.web.app import create_app

    tmp = tmp_path_factory.mktemp("browser-store")
    with running(create_app(make_settings(tmp), make_store(tmp))) as url:
        yield url


@pytest.fixture(scope="session")
def browser() -> Iterator[Any]:
    _need_browser()
    from playwright.sync_api import sync_playwright

    with sync_playwright() as pw:
        b = pw.chromium.launch(executable_path=str(CHROMIUM), args=CHROMIUM_ARGS)
        yield b
        b.close()


@pytest.fixture()
def page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900}, locale="nb-NO")
    p = context.new_page()
    p.set_default_timeout(120_000)  # a cold first page on a loaded 2-core machine
    p.console_messages = []  # type: ignore[attr-defined]
    p.on("console", lambda m: p.console_messages.append(m))  # type: ignore[attr-defined]
    yield p
    context.close()


@pytest.fixture()
def nojs_page(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport={"width": 1280, "height": 900},
                                  java_script_enabled=False, locale="nb-NO")
    yield context.new_page()
    context.close()


@pytest.fixture(scope="session")
def screenshots() -> Path:
    SCREENSHOTS.mkdir(parents=True, exist_ok=True)
    return SCREENSHOTS
