"""The Oppfølging pages in Debian's chromium: they render at 1366 and 320 px, and axe-core
finds no WCAG 2.1 AA violations in bokmål or English."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import pytest

PLAN = "/plan/baerum-2018-2021/"
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
PAGES = {"oppfolging": "oppfolging", "tertial-2": "oppfolging/2018/T2",
         "arsregnskap": "oppfolging/2018/year", "plan-mot-virkelighet": "plan-mot-virkelighet",
         "historikk": "historikk"}


@pytest.fixture(scope="module", autouse=True)
def warm(base_url: str) -> None:
    """The first request projects the plan; on a busy machine that can take longer than a
    page load may, so it is made once before the pages are timed by the browser."""
    import httpx

    for path in PAGES.values():
        httpx.get(base_url + PLAN + path, timeout=180)


@pytest.mark.parametrize("name", PAGES)
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_axe_finds_no_violations(page: Any, base_url: str, name: str, lang: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(base_url + PLAN + PAGES[name] + f"?lang={lang}", wait_until="load",
              timeout=120_000)  # a busy shared machine: the first load can be slow
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert not results.response["violations"], results.generate_report()


@pytest.mark.parametrize("width", [1366, 320])
def test_report_page_at_widths(browser: Any, base_url: str, screenshots: Path,
                               width: int) -> None:
    context = browser.new_context(viewport={"width": width, "height": 900}, locale="nb-NO")
    p = context.new_page()
    p.goto(base_url + PLAN + "oppfolging/2018/T2", wait_until="load", timeout=120_000)
    assert p.locator("h1").inner_text() == "2. tertial 2018"
    assert p.locator("svg").count() >= 1
    # the page itself does not scroll sideways; wide tables scroll in their own box
    overflow = p.evaluate("document.documentElement.scrollWidth - window.innerWidth")
    assert overflow <= 1
    p.screenshot(path=str(screenshots / f"oppfolging-t2-{width}.png"), full_page=True)
    context.close()
