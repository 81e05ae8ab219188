"""The site in real Chromium: pages load with the Bærum figures, charts draw with and without
JavaScript, the language switch and keyboard work, and axe-core finds no WCAG violations."""

from __future__ import annotations

import time
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PLAN = "/plan/baerum-2018-2021/"
PAGES = {
    "oversikt": "",
    "sektorer": "sektorer/",
    "sektor-barn-og-unge": "sektorer/barn-og-unge",
    "investeringer": "investeringer",
    "satsingsomrader": "satsingsomrader",
    "okonomi": "okonomi",
    "baerekraft": "baerekraft",
    "kilder": "kilder",
}
EXPECTED = {
    "oversikt": "9 400 mill. kr",
    "sektorer": "9 400,0",
    "sektor-barn-og-unge": "Grunnskoleopplæring",
    "investeringer": "9 200,0",
    "satsingsomrader": "Klimaklok kommune",
    "okonomi": "Netto driftsresultat minst 4 %",
    "baerekraft": "Holder med 95 % sannsynlighet",
    "kilder": "Handlingsprogram 2018–2021: Rigge kommunen",
}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]


def wait_live(page: Any, n: int, timeout: float = 20.0) -> None:
    """Wait until ``n`` charts are interactive (polled: the page's CSP forbids eval)."""
    deadline = time.monotonic() + timeout
    while page.locator("figure.chart.is-live").count() < n:
        assert time.monotonic() < deadline, "vega-embed did not draw every chart"
        page.wait_for_timeout(100)


def visible_text(page: Any) -> str:
    return page.inner_text("body").replace("\u00a0", " ")


@pytest.mark.parametrize("name", PAGES)
def test_page_loads_with_figures_and_live_charts(page: Any, base_url: str, name: str,
                                                 screenshots: Path) -> None:
    page.goto(base_url + PLAN + PAGES[name], wait_until="networkidle")
    assert EXPECTED[name] in visible_text(page)
    charts = page.locator("figure.chart")
    if charts.count():
        wait_live(page, charts.count())
        assert page.locator("figure.chart .chart-live svg").count() == charts.count()
    page.screenshot(path=str(screenshots / f"{name}.png"), full_page=True)
    errors = [m.text for m in page.console_messages if m.type == "error"]
    assert not errors, errors


@pytest.mark.parametrize("name", ["oversikt", "investeringer", "okonomi", "baerekraft"])
def test_charts_without_javascript(nojs_page: Any, base_url: str, name: str,
                                   screenshots: Path) -> None:
    nojs_page.goto(base_url + PLAN + PAGES[name], wait_until="networkidle")
    imgs = nojs_page.locator("figure.chart img.chart-img")
    assert imgs.count() >= 1
    for i in range(imgs.count()):
        assert imgs.nth(i).evaluate("el => el.complete && el.naturalWidth > 0")
        assert imgs.nth(i).get_attribute("alt")
    nojs_page.locator("figure.chart summary").first.click()
    assert nojs_page.locator("figure.chart details table").first.is_visible()
    nojs_page.screenshot(path=str(screenshots / f"{name}-uten-js.png"), full_page=True)


def test_language_switch(page: Any, base_url: str, screenshots: Path) -> None:
    page.goto(base_url + PLAN, wait_until="networkidle")
    page.get_by_role("link", name="English").click()
    page.wait_for_load_state("networkidle")
    assert page.locator("html").get_attribute("lang") == "en"
    assert "9,400 million NOK" in visible_text(page)
    page.get_by_role("link", name="Investments", exact=True).click()
    assert page.locator("html").get_attribute("lang") == "en"
    assert "lang=en" in page.url
    page.screenshot(path=str(screenshots / "investments-en.png"), full_page=True)
    page.get_by_role("link", name="Norsk (bokmål)").click()
    assert page.locator("html").get_attribute("lang") == "nb"


def test_keyboard_reaches_main_content(page: Any, base_url: str) -> None:
    page.goto(base_url + PLAN, wait_until="networkidle")
    page.keyboard.press("Tab")
    focused = page.evaluate("document.activeElement.getAttribute('href')")
    assert focused == "#main"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"
    page.keyboard.press("Tab")
    inside = page.evaluate("document.getElementById('main').contains(document.activeElement)")
    assert inside


AXE_PAGES = {**PAGES, **{f"sektor-{s}": f"sektorer/{s}" for s in (
    "bistand-og-omsorg", "miljo-idrett-og-kultur", "organisasjon-styring-og-utvikling")}}


@pytest.mark.parametrize("name", AXE_PAGES)
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_axe_finds_no_violations(page: Any, base_url: str, name: str, lang: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    page.goto(base_url + PLAN + AXE_PAGES[name] + f"?lang={lang}", wait_until="networkidle")
    if page.locator("figure.chart").count():
        wait_live(page, page.locator("figure.chart").count())
    page.evaluate("document.querySelectorAll('details').forEach(d => d.open = true)")
    results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    violations = results.response["violations"]
    assert not violations, results.generate_report()


def test_error_pages_pass_axe(page: Any, base_url: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    for path in ("/plan/finnes-ikke/", PLAN + "?lang=xx"):
        page.goto(base_url + path)
        results = Axe().run(page, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
        assert not results.response["violations"], results.generate_report()
