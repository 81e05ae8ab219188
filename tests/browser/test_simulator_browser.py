"""The budget simulator in real Chromium on a 375 px phone: with JavaScript the result follows
each change at once; without it the form recomputes on submit; a balanced budget is sent;
axe-core finds no WCAG 2.1 AA violations on the citizens' pages."""

from __future__ import annotations

import shutil
import time
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

pytestmark = pytest.mark.browser

PLAN = "/plan/baerum-2018-2021/"
SIM = PLAN + "budsjettsimulator"
PHONE = {"width": 375, "height": 812}
AXE_TAGS = ["wcag2a", "wcag2aa", "wcag21a", "wcag21aa"]
README_SHOT = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


def text(page: Any) -> str:
    return page.inner_text("body").replace("\u00a0", " ")


@pytest.fixture()
def phone(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="nb-NO", device_scale_factor=1)
    p = context.new_page()
    p.set_default_timeout(180_000)  # a shared 2-core machine; the first page projects the plan
    errors: list[str] = []
    p.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    p.console_errors = errors  # type: ignore[attr-defined]
    yield p
    context.close()


@pytest.fixture()
def phone_nojs(browser: Any) -> Iterator[Any]:
    context = browser.new_context(viewport=PHONE, locale="nb-NO", java_script_enabled=False)
    p = context.new_page()
    p.set_default_timeout(180_000)
    yield p
    context.close()


def wait_for_result(page: Any, words: str, timeout: float = 120.0) -> None:
    """Poll the result section (the page's CSP forbids Playwright's eval-based waits)."""
    deadline = time.monotonic() + timeout
    while words not in page.inner_text("#resultat").replace("\u00a0", " "):
        assert time.monotonic() < deadline, f"the result never said {words!r}"
        page.wait_for_timeout(100)


def no_horizontal_scroll(page: Any) -> bool:
    return page.evaluate("document.documentElement.scrollWidth <= window.innerWidth + 1")


def test_with_javascript_the_result_follows_each_change(phone: Any, base_url: str,
                                                        screenshots: Path) -> None:
    phone.goto(base_url + SIM, wait_until="networkidle")
    assert "går i balanse" in text(phone)
    assert no_horizontal_scroll(phone)
    before = phone.url
    phone.fill("#f-ramme-barn-og-unge", "10")
    phone.fill("#f-ramme-bistand-og-omsorg", "10")
    wait_for_result(phone, "igjen å finne")
    bar = phone.locator("#sim-bar")  # the verdict follows the reader at the form's foot
    assert "igjen å finne" in bar.inner_text() and bar.get_attribute("class") == "bad"
    box = bar.bounding_box()
    assert box is not None and box["y"] >= 0 and box["y"] + box["height"] <= PHONE["height"]
    assert phone.url != before and "ramme-barn-og-unge=10" in phone.url  # shareable
    assert "igjen å finne" in text(phone)
    assert phone.locator("#resultat form[method=post]").count() == 0  # not balanced
    phone.screenshot(path=str(screenshots / "budsjettsimulator-ubalanse.png"), full_page=True)
    phone.fill("#f-ramme-bistand-og-omsorg", "-2")
    phone.fill("#f-ramme-barn-og-unge", "-1")
    wait_for_result(phone, "Budsjettet ditt går i balanse")
    assert "Budsjettet ditt går i balanse" in phone.inner_text("#sim-bar")
    assert not phone.console_errors


def test_without_javascript_the_form_recomputes(phone_nojs: Any, base_url: str,
                                                screenshots: Path) -> None:
    phone_nojs.goto(base_url + SIM, wait_until="networkidle")
    assert phone_nojs.locator("#eiendomsskatt").is_visible()  # why there is no such lever
    assert "har ikke eiendomsskatt i denne planen" in phone_nojs.inner_text("#eiendomsskatt")
    phone_nojs.fill("#f-ramme-barn-og-unge", "10")
    phone_nojs.fill("#f-ramme-bistand-og-omsorg", "10")
    phone_nojs.get_by_role("button", name="Regn ut").click()
    phone_nojs.wait_for_load_state("networkidle")
    assert "igjen å finne" in text(phone_nojs)
    assert "igjen å finne" in phone_nojs.inner_text("#sim-bar")
    assert phone_nojs.input_value("#f-ramme-barn-og-unge") == "10"
    assert no_horizontal_scroll(phone_nojs)
    phone_nojs.screenshot(path=str(screenshots / "budsjettsimulator-uten-js.png"),
                          full_page=True)


def test_a_balanced_budget_is_sent_from_a_phone(phone: Any, base_url: str,
                                                screenshots: Path) -> None:
    phone.goto(base_url + SIM + "?ramme-organisasjon-styring-og-utvikling=-3&utsettelse=1",
               wait_until="networkidle")
    assert "går i balanse" in text(phone)
    phone.fill("#s-comment", "Mindre til administrasjon, vent med byggene ett år.")
    phone.fill("#s-postcode", "1337")
    phone.select_option("#s-age", "30-49")
    phone.screenshot(path=str(screenshots / "budsjettsimulator-mobil.png"), full_page=True)
    README_SHOT.mkdir(parents=True, exist_ok=True)
    shutil.copy(screenshots / "budsjettsimulator-mobil.png",
                README_SHOT / "budsjettsimulator-mobil.png")
    phone.get_by_role("button", name="Send budsjettet").click()
    phone.wait_for_load_state("networkidle")
    assert "Takk for budsjettet ditt" in text(phone)
    phone.get_by_role("link", name="Se hva innbyggerne har valgt så langt").click()
    phone.wait_for_load_state("networkidle")
    assert "budsjetter er sendt inn" in text(phone)


def test_wide_screen(page: Any, base_url: str, screenshots: Path) -> None:
    page.set_default_timeout(180_000)
    page.set_viewport_size({"width": 1366, "height": 900})
    page.goto(base_url + SIM + "?ramme-barn-og-unge=2&langsiktige-investeringer=-10",
              wait_until="networkidle")
    page.screenshot(path=str(screenshots / "budsjettsimulator-1366.png"), full_page=True)
    assert no_horizontal_scroll(page)
    assert not page.locator("#sim-bar").is_visible()  # the result is beside the form


@pytest.mark.parametrize("path", [
    "budsjettsimulator", "budsjettsimulator?ramme-barn-og-unge=10&ramme-bistand-og-omsorg=10",
    "budsjettsimulator?ramme-barn-og-unge=50", "innspill", "kommenter", "personvern",
    "budsjettsimulator/takk"])
@pytest.mark.parametrize("lang", ["nb", "en"])
def test_axe_finds_no_violations(phone: Any, base_url: str, path: str, lang: str) -> None:
    from axe_playwright_python.sync_playwright import Axe

    sep = "&" if "?" in path else "?"
    phone.goto(base_url + PLAN + path + f"{sep}lang={lang}", wait_until="networkidle")
    results = Axe().run(phone, options={"runOnly": {"type": "tag", "values": AXE_TAGS}})
    assert not results.response["violations"], results.generate_report()
